#!/bin/bash
# Differential: the same scenario against Debian's runc ($RUNC) and the
# runtime under test, each with its own --root and its own copy of the same
# bundle; the transcripts (exit codes, statuses, JSON keys, the message
# substrings engines match on) must be identical.
source "$(dirname "$0")/../lib.sh"

same_as_reference() {
	[[ -x $RUNC ]] || skip "reference runtime $RUNC not installed"
	if [[ $(basename "$RUNTIME") == runc || $(readlink -f "$RUNTIME") == "$(readlink -f "$RUNC")" ]]; then
		skip "RUNTIME is runc itself: nothing to compare"
	fi
}

# transcript_of FUNC ARGS...: FUNC's stdout with `rt` bound to runc, then
# to the runtime under test; sets REF and GOT
transcript_of() {
	REF=$(
		RUNTIME=$RUNC
		ROOT=$REF_ROOT
		mkdir -p "$ROOT"
		"$@"
	)
	GOT=$("$@")
	[[ -n ${DIFF_DEBUG:-} ]] && printf "%s\n" "--- $*" "$REF" >&2
}

# compare WHAT: fail with both transcripts when they differ
compare() {
	[[ $REF == "$GOT" ]] && return 0
	local first n
	first=$(awk 'NR == FNR { ref[FNR] = $0; nref = FNR; next }
		ref[FNR] != $0 { printf "line %d: runc [%s] vs test [%s]", FNR, ref[FNR], $0; found = 1; exit }
		END { if (!found) printf "line %d: runc [%s] vs test [end]", FNR + 1, ref[FNR + 1] }' \
		<(echo "$REF") <(echo "$GOT"))
	n=$(diff <(echo "$REF") <(echo "$GOT") | grep -c '^[<>]')
	fail "$1 differs from runc ($n lines differ); first at $first"
}

# msg_has SUBSTRING...: which engine-visible substrings stderr contains
msg_has() {
	local s out=""
	for s in "$@"; do
		[[ $ERR == *"$s"* ]] && out+="+'$s' " || out+="-'$s' "
	done
	echo "$out"
}

status_now() { rt state "$ID"; jq -r .status <<<"$OUT" 2>/dev/null || echo "rc=$RC"; }

wait_stopped_quietly() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(status_now) == stopped ]] && return 0
		sleep 0.05
	done
}

types_of() { jq -c 'to_entries | map("\(.key):\(.value | type)") | sort' <<<"$1" 2>/dev/null || echo "not json: $1"; }

scenario_lifecycle() {
	new_container
	set_args sleep 1000
	rt create -b "$BUNDLE" "$ID"
	echo "create rc=$RC"
	rt state "$ID"
	echo "state rc=$RC $(types_of "$OUT") $(jq -r '.status, (.pid > 0), (.bundle == "'"$BUNDLE"'"), (.rootfs == "'"$BUNDLE/rootfs"'"), (.id == "'"$ID"'")' <<<"$OUT" | tr '\n' ' ')"
	rt start "$ID"
	echo "start rc=$RC"
	rt state "$ID"
	echo "state rc=$RC $(types_of "$OUT") $(jq -r .status <<<"$OUT")"
	rt kill "$ID" KILL
	echo "kill rc=$RC"
	wait_stopped_quietly
	rt state "$ID"
	echo "state rc=$RC $(types_of "$OUT") $(jq -r '.status, .pid' <<<"$OUT" | tr '\n' ' ')"
	rt delete "$ID"
	echo "delete rc=$RC"
	rt state "$ID"
	echo "state rc=$RC $(msg_has 'container does not exist')"
}

test_lifecycle_state() {
	same_as_reference
	transcript_of scenario_lifecycle
	compare "create/start/kill/delete transcript"
}

scenario_refusals() {
	new_container
	set_args sleep 1000
	rt create -b "$BUNDLE" "$ID"
	echo "create rc=$RC"
	rt create -b "$BUNDLE" "$ID"
	echo "create again rc=$RC $(msg_has 'exists')"
	rt start "$ID"
	echo "start rc=$RC"
	rt start "$ID"
	echo "start again rc=$RC $(msg_has 'already running')"
	rt delete "$ID"
	echo "delete running rc=$RC $(msg_has 'not stopped' running)"
	rt kill "$ID" NOSUCH
	echo "kill NOSUCH rc=$RC $(msg_has 'unknown signal')"
	rt kill "$ID" KILL
	echo "kill rc=$RC"
	wait_stopped_quietly
	rt kill "$ID" KILL
	echo "kill stopped rc=$RC $(msg_has 'container not running')"
	rt start "$ID"
	echo "start stopped rc=$RC $(msg_has 'has stopped')"
	rt delete "$ID"
	echo "delete stopped rc=$RC"
	local cmd
	for cmd in state start kill delete; do
		rt $cmd "$ID"
		echo "$cmd missing rc=$RC $(msg_has 'container does not exist')"
	done
	rt delete --force "$ID"
	echo "delete --force missing rc=$RC stderr=$([[ -z $ERR ]] && echo empty || echo text)"
	rt delete -f "$ID"
	echo "delete -f missing rc=$RC"
}

