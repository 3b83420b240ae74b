#!/bin/bash
# process.capabilities seen from inside: the five masks of /proc/self/status
# (CapInh, CapPrm, CapEff, CapBnd, CapAmb) must be what config.json asked, for
# run and exec, root and a non-root user; names the kernel can't know are
# config errors; and the masks, NoNewPrivs and the seccomp mode are those
# Debian's runc gives the same bundle.
source "$(dirname "$0")/../lib.sh"

# Capability numbers (linux/capability.h), for the expected masks.
declare -A CAP=(
	[CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3
	[CAP_FSETID]=4 [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8
	[CAP_LINUX_IMMUTABLE]=9 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11
	[CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13 [CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15
	[CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17 [CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19
	[CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21 [CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23
	[CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25 [CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27
	[CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29 [CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31
	[CAP_MAC_OVERRIDE]=32 [CAP_MAC_ADMIN]=33 [CAP_SYSLOG]=34 [CAP_WAKE_ALARM]=35
	[CAP_BLOCK_SUSPEND]=36 [CAP_AUDIT_READ]=37 [CAP_PERFMON]=38 [CAP_BPF]=39
	[CAP_CHECKPOINT_RESTORE]=40
)

# Docker's default capabilities (what dockerd puts in every container's
# config.json unless told otherwise).
DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD",
"CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP",
"CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'

STATUS_LINES='grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):" /proc/self/status'

# mask NAME...: the /proc/self/status hex mask of these capabilities
mask() {
	local name bits=0
	for name in "$@"; do
		[[ -n ${CAP[$name]:-} ]] || fail "test bug: no number for $name"
		bits=$((bits | (1 << CAP[$name])))
	done
	printf '%016x' "$bits"
}

# json_names JSON-ARRAY: the names, one per word
json_names() { jq -r '.[]' <<<"$1" | tr '\n' ' '; }

# masks_of OUTPUT: "Inh Prm Eff Bnd Amb" from /proc/self/status lines
masks_of() {
	local f out=""
	for f in CapInh CapPrm CapEff CapBnd CapAmb; do
		out+="$(awk -v f="$f:" '$1 == f {print $2}' <<<"$1") "
	done
	echo "${out% }"
}

# expect_masks WHAT OUTPUT INH PRM EFF BND AMB (each a JSON array of names)
expect_masks() {
	local what=$1 out=$2 want
	# word splitting of the name lists is intended: mask takes one name per argument
	# shellcheck disable=SC2046
	want="$(mask $(json_names "$3")) $(mask $(json_names "$4")) $(mask $(json_names "$5")) $(mask $(json_names "$6")) $(mask $(json_names "$7"))"
	assert_eq "$what (CapInh CapPrm CapEff CapBnd CapAmb)" "$want" "$(masks_of "$out")"
}

# set_caps BND EFF PRM INH AMB: process.capabilities from five JSON arrays
set_caps() {
	set_config '.process.capabilities = {bounding: $b, effective: $e, permitted: $p, inheritable: $i, ambient: $a}' \
		--argjson b "$1" --argjson e "$2" --argjson p "$3" --argjson i "$4" --argjson a "$5"
}

# ------------------------------------------------------------- what is set

test_default_spec() {
	# runc's spec: bounding = effective = permitted = ambient = these three, no
	# inheritable; the ambient ones can't be raised without inheritable, so
	# CapAmb stays empty (runc and the kernel agree)
	new_container
	run_sh "$STATUS_LINES"
	local three='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
	expect_masks "default spec" "$OUT" '[]' "$three" "$three" "$three" '[]'
	assert_contains "no_new_privs" "$OUT" $'NoNewPrivs:\t1'
}

test_empty_set() {
	new_container
	set_config '.process.capabilities = {}'
	run_sh "$STATUS_LINES"
	expect_masks "capabilities: {}" "$OUT" '[]' '[]' '[]' '[]' '[]'
}

test_absent_means_none() {
	# runc gives a config without process.capabilities no capability at all,
	# not the runtime's full set
	new_container
	set_config 'del(.process.capabilities)'
	run_sh "$STATUS_LINES"
	expect_masks "no process.capabilities" "$OUT" '[]' '[]' '[]' '[]' '[]'
	run_in sh -c 'chown 1:1 /tmp 2>&1 || echo refused'
	assert_contains "chown without capabilities" "$OUT" refused
}

test_custom_with_ambient() {
	# ambient needs each capability in inheritable and permitted too
	local bnd='["CAP_CHOWN","CAP_NET_RAW","CAP_SYS_ADMIN","CAP_KILL"]'
	local set='["CAP_CHOWN","CAP_NET_RAW","CAP_KILL"]'
	local inh='["CAP_CHOWN","CAP_NET_RAW"]'
	local amb='["CAP_CHOWN","CAP_NET_RAW"]'
	new_container
	set_caps "$bnd" "$set" "$set" "$inh" "$amb"
	run_sh "$STATUS_LINES"
	expect_masks "custom set" "$OUT" "$inh" "$set" "$set" "$bnd" "$amb"
}

test_ambient_needs_inheritable() {
	# CAP_KILL in ambient but not inheritable: skipped (runc too), not fatal
	local set='["CAP_CHOWN","CAP_KILL"]'
	new_container
	set_caps "$set" "$set" "$set" '["CAP_CHOWN"]' '["CAP_CHOWN","CAP_KILL"]'
	run_sh "$STATUS_LINES"
	expect_masks "ambient without inheritable" "$OUT" '["CAP_CHOWN"]' "$set" "$set" "$set" '["CAP_CHOWN"]'
}

test_non_root_keeps_caps() {
	# uid 1000: the switch from root clears permitted unless the runtime keeps
	# them (PR_SET_KEEPCAPS); execve then keeps only what is ambient
	local set='["CAP_NET_BIND_SERVICE","CAP_KILL","CAP_NET_RAW"]'
	new_container
	set_config '.process.user = {uid: 1000, gid: 1000}'
	set_caps "$set" "$set" "$set" "$set" "$set"
	run_sh "id -u; $STATUS_LINES"
	assert_eq "uid" 1000 "$(head -1 <<<"$OUT")"
	expect_masks "uid 1000 with capabilities" "$OUT" "$set" "$set" "$set" "$set" "$set"
	# and they work: a port below 1024 needs CAP_NET_BIND_SERVICE
	run_sh 'nc -l -p 80 2>&1 & p=$!; sleep 0.3; kill $p 2>/dev/null && echo bound'
	assert_contains "uid 1000 binds port 80" "$OUT" bound
}

test_non_root_without_ambient() {
	# without ambient, a non-root execve drops permitted and effective (the
	# kernel's rule, the same under runc); bounding stays as asked
	local set='["CAP_KILL"]'
	new_container
	set_config '.process.user = {uid: 1000, gid: 1000}'
	set_caps "$set" "$set" "$set" '[]' '[]'
	run_sh "$STATUS_LINES"
	expect_masks "uid 1000 without ambient" "$OUT" '[]' '[]' '[]' "$set" '[]'
}

test_exec_gets_the_config_caps() {
	local bnd='["CAP_CHOWN","CAP_KILL","CAP_SYS_ADMIN"]'
	local set='["CAP_CHOWN","CAP_KILL"]'
	new_container
	set_caps "$bnd" "$set" "$set" '["CAP_CHOWN"]' '["CAP_CHOWN"]'
	create_started sleep 100
	rt exec "$ID" sh -c "$STATUS_LINES"
	expect_rc 0 "exec"
	expect_masks "exec" "$OUT" '["CAP_CHOWN"]' "$set" "$set" "$bnd" '["CAP_CHOWN"]'
}

test_exec_process_file_without_caps() {
	# a --process file without capabilities: the process gets none (runc
	# takes the container's; never the runtime's own full set)
	new_container
	create_started sleep 100
	jq -n '{cwd: "/", args: ["sh", "-c", $c], env: ["PATH=/bin"], user: {uid: 0, gid: 0}}' \
		--arg c "$STATUS_LINES" >"$TEST_TMP/process.json"
	rt exec --process "$TEST_TMP/process.json" "$ID"
	expect_rc 0 "exec --process"
	local eff
	eff=$(awk '$1 == "CapEff:" {print $2}' <<<"$OUT")
	local three='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
	# shellcheck disable=SC2046
	[[ $eff == 0000000000000000 || $eff == "$(mask $(json_names "$three"))" ]] ||
		fail "exec --process without capabilities got CapEff $eff (more than the container's)"
}

# ------------------------------------------------------------------ errors

# expect_unknown JQ-PATH INDEX NAME: a bad name there fails create with one
# line naming the entry, and leaves nothing behind
expect_unknown() {
	local field=$1 index=$2 name=$3
	is_runc && skip "runc 1.1.5 only warns about unknown capabilities and ignores them"
	new_container
	set_config ".process.capabilities.$field[$index] = \$n" --arg n "$name"
	set_args true
	rt run -b "$BUNDLE" "$ID"
	expect_nonzero "run with $name in $field"
	local want="config.json: process.capabilities.$field[$index]: unknown capability \"$name\""
	[[ $ERR == "runc-go: $want ("*")" && $(grep -c . <<<"$ERR") -eq 1 ]] ||
		fail "error: expected one line 'runc-go: $want (hint)', got '$ERR'"
	[[ -z $OUT ]] || fail "the container ran: $OUT"
	assert_no_leftovers "$ID"
}

test_unknown_name_in_bounding() { expect_unknown bounding 2 CAP_FOO; }
test_unknown_name_in_ambient() { expect_unknown ambient 0 CAP_NOT_A_CAP; }
test_lower_case_name_is_unknown() { expect_unknown effective 1 cap_kill; }

test_unknown_name_with_create() {
	is_runc && skip "runc 1.1.5 only warns about unknown capabilities and ignores them"
	new_container
	set_config '.process.capabilities.permitted += ["CAP_FOO"]'
	rt create -b "$BUNDLE" "$ID"
	expect_nonzero "create"
	expect_err_contains 'process.capabilities.permitted[3]: unknown capability "CAP_FOO"'
	[[ $(wc -l <<<"$ERR") -eq 1 ]] || fail "expected one line, got: $ERR"
	rt state "$ID"
	expect_nonzero "state of a container whose create failed"
	assert_no_leftovers "$ID"
}

test_unsupported_name_is_ignored() {
	# a name libcap knows and this kernel doesn't: runc warns and ignores it.
	# Only possible when libcap is newer than the kernel; the classification
	# itself is unit-tested (tests/unit/test_caps.c).
	local last name
	last=$(cat /proc/sys/kernel/cap_last_cap)
	for name in "${!CAP[@]}"; do
		[[ ${CAP[$name]} -gt $last ]] && break
		name=""
	done
	[[ -n $name ]] || skip "this kernel knows every capability up to CAP_CHECKPOINT_RESTORE ($last): see unit/test_caps"
	new_container
	set_config '.process.capabilities.bounding += [$n]' --arg n "$name"
	run_sh "$STATUS_LINES"
	assert_contains "warning" "$ERR" "ignoring unknown or unavailable capabilities: [$name]"
}

# ------------------------------------------------------------ differential

# status_lines_with RUNTIME-BIN ROOT: run the bundle, print the status lines
status_lines_with() {
	local bin=$1
	ROOT=$2
	mkdir -p "$ROOT"
	rt_with "$bin" run -b "$BUNDLE" "$ID"
	echo "rc=$RC"
	echo "$OUT"
}

# same_status_as_runc WHAT: the bundle's status lines under runc and under
# the runtime under test must be identical
same_status_as_runc() {
	[[ -x $RUNC ]] || skip "reference runtime $RUNC not installed"
	is_runc && skip "RUNTIME is runc itself: nothing to compare"
	set_args sh -c "$STATUS_LINES"
	local ref got
	ref=$(status_lines_with "$RUNC" "$REF_ROOT")
	got=$(status_lines_with "$RUNTIME" "$ROOT")
	[[ $ref == *Seccomp_filters* ]] || fail "runc gave no status lines: $ref"
	[[ $ref == "$got" ]] || fail "$1: runc [$(one_line "$ref")] vs runc-go [$(one_line "$got")]"
}

test_differential_default_spec() {
	new_container
	same_status_as_runc "default spec"
}

test_differential_non_root_with_ambient() {
	local set='["CAP_NET_BIND_SERVICE","CAP_KILL"]'
	new_container
	set_config '.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = false'
	set_caps '["CAP_NET_BIND_SERVICE","CAP_KILL","CAP_CHOWN"]' "$set" "$set" "$set" '["CAP_KILL"]'
	same_status_as_runc "uid 1000, no no_new_privs"
}

test_differential_empty_and_absent() {
	new_container
	set_config '.process.capabilities = {}'
	same_status_as_runc "capabilities: {}"
	set_config 'del(.process.capabilities)'
	same_status_as_runc "no process.capabilities"
}

# docker_seccomp: set SECCOMP to the OCI section for Docker's default profile
# and DOCKER_CAPS (skip when there is no profile)
docker_seccomp() {
	local profile
	profile=$(docker_profile_path) || skip "$profile"
	SECCOMP=$(jq --arg arch amd64 --arg scmp_arch SCMP_ARCH_X86_64 \
		--arg kernel "$(uname -r | cut -d. -f1,2)" --argjson caps "$DOCKER_CAPS" \
		-f "$REPO/tests/fixtures/docker-seccomp-to-oci.jq" "$profile") ||
		fail "cannot convert $profile"
}

# docker_profile_path: Docker's default seccomp profile as a file: the
# system's copy if a package installed one, else the fixture (from Debian's
# golang-github-docker-docker-dev, the docker.io 20.10.24 sources)
docker_profile_path() {
	local f
	[[ $(uname -m) == x86_64 ]] || { echo "the conversion is written for x86_64 only"; return 1; }
	for f in $(dpkg -L docker.io 2>/dev/null | grep -i 'seccomp.*\.json$') \
		/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json \
		"$REPO/tests/fixtures/docker-default-seccomp.json"; do
		[[ -f $f ]] && { echo "$f"; return 0; }
	done
	echo "Docker's default seccomp profile is not installed as a JSON file"
	return 1
}

test_differential_docker_profile() {
	docker_seccomp
	new_container
	set_config '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}
		| .linux.seccomp = $s' --argjson c "$DOCKER_CAPS" --argjson s "$SECCOMP"
	same_status_as_runc "Docker's capabilities and seccomp profile"
	assert_contains "seccomp mode" "$(status_lines_with "$RUNTIME" "$ROOT")" $'Seccomp:\t2'
}

run_tests
