#!/bin/bash
# `spec`: the default config.json (runc 1.1.5's content), --bundle,
# --rootless, refusing to overwrite, and a generated spec that runs.
source "$(dirname "$0")/../lib.sh"

# spec_in DIR [ARGS]: run `spec` with DIR as cwd; sets RC, ERR, SPEC
spec_in() {
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && rt spec "$@" && echo "$RC" >"$TEST_TMP/spec.rc" && printf '%s' "$ERR" >"$TEST_TMP/spec.err")
	RC=$(cat "$TEST_TMP/spec.rc")
	ERR=$(cat "$TEST_TMP/spec.err")
	SPEC=""
	[[ -f $dir/config.json ]] && SPEC=$(cat "$dir/config.json")
	return 0
}

spec_is() { # spec_is WHAT 'JQ EXPR' EXPECTED_JSON
	local got
	got=$(jq -cS "$2" <<<"$SPEC" 2>&1) || fail "$1: jq failed on the spec: $got"
	assert_eq "$1" "$(jq -cS . <<<"$3")" "$got"
}

test_default_spec() {
	local dir=$TEST_TMP/spec.$BASHPID
	spec_in "$dir"
	expect_rc 0 "spec"
	jq -e 'type == "object"' <<<"$SPEC" >/dev/null || fail "config.json is not a JSON object"
	spec_is "top-level keys" 'keys' '["hostname","linux","mounts","ociVersion","process","root"]'
	[[ $(jq -r .ociVersion <<<"$SPEC") =~ ^1\.[0-9]+\.[0-9]+ ]] || fail "ociVersion: $(jq .ociVersion <<<"$SPEC")"
	spec_is "process.terminal" '.process.terminal' true
	spec_is "process.user" '.process.user' '{"uid": 0, "gid": 0}'
	spec_is "process.args" '.process.args' '["sh"]'
	spec_is "process.env" '.process.env' '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"]'
	spec_is "process.cwd" '.process.cwd' '"/"'
	spec_is "process.noNewPrivileges" '.process.noNewPrivileges' true
	spec_is "process.rlimits" '.process.rlimits' '[{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]'
	local caps='["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	spec_is "process.capabilities" '.process.capabilities' \
		"{\"bounding\": $caps, \"effective\": $caps, \"permitted\": $caps, \"ambient\": $caps}"
	spec_is "root" '.root' '{"path": "rootfs", "readonly": true}'
	spec_is "hostname" '.hostname' '"runc"'
	spec_is "mount destinations" '[.mounts[].destination]' \
		'["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"]'
	spec_is "mount types" '[.mounts[].type]' '["proc", "tmpfs", "devpts", "tmpfs", "mqueue", "sysfs", "cgroup"]'
	spec_is "namespaces" '[.linux.namespaces[].type]' '["pid", "network", "ipc", "uts", "mount"]'
	spec_is "devices rule" '.linux.resources.devices' '[{"allow": false, "access": "rwm"}]'
	spec_is "readonlyPaths" '.linux.readonlyPaths' \
		'["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]'
	spec_is "maskedPaths include /proc/kcore and /sys/firmware" \
		'[.linux.maskedPaths[] | select(. == "/proc/kcore" or . == "/sys/firmware")]' '["/proc/kcore", "/sys/firmware"]'
	local mode
	mode=$(stat -c %a "$dir/config.json")
	[[ $mode == 6[04][04] ]] || fail "config.json mode $mode"
}

test_spec_refuses_overwrite() {
	local dir=$TEST_TMP/spec.$BASHPID
	mkdir -p "$dir"
	echo '{"keep": "me"}' >"$dir/config.json"
	spec_in "$dir"
	expect_rc 1 "spec with an existing config.json"
	# runc: "File config.json exists. Remove it first"
	expect_err_contains "config.json"
	expect_err_contains "exists"
	assert_eq "config.json untouched" '{"keep": "me"}' "$(cat "$dir/config.json")"
}

test_spec_bundle_flag() {
	local cwd=$TEST_TMP/cwd.$BASHPID dir=$TEST_TMP/target.$BASHPID
	mkdir -p "$dir"
	spec_in "$cwd" --bundle "$dir"
	expect_rc 0 "spec --bundle"
	[[ -f $dir/config.json ]] || fail "no config.json in the --bundle dir"
	[[ -e $cwd/config.json ]] && fail "config.json written to the cwd instead"
	rm "$dir/config.json"
	spec_in "$cwd" -b "$dir"
	expect_rc 0 "spec -b"
	[[ -f $dir/config.json ]] || fail "no config.json in the -b dir"
	rm "$dir/config.json"
	spec_in "$cwd" --bundle="$dir"
	expect_rc 0 "spec --bundle=DIR"
	[[ -f $dir/config.json ]] || fail "no config.json with --bundle=DIR"
}

test_spec_bundle_missing_dir() {
	spec_in "$TEST_TMP/cwd.$BASHPID" --bundle "$TEST_TMP/no-such-dir"
	expect_nonzero "spec --bundle of a missing dir"
	[[ -e $TEST_TMP/no-such-dir ]] && fail "spec created the missing bundle dir"
	return 0
}

test_spec_rootless() {
	local dir=$TEST_TMP/spec.$BASHPID
	spec_in "$dir" --rootless
	expect_rc 0 "spec --rootless"
	local uid gid
	uid=$(id -u)
	gid=$(id -g)
	spec_is "rootless namespaces" '[.linux.namespaces[].type] | sort' '["ipc", "mount", "pid", "user", "uts"]'
	spec_is "rootless uidMappings" '.linux.uidMappings' "[{\"containerID\": 0, \"hostID\": $uid, \"size\": 1}]"
	spec_is "rootless gidMappings" '.linux.gidMappings' "[{\"containerID\": 0, \"hostID\": $gid, \"size\": 1}]"
	spec_is "rootless has no resources" '.linux.resources' null
	spec_is "rootless /sys is a bind" '.mounts[] | select(.destination == "/sys") | [.type, .source, (.options | index("rbind") != null)]' \
		'["none", "/sys", true]'
	spec_is "rootless devpts has no gid=5" '.mounts[] | select(.destination == "/dev/pts") | (.options | index("gid=5"))' null
}

test_generated_spec_runs() {
	# the runtime's own spec, with only terminal/args/cgroupsPath changed, runs
	new_container
	rm "$BUNDLE/config.json"
	spec_in "$BUNDLE"
	expect_rc 0 "spec"
	set_config '.process.terminal = false | .linux.cgroupsPath = $p' --arg p "$CGROUP_PARENT/$ID"
	run_sh 'echo spec-ok; hostname'
	assert_eq "output" $'spec-ok\nrunc' "$OUT"
	assert_no_leftovers "$ID"
}

test_spec_unknown_flag() {
	spec_in "$TEST_TMP/cwd.$BASHPID" --no-such-flag
	expect_nonzero "spec --no-such-flag"
	[[ -e $TEST_TMP/cwd.$BASHPID/config.json ]] && fail "config.json written despite the bad flag"
	return 0
}

run_tests
