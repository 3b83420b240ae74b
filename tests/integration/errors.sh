#!/bin/bash
# Bad input: every case must exit non-zero and leave nothing behind. For
# runc-go the error must also be ONE line on stderr naming config.json and
# the JSON path of the field (STYLE.md: `runc-go: config.json: FIELD: ...`);
# runc's messages differ (Go's json errors), so that part is skipped for it.
source "$(dirname "$0")/../lib.sh"

# check_message FIELD...: the runc-go error format, reported as <test>/message
check_message() {
	if ! is_runc_go; then
		sub_skip message "error text is runc-go specific (RUNTIME is $(basename "$RUNTIME"))"
		return
	fi
	local lines want
	lines=$(grep -c . <<<"$ERR")
	if [[ $lines -ne 1 ]]; then
		sub_fail message "expected one line on stderr, got $lines: $ERR"
		return
	fi
	for want in "$@"; do
		if [[ $ERR != *"$want"* ]]; then
			sub_fail message "expected '$want' in: $ERR"
			return
		fi
	done
	sub_pass message
}

# refused_create: create must fail, leave no state, no container, no leftovers
refused_create() {
	rt create -b "$BUNDLE" "$ID"
	expect_nonzero "create with a bad config"
	local saved_err=$ERR saved_rc=$RC
	rt state "$ID"
	[[ $RC -ne 0 ]] || fail "state succeeds after a refused create: $OUT"
	assert_no_leftovers "$ID"
	ERR=$saved_err
	RC=$saved_rc
}

bad_config() { # bad_config FIELD 'JQ FILTER' [JQ ARGS]
	local field=$1
	shift
	new_container
	set_args true
	set_config "$@"
	refused_create
	check_message config.json "$field"
}

test_malformed_json() {
	new_container
	printf '{"ociVersion": "1.0.2", "process": {"args": ["true"]' >"$BUNDLE/config.json"
	refused_create
	check_message config.json
}

test_not_an_object() {
	new_container
	echo '[1, 2]' >"$BUNDLE/config.json"
	refused_create
	check_message config.json
}

test_empty_config() {
	new_container
	: >"$BUNDLE/config.json"
	refused_create
	check_message config.json
}

test_missing_config() {
	new_container
	rm "$BUNDLE/config.json"
	refused_create
	# runc: "JSON specification file config.json not found"
	[[ $ERR == *config.json* ]] || fail "error should name config.json: $ERR"
	check_message config.json
}

test_missing_bundle_dir() {
	ID=$(new_id)
	BUNDLE=$TEST_TMP/b/no-such-bundle-$ID
	refused_create
	check_message "$BUNDLE"
}

test_args_wrong_type() { bad_config process.args '.process.args = 5'; }
test_args_element_wrong_type() { bad_config 'process.args[1]' '.process.args = ["sh", 7]'; }
test_args_empty() { bad_config process.args '.process.args = []'; }
test_process_missing() { bad_config process 'del(.process)'; }
test_memory_limit_wrong_type() { bad_config linux.resources.memory.limit '.linux.resources.memory.limit = "x"'; }
test_uid_negative() { bad_config process.user.uid '.process.user.uid = -1'; }
test_uid_mapping_size_wrong_type() {
	bad_config 'linux.uidMappings[0].size' '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": "x"}]'
}
test_oci_version_wrong_type() { bad_config ociVersion '.ociVersion = 5'; }
test_hostname_wrong_type() { bad_config hostname '.hostname = 5'; }
test_root_path_missing() { bad_config root.path 'del(.root.path)'; }
test_root_missing() { bad_config root 'del(.root)'; }
test_rootfs_dir_missing() { bad_config root.path '.root.path = "no-such-rootfs"'; }
test_cwd_relative() { bad_config process.cwd '.process.cwd = "tmp"'; }
# The appended entry's index: the default spec has one namespace more on pure v2 hosts (cgroup).
appended_namespace_index() { ensure_cache; jq '.linux.namespaces | length' "$CACHE/bundle/config.json"; }
test_namespace_unknown_type() {
	bad_config "linux.namespaces[$(appended_namespace_index)].type" '.linux.namespaces += [{"type": "bogus"}]'
}
test_namespace_duplicated() {
	bad_config "linux.namespaces[$(appended_namespace_index)]" '.linux.namespaces += [{"type": "pid"}]'
}
test_rlimit_unknown_type() {
	bad_config 'process.rlimits[0].type' '.process.rlimits = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]'
}

