#!/bin/bash
# The process attributes the kernel keeps per task, applied by the init (and
# exec) just before execve: linux.personality, process.scheduler,
# process.ioPriority, process.execCPUAffinity (exec only, as the spec says);
# and linux.intelRdt, which needs a resctrl filesystem this host may lack.
# runc 1.1.5 (Debian 12's) predates all but intelRdt and ignores them: those
# tests are runc-go's only.
source "$(dirname "$0")/../lib.sh"

# fields 19 (nice) and 41 (policy) of /proc/self/stat; comm is "sh", no spaces
STAT_NICE_POLICY='read -r stat </proc/self/stat; set -- $stat; shift 18; nice=$1; shift 22; echo "nice=$nice policy=$1"'

test_personality_linux32() {
	require_runc_go
	[[ $(uname -m) == x86_64 ]] || skip "LINUX32 is checked on x86_64 (uname -m becomes i686)"
	new_container
	set_config '.linux.personality = {"domain": "LINUX32"}'
	run_sh 'uname -m'
	assert_eq "uname -m under LINUX32" i686 "$OUT"
	new_container
	set_config '.linux.personality = {"domain": "LINUX"}'
	run_sh 'uname -m'
	assert_eq "uname -m under LINUX" x86_64 "$OUT"
}

test_personality_applies_to_exec() {
	[[ $(uname -m) == x86_64 ]] || skip "LINUX32 is checked on x86_64"
	require_runc_go
	new_container
	set_config '.linux.personality = {"domain": "LINUX32"}'
	create_started sleep 1000
	rt_ok exec "$ID" uname -m
	assert_eq "uname -m of an exec'd process" i686 "$OUT"
	rt_ok delete --force "$ID"
}

test_scheduler_batch_with_nice() {
	require_runc_go
	new_container
	set_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
	run_sh "$STAT_NICE_POLICY"
	assert_eq "nice and policy (SCHED_BATCH = 3)" "nice=7 policy=3" "$OUT"
}

test_scheduler_idle() {
	require_runc_go
	new_container
	set_config '.process.scheduler = {"policy": "SCHED_IDLE"}'
	run_sh "$STAT_NICE_POLICY"
	assert_eq "policy (SCHED_IDLE = 5)" "nice=0 policy=5" "$OUT"
}

test_scheduler_without_one_is_inherited() {
	new_container
	run_sh "$STAT_NICE_POLICY"
	assert_eq "policy without process.scheduler" "nice=0 policy=0" "$OUT"
}

# SCHED_DEADLINE needs runtime <= deadline <= period: the kernel's EINVAL
# becomes an error naming the field, and nothing is left.
test_scheduler_refused_by_the_kernel() {
	require_runc_go
	new_container
	set_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 2000000, "deadline": 1000000, "period": 1000000}'
	run_in true
	expect_nonzero "run with an impossible SCHED_DEADLINE"
	expect_err_contains "config.json: process.scheduler: sched_setattr(SCHED_DEADLINE): invalid argument"
	assert_no_leftovers "$ID"
}

test_io_priority() {
	require_runc_go
	new_container
	set_config '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	run_sh 'ionice -p $$'
	assert_contains "ionice" "$OUT" idle
	new_container
	set_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	run_sh 'ionice -p $$'
	assert_eq "ionice" "best-effort: prio 6" "$OUT"
}

test_io_priority_for_exec() {
	require_runc_go
	new_container
	create_started sleep 1000
	echo '{"args": ["sh", "-c", "ionice -p $$"], "cwd": "/", "env": ["PATH=/bin"],
		"ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 2}}' >"$TEST_TMP/p.json"
	rt_ok exec -p "$TEST_TMP/p.json" "$ID"
	assert_eq "ionice of the exec'd process" "best-effort: prio 2" "$OUT"
	rt_ok delete --force "$ID"
}

exec_with_affinity() { # exec_with_affinity AFFINITY_JSON: Cpus_allowed_list of the exec'd process
	jq -n --argjson a "$1" '{args: ["sh", "-c", "grep Cpus_allowed_list /proc/self/status | cut -f2"],
		cwd: "/", env: ["PATH=/bin"], execCPUAffinity: $a}' >"$TEST_TMP/p.json"
	rt exec -p "$TEST_TMP/p.json" "$ID"
}

test_exec_cpu_affinity_final() {
	require_runc_go
	[[ $(nproc) -ge 2 ]] || skip "needs 2 CPUs"
	new_container
	create_started sleep 1000
	exec_with_affinity '{"final": "1"}'
	expect_rc 0 "exec with execCPUAffinity.final"
	assert_eq "CPUs of the exec'd process" 1 "$OUT"
	exec_with_affinity '{"initial": "0", "final": "0-1"}'
	expect_rc 0 "exec with initial and final"
	assert_eq "CPUs after final" 0-1 "$OUT"
	exec_with_affinity '{"final": "0,x"}'
	expect_rc 255 "exec with a bad CPU list"
	expect_err_contains 'execCPUAffinity.final: invalid cpu list "0,x"'
	[[ $(wc -l <<<"$ERR") -eq 1 ]] || fail "expected one line, got: $ERR"
	rt_ok delete --force "$ID"
	assert_no_leftovers "$ID"
}

test_intel_rdt_without_resctrl_fails() {
	[[ $(stat -fc %t /sys/fs/resctrl 2>/dev/null) == 7655821 ]] && skip "resctrl is mounted on this host"
	new_container
	set_config '.linux.intelRdt = {"closID": "rgo", "l3CacheSchema": "L3:0=f"}'
	run_in true
	expect_nonzero "run with linux.intelRdt and no resctrl"
	if is_runc_go; then
		expect_err_contains "config.json: linux.intelRdt: Intel RDT is not available on this host"
		[[ $(wc -l <<<"$ERR") -eq 1 ]] || fail "expected one line, got: $ERR"
	fi
	assert_no_leftovers "$ID"
}

run_tests
