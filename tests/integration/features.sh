#!/bin/bash
# `features`: the Features structure of runtime-spec features.md, in runc's
# layout, valid against the spec's schema, and true: every mount option,
# seccomp action, operator, architecture and supported flag it lists is
# accepted by a real `run`; capabilities are libcap's names.
source "$(dirname "$0")/../lib.sh"

SPEC_DIR=${RUNTIME_SPEC_DIR:-$REPO/../shared/runtime-spec}
SCHEMA_DIR=$SPEC_DIR/schema

# get_features: `features` into FEATURES (and $TEST_TMP/features.json, byte
# for byte), fail unless it exits 0 with a JSON object.
get_features() {
	local file=$TEST_TMP/features.json
	timeout -k 5 "$TEST_TIMEOUT" "$RUNTIME" --root "$ROOT" features </dev/null >"$file" 2>"$TEST_TMP/features.err"
	RC=$?
	[[ $RC -eq 0 ]] || fail "features exited $RC: $(cat "$TEST_TMP/features.err")"
	jq -e 'type == "object"' "$file" >/dev/null 2>&1 || fail "features output is not a JSON object: $(head -c 300 "$file")"
	FEATURES=$(cat "$file")
}

feat() { jq -c "$1" <<<"$FEATURES"; }

test_valid_json_in_runc_layout() {
	get_features
	# runc prints with Go's encoder: 4-space indent, a final newline; jq --indent 4
	# writes the same layout.
	local want
	want=$(jq --indent 4 . "$TEST_TMP/features.json")
	[[ $want == "$FEATURES" ]] ||
		fail "not in runc's layout: $(diff <(echo "$want") <(echo "$FEATURES") | head -5)"
	[[ $(tail -c 1 "$TEST_TMP/features.json" | od -An -c | tr -d ' ') == '\n' ]] ||
		fail "no final newline"
	rt features extra
	expect_nonzero "features with an argument"
}

test_schema_required_keys() {
	[[ -f $SCHEMA_DIR/features-schema.json ]] || skip "no runtime-spec schema at $SCHEMA_DIR (set RUNTIME_SPEC_DIR)"
	get_features
	local key known
	for key in $(jq -r '.required[]' "$SCHEMA_DIR/features-schema.json"); do
		jq -e --arg k "$key" 'has($k) and .[$k] != null' <<<"$FEATURES" >/dev/null ||
			fail "required key $key missing"
	done
	# Properties the schema does not define must not be there (features.md).
	known=$(jq -c '.properties | keys' "$SCHEMA_DIR/features-schema.json")
	key=$(jq -r --argjson k "$known" 'keys - $k | join(" ")' <<<"$FEATURES")
	[[ -z $key ]] || fail "keys not in features-schema.json: $key"
	known=$(jq -c '.linux.properties | keys' "$SCHEMA_DIR/features-linux.json")
	key=$(jq -r --argjson k "$known" '.linux | keys - $k | join(" ")' <<<"$FEATURES")
	[[ -z $key ]] || fail "linux keys not in features-linux.json: $key"
}

# The whole document against the schema, $refs and enums included.
SCHEMA_PY='
import json, os, sys
from jsonschema import Draft4Validator, RefResolver
d = sys.argv[1]
store = {}
for name in os.listdir(d):
    if name.endswith(".json"):
        with open(os.path.join(d, name)) as f:
            store[name] = json.load(f)
schema = store["features-schema.json"]
# The schema files refer to each other by bare file name ("defs.json#/...").
resolver = RefResolver(base_uri="", referrer=schema, store=store)
doc = json.load(sys.stdin)
errors = ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
          for e in Draft4Validator(schema, resolver=resolver).iter_errors(doc)]
print("; ".join(errors[:5]))
sys.exit(1 if errors else 0)
'

# Debian's python3 and python3-jsonschema (scripts/deps.sh installs them), not whatever
# python3 comes first in PATH.
PY=/usr/bin/python3

