#!/bin/bash
# `run` in the foreground: the runtime's exit code is the container's (128+N
# for a signal), stdio passes through, and nothing is left behind. The plain
# exit-code cases share the cached rootfs through an absolute root.path.
source "$(dirname "$0")/../lib.sh"

run_expect() { # run_expect RC ARGS...
	local want=$1
	shift
	run_in "$@"
	expect_rc "$want" "run $*"
	rt state "$ID"
	expect_rc 1 "state after run"
	expect_err_contains "container does not exist"
	assert_no_leftovers "$ID"
}

test_true_exits_0() {
	new_container --shared-rootfs
	run_expect 0 true
}

test_false_exits_1() {
	new_container --shared-rootfs
	run_expect 1 false
}

test_exit_3() {
	new_container --shared-rootfs
	run_expect 3 sh -c 'exit 3'
}

test_exit_255() {
	new_container --shared-rootfs
	run_expect 255 sh -c 'exit 255'
}

test_shared_rootfs_absolute_path() {
	new_container --shared-rootfs
	[[ $(jq -r .root.path "$BUNDLE/config.json") == /* ]] || fail "root.path is not absolute"
	run_expect 3 sh -c 'exit 3'
}

test_self_sigkill_exits_137() {
	# pid 1 of a pid namespace cannot be killed from inside it (the kernel
	# drops SIGKILL sent to its own init), so the self-kill needs the host's
	# pid namespace: then `kill -9 $$` kills the container's process.
	new_container
	set_config '.linux.namespaces |= map(select(.type != "pid"))'
	run_expect 137 sh -c 'kill -9 $$'
}

test_self_sigkill_as_pid1_is_ignored() {
	# ... and as pid 1 of its own namespace the SIGKILL is dropped: sh goes
	# on and exits with kill's status, 0.
	new_container
	run_expect 0 sh -c 'kill -9 $$'
}

test_child_sigkill_exits_137() {
	new_container
	run_expect 137 sh -c 'sh -c "kill -9 \$\$"; exit $?'
}

test_external_sigkill_exits_137() {
	new_container
	set_args sleep 1000
	signal_when_running "$ID" KILL &
	rt run -b "$BUNDLE" "$ID"
	wait
	expect_rc 137 "run of a container killed with KILL"
	assert_no_leftovers "$ID"
}

test_self_sigterm_exits_143() {
	new_container
	set_config '.linux.namespaces |= map(select(.type != "pid"))'
	run_expect 143 sh -c 'kill -TERM $$'
}

test_stdout_and_stderr_pass_through() {
	new_container
	run_in sh -c 'echo to-stdout; echo to-stderr >&2'
	expect_rc 0 "run"
	assert_eq "stdout" to-stdout "$OUT"
	assert_contains "stderr" "$ERR" to-stderr
	[[ $OUT == *to-stderr* ]] && fail "stderr went to stdout"
	return 0
}

test_stdin_passes_through() {
	new_container
	set_args sh -c 'read line; echo "got:$line"'
	OUT=$(echo hello-stdin | timeout 20 "$RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$ID" 2>"$TEST_TMP/err")
	RC=$?
	ERR=$(cat "$TEST_TMP/err")
	expect_rc 0 "run reading stdin"
	assert_eq "stdin echoed" "got:hello-stdin" "$OUT"
}

test_large_output() {
	new_container
	run_in sh -c 'i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i+1)); done'
	expect_rc 0 "run"
	assert_eq "lines" 20000 "$(wc -l <<<"$OUT")"
	assert_eq "last line" "line 19999" "$(tail -1 <<<"$OUT")"
}

test_exec_failure_is_nonzero() {
	new_container
	run_in /no/such/binary
	expect_nonzero "run of a missing binary"
	assert_no_leftovers "$ID"
}

test_run_keep_exit_code() {
	new_container
	set_args sh -c 'exit 42'
	rt run --keep -b "$BUNDLE" "$ID"
	expect_rc 42 "run --keep"
	get_state
	assert_eq "status" stopped "$(st status)"
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_run_twice_same_id() {
	new_container
	run_expect 0 true
	rt run -b "$BUNDLE" "$ID"
	expect_rc 0 "second run with the same id"
	assert_no_leftovers "$ID"
}

run_tests