test_refused_operations() {
	same_as_reference
	transcript_of scenario_refusals
	compare "refused operations"
}

scenario_created_ops() {
	new_container
	set_args sleep 1000
	rt create -b "$BUNDLE" "$ID"
	echo "create rc=$RC"
	rt kill "$ID" KILL
	echo "kill created rc=$RC"
	wait_stopped_quietly
	echo "status $(status_now)"
	rt start "$ID"
	echo "start rc=$RC"
	rt delete "$ID"
	echo "delete rc=$RC"
	new_container
	set_args sleep 1000
	rt create -b "$BUNDLE" "$ID"
	rt delete "$ID"
	echo "delete created rc=$RC"
	rt state "$ID"
	echo "state rc=$RC"
}

test_created_container_operations() {
	same_as_reference
	transcript_of scenario_created_ops
	compare "operations on a created container"
}

scenario_list() {
	rt list
	echo "empty: rc=$RC $(tr -s ' ' <<<"$OUT")"
	rt list -q
	echo "empty -q: rc=$RC [$OUT]"
	rt list --format json
	echo "empty json: rc=$RC $OUT"
	new_container
	set_args sleep 1000
	rt create -b "$BUNDLE" "$ID"
	rt list
	echo "header: $(head -1 <<<"$OUT" | tr -s ' ')"
	echo "row: $(awk -v id="$ID" '$1 == id {print NF, $3, $6}' <<<"$OUT")"
	rt list -q
	echo "quiet: $([[ $OUT == "$ID" ]] && echo id)"
	rt list --format json
	echo "json: $(jq -c 'map(to_entries | map("\(.key):\(.value | type)") | sort)' <<<"$OUT") $(jq -r '.[0].status, .[0].owner' <<<"$OUT" | tr '\n' ' ')"
	rt list --format xml
	echo "bad format rc=$RC"
}

test_list() {
	same_as_reference
	transcript_of scenario_list
	compare "list output"
}

scenario_spec() {
	local dir=$TEST_TMP/spec.$BASHPID.$RANDOM
	mkdir -p "$dir"
	(cd "$dir" && rt spec && echo "spec rc=$RC")
	jq -S 'del(.ociVersion)' "$dir/config.json"
	(cd "$dir" && rt spec && echo "spec again rc=$RC")
	rm -f "$dir/config.json"
	(cd "$dir" && rt spec --rootless && echo "spec --rootless rc=$RC")
	jq -S 'del(.ociVersion) | (.linux.uidMappings, .linux.gidMappings)' "$dir/config.json"
	jq -S 'del(.ociVersion)' "$dir/config.json"
}

test_spec() {
	same_as_reference
	transcript_of scenario_spec
	compare "spec (jq -S, ociVersion ignored)"
}

scenario_exit_codes() {
	local args
	for args in 'exit 0' 'exit 3' 'exit 255' 'kill -9 $$' 'kill -TERM $$' 'sh -c "kill -9 \$\$"'; do
		new_container
		set_config '.linux.namespaces |= map(select(.type != "pid"))'
		run_in sh -c "$args"
		echo "$args: rc=$RC"
		rt state "$ID"
		echo "state after run rc=$RC"
	done
	new_container
	run_in sh -c 'kill -9 $$'
	echo "self-kill as pid 1: rc=$RC"
	new_container
	run_in /no/such/binary
	echo "missing binary: rc=$RC"
	new_container
	set_args sh -c 'exit 4'
	rt run --keep -b "$BUNDLE" "$ID"
	echo "run --keep rc=$RC status=$(status_now)"
	new_container
	set_args sh -c 'exit 4'
	rt run -d -b "$BUNDLE" "$ID"
	echo "run -d of exit 4 rc=$RC"
}

test_exit_codes() {
	same_as_reference
	transcript_of scenario_exit_codes
	compare "run exit codes"
}

