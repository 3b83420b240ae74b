#!/bin/bash
# Container lifecycle: create/start/kill/delete, the orders runc allows and
# the ones it refuses (exit codes and message substrings of runc 1.1.5), kill
# signals, run -d/--keep, --pid-file and list.
source "$(dirname "$0")/../lib.sh"

SLEEP=(sleep 1000)

test_full_cycle() {
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	rt_ok create -b "$BUNDLE" "$ID"
	get_state
	assert_eq "status after create" created "$(st status)"
	local pid
	pid=$(st pid)
	[[ $pid =~ ^[0-9]+$ && $pid -gt 0 ]] || fail "pid after create: expected > 0, got '$pid'"
	[[ -d /proc/$pid ]] || fail "init pid $pid after create is not alive"
	rt_ok start "$ID"
	get_state
	assert_eq "status after start" running "$(st status)"
	assert_eq "pid after start" "$pid" "$(st pid)"
	rt_ok kill "$ID" SIGKILL
	wait_status stopped
	get_state
	assert_eq "pid of a stopped container" 0 "$(st pid)"
	rt_ok delete "$ID"
	rt state "$ID"
	expect_rc 1 "state after delete"
	expect_err_contains "container does not exist"
	assert_no_leftovers "$ID"
}

test_state_json() {
	new_container
	create_started "${SLEEP[@]}"
	get_state
	local keys
	keys=$(jq -c 'keys' <<<"$STATE")
	assert_eq "state keys" '["bundle","created","id","ociVersion","owner","pid","rootfs","status"]' "$keys"
	assert_eq "id" "$ID" "$(st id)"
	assert_eq "bundle" "$BUNDLE" "$(st bundle)"
	assert_eq "rootfs" "$BUNDLE/rootfs" "$(st rootfs)"
	assert_eq "owner" "" "$(st owner)"
	[[ $(st created) =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$ ]] ||
		fail "created is not an RFC 3339 UTC time: $(st created)"
	[[ $(st ociVersion) =~ ^1\.[0-9]+\.[0-9]+ ]] || fail "ociVersion: $(st ociVersion)"
	jq -e '.pid | type == "number"' <<<"$STATE" >/dev/null || fail "pid is not a number: $STATE"
}

test_create_does_not_start_process() {
	new_container
	set_config '.root.readonly = false | .process.args = ["sh", "-c", "touch /started; sleep 1000"]'
	rt_ok create -b "$BUNDLE" "$ID"
	sleep 0.3
	[[ -e $BUNDLE/rootfs/started ]] && fail "the process ran before start"
	rt_ok start "$ID"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -e $BUNDLE/rootfs/started ]] && return 0
		sleep 0.05
	done
	fail "the process did not run after start"
}

test_start_twice() {
	new_container
	create_started "${SLEEP[@]}"
	rt start "$ID"
	expect_rc 1 "second start"
	expect_err_contains "cannot start an already running container"
	get_state
	assert_eq "status after a refused start" running "$(st status)"
}

test_start_stopped() {
	new_container
	create_started "${SLEEP[@]}"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt start "$ID"
	expect_rc 1 "start of a stopped container"
	expect_err_contains "cannot start a container that has stopped"
}

