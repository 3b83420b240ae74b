#!/bin/bash
# OCI hooks: each kind runs at its point of the lifecycle, in the right namespaces, with the
# container's state on stdin; failing creation hooks fail the create and leave nothing;
# failing poststart/poststop hooks are only warnings.
source "$(dirname "$0")/../lib.sh"

# A hook script on the host that appends "<kind> <state JSON>" to $HOOK_LOG.
make_hook() {
	HOOK_LOG=$TEST_TMP/hooks.log
	HOOK=$TEST_TMP/hook.sh
	printf '#!/bin/sh\necho "$1 $(cat)" >> %s\n' "$HOOK_LOG" >"$HOOK"
	chmod +x "$HOOK"
}

hook_entry() { # hook_entry KIND
	jq -cn --arg p "$HOOK" --arg k "$1" '{path: $p, args: ["hook.sh", $k]}'
}

test_every_kind_runs_in_order_with_state() {
	new_container
	make_hook
	set_config ".hooks = {prestart: [$(hook_entry prestart)],
		createRuntime: [$(hook_entry createRuntime)],
		createContainer: [$(hook_entry createContainer)],
		poststart: [$(hook_entry poststart)],
		poststop: [$(hook_entry poststop)]}"
	run_in true
	expect_rc 0 "run with hooks"
	assert_eq "hook order" "prestart createRuntime createContainer poststart poststop" \
		"$(cut -d' ' -f1 "$HOOK_LOG" | tr '\n' ' ' | sed 's/ $//')"
	local line
	line=$(grep '^createRuntime ' "$HOOK_LOG" | cut -d' ' -f2-)
	assert_eq "state id" "$ID" "$(jq -r .id <<<"$line")"
	assert_eq "state status" creating "$(jq -r .status <<<"$line")"
	assert_eq "state bundle" "$BUNDLE" "$(jq -r .bundle <<<"$line")"
	[[ $(jq -r .pid <<<"$line") -gt 0 ]] || fail "createRuntime state has no pid: $line"
	# runc 1.1.5 still says "created" to poststart; the process is running by then.
	is_runc_go && assert_eq "poststart status" running "$(grep '^poststart ' "$HOOK_LOG" | cut -d' ' -f2- | jq -r .status)"
	assert_eq "poststop status" stopped "$(grep '^poststop ' "$HOOK_LOG" | cut -d' ' -f2- | jq -r .status)"
	assert_no_leftovers "$ID"
}

test_prestart_sees_the_container_namespaces_from_the_host() {
	new_container
	# The hook runs on the host: it can read the init's network namespace through /proc.
	set_config '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c",
		"pid=$(sed -n '\''s/.*\"pid\":\\([0-9]*\\).*/\\1/p'\''); readlink /proc/$pid/ns/net > '"$TEST_TMP"'/netns"]}]'
	run_in sh -c 'readlink /proc/self/ns/net'
	expect_rc 0 "run"
	assert_eq "network namespace seen by prestart" "$(tr -d '\n' <<<"$OUT")" "$(cat "$TEST_TMP/netns")"
}

test_create_container_runs_in_the_container_mount_namespace() {
	new_container
	set_config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
		"readlink /proc/self/ns/mnt > '"$TEST_TMP"'/mntns"]}]'
	run_in sh -c 'readlink /proc/self/ns/mnt'
	expect_rc 0 "run"
	assert_eq "mount namespace of createContainer" "$(tr -d '\n' <<<"$OUT")" "$(cat "$TEST_TMP/mntns")"
	assert_ne "mount namespace differs from the host" "$(readlink /proc/self/ns/mnt)" "$(cat "$TEST_TMP/mntns")"
}

test_start_container_runs_inside_after_pivot() {
	new_container
	# The path resolves inside the container: /bin/sh of the busybox rootfs.
	set_config '.root.readonly = false | .hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "echo started > /start-hook"]}]'
	run_in cat /start-hook
	expect_rc 0 "run"
	assert_eq "startContainer output seen by the process" started "$OUT"
}

# failing_hook_fails_create KIND: a failing KIND hook makes create fail, and leave nothing
failing_hook_fails_create() {
	new_container
	set_config ".hooks.$1"' = [{"path": "/bin/sh", "args": ["sh", "-c", "echo boom; exit 4"]}]'
	rt create -b "$BUNDLE" "$ID"
	expect_nonzero "create with a failing $1 hook"
	if is_runc_go; then
		expect_err_contains "$1 hook #0"
		expect_err_contains "exit status 4"
		expect_err_contains "boom"
	fi
	assert_no_leftovers "$ID"
}

test_failing_prestart_fails_create_and_leaves_nothing() { failing_hook_fails_create prestart; }
test_failing_create_runtime_fails_create_and_leaves_nothing() { failing_hook_fails_create createRuntime; }
test_failing_create_container_fails_create_and_leaves_nothing() { failing_hook_fails_create createContainer; }

test_hook_timeout() {
	new_container
	set_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
	local start=$SECONDS
	rt create -b "$BUNDLE" "$ID"
	expect_nonzero "create with a hook that times out"
	[[ $((SECONDS - start)) -lt 20 ]] || fail "the hook's timeout was not enforced"
	assert_no_leftovers "$ID"
}

test_failing_poststop_is_only_a_warning() {
	new_container
	set_config '.hooks.poststop = [{"path": "/bin/false", "args": ["false"]}]'
	run_in true
	expect_rc 0 "run with a failing poststop hook"
	assert_no_leftovers "$ID"
}

test_hook_env_and_args() {
	new_container
	set_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "echo \"$0 $HOOKVAR\" > '"$TEST_TMP"'/envargs", "first"], "env": ["HOOKVAR=value"]}]'
	run_in true
	expect_rc 0 "run"
	assert_eq "hook args and env" "first value" "$(cat "$TEST_TMP/envargs")"
}

run_tests
