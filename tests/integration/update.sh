#!/bin/bash
# update: runc's flags and --resources (a LinuxResources JSON on stdin as docker
# passes it, or in a file as podman does) reach the running container's cgroup
# files, with runc's v2 conversions; updates build on each other (the merged
# resources are kept in the state directory), `events` sees the new limits, the
# new limits are enforced, and runc 1.1.5's messages for bad input.
source "$(dirname "$0")/../lib.sh"

CGROUP2=0
[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] && CGROUP2=1

# cg CONTROLLER V1FILE V2FILE: the content of the container's cgroup file
cg() {
	if [[ $CGROUP2 -eq 1 ]]; then
		cat "/sys/fs/cgroup$CGROUP_PARENT/$ID/$3"
	else
		cat "/sys/fs/cgroup/$1$CGROUP_PARENT/$ID/$2"
	fi
}

# rt_stdin FILE ARGS...: like rt, with stdin from FILE
rt_stdin() {
	local in=$1
	shift
	local out=$TEST_TMP/out.$BASHPID err=$TEST_TMP/err.$BASHPID
	timeout -k 5 "$TEST_TIMEOUT" "$RUNTIME" --root "$ROOT" "$@" <"$in" >"$out" 2>"$err"
	RC=$?
	OUT=$(cat "$out")
	ERR=$(cat "$err")
}

start_limited() {
	new_container
	set_config '.linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 20}}'
	create_started sleep 1000
}

# v1's "no limit" for memory: the largest page-aligned value
V1_UNLIMITED=9223372036854771712

test_update_flags() {
	start_limited
	rt_ok update --memory 128m --memory-reservation 32m --cpu-share 512 --cpu-quota 30000 \
		--cpu-period 60000 --pids-limit 40 --cpuset-cpus 0 "$ID"
	assert_eq "memory limit" 134217728 "$(cg memory memory.limit_in_bytes memory.max)"
	assert_eq "memory reservation" 33554432 "$(cg memory memory.soft_limit_in_bytes memory.low)"
	assert_eq "pids limit" 40 "$(cg pids pids.max pids.max)"
	assert_eq "cpuset" 0 "$(cg cpuset cpuset.cpus cpuset.cpus)"
	if [[ $CGROUP2 -eq 1 ]]; then
		assert_eq "cpu.max" "30000 60000" "$(cg cpu - cpu.max)"
		assert_eq "cpu.weight (from shares 512)" 20 "$(cg cpu - cpu.weight)"
	else
		assert_eq "cpu.shares" 512 "$(cg cpu cpu.shares -)"
		assert_eq "cfs quota" 30000 "$(cg cpu cpu.cfs_quota_us -)"
		assert_eq "cfs period" 60000 "$(cg cpu cpu.cfs_period_us -)"
	fi
}

test_update_resources_stdin() {
	start_limited
	echo '{"memory": {"limit": 100663296}, "cpu": {"quota": 25000, "period": 100000}, "pids": {"limit": 33}}' \
		>"$TEST_TMP/res.json"
	rt_stdin "$TEST_TMP/res.json" update --resources - "$ID"
	[[ $RC -eq 0 ]] || fail "update --resources - exited $RC: $ERR"
	assert_eq "memory limit" 100663296 "$(cg memory memory.limit_in_bytes memory.max)"
	assert_eq "pids limit" 33 "$(cg pids pids.max pids.max)"
	if [[ $CGROUP2 -eq 1 ]]; then
		assert_eq "cpu.max" "25000 100000" "$(cg cpu - cpu.max)"
	else
		assert_eq "cfs quota" 25000 "$(cg cpu cpu.cfs_quota_us -)"
	fi
}

test_update_resources_file() {
	start_limited
	echo '{"blockIO": {"weight": 300}, "memory": {"reservation": 16777216}}' >"$TEST_TMP/res.json"
	rt_ok update --resources="$TEST_TMP/res.json" "$ID"
	assert_eq "memory reservation" 16777216 "$(cg memory memory.soft_limit_in_bytes memory.low)"
	local dir
	if [[ $CGROUP2 -eq 1 ]]; then
		dir=/sys/fs/cgroup$CGROUP_PARENT/$ID
		if [[ -e $dir/io.bfq.weight ]]; then
			assert_eq "io.bfq.weight" "default 300" "$(cat "$dir/io.bfq.weight")"
		else
			# runc: 1 + (300 - 10) * 9999 / 990
			assert_eq "io.weight" "default 2930" "$(cat "$dir/io.weight")"
		fi
	else
		dir=/sys/fs/cgroup/blkio$CGROUP_PARENT/$ID
		if [[ -e $dir/blkio.weight ]]; then
			assert_eq "blkio.weight" 300 "$(cat "$dir/blkio.weight")"
		else
			assert_eq "blkio.bfq.weight" 300 "$(cat "$dir/blkio.bfq.weight")"
		fi
	fi
}