scenario_bad_input() {
	local filter
	for filter in '.process.args = 5' '.process.args = []' '.linux.resources.memory.limit = "x"' \
		'del(.root)' '.root.path = "missing"' '.process.cwd = "tmp"' 'del(.process)' \
		'.linux.namespaces += [{"type": "bogus"}]' '.ociVersion = 5'; do
		new_container
		set_args true
		set_config "$filter"
		rt create -b "$BUNDLE" "$ID"
		echo "$filter: rc=$RC"
		rt state "$ID"
		echo "state rc=$RC"
	done
	new_container
	echo '{' >"$BUNDLE/config.json"
	rt create -b "$BUNDLE" "$ID"
	echo "malformed: rc=$RC"
	local id
	for id in a/b .. $'x\ty' ""; do
		new_container
		set_args true
		rt create -b "$BUNDLE" "$id"
		echo "id [$id]: rc=$RC"
	done
	rt no-such-command
	echo "unknown command rc=$RC"
	rt state
	echo "state without id rc=$RC"
	rt kill a b c
	echo "kill with 3 args rc=$RC"
	rt create --no-such-flag x
	echo "unknown flag rc=$RC"
}

test_bad_input_exit_codes() {
	same_as_reference
	transcript_of scenario_bad_input
	compare "exit codes for bad input"
}

scenario_inside() {
	new_container
	set_config '.hostname = "diff" | .process.env += ["X=1"] | .process.cwd = "/tmp"
		| .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10]}
		| .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}]
		| .process.oomScoreAdj = 100'
	run_in sh -c 'hostname; echo $X; pwd; id; ulimit -n; ulimit -Hn; umask; cat /proc/self/oom_score_adj;
		grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; echo $$; ls /dev | tr "\n" " "; echo;
		awk "{ for (i = 7; \$i != \"-\"; i++); print \$5, \$(i + 1) }" /proc/self/mountinfo | sort'
	echo "rc=$RC"
	echo "$OUT"
}

test_inside_view() {
	same_as_reference
	transcript_of scenario_inside
	compare "view from inside the container"
}

scenario_log_json() {
	local log=$TEST_TMP/diff-log.$BASHPID.$RANDOM
	timeout 10 "$RUNTIME" --root "$ROOT" --log "$log" --log-format json state "no-such-$BASHPID" </dev/null >/dev/null 2>&1
	echo "rc=$?"
	jq -c 'keys' "$log" | sort -u
	jq -r .level "$log" | sort -u
}

test_log_json() {
	same_as_reference
	transcript_of scenario_log_json
	compare "--log-format json lines"
}

# exec_case ARGS...: one exec into the running $ID and what it printed
exec_case() {
	rt exec "$@"
	local args="$*"
	args=${args//$TEST_TMP/TMP}
	echo "exec ${args//$ID/ID} rc=$RC $(msg_has 'no such file or directory' 'container not running' 'permission denied')"
	[[ -n $OUT ]] && echo "$OUT"
}

scenario_exec_table() {
	new_container
	set_config '.process.env += ["FROM_CONFIG=1"] | .process.cwd = "/"
		| .process.capabilities.ambient = []'
	set_args sleep 1000
	rt create -b "$BUNDLE" "$ID"
	rt start "$ID"
	echo "start rc=$RC"
	local show='id; pwd; echo "$FROM_CONFIG|$FROM_FLAG|$HOME|$PATH"; grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status'
	exec_case "$ID" sh -c "$show"
	exec_case -u 1000:1000 "$ID" sh -c "$show"
	exec_case -u 1000 -g 10 -g 20 "$ID" sh -c "$show"
	exec_case --cwd /tmp -e FROM_FLAG=x -e FROM_CONFIG=over "$ID" sh -c "$show"
	exec_case --cap CAP_SYS_ADMIN -u 1000 "$ID" sh -c "$show"
	exec_case --no-new-privs "$ID" sh -c "$show"
	exec_case "$ID" sh -c 'exit 9'
	exec_case "$ID" sh -c 'kill -9 $$'
	exec_case "$ID" sh -c 'kill -15 $$'
	exec_case "$ID" /no/such/binary
	exec_case "$ID" /etc/passwd
	exec_case --cwd /no/such/dir "$ID" true
	printf '{"args": ["sh", "-c", "%s"], "cwd": "/tmp", "user": {"uid": 5, "gid": 6}, "env": ["A=json"]}' \
		'id; pwd; echo $A $PATH' >"$TEST_TMP/diff-process.json"
	exec_case -p "$TEST_TMP/diff-process.json" "$ID"
	exec_case -d "$ID" sleep 1000
	rt kill "$ID" KILL
	wait_stopped_quietly
	exec_case "$ID" true
	rt delete "$ID"
	echo "delete rc=$RC"
}

test_exec_table() {
	same_as_reference
	transcript_of scenario_exec_table
	compare "exec cases"
}

run_tests