test_start_killed_while_created() {
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	rt_ok create -b "$BUNDLE" "$ID"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt start "$ID"
	expect_rc 1 "start after the created init was killed"
	expect_err_contains "cannot start a container that has stopped"
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_delete_running_refused() {
	new_container
	create_started "${SLEEP[@]}"
	rt delete "$ID"
	expect_rc 1 "delete of a running container"
	expect_err_contains "cannot delete container $ID that is not stopped: running"
	get_state
	assert_eq "status after a refused delete" running "$(st status)"
	[[ -d /proc/$(st pid) ]] || fail "the init died on a refused delete"
}

test_delete_created_kills_it() {
	# runc 1.1.5 deletes a created (never started) container without --force.
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	rt_ok create -b "$BUNDLE" "$ID"
	get_state
	local pid
	pid=$(st pid)
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
	wait_dead "$pid"
}

test_delete_force_running() {
	new_container
	create_started sh -c 'sleep 1000 & sleep 1000'
	get_state
	local pid
	pid=$(st pid)
	rt_ok delete --force "$ID"
	assert_no_leftovers "$ID"
	wait_dead "$pid"
}

test_delete_short_force_flag() {
	new_container
	create_started "${SLEEP[@]}"
	rt_ok delete -f "$ID"
	assert_no_leftovers "$ID"
}

test_delete_stopped_after_exit() {
	new_container
	create_started true
	wait_status stopped
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_kill_stopped() {
	new_container
	create_started "${SLEEP[@]}"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt kill "$ID" KILL
	expect_rc 1 "kill of a stopped container"
	expect_err_contains "container not running"
	get_state
	assert_eq "status" stopped "$(st status)"
}

test_duplicate_id() {
	new_container
	create_started "${SLEEP[@]}"
	local first_pid
	get_state
	first_pid=$(st pid)
	rt create -b "$BUNDLE" "$ID"
	expect_rc 1 "create with an existing id"
	# runc: "runc create failed: container with given ID already exists"
	expect_err_contains "container with"
	expect_err_contains "exists"
	get_state
	assert_eq "status of the first container" running "$(st status)"
	assert_eq "pid of the first container" "$first_pid" "$(st pid)"
}

test_nonexistent_id() {
	local id cmd
	id=$(new_id)
	for cmd in state start kill delete; do
		rt $cmd "$id"
		expect_rc 1 "$cmd of a nonexistent container"
		expect_err_contains "container does not exist" "$cmd"
	done
	rt kill "$id" KILL
	expect_rc 1 "kill ID KILL of a nonexistent container"
	expect_err_contains "container does not exist" "kill KILL"
}

test_delete_force_nonexistent() {
	# runc 1.1.5: exits 0 and prints nothing (engines call `delete --force`
	# after `delete` and rely on it).
	local id
	id=$(new_id)
	rt delete --force "$id"
	expect_rc 0 "delete --force of a nonexistent container"
	assert_eq "stderr of delete --force of a nonexistent container" "" "$ERR"
	assert_eq "stdout" "" "$OUT"
}

kill_with() { # kill_with SIGNAL: a running sleep must stop
	new_container
	create_started "${SLEEP[@]}"
	rt_ok kill "$ID" "$1"
	wait_status stopped
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_kill_KILL() { kill_with KILL; }
test_kill_SIGKILL() { kill_with SIGKILL; }
test_kill_9() { kill_with 9; }

# pid 1 of a pid namespace only gets signals it handles: a trap makes TERM
# visible and its exit code proves which signal arrived.
TRAP_SH='trap "exit 7" TERM; trap "exit 8" USR1; trap "exit 9" HUP; while :; do sleep 0.05; done'

kill_trapped() { # kill_trapped SIGNAL...: kill args after ID
	new_container
	create_started sh -c "$TRAP_SH"
	sleep 0.2
	rt_ok kill "$ID" "$@"
	wait_status stopped
}

test_kill_TERM() { kill_trapped TERM; }
test_kill_SIGTERM() { kill_trapped SIGTERM; }
test_kill_15() { kill_trapped 15; }
test_kill_default_signal_is_TERM() { kill_trapped; }
test_kill_USR1() { kill_trapped USR1; }
test_kill_sighup_lowercase() { kill_trapped sighup; }

test_kill_TERM_exit_code() {
	# `run` reports the trap's exit code: TERM reached the handler.
	new_container
	set_config '.process.args = ["sh", "-c", $s]' --arg s "$TRAP_SH"
	signal_when_running "$ID" TERM 0.3 &
	rt run -b "$BUNDLE" "$ID"
	wait
	expect_rc 7 "run of a container sent TERM"
	assert_no_leftovers "$ID"
}

test_kill_unknown_signal() {
	new_container
	create_started "${SLEEP[@]}"
	local sig
	for sig in FOO SIGFOO 12345abc; do
		rt kill "$ID" "$sig"
		expect_rc 1 "kill $sig"
		# runc's logrus escapes the quotes: msg="unknown signal \"FOO\""
		expect_err_contains "unknown signal" "kill $sig"
		expect_err_contains "$sig" "kill $sig"
	done
	get_state
	assert_eq "status after unknown signals" running "$(st status)"
}

test_kill_all() {
	new_container
	create_started sh -c 'sleep 1000 & sleep 1000 & wait'
	get_state
	local pid children
	pid=$(st pid)
	sleep 0.3
	children=$(cat /proc/$pid/task/*/children 2>/dev/null | wc -w)
	[[ $children -ge 2 ]] || fail "expected 2 children of $pid, found $children"
	rt_ok kill --all "$ID" KILL
	wait_status stopped
	local procs
	procs=$(processes_of "$ID" "$BUNDLE")
	assert_eq "processes after kill --all" "" "$procs"
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_kill_all_short_flag() {
	new_container
	create_started sh -c 'sleep 1000 & wait'
	rt_ok kill -a "$ID" KILL
	wait_status stopped
}

test_run_detach() {
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	rt run -d -b "$BUNDLE" "$ID"
	expect_rc 0 "run -d"
	get_state
	assert_eq "status after run -d" running "$(st status)"
	[[ -d /proc/$(st pid) ]] || fail "init of run -d is not alive"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_run_detach_long_flag() {
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	rt_ok run --detach --bundle "$BUNDLE" "$ID"
	get_state
	assert_eq "status after run --detach" running "$(st status)"
}

test_run_keep() {
	new_container
	set_config '.process.args = ["sh", "-c", "exit 3"]'
	rt run --keep -b "$BUNDLE" "$ID"
	expect_rc 3 "run --keep"
	get_state
	assert_eq "status after run --keep" stopped "$(st status)"
	assert_eq "pid of the kept container" 0 "$(st pid)"
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_run_without_keep_removes_state() {
	new_container
	set_config '.process.args = ["true"]'
	rt run -b "$BUNDLE" "$ID"
	expect_rc 0 "run"
	rt state "$ID"
	expect_rc 1 "state after run"
	expect_err_contains "container does not exist"
	assert_no_leftovers "$ID"
}

test_create_pid_file() {
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	rt_ok create --pid-file "$TEST_TMP/$ID.pid" -b "$BUNDLE" "$ID"
	[[ -f $TEST_TMP/$ID.pid ]] || fail "pid file not written by create"
	get_state
	assert_eq "pid file content" "$(st pid)" "$(cat "$TEST_TMP/$ID.pid")"
}

test_create_pid_file_relative() {
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	local dir=$TEST_TMP/pidrel.$BASHPID
	mkdir -p "$dir"
	(cd "$dir" && rt create --pid-file=init.pid --bundle="$BUNDLE" "$ID" && echo "$RC" >rc)
	assert_eq "create --pid-file=init.pid exit" 0 "$(cat "$dir/rc")"
	get_state
	assert_eq "relative pid file content" "$(st pid)" "$(cat "$dir/init.pid" 2>/dev/null)"
}

test_run_detach_pid_file() {
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	rt_ok run -d --pid-file "$TEST_TMP/$ID.pid" -b "$BUNDLE" "$ID"
	get_state
	assert_eq "pid file of run -d" "$(st pid)" "$(cat "$TEST_TMP/$ID.pid" 2>/dev/null)"
}

test_create_default_bundle_is_cwd() {
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	(cd "$BUNDLE" && rt create "$ID" && echo "$RC" >"$TEST_TMP/rc.$ID")
	assert_eq "create in the bundle dir exit" 0 "$(cat "$TEST_TMP/rc.$ID")"
	get_state
	assert_eq "bundle of a container created in its dir" "$BUNDLE" "$(st bundle)"
}

test_list_table() {
	new_container
	create_started "${SLEEP[@]}"
	get_state
	rt_ok list
	local header row col
	header=$(head -1 <<<"$OUT" | tr -s ' ' | sed 's/ $//')
	assert_eq "list header" "ID PID STATUS BUNDLE CREATED OWNER" "$header"
	row=$(awk -v id="$ID" '$1 == id' <<<"$OUT")
	[[ -n $row ]] || fail "list has no row for $ID: $OUT"
	read -r r_id r_pid r_status r_bundle r_created r_owner <<<"$row"
	assert_eq "list pid" "$(st pid)" "$r_pid"
	assert_eq "list status" running "$r_status"
	assert_eq "list bundle" "$BUNDLE" "$r_bundle"
	assert_eq "list created" "$(st created)" "$r_created"
	assert_eq "list owner" root "$r_owner"
	# a table: every field of the row starts where its header starts
	for col in PID STATUS BUNDLE CREATED OWNER; do
		local at
		at=$(head -1 <<<"$OUT" | awk -v h="$col" '{print index($0, h)}')
		[[ ${row:at-2:1} == " " && ${row:at-1:1} != " " ]] ||
			fail "column $col (at $at) is not aligned: '$(head -1 <<<"$OUT")' / '$row'"
	done
}

test_list_several() {
	local ids=() i
	for i in 1 2 3; do
		new_container
		set_config '.process.args = ["sleep", "1000"]'
		rt_ok create -b "$BUNDLE" "$ID"
		ids+=("$ID")
	done
	rt_ok start "${ids[1]}"
	rt_ok list -q
	assert_eq "list -q" "$(printf '%s\n' "${ids[@]}" | sort)" "$(sort <<<"$OUT")"
	rt_ok list --format json
	assert_eq "json statuses" "created running created" \
		"$(jq -r --arg a "${ids[0]}" --arg b "${ids[1]}" --arg c "${ids[2]}" \
			'[$a, $b, $c] as $ids | [$ids[] as $i | .[] | select(.id == $i) | .status] | join(" ")' <<<"$OUT")"
}

test_list_quiet() {
	new_container
	create_started "${SLEEP[@]}"
	rt_ok list -q
	assert_eq "list -q" "$ID" "$OUT"
	rt_ok list --quiet
	assert_eq "list --quiet" "$ID" "$OUT"
}

test_list_json() {
	new_container
	create_started "${SLEEP[@]}"
	get_state
	rt_ok list --format json
	jq -e 'type == "array" and length == 1' <<<"$OUT" >/dev/null || fail "list json: $OUT"
	assert_eq "list json keys" '["bundle","created","id","ociVersion","owner","pid","rootfs","status"]' \
		"$(jq -c '.[0] | keys' <<<"$OUT")"
	assert_eq "json id" "$ID" "$(jq -r '.[0].id' <<<"$OUT")"
	assert_eq "json pid" "$(st pid)" "$(jq -r '.[0].pid' <<<"$OUT")"
	assert_eq "json status" running "$(jq -r '.[0].status' <<<"$OUT")"
	assert_eq "json bundle" "$BUNDLE" "$(jq -r '.[0].bundle' <<<"$OUT")"
	assert_eq "json created" "$(st created)" "$(jq -r '.[0].created' <<<"$OUT")"
	assert_eq "json owner" root "$(jq -r '.[0].owner' <<<"$OUT")"
	rt_ok list -f json
	assert_eq "list -f json id" "$ID" "$(jq -r '.[0].id' <<<"$OUT")"
	rt_ok list --format=json
	assert_eq "list --format=json id" "$ID" "$(jq -r '.[0].id' <<<"$OUT")"
}

test_list_empty() {
	rt_ok list
	assert_eq "empty list" "ID PID STATUS BUNDLE CREATED OWNER" "$(tr -s ' ' <<<"$OUT" | sed 's/ $//')"
	rt_ok list -q
	assert_eq "empty list -q" "" "$OUT"
	rt_ok list --format json
	assert_eq "empty list json (runc prints null)" "null" "$OUT"
}

test_list_bad_format() {
	rt list --format yaml
	expect_nonzero "list --format yaml"
	expect_err_contains "invalid format option"
}

test_list_missing_root() {
	RC=0
	local root=$TEST_TMP/no-such-root
	OUT=$(timeout 10 "$RUNTIME" --root "$root" list 2>&1) || RC=$?
	expect_rc 0 "list with a missing root dir"
	assert_eq "list with a missing root" "ID PID STATUS BUNDLE CREATED OWNER" "$(tr -s ' ' <<<"$OUT" | sed 's/ $//')"
}

test_create_makes_missing_root() {
	new_container
	set_config '.process.args = ["sleep", "1000"]'
	local root=$TEST_TMP/new-root/sub
	timeout 20 "$RUNTIME" --root "$root" create -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$TEST_TMP/err" ||
		fail "create with a missing root dir: $(cat "$TEST_TMP/err")"
	[[ -d $root/$ID ]] || { timeout 10 "$RUNTIME" --root "$root" delete -f "$ID"; fail "no state dir $root/$ID"; }
	timeout 10 "$RUNTIME" --root "$root" delete -f "$ID" </dev/null >/dev/null 2>&1 ||
		fail "delete -f in the new root failed"
	[[ -e $root/$ID ]] && fail "state dir $root/$ID left after delete"
	return 0
}

# A create killed before it recorded the container leaves a state dir without
# state.json (and nobody holding its lock): the id must not stay blocked, and
# delete --force removes the leftover.
stale_state_dir() {
	mkdir -p "$ROOT/$ID"
	mkfifo "$ROOT/$ID/exec.fifo"
	echo '{}' >"$ROOT/$ID/config.json"
}

test_create_over_a_killed_create() {
	require_runc_go
	new_container
	stale_state_dir
	rt list -q
	[[ $OUT == *"$ID"* ]] && fail "list shows the half-made container"
	create_started sleep 1000
	get_state
	assert_eq "status" running "$(st status)"
	rt_ok delete --force "$ID"
	assert_no_leftovers "$ID"
}

test_delete_force_removes_a_killed_create() {
	require_runc_go
	new_container
	stale_state_dir
	rt_ok delete --force "$ID"
	[[ -e $ROOT/$ID ]] && fail "the leftover state dir is still there: $(ls -A "$ROOT/$ID")"
	assert_no_leftovers "$ID"
}

# A state dir whose lock is held (a create still running) is never taken.
test_create_waits_for_no_one_holding_the_lock() {
	require_runc_go
	new_container
	mkdir -p "$ROOT/$ID"
	flock "$ROOT/$ID" sleep 3 &
	local holder=$!
	sleep 0.3
	rt create -b "$BUNDLE" "$ID"
	expect_rc 1 "create while another holds the id"
	expect_err_contains "container with given ID already exists"
	[[ -d $ROOT/$ID ]] || fail "the held state dir was removed"
	wait "$holder"
	rmdir "$ROOT/$ID"
}

run_tests