test_schema_validates() {
	[[ -f $SCHEMA_DIR/features-schema.json ]] || skip "no runtime-spec schema at $SCHEMA_DIR (set RUNTIME_SPEC_DIR)"
	"$PY" -c 'import jsonschema' 2>/dev/null || skip "no python3-jsonschema"
	get_features
	local out
	out=$("$PY" -W ignore -c "$SCHEMA_PY" "$SCHEMA_DIR" <<<"$FEATURES" 2>&1) || fail "schema: $out"
	# The validator must be able to fail: a document with a wrong type is refused.
	"$PY" -W ignore -c "$SCHEMA_PY" "$SCHEMA_DIR" <<<'{"ociVersionMin": 5}' >/dev/null 2>&1 &&
		fail "schema validation accepted a broken document"
	return 0
}

test_versions_and_hooks() {
	get_features
	assert_eq "ociVersionMin" '"1.0.0"' "$(feat .ociVersionMin)"
	if is_runc_go; then
		assert_eq "ociVersionMax" '"1.3.0"' "$(feat .ociVersionMax)"
	else
		[[ $(feat .ociVersionMax) =~ ^\"1\.[0-9]+\.[0-9]+ ]] || fail "ociVersionMax: $(feat .ociVersionMax)"
	fi
	assert_eq "hooks" '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' \
		"$(feat .hooks)"
}

test_namespaces() {
	get_features
	feat '["cgroup","ipc","mount","network","pid","user","uts"] - .linux.namespaces' | grep -qx '\[\]' ||
		fail "namespaces: $(feat .linux.namespaces)"
	require_runc_go
	assert_eq "namespaces" '["cgroup","ipc","mount","network","pid","time","user","uts"]' \
		"$(feat .linux.namespaces)"
}

test_capabilities_are_libcaps() {
	get_features
	jq -e '.linux.capabilities | any(. == "CAP_SYS_ADMIN")' <<<"$FEATURES" >/dev/null ||
		fail "CAP_SYS_ADMIN missing: $(feat .linux.capabilities)"
	# Every listed name is one a config may use. (In the bounding set only: the
	# other sets cannot hold what the host's bounding set lacks.)
	new_container
	set_config '.process.capabilities = {bounding: $c}' \
		--argjson c "$(feat .linux.capabilities)"
	run_in true
	[[ $RC -eq 0 ]] || fail "run with every listed capability exited $RC: $ERR"
	command -v capsh >/dev/null || skip "no capsh to compare with libcap"
	# Every bit set: capsh names those libcap knows, numbers the others.
	local want
	want=$(capsh --decode=0xffffffffffffffff | sed 's/^[^=]*=//' | tr ',' '\n' |
		grep '^cap_' | tr 'a-z' 'A-Z' | jq -R . | jq -sc .)
	assert_eq "capabilities" "$want" "$(feat .linux.capabilities)"
}

test_annotations() {
	get_features
	local version
	version=$("$RUNTIME" --version | sed -n 's/^libseccomp: //p')
	assert_eq "io.github.seccomp.libseccomp.version" "\"$version\"" \
		"$(feat '.annotations["io.github.seccomp.libseccomp.version"]')"
	require_runc_go
	version=$("$RUNTIME" --version | sed -n 's/^runc-go version //p')
	assert_eq "io.github.runc-go.version" "\"$version\"" "$(feat '.annotations["io.github.runc-go.version"]')"
}

# Each listed option on a bind mount of its own, all in one container; when
# that fails, one container per option names the options refused.
test_mount_options_accepted() {
	get_features
	local src=$TEST_TMP/mnt-src opts opt n=0 mounts='[]'
	mkdir -p "$src"
	opts=$(jq -r '.mountOptions[]' <<<"$FEATURES")
	[[ -n $opts ]] || fail "no mountOptions"
	new_container
	# idmap and ridmap need maps to take (the mount's own here), and a filesystem that can
	# be idmapped (tmpfs only since Linux 6.3): where the source's can't, they are left out
	local maps='{uidMappings: [{containerID: 0, hostID: 1000, size: 1}], gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}'
	if grep -qx idmap <<<"$opts"; then
		new_container
		set_config '.mounts += [{destination: "/mnt/x", type: "bind", source: $s, options: ["bind", "idmap"]} + '"$maps"']' \
			--arg s "$src"
		run_in true
		if [[ $RC -ne 0 && $ERR == *"must support idmapped mounts"* ]]; then
			echo "idmap/ridmap left out: $(stat -fc %T "$src") can't be idmapped here" >&2
			opts=$(grep -vx -e idmap -e ridmap <<<"$opts")
		fi
	fi
	for opt in $opts; do
		mounts=$(jq -c --arg d "/mnt/$n" --arg s "$src" --arg o "$opt" \
			'. + [{destination: $d, type: "bind", source: $s, options: ["bind", $o]}
				+ (if $o == "idmap" or $o == "ridmap" then '"$maps"' else {} end)]' <<<"$mounts")
		n=$((n + 1))
	done
	set_config '.mounts += $m' --argjson m "$mounts"
	run_in cat /proc/self/mountinfo
	if [[ $RC -ne 0 ]]; then
		local refused=() together=$ERR
		for opt in $opts; do
			new_container
			set_config '.mounts += [{destination: "/mnt/x", type: "bind", source: $s, options: ["bind", $o]}
				+ (if $o == "idmap" or $o == "ridmap" then '"$maps"' else {} end)]' \
				--arg s "$src" --arg o "$opt"
			run_in true
			[[ $RC -eq 0 ]] || refused+=("$opt ($ERR)")
		done
		fail "listed mount options refused by run: ${refused[*]:-none alone, only together: $together}"
	fi
	# The options took effect, not just parsed: rro and nosymfollow are visible.
	local i=0 line
	for opt in $opts; do
		line=$(awk -v d="/mnt/$i" '$5 == d' <<<"$OUT")
		case $opt in
		rro) [[ $(awk '{print $6}' <<<"$line") == ro,* ]] || fail "rro mount not read-only: $line" ;;
		nosymfollow) [[ $line == *nosymfollow* ]] || fail "nosymfollow not in mountinfo: $line" ;;
		esac
		i=$((i + 1))
	done
}

