#!/bin/bash
# The command line: --version, --help, global flags in both `--flag value`
# and `--flag=value` forms, --log/--log-format json, unknown commands.
source "$(dirname "$0")/../lib.sh"

# bare ARGS...: run the runtime without the implicit --root; sets OUT ERR RC
bare() {
	local out=$TEST_TMP/out.$BASHPID err=$TEST_TMP/err.$BASHPID
	timeout -k 5 "$TEST_TIMEOUT" "$RUNTIME" "$@" </dev/null >"$out" 2>"$err"
	RC=$?
	OUT=$(cat "$out")
	ERR=$(cat "$err")
}

check_version_output() {
	local name
	name=$(basename "$RUNTIME")
	[[ $(grep -c . <<<"$OUT") -ge 3 ]] || fail "expected 3+ lines, got: $OUT"
	[[ $(head -1 <<<"$OUT") =~ ^$name\ version\ [^\ ]+$ ]] || fail "first line: $(head -1 <<<"$OUT")"
	grep -qE '^commit: [^ ]+$' <<<"$OUT" || fail "no 'commit: X' line: $OUT"
	grep -qE '^spec: [0-9]+\.[0-9]+\.[0-9]+' <<<"$OUT" || fail "no 'spec: N.N.N' line: $OUT"
	grep -qE '^libseccomp: [0-9]+\.[0-9]+\.[0-9]+$' <<<"$OUT" || fail "no 'libseccomp: N.N.N' line: $OUT"
	# the order runc prints and dockerd parses: version, commit, spec
	assert_eq "line order" "version commit: spec:" \
		"$(sed -n '1s/.* \(version\) .*/\1/p; 2s/ .*//p; 3s/ .*//p' <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
}

test_version() {
	bare --version
	expect_rc 0 "--version"
	check_version_output
}

test_version_short() {
	bare -v
	expect_rc 0 "-v"
	check_version_output
}

test_version_runc_go() {
	require_runc_go
	bare --version
	expect_rc 0 "--version"
	[[ $(head -1 <<<"$OUT") =~ ^runc-go\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]] || fail "first line: $(head -1 <<<"$OUT")"
	assert_eq "spec line" "spec: 1.3.0" "$(grep '^spec:' <<<"$OUT")"
	local lib
	lib=$(dpkg-query -W -f='${Version}' libseccomp2 2>/dev/null | sed 's/-.*//')
	[[ -z $lib ]] || assert_eq "libseccomp line" "libseccomp: $lib" "$(grep '^libseccomp:' <<<"$OUT")"
}

test_help() {
	bare --help
	expect_rc 0 "--help"
	local cmd
	for cmd in create start run state list kill delete spec; do
		grep -qE "^ +$cmd( |,)" <<<"$OUT" || fail "--help does not list '$cmd': $OUT"
	done
	for flag in --root --log --log-format --debug --systemd-cgroup --rootless; do
		[[ $OUT == *"$flag"* ]] || fail "--help does not list $flag"
	done
	bare -h
	expect_rc 0 "-h"
	[[ -n $OUT ]] || fail "-h printed nothing"
}

test_help_command() {
	bare help
	expect_rc 0 "help"
	[[ $OUT == *create* ]] || fail "help does not list create: $OUT"
}

test_subcommand_help() {
	local cmd
	for cmd in create start run state list kill delete spec; do
		bare "$cmd" --help
		expect_rc 0 "$cmd --help"
		[[ -n $OUT ]] || fail "$cmd --help printed nothing"
	done
	bare create --help
	for flag in --bundle --pid-file --console-socket --no-pivot --no-new-keyring --preserve-fds; do
		[[ $OUT == *"$flag"* ]] || fail "create --help does not list $flag"
	done
	bare run --help
	for flag in --bundle --detach --keep --pid-file; do
		[[ $OUT == *"$flag"* ]] || fail "run --help does not list $flag"
	done
	bare kill --help
	[[ $OUT == *--all* ]] || fail "kill --help does not list --all"
	bare delete --help
	[[ $OUT == *--force* ]] || fail "delete --help does not list --force"
	bare list --help
	[[ $OUT == *--format* && $OUT == *--quiet* ]] || fail "list --help does not list --format/--quiet"
}

test_unknown_subcommand() {
	bare --root "$ROOT" no-such-command
	expect_nonzero "unknown subcommand"
	[[ $ERR == *no-such-command* ]] || fail "error does not name the command: $ERR"
}

test_no_subcommand() {
	# runc prints its help and exits 0 without a command
	bare
	[[ -n $OUT$ERR ]] || fail "no output without a command"
}

