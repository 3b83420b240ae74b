#!/bin/bash
# pause / resume: the whole cgroup is frozen (v1 freezer.state FROZEN, v2
# cgroup.freeze 1 with "frozen 1" in cgroup.events), the status "paused" comes
# from the freezer, a counter written by the container stops and then goes on,
# runc 1.1.5's messages for the refused cases, and kill / delete --force / exec
# on a paused container.
source "$(dirname "$0")/../lib.sh"

CGROUP2=0
[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] && CGROUP2=1

# The container counts in its own rootfs; the host reads $BUNDLE/rootfs/count.
COUNTER='i=0; while :; do i=$((i+1)); echo $i > /count; sleep 0.05; done'

start_counter() {
	new_container
	set_config '.root.readonly = false'
	create_started sh -c "$COUNTER"
	get_state
	PID=$(st pid)
	wait_counting
}

count() { cat "$BUNDLE/rootfs/count" 2>/dev/null || echo 0; }

# wait_counting: the counter must move within 5 s
wait_counting() {
	local first i
	first=$(count)
	for ((i = 0; i < 100; i++)); do
		sleep 0.05
		[[ $(count) != "$first" ]] && return 0
	done
	fail "the counter stays at '$first': the container does not run"
}

# freezer_state: FROZEN/THAWED (v1) or the v2 "freeze frozen" pair, e.g. "1 1"
freezer_state() {
	if [[ $CGROUP2 -eq 1 ]]; then
		local dir=/sys/fs/cgroup$CGROUP_PARENT/$ID
		echo "$(cat "$dir/cgroup.freeze") $(awk '$1 == "frozen" {print $2}' "$dir/cgroup.events")"
	else
		cat "/sys/fs/cgroup/freezer$CGROUP_PARENT/$ID/freezer.state"
	fi
}

frozen_value() { [[ $CGROUP2 -eq 1 ]] && echo "1 1" || echo FROZEN; }
thawed_value() { [[ $CGROUP2 -eq 1 ]] && echo "0 0" || echo THAWED; }

test_pause_stops_and_resume_continues() {
	start_counter
	rt_ok pause "$ID"
	assert_eq "freezer after pause" "$(frozen_value)" "$(freezer_state)"
	get_state
	assert_eq "status after pause" paused "$(st status)"
	assert_eq "pid while paused" "$PID" "$(st pid)"
	local before after
	before=$(count)
	sleep 0.5
	after=$(count)
	assert_eq "counter while paused" "$before" "$after"
	rt_ok resume "$ID"
	assert_eq "freezer after resume" "$(thawed_value)" "$(freezer_state)"
	get_state
	assert_eq "status after resume" running "$(st status)"
	wait_counting
	[[ $(count) -gt $after ]] || fail "counter went back: $(count) after $after"
}

test_paused_in_list() {
	start_counter
	rt_ok pause "$ID"
	rt_ok list
	local line
	line=$(awk -v id="$ID" '$1 == id' <<<"$OUT")
	[[ $(awk '{print $3}' <<<"$line") == paused ]] || fail "list does not show paused: $line"
	rt_ok list --format json
	assert_eq "list json status" paused "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$OUT")"
}

# The status is the freezer's, not a stored word: freezing behind the
# runtime's back shows up as paused too.
test_status_follows_freezer() {
	start_counter
	if [[ $CGROUP2 -eq 1 ]]; then
		echo 1 >"/sys/fs/cgroup$CGROUP_PARENT/$ID/cgroup.freeze"
	else
		echo FROZEN >"/sys/fs/cgroup/freezer$CGROUP_PARENT/$ID/freezer.state"
	fi
	get_state
	assert_eq "status with the cgroup frozen by hand" paused "$(st status)"
	rt_ok resume "$ID"
	wait_counting
}

test_pause_created_container() {
	new_container
	set_config '.root.readonly = false'
	set_args sh -c "$COUNTER"
	rt_ok create -b "$BUNDLE" "$ID"
	rt_ok pause "$ID"
	get_state
	assert_eq "status of a paused created container" paused "$(st status)"
	rt_ok resume "$ID"
	get_state
	assert_eq "status after resume" created "$(st status)"
	rt_ok start "$ID"
	wait_counting
}

test_runc_messages() {
	start_counter
	rt resume "$ID"
	expect_rc 1 "resume of a running container"
	expect_err_contains "container not paused"
	rt_ok pause "$ID"
	rt pause "$ID"
	expect_rc 1 "pause of a paused container"
	expect_err_contains "container not running"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt pause "$ID"
	expect_rc 1 "pause of a stopped container"
	expect_err_contains "container not running"
	rt resume "$ID"
	expect_rc 1 "resume of a stopped container"
	expect_err_contains "container not paused"
	rt pause nonexistent-rgt-pause
	expect_rc 1 "pause of a missing container"
	expect_err_contains "container does not exist"
	rt pause
	expect_rc 1 "pause without an id"
	expect_err_contains 'requires exactly 1 argument(s)'
}

test_kill_paused() {
	start_counter
	rt_ok pause "$ID"
	rt_ok kill "$ID" KILL
	wait_status stopped
	wait_dead "$PID"
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

# runc 1.1's kill --all thaws the cgroup after signalling, a paused one too.
test_kill_all_paused() {
	start_counter
	rt_ok exec -d "$ID" sleep 1000
	rt_ok pause "$ID"
	rt_ok kill --all "$ID" KILL
	wait_status stopped
	wait_dead "$PID"
	local left
	left=$(cat "$(cgroup_roots | head -1)$CGROUP_PARENT/$ID/cgroup.procs" 2>/dev/null)
	[[ -z $left ]] || fail "processes left in the cgroup: $left"
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_delete_force_paused() {
	start_counter
	rt_ok pause "$ID"
	rt delete "$ID"
	expect_rc 1 "delete of a paused container"
	expect_err_contains "cannot delete container $ID that is not stopped: paused"
	rt_ok delete --force "$ID"
	wait_dead "$PID"
	assert_no_leftovers "$ID"
}

test_exec_paused_refused() {
	start_counter
	rt_ok pause "$ID"
	rt exec "$ID" true
	expect_nonzero "exec in a paused container"
	expect_err_contains "cannot exec in a paused container"
	rt_ok resume "$ID"
	rt_ok exec "$ID" true
}

run_tests
