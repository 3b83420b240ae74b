#!/bin/bash
# Cgroups: the container lands in /runc-go-test/<id> of every hierarchy,
# linux.resources reach the cgroup files, limits are enforced, and delete
# removes the directories. Hybrid hosts (v1 controllers + cgroup2 at
# /sys/fs/cgroup/unified) and pure v2 hosts are both handled.
source "$(dirname "$0")/../lib.sh"

CGROUP2=0
[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] && CGROUP2=1

# cg_file CONTROLLER V1FILE V2FILE: host path of the container's file
cg_file() {
	if [[ $CGROUP2 -eq 1 ]]; then
		echo "/sys/fs/cgroup$CGROUP_PARENT/$ID/$3"
	else
		echo "/sys/fs/cgroup/$1$CGROUP_PARENT/$ID/$2"
	fi
}

start_with_resources() { # start_with_resources 'JQ resources object'
	new_container
	set_config ".linux.resources += $1"
	create_started sleep 1000
	get_state
	PID=$(st pid)
}

test_process_in_every_hierarchy() {
	new_container
	create_started sleep 1000
	get_state
	local pid root missing=""
	pid=$(st pid)
	for root in $(cgroup_roots); do
		grep -qx "$pid" "$root$CGROUP_PARENT/$ID/cgroup.procs" 2>/dev/null || missing+="$root "
	done
	[[ -z $missing ]] || fail "pid $pid not in $CGROUP_PARENT/$ID under: $missing"
	rt_ok delete -f "$ID"
	assert_no_leftovers "$ID"
}

test_memory_limit() {
	start_with_resources '{"memory": {"limit": 67108864}}'
	assert_eq "memory limit" 67108864 "$(cat "$(cg_file memory memory.limit_in_bytes memory.max)")"
}

test_memory_reservation() {
	start_with_resources '{"memory": {"reservation": 33554432}}'
	assert_eq "memory reservation" 33554432 "$(cat "$(cg_file memory memory.soft_limit_in_bytes memory.low)")"
}

test_pids_limit() {
	start_with_resources '{"pids": {"limit": 42}}'
	assert_eq "pids.max" 42 "$(cat "$(cg_file pids pids.max pids.max)")"
}

test_pids_limit_enforced() {
	new_container
	set_config '.linux.resources.pids = {"limit": 3}'
	run_in sh -c 'for i in 1 2 3 4 5 6; do sleep 10 & done; echo spawned'
	expect_nonzero "forking beyond pids.max"
	assert_contains "fork error" "$ERR" "can't fork"
	assert_no_leftovers "$ID"
}

test_cpu_shares_and_quota() {
	start_with_resources '{"cpu": {"shares": 512, "quota": 50000, "period": 100000}}'
	if [[ $CGROUP2 -eq 1 ]]; then
		assert_eq "cpu.max" "50000 100000" "$(cat "$(cg_file cpu - cpu.max)")"
		# runc converts shares to weight: 1 + ((shares - 2) * 9999) / 262142
		assert_eq "cpu.weight" 20 "$(cat "$(cg_file cpu - cpu.weight)")"
	else
		assert_eq "cpu.shares" 512 "$(cat "$(cg_file cpu cpu.shares -)")"
		assert_eq "cpu.cfs_quota_us" 50000 "$(cat "$(cg_file cpu cpu.cfs_quota_us -)")"
		assert_eq "cpu.cfs_period_us" 100000 "$(cat "$(cg_file cpu cpu.cfs_period_us -)")"
	fi
}

test_cpuset() {
	start_with_resources '{"cpu": {"cpus": "0", "mems": "0"}}'
	assert_eq "cpuset.cpus" 0 "$(cat "$(cg_file cpuset cpuset.cpus cpuset.cpus)")"
	assert_eq "cpus allowed to the process" 0 \
		"$(awk '/^Cpus_allowed_list/ {print $2}' "/proc/$PID/status")"
}

test_cgroup_seen_inside() {
	[[ $CGROUP2 -eq 1 ]] && skip "v1 layout test (pure cgroup2 host)"
	new_container
	set_config '.linux.resources.memory = {"limit": 50331648}'
	run_sh 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
	assert_eq "own memory limit seen inside" 50331648 "$OUT"
}

test_cgroup_removed_after_run() {
	new_container
	run_sh 'true'
	assert_no_leftovers "$ID"
	local root
	for root in $(cgroup_roots); do
		[[ -e $root$CGROUP_PARENT/$ID ]] && fail "$root$CGROUP_PARENT/$ID left"
	done
	return 0
}

test_nested_cgroups_path() {
	new_container
	set_config '.linux.cgroupsPath = $p' --arg p "$CGROUP_PARENT/$ID/nested/deeper"
	run_sh 'cat /proc/self/cgroup'
	local line
	line=$(grep -E '^[0-9]+:pids:|^0::' <<<"$OUT" | head -1)
	[[ $line == *":$CGROUP_PARENT/$ID/nested/deeper" ]] || fail "not in the nested cgroup: $OUT"
	local root
	for root in $(cgroup_roots); do
		[[ -e $root$CGROUP_PARENT/$ID/nested/deeper ]] && fail "nested cgroup left under $root"
		rmdir "$root$CGROUP_PARENT/$ID/nested" "$root$CGROUP_PARENT/$ID" 2>/dev/null
	done
	return 0
}

run_tests