# Each update starts from what the last one left: quota then period give
# "quota period", and swap given alone is checked against the earlier limit.
test_update_builds_on_previous() {
	start_limited
	rt_ok update --cpu-quota 20000 "$ID"
	rt_ok update --cpu-period 50000 "$ID"
	if [[ $CGROUP2 -eq 1 ]]; then
		assert_eq "cpu.max after two updates" "20000 50000" "$(cg cpu - cpu.max)"
	else
		assert_eq "cfs quota" 20000 "$(cg cpu cpu.cfs_quota_us -)"
		assert_eq "cfs period" 50000 "$(cg cpu cpu.cfs_period_us -)"
	fi
	rt_ok update --memory 100m "$ID"
	local swap_file=memory.swap.max
	[[ $CGROUP2 -eq 0 ]] && swap_file=memory.memsw.limit_in_bytes
	if [[ $CGROUP2 -eq 1 && ! -e /sys/fs/cgroup$CGROUP_PARENT/$ID/memory.swap.max ]] ||
		[[ $CGROUP2 -eq 0 && ! -e /sys/fs/cgroup/memory$CGROUP_PARENT/$ID/memory.memsw.limit_in_bytes ]]; then
		return 0 # no swap accounting on this kernel
	fi
	rt_ok update --memory-swap 200m "$ID"
	assert_eq "memory limit kept" 104857600 "$(cg memory memory.limit_in_bytes memory.max)"
	if [[ $CGROUP2 -eq 1 ]]; then
		# v2's swap is swap alone: 200m - 100m
		assert_eq "memory.swap.max" 104857600 "$(cg memory - memory.swap.max)"
	else
		assert_eq "memsw limit" 209715200 "$(cg memory memory.memsw.limit_in_bytes -)"
	fi
}

test_update_seen_by_events() {
	start_limited
	rt_ok update --memory 96m --pids-limit 25 "$ID"
	rt_ok events --stats "$ID"
	assert_eq "events memory limit" 100663296 "$(jq -r .data.memory.usage.limit <<<"$OUT")"
	assert_eq "events pids limit" 25 "$(jq -r .data.pids.limit <<<"$OUT")"
}

test_update_unlimited() {
	start_limited
	rt_ok update --memory -1 --pids-limit -1 "$ID"
	if [[ $CGROUP2 -eq 1 ]]; then
		assert_eq "memory.max" max "$(cg memory - memory.max)"
	else
		assert_eq "memory limit" $V1_UNLIMITED "$(cg memory memory.limit_in_bytes -)"
	fi
	assert_eq "pids.max" max "$(cg pids pids.max pids.max)"
}

test_update_enforced() {
	start_limited
	rt_ok update --pids-limit 3 "$ID"
	rt exec "$ID" sh -c 'for i in 1 2 3 4 5 6; do sleep 10 & done; wait'
	expect_nonzero "forking beyond the updated pids limit"
	assert_contains "fork error" "$ERR$OUT" "can't fork"
}

test_update_check_before_update() {
	[[ $CGROUP2 -eq 0 ]] && ! is_runc_go && skip "runc checks checkBeforeUpdate on cgroup v2 only"
	start_limited
	echo '{"memory": {"limit": 4096, "checkBeforeUpdate": true}}' >"$TEST_TMP/res.json"
	rt_stdin "$TEST_TMP/res.json" update -r - "$ID"
	expect_rc 1 "a limit below the usage with checkBeforeUpdate"
	expect_err_contains "rejecting memory limit 4096 <= usage"
	assert_eq "limit unchanged" 67108864 "$(cg memory memory.limit_in_bytes memory.max)"
}

test_update_errors() {
	start_limited
	rt update --memory 1x "$ID"
	expect_rc 1 "bad memory value"
	expect_err_contains "invalid value for memory: invalid size: '1x'"
	rt update --cpu-period abc "$ID"
	expect_rc 1 "bad cpu period"
	expect_err_contains "invalid value for cpu-period"
	rt update --mem-bw-schema MB:0=100 "$ID"
	expect_rc 1 "mem-bw-schema"
	expect_err_contains "Intel RDT/MBA: memory bandwidth schema is not enabled"
	rt update --l3-cache-schema L3:0=f "$ID"
	expect_rc 1 "l3-cache-schema"
	expect_err_contains "Intel RDT/CAT: l3 cache schema is not enabled"
	rt update --kernel-memory 10m "$ID"
	expect_rc 0 "kernel memory (ignored)"
	expect_err_contains "Kernel memory settings are ignored and will be removed"
	echo '{"memory": ' >"$TEST_TMP/bad.json"
	rt_stdin "$TEST_TMP/bad.json" update -r - "$ID"
	expect_nonzero "invalid JSON"
	rt update --memory 64m nonexistent-rgt-update
	expect_rc 1 "missing container"
	expect_err_contains "container does not exist"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt update --memory 64m "$ID"
	expect_rc 1 "stopped container"
	expect_err_contains "container not running"
}

run_tests
