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

# Foreground run without a terminal: each signal the runtime gets reaches the
# container's init, which traps and reports it; SIGWINCH is not passed on (no
# terminal to resize, as runc).
test_signals_reach_the_init() {
	new_container
	set_args sh -c 'for s in USR1 HUP WINCH; do trap "echo got-$s" $s; done
		trap "echo got-TERM; exit 5" TERM; echo ready; while :; do sleep 0.1; done'
	run_background
	wait_output ready
	local sig
	for sig in USR1 HUP WINCH; do
		kill -"$sig" "$RUN_PID"
		[[ $sig == WINCH ]] && continue
		wait_output "got-$sig"
	done
	kill -TERM "$RUN_PID"
	wait_background
	assert_eq "exit code after SIGTERM" 5 "$RUN_RC"
	grep -q got-WINCH "$TEST_TMP/bg.out" && fail "SIGWINCH was forwarded without a terminal"
	assert_eq "reports in order" "ready got-USR1 got-HUP got-TERM" "$(tr '\n' ' ' <"$TEST_TMP/bg.out" | sed 's/ $//')"
	assert_no_leftovers "$ID"
}

# 10 MiB of random bytes from the caller's pipe through the container's cat
# and back through a pipe: the stdio are the runtime's own, untouched.
test_pipes_carry_10_mib_byte_exact() {
	new_container
	set_args cat
	head -c $((10 * 1024 * 1024)) /dev/urandom >"$TEST_TMP/in"
	cat "$TEST_TMP/in" | timeout 60 "$RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$ID" 2>"$TEST_TMP/err" | cat >"$TEST_TMP/out"
	local rcs=("${PIPESTATUS[@]}")
	RC=${rcs[1]} ERR=$(cat "$TEST_TMP/err")
	expect_rc 0 "run cat"
	assert_eq "bytes out" $((10 * 1024 * 1024)) "$(stat -c %s "$TEST_TMP/out")"
	cmp -s "$TEST_TMP/in" "$TEST_TMP/out" || fail "output differs from input: $(cmp "$TEST_TMP/in" "$TEST_TMP/out")"
}

# In the host's pid namespace an orphan of the container is reparented to the
# nearest subreaper: the foreground run, unless --no-subreaper.
orphan_parent_is_runtime() {
	new_container
	set_config 'del(.linux.namespaces[] | select(.type == "pid"))'
	set_args sh -c 'o=$( (sleep 3 >/dev/null 2>&1 & echo $!) ); sleep 0.5
		echo "ppid $(sed -n "s/^PPid:\t//p" /proc/$o/status)"; kill $o'
	run_background "$@"
	wait_background
	assert_eq "exit code" 0 "$RUN_RC"
	grep -q '^ppid [0-9]' "$TEST_TMP/bg.out" || fail "no ppid line: $(cat "$TEST_TMP/bg.out" "$TEST_TMP/bg.err")"
	local ppid
	ppid=$(sed -n 's/^ppid //p' "$TEST_TMP/bg.out")
	[[ $ppid == "$RUN_PID" ]]
}

test_foreground_run_is_a_subreaper() {
	orphan_parent_is_runtime || fail "the orphan's parent is $(sed -n 's/^ppid //p' "$TEST_TMP/bg.out"), not the runtime ($RUN_PID)"
	assert_no_leftovers "$ID"
}

test_no_subreaper_flag() {
	! orphan_parent_is_runtime --no-subreaper || fail "with --no-subreaper the orphan was reparented to the runtime ($RUN_PID)"
	assert_no_leftovers "$ID"
}

run_tests