test_unknown_global_flag() {
	bare --no-such-global list
	expect_nonzero "unknown global flag"
}

log_lines_are_json() { # log_lines_are_json FILE: every line an object with level/msg/time
	[[ -s $1 ]] || fail "log file $1 is empty or missing"
	local line n=0
	while IFS= read -r line; do
		n=$((n + 1))
		jq -e 'type == "object" and has("level") and has("msg") and has("time")' <<<"$line" >/dev/null 2>&1 ||
			fail "log line $n is not a JSON object with level/msg/time: $line"
	done <"$1"
}

test_log_json_file() {
	local log=$TEST_TMP/log.$BASHPID.json id
	id=$(new_id)
	bare --root "$ROOT" --log "$log" --log-format json state "$id"
	expect_rc 1 "state of a missing container"
	log_lines_are_json "$log"
	local last
	last=$(tail -1 "$log")
	assert_eq "level" error "$(jq -r .level <<<"$last")"
	assert_contains "msg" "$(jq -r .msg <<<"$last")" "container does not exist"
	[[ $(jq -r .time <<<"$last") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2} ]] ||
		fail "time is not RFC 3339: $last"
	# the error still reaches stderr for a human
	assert_contains "stderr" "$ERR" "container does not exist"
}

test_log_json_appends() {
	local log=$TEST_TMP/log.$BASHPID.json id
	id=$(new_id)
	bare --root "$ROOT" --log "$log" --log-format json state "$id"
	bare --root "$ROOT" --log "$log" --log-format json kill "$id" KILL
	log_lines_are_json "$log"
	[[ $(grep -c 'container does not exist' "$log") -ge 2 ]] || fail "log not appended: $(cat "$log")"
}

test_log_json_equals_form() {
	local log=$TEST_TMP/log.$BASHPID.json id
	id=$(new_id)
	bare --log-format=json --log="$log" --root="$ROOT" delete "$id"
	expect_rc 1 "delete of a missing container"
	log_lines_are_json "$log"
	assert_eq "level" error "$(jq -r .level <"$log" | tail -1)"
}

test_log_json_stderr() {
	# without --log, --log-format json formats stderr
	local id
	id=$(new_id)
	bare --root "$ROOT" --log-format json state "$id"
	expect_rc 1 "state of a missing container"
	local last
	last=$(grep . <<<"$ERR" | tail -1)
	jq -e 'type == "object" and .level == "error" and has("msg") and has("time")' <<<"$last" >/dev/null 2>&1 ||
		fail "stderr is not a JSON log line: $ERR"
}

test_log_json_config_error() {
	local log=$TEST_TMP/log.$BASHPID.json
	new_container
	set_config '.process.args = 5'
	bare --root "$ROOT" --log "$log" --log-format json create -b "$BUNDLE" "$ID"
	expect_nonzero "create with a bad config"
	log_lines_are_json "$log"
	assert_eq "level of the last line" error "$(tail -1 "$log" | jq -r .level)"
	assert_contains "msg" "$(tail -1 "$log" | jq -r .msg)" "process.args"
	assert_no_leftovers "$ID"
}

test_log_format_invalid() {
	bare --root "$ROOT" --log-format xml list
	expect_nonzero "--log-format xml"
	expect_err_contains "xml"
}

test_root_both_forms() {
	new_container
	set_args sleep 1000
	bare --root "$ROOT" create -b "$BUNDLE" "$ID"
	expect_rc 0 "--root DIR create"
	bare --root="$ROOT" state "$ID"
	expect_rc 0 "--root=DIR state"
	assert_eq "status via --root=DIR" created "$(jq -r .status <<<"$OUT")"
	bare --root="$ROOT" start "$ID"
	expect_rc 0 "--root=DIR start"
	bare --root "$ROOT" state "$ID"
	assert_eq "status via --root DIR" running "$(jq -r .status <<<"$OUT")"
	[[ -d $ROOT/$ID ]] || fail "state not under --root"
}

test_flags_any_order() {
	new_container
	set_args true
	local log=$TEST_TMP/log.$BASHPID.json
	bare --log-format json --debug --root "$ROOT" --log "$log" run --bundle="$BUNDLE" "$ID"
	expect_rc 0 "run with global flags in another order"
	[[ -e $log ]] || fail "--log file not created"
	# runc writes --debug lines there; whatever is there must be JSON lines
	[[ -s $log ]] && log_lines_are_json "$log"
	return 0
}

