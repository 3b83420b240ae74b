#!/bin/bash
# Fault injection: a build of runc-go made with FAULT_INJECTION=1 fails (or
# dies by SIGKILL) at a named step (src/fault.h). For every step of create,
# the init, start, exec and delete, in both modes, the container's resources
# are afterwards either all there and removed by `delete --force`, or none
# were made: no state dir, mount, cgroup directory or process remains.
source "$(dirname "$0")/../lib.sh"

# Every injection point the runtime has; the test fails if one is never
# reached, or if the runtime reaches one this list doesn't know.
STEPS=(
	"create: read and check config.json"
	"create: state dir, exec fifo, sync socket"
	"create: console socket"
	"create: cgroup, before the clone"
	"create: clone the init"
	"create: id maps, cgroups"
	"create: the init's setup"
	"init: namespaces"
	"init: rootfs and mounts"
	"init: process"
	"create: receive the pty master"
	"create: write state.json"
	"start: release the init"
	"start: poststart hooks"
	"exec: read the container and the process"
	"exec: fork into the pid namespace"
	"exec: cgroup, the child's setup, execve"
	"delete: kill the processes"
	"delete: remove the cgroups"
	"delete: poststop hooks"
	"delete: remove the state"
)

# The fault build, made once per run (make is incremental), beside the suite's.
fault_build() {
	local build=$REPO/build-fault
	[[ ${SANITIZE:-} == 1 ]] && build=$REPO/build-fault-sanitize
	(flock 9; make -s -C "$REPO" FAULT_INJECTION=1 BUILD="$build" SANITIZE="${SANITIZE:-}" all \
		>"$TEST_TMP/fault-build.log" 2>&1) 9>"$REPO/.fault-build.lock" ||
		fail "cannot build with FAULT_INJECTION=1: $(tail -5 "$TEST_TMP/fault-build.log")"
	FAULT_RT=$build/runc-go
}

# frt [ENV=VALUE...] ARGS...: the fault build with the script's root
frt() {
	local envs=()
	while [[ $1 == *=* ]]; do
		envs+=("$1")
		shift
	done
	local out=$TEST_TMP/out.$BASHPID err=$TEST_TMP/err.$BASHPID
	env "${envs[@]}" timeout -k 5 "$TEST_TIMEOUT" "$FAULT_RT" --root "$ROOT" "$@" </dev/null >"$out" 2>"$err"
	RC=$?
	OUT=$(cat "$out")
	ERR=$(cat "$err")
}

test_every_step_has_an_injection_point() {
	fault_build
	local list=$TEST_TMP/steps.$BASHPID
	new_container
	set_config '.hooks.poststart = [{"path": "/bin/true"}] | .hooks.poststop = [{"path": "/bin/true"}]'
	set_args sleep 1000
	frt RUNC_GO_FAULT_LIST="$list" create -b "$BUNDLE" "$ID"
	[[ $RC -eq 0 ]] || fail "create: $ERR"
	frt RUNC_GO_FAULT_LIST="$list" start "$ID"
	frt RUNC_GO_FAULT_LIST="$list" exec "$ID" true
	[[ $RC -eq 0 ]] || fail "exec: $ERR"
	frt RUNC_GO_FAULT_LIST="$list" delete --force "$ID"
	[[ $RC -eq 0 ]] || fail "delete: $ERR"
	local step reached
	reached=$(sort -u "$list")
	for step in "${STEPS[@]}"; do
		grep -qxF "$step" <<<"$reached" || fail "step '$step' was never reached"
	done
	while IFS= read -r step; do
		printf '%s\n' "${STEPS[@]}" | grep -qxF "$step" || fail "the runtime has a step the test doesn't list: '$step'"
	done <<<"$reached"
	assert_no_leftovers "$ID"
}

# after_fault WHAT: clean up as an engine would, then nothing may be left
after_fault() {
	frt delete --force "$ID"
	[[ $RC -eq 0 ]] || { sub_fail "$1" "delete --force after the fault exited $RC: $ERR"; return 1; }
	local left
	left=$(leftovers_of "$ID" "$BUNDLE")
	[[ -z $left ]] || { sub_fail "$1" "left behind: $left"; return 1; }
}

# inject STEP MODE: the scenario that reaches STEP, with the fault
inject() {
	local step=$1 mode=$2 fault=$1 name="$1 ($2)"
	[[ $mode == kill ]] && fault="$step:kill"
	new_container
	set_config '.hooks.poststart = [{"path": "/bin/true"}] | .hooks.poststop = [{"path": "/bin/true"}]'
	case $step in
	create:* | init:*)
		set_args true
		frt RUNC_GO_FAULT="$fault" run -b "$BUNDLE" "$ID"
		[[ $RC -ne 0 ]] || { sub_fail "$name" "run succeeded despite the fault"; return; }
		# a create that failed by itself must have rolled everything back
		if [[ $mode == error && -n $(leftovers_of "$ID" "$BUNDLE") ]]; then
			sub_fail "$name" "the failed run left: $(leftovers_of "$ID" "$BUNDLE")"
			return
		fi
		;;
	start:*)
		set_args sleep 1000
		frt create -b "$BUNDLE" "$ID"
		frt RUNC_GO_FAULT="$fault" start "$ID"
		;;
	exec:*)
		set_args sleep 1000
		frt run -d -b "$BUNDLE" "$ID"
		frt RUNC_GO_FAULT="$fault" exec "$ID" sleep 999
		[[ $RC -ne 0 ]] || { sub_fail "$name" "exec succeeded despite the fault"; return; }
		if ps -eo args | grep -q '^sleep 99[9]'; then
			sub_fail "$name" "the exec'd process survived the failed exec"
			return
		fi
		;;
	delete:*)
		set_args sleep 1000
		frt run -d -b "$BUNDLE" "$ID"
		frt RUNC_GO_FAULT="$fault" delete --force "$ID"
		[[ $RC -ne 0 ]] || { sub_fail "$name" "delete succeeded despite the fault"; return; }
		;;
	esac
	after_fault "$name" && sub_pass "$name"
}

test_each_step_fails_cleanly() {
	fault_build
	local step
	for step in "${STEPS[@]}"; do
		inject "$step" error
	done
	[[ $SUB_FAILED -eq 0 ]]
}

test_each_step_killed_cleanly() {
	fault_build
	local step
	for step in "${STEPS[@]}"; do
		inject "$step" kill
	done
	[[ $SUB_FAILED -eq 0 ]]
}

run_tests