test_run_refuses_bad_config_too() {
	new_container
	set_config '.process.args = 5'
	rt run -b "$BUNDLE" "$ID"
	expect_nonzero "run with a bad config"
	assert_no_leftovers "$ID"
	check_message config.json process.args
}

# bad_id ID: create with an invalid id fails and creates nothing
bad_id() {
	new_container
	set_args true
	rt create -b "$BUNDLE" "$1"
	expect_nonzero "create with id '$1'"
	# runc: "invalid container ID format" / "container id cannot be empty"
	[[ ${ERR,,} == *"container id"* ]] || fail "error should mention the container id: $ERR"
	[[ -z $(ls -A "$ROOT") ]] || fail "something was created in the root dir: $(ls -A "$ROOT")"
	assert_no_leftovers "$ID"
	local lines
	lines=$(grep -c . <<<"$ERR")
	if is_runc_go; then
		[[ $lines -eq 1 ]] && sub_pass message || sub_fail message "expected one line on stderr, got: $ERR"
	else
		sub_skip message "one-line error is runc-go specific (RUNTIME is $(basename "$RUNTIME"))"
	fi
}

test_id_with_slash() { bad_id a/b; }
test_id_dotdot() { bad_id ..; }
test_id_with_tab() { bad_id $'x\ty'; }
test_id_empty() { bad_id ""; }
test_id_with_space() { bad_id "a b"; }
test_id_dotdot_path() { bad_id ../escape; }

test_valid_id_characters() {
	# runc accepts [a-zA-Z0-9_+.-]: the same ids must work
	new_container
	set_args true
	local id="Ab9_+.-$BASHPID"
	echo "$id" >>"$TEST_TMP/ids"
	rt run -b "$BUNDLE" "$id"
	expect_rc 0 "run with id $id"
	assert_no_leftovers "$id" "$BUNDLE"
}

test_kill_unknown_signal() {
	new_container
	create_started sleep 1000
	rt kill "$ID" NOSUCHSIG
	expect_rc 1 "kill with an unknown signal"
	expect_err_contains "unknown signal"
	expect_err_contains "NOSUCHSIG"
	get_state
	assert_eq "status after a refused kill" running "$(st status)"
	rt kill "$ID" 99
	expect_nonzero "kill with signal 99"
	get_state
	assert_eq "status after signal 99" running "$(st status)"
	if is_runc_go; then
		rt kill "$ID" NOSUCHSIG
		[[ $(grep -c . <<<"$ERR") -eq 1 ]] && sub_pass message || sub_fail message "expected one line: $ERR"
	else
		sub_skip message "one-line error is runc-go specific (RUNTIME is $(basename "$RUNTIME"))"
	fi
}

test_missing_id_argument() {
	local cmd
	for cmd in create start state kill delete run; do
		rt $cmd
		expect_nonzero "$cmd without an id"
	done
	# runc: `runc: "state" requires exactly 1 argument(s)`
	rt state
	expect_err_contains "requires exactly 1 argument"
}

test_too_many_arguments() {
	rt state a b
	expect_nonzero "state with two ids"
	rt kill a KILL extra
	expect_nonzero "kill with three arguments"
	# runc: `runc: "kill" requires a maximum of 2 argument(s)`
	expect_err_contains "requires a maximum of 2 argument"
}

test_unknown_flag() {
	new_container
	rt create --no-such-flag -b "$BUNDLE" "$ID"
	expect_nonzero "create with an unknown flag"
	expect_err_contains "flag provided but not defined: -no-such-flag"
	rt state "$ID"
	expect_nonzero "state after the refused create"
}

run_tests
