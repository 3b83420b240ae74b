#!/bin/bash
# ps: the container's host pids as runc prints them (`--format json`, what
# engines call) and the filtered ps(1) table; events: `--stats` prints runc's
# stats object (same field names as runc's on this host), the loop prints one
# event per interval and ends with the container, and OOM kills are reported.
source "$(dirname "$0")/../lib.sh"

CGROUP2=0
[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] && CGROUP2=1

# procs: the pids in the container's cgroup, sorted, one per line
procs() {
	local dir
	if [[ $CGROUP2 -eq 1 ]]; then
		dir=/sys/fs/cgroup$CGROUP_PARENT/$ID
	else
		dir=/sys/fs/cgroup/pids$CGROUP_PARENT/$ID
	fi
	sort -n "$dir/cgroup.procs"
}

start_three() {
	new_container
	create_started sh -c 'sleep 1000 & sleep 1000 & wait'
	get_state
	PID=$(st pid)
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(procs | wc -l) -eq 3 ]] && return 0
		sleep 0.05
	done
	fail "expected 3 processes in the cgroup, got: $(procs | tr '\n' ' ')"
}

test_ps_json() {
	start_three
	rt_ok ps --format json "$ID"
	jq -e 'type == "array" and all(.[]; type == "number")' <<<"$OUT" >/dev/null ||
		fail "not a JSON array of numbers: $OUT"
	[[ $OUT != *" "* ]] || fail "runc prints the array without spaces: $OUT"
	assert_eq "pids" "$(procs | tr '\n' ' ')" "$(jq -r '.[]' <<<"$OUT" | sort -n | tr '\n' ' ')"
	jq -e --argjson p "$PID" 'index($p) != null' <<<"$OUT" >/dev/null || fail "init $PID missing: $OUT"
}

test_ps_table() {
	start_three
	rt_ok ps "$ID"
	local header pids
	header=$(head -1 <<<"$OUT")
	[[ $header =~ ^UID\ +PID\ +PPID ]] || fail "not ps -ef's header: $header"
	pids=$(tail -n +2 <<<"$OUT" | awk '{print $2}' | sort -n | tr '\n' ' ')
	assert_eq "pids of the table" "$(procs | tr '\n' ' ')" "$pids"
}

test_ps_options() {
	start_three
	rt_ok ps "$ID" -o pid,comm
	assert_eq "header" "PID COMMAND" "$(head -1 <<<"$OUT" | awk '{print $1, $2}')"
	assert_eq "commands" "sh sleep sleep" "$(tail -n +2 <<<"$OUT" | awk '{print $2}' | sort | tr '\n' ' ' | sed 's/ $//')"
	rt ps "$ID" -o comm
	expect_rc 1 "ps without a PID column"
	expect_err_contains "couldn't find PID field in ps output"
	rt ps --format xml "$ID"
	expect_rc 1 "bad format"
	expect_err_contains "invalid format option"
}

test_ps_stopped_and_missing() {
	new_container
	create_started true
	wait_status stopped
	rt_ok ps --format json "$ID"
	assert_eq "ps json of a stopped container" null "$OUT"
	rt ps --format json nonexistent-rgt-ps
	expect_rc 1 "missing container"
	expect_err_contains "container does not exist"
}

test_events_stats() {
	new_container
	set_config '.linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 42}}'
	create_started sh -c 'sleep 1000 & wait'
	rt_ok events --stats "$ID"
	[[ $(wc -l <<<"$OUT") -eq 1 ]] || fail "expected one line: $OUT"
	jq -e . <<<"$OUT" >/dev/null || fail "not JSON: $OUT"
	assert_eq "type" stats "$(jq -r .type <<<"$OUT")"
	assert_eq "id" "$ID" "$(jq -r .id <<<"$OUT")"
	assert_eq "data keys" '["blkio","cpu","cpuset","hugetlb","intel_rdt","memory","network_interfaces","pids"]' \
		"$(jq -c '.data | keys' <<<"$OUT")"
	assert_eq "memory limit" 67108864 "$(jq -r .data.memory.usage.limit <<<"$OUT")"
	assert_eq "pids limit" 42 "$(jq -r .data.pids.limit <<<"$OUT")"
	assert_eq "pids current" 2 "$(jq -r .data.pids.current <<<"$OUT")"
	jq -e '.data.memory.usage.usage > 0 and .data.cpu.usage.total > 0' <<<"$OUT" >/dev/null ||
		fail "no memory or cpu usage: $OUT"
	jq -e '.data.memory.raw | length > 10' <<<"$OUT" >/dev/null || fail "no raw memory stats"
}