test_subcommand_flags_equals_form() {
	new_container
	set_args sleep 1000
	rt create --bundle="$BUNDLE" --pid-file="$TEST_TMP/$ID.pid" "$ID"
	expect_rc 0 "create --bundle=DIR --pid-file=FILE"
	get_state
	assert_eq "pid file" "$(st pid)" "$(cat "$TEST_TMP/$ID.pid")"
	rt start "$ID"
	rt list --format=json
	assert_eq "list --format=json" "$ID" "$(jq -r '.[0].id' <<<"$OUT")"
}

test_global_flags_accepted() {
	bare --root "$ROOT" --debug list
	expect_rc 0 "--debug"
	bare --root "$ROOT" --systemd-cgroup list
	expect_rc 0 "--systemd-cgroup"
	bare --root "$ROOT" --rootless=false list
	expect_rc 0 "--rootless=false"
	bare --root "$ROOT" --rootless auto list
	expect_rc 0 "--rootless auto"
}

test_create_flags_accepted() {
	new_container
	set_args sleep 1000
	rt create --no-pivot --no-new-keyring --preserve-fds 0 -b "$BUNDLE" "$ID"
	expect_rc 0 "create --no-pivot --no-new-keyring --preserve-fds 0"
	rt_ok start "$ID"
	get_state
	assert_eq "status" running "$(st status)"
}

# --preserve-fds 2: fds 3 and 4 reach the process, fd 5 (open in the caller
# too) does not.
test_preserve_fds() {
	new_container
	set_args sh -c 'cat <&3; cat <&4; ls /proc/self/fd | sort -n | tr "\n" " "'
	local data=$TEST_TMP/fd3.$BASHPID
	echo preserved-3 >"$data.3"
	echo preserved-4 >"$data.4"
	OUT=$(timeout 20 "$RUNTIME" --root "$ROOT" run --preserve-fds 2 -b "$BUNDLE" "$ID" \
		3<"$data.3" 4<"$data.4" 5<"$data.3" </dev/null 2>"$TEST_TMP/err")
	RC=$?
	ERR=$(cat "$TEST_TMP/err")
	expect_rc 0 "run --preserve-fds 2"
	# ls lists its own directory fd too: 5 here, 6 if the caller's fd 5 had leaked
	assert_eq "data and fds" "$(printf 'preserved-3\npreserved-4\n0 1 2 3 4 5 ')" "$OUT"
}

test_fds_not_leaked_without_preserve() {
	new_container
	set_args sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
	OUT=$(timeout 20 "$RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$ID" \
		7<"$BUNDLE/config.json" </dev/null 2>"$TEST_TMP/err")
	RC=$?
	ERR=$(cat "$TEST_TMP/err")
	expect_rc 0 "run"
	# 0 1 2 and the fd ls opens for /proc/self/fd (3)
	assert_eq "open fds" "0 1 2 3 " "$OUT"
}

test_debug_keeps_output_parsable() {
	new_container
	set_args sleep 1000
	bare --debug --root "$ROOT" create -b "$BUNDLE" "$ID"
	expect_rc 0 "--debug create"
	bare --debug --root "$ROOT" state "$ID"
	expect_rc 0 "--debug state"
	jq -e '.status == "created"' <<<"$OUT" >/dev/null || fail "--debug state stdout is not the state JSON: $OUT"
}

# --debug: each setup step of create and exec with its duration, in the
# log's format (JSON lines with --log-format json).
test_debug_logs_steps_with_durations() {
	require_runc_go
	new_container
	set_args sleep 1000
	local log=$TEST_TMP/debug.$BASHPID.log
	bare --debug --log "$log" --log-format json --root "$ROOT" create -b "$BUNDLE" "$ID"
	expect_rc 0 "--debug create"
	bare --debug --log "$log" --log-format json --root "$ROOT" exec "$ID" true
	expect_rc 0 "--debug exec"
	jq -e . "$log" >/dev/null || fail "the log is not JSON lines: $(cat "$log")"
	local step
	for step in "create: read and check config.json" "create: clone the init" "create: id maps, cgroups" \
		"create: the init's setup" "create: write state.json" "exec: fork into the pid namespace" \
		"exec: cgroup, the child's setup, execve" "init: namespaces, hostname, keyring" \
		"init: mounts and devices" "init: pivot_root, masked and read-only paths" \
		"init: process: user, capabilities, seccomp"; do
		jq -r 'select(.level == "debug") | .msg' "$log" | grep -qE "^$step: [0-9]+\.[0-9]{3} ms$" ||
			fail "no debug line '$step: N.NNN ms' in: $(jq -r .msg "$log")"
	done
	bare --root "$ROOT" delete --force "$ID"
}

run_tests