# A listener for SCMP_ACT_NOTIFY that only accepts: the container never
# makes the notified call, runc-go only has to hand the fd over.
LISTENER_PY='
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(4)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
time.sleep(30)
'

# One profile with every listed action (each on a syscall busybox `true` never
# makes), operator, architecture and supported flag.
test_seccomp_lists_accepted() {
	get_features
	assert_eq "seccomp.enabled" true "$(feat .linux.seccomp.enabled)"
	local arch
	arch=$(uname -m)
	[[ $arch == x86_64 ]] && { feat .linux.seccomp.archs | grep -q '"SCMP_ARCH_X86_64"' || fail "native SCMP_ARCH_X86_64 not listed"; }
	feat '(.linux.seccomp.supportedFlags // []) - (.linux.seccomp.knownFlags // [])' | grep -qx '\[\]' ||
		fail "supportedFlags not a subset of knownFlags: $(feat .linux.seccomp)"
	if [[ $(pkg-config --modversion libseccomp 2>/dev/null) == 2.[0-5].* ]]; then
		feat .linux.seccomp.supportedFlags | grep -q WAIT_KILLABLE_RECV &&
			fail "WAIT_KILLABLE_RECV listed as supported with libseccomp < 2.6"
	fi
	# one syscall per rule, so no two rules conflict: actions first, then operators
	local syscalls='["acct","swapon","swapoff","kexec_load","init_module","delete_module",
		"vhangup","quotactl","setdomainname","syslog","uselib","mbind","migrate_pages",
		"move_pages","fanotify_init","lookup_dcookie","nfsservctl","kexec_file_load"]'
	local profile
	profile=$(jq -c --argjson sc "$syscalls" '.linux.seccomp as $s
		| ($s.actions | to_entries | map({names: [$sc[.key]], action: .value})) as $actions
		| ($s.operators | to_entries | map({names: [$sc[.key + ($s.actions | length)]], action: "SCMP_ACT_ERRNO",
			args: [{index: 1, value: 7, valueTwo: 7, op: .value}]})) as $ops
		| {defaultAction: "SCMP_ACT_ALLOW", architectures: $s.archs, flags: ($s.supportedFlags // []),
		   syscalls: ($actions + $ops)}' <<<"$FEATURES")
	new_container
	local dir=$TEST_TMP/listener agent=""
	if jq -e '.syscalls | any(.action == "SCMP_ACT_NOTIFY")' <<<"$profile" >/dev/null; then
		command -v python3 >/dev/null || skip "no python3 for the SCMP_ACT_NOTIFY listener"
		mkdir -p "$dir"
		profile=$(jq -c --arg p "$dir/agent.sock" '.listenerPath = $p' <<<"$profile")
		timeout 30 python3 -c "$LISTENER_PY" "$dir/agent.sock" 2>"$dir/err" &
		agent=$!
		local i
		for ((i = 0; i < 100; i++)); do
			[[ -e $dir/agent.sock.ready ]] && break
			sleep 0.05
		done
		[[ -e $dir/agent.sock.ready ]] || fail "the listener did not start: $(cat "$dir/err")"
	fi
	# libseccomp refuses an architecture of the other endianness beside the native
	# one (EDOM): the name was recognized, so retry without it.
	local archs tries foreign=()
	archs=$(jq -c .architectures <<<"$profile")
	for ((tries = 0; tries < 30; tries++)); do
		set_config '.linux.seccomp = ($s | .architectures = $a)' --argjson s "$profile" --argjson a "$archs"
		run_in true
		[[ $RC -eq 0 ]] && break
		[[ $ERR =~ add\ (SCMP_ARCH_[A-Z0-9_]+):\ [Nn]umerical\ argument\ out\ of\ domain ]] || break
		foreign+=("${BASH_REMATCH[1]}")
		archs=$(jq -c --arg a "${BASH_REMATCH[1]}" '. - [$a]' <<<"$archs")
	done
	[[ -n $agent ]] && { kill "$agent" 2>/dev/null; wait "$agent" 2>/dev/null; }
	[[ $RC -eq 0 ]] || fail "run with every listed action/operator/arch/flag exited $RC: $ERR (profile: $profile)"
	[[ $arch == x86_64 && " ${foreign[*]} " == *" SCMP_ARCH_X86 "* ]] && fail "SCMP_ARCH_X86 refused beside x86_64"
	return 0
}

# The reference runtime agrees where runc 1.1.5 has an answer.
test_differential_with_runc() {
	[[ -x $RUNC ]] || skip "no reference runtime $RUNC"
	is_runc && skip "RUNTIME is runc itself"
	get_features
	local ref
	ref=$("$RUNC" features 2>/dev/null) || skip "$RUNC has no features command"
	local what
	for what in .hooks .linux.capabilities .linux.seccomp.operators \
		'.annotations["io.github.seccomp.libseccomp.version"]'; do
		assert_eq "$what as runc" "$(jq -c "$what" <<<"$ref")" "$(feat "$what")"
	done
	for what in .linux.namespaces .linux.seccomp.actions .linux.seccomp.archs; do
		local missing
		missing=$(jq -c --argjson ours "$(feat "$what")" "$what - \$ours" <<<"$ref")
		assert_eq "runc's $what missing here" '[]' "$missing"
	done
}

run_tests