# The same kind of container under runc: the field names must match.
test_events_fields_match_runc() {
	is_runc_go || skip "compares runc-go with runc"
	[[ -x $RUNC ]] || skip "no reference runc at $RUNC"
	new_container
	set_config '.linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 42}}'
	create_started sleep 1000
	rt_ok events --stats "$ID"
	local ours=$OUT ref_id
	ref_id=$(new_id)
	make_bundle "$ref_id"
	set_config '.linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 42}} | .process.args = ["sleep", "1000"]'
	mkdir -p "$REF_ROOT"
	timeout 20 "$RUNC" --root "$REF_ROOT" run -d -b "$BUNDLE" "$ref_id" </dev/null >/dev/null 2>&1 ||
		fail "runc run failed"
	local theirs
	theirs=$(timeout 20 "$RUNC" --root "$REF_ROOT" events --stats "$ref_id")
	local filter
	# every path whose value is not a number, plus the numbers runc always prints
	for filter in '.data | keys' '.data.cpu | keys' '.data.cpu.usage | keys' '.data.cpuset | keys' \
		'.data.memory | keys' '.data.memory.usage | keys' '.data.memory.swap | keys' \
		'.data.memory.kernel | keys' '.data.memory.raw | keys' '.data.pids | keys' \
		'.data.hugetlb | keys' '.data.blkio | keys' '.data.intel_rdt' '.data.network_interfaces'; do
		assert_eq "runc's $filter" "$(jq -c "$filter" <<<"$theirs")" "$(jq -c "$filter" <<<"$ours")"
	done
}

test_events_interval_until_stopped() {
	new_container
	create_started sleep 1000
	local log=$TEST_TMP/events.log
	timeout 20 "$RUNTIME" --root "$ROOT" events --interval 200ms "$ID" </dev/null >"$log" 2>&1 &
	local events_pid=$! i
	for ((i = 0; i < 100; i++)); do
		[[ $(grep -c '"type":"stats"' "$log") -ge 3 ]] && break
		sleep 0.05
	done
	[[ $(grep -c '"type":"stats"' "$log") -ge 3 ]] || fail "fewer than 3 stats events in 5 s: $(cat "$log")"
	rt_ok kill "$ID" KILL
	# runc 1.1 stops only once the cgroup is gone (delete); runc-go when the init is
	is_runc_go || { wait_status stopped && rt_ok delete "$ID"; }
	wait "$events_pid"
	local rc=$?
	assert_eq "events exit status after the container stopped" 0 "$rc"
	jq -e -s 'all(.[]; .type == "stats" and .id == "'"$ID"'")' "$log" >/dev/null ||
		fail "unexpected lines: $(head -c 300 "$log")"
}

test_events_oom() {
	new_container
	set_config '.linux.resources += {"memory": {"limit": 12582912, "swap": 12582912}}'
	create_started sleep 1000
	local log=$TEST_TMP/events.log
	timeout 30 "$RUNTIME" --root "$ROOT" events --interval 10s "$ID" </dev/null >"$log" 2>&1 &
	local events_pid=$! i
	sleep 0.5
	# a shell variable of 24 MiB in a 12 MiB cgroup: the OOM killer ends it
	TEST_TIMEOUT=60 rt exec "$ID" sh -c 'x=$(head -c 25165824 /dev/zero | tr "\0" a); echo ${#x}'
	expect_nonzero "allocating beyond the memory limit"
	for ((i = 0; i < 100; i++)); do
		grep -q '"type":"oom"' "$log" && break
		sleep 0.05
	done
	rt_ok kill "$ID" KILL
	is_runc_go || { wait_status stopped && rt_ok delete "$ID"; }
	wait "$events_pid"
	grep -qx '{"type":"oom","id":"'"$ID"'"}' "$log" || fail "no oom event: $(cat "$log")"
}

test_events_errors() {
	new_container
	create_started sleep 1000
	rt events --interval 0s "$ID"
	expect_rc 1 "zero interval"
	expect_err_contains "duration interval must be greater than 0"
	rt events --interval abc "$ID"
	expect_nonzero "bad interval"
	expect_err_contains 'for flag -interval: parse error'
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt events --stats "$ID"
	expect_rc 1 "stopped container"
	expect_err_contains "container with id $ID is not running"
	rt events --stats nonexistent-rgt-events
	expect_rc 1 "missing container"
	expect_err_contains "container does not exist"
}

run_tests
