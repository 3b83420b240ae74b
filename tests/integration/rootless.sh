#!/bin/bash
# Rootless: runc-go run by an unprivileged user the test makes (useradd),
# with a user namespace: `spec --rootless`, run/exec/delete, state under the
# user's $XDG_RUNTIME_DIR/runc-go, newuidmap/newgidmap for more than the
# user's own id, and the clear errors where they are missing or refuse.
source "$(dirname "$0")/../lib.sh"

# make_user: a user of the test's own (removed with its subuid ranges at the
# end), its runtime dir, and RL_BUNDLE from `spec --rootless`
make_user() {
	[[ $(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0) -gt 0 ]] ||
		skip "user namespaces are disabled on this host"
	RL_USER=rgo-rl-$BASHPID
	useradd -M -s /bin/sh "$RL_USER" 2>"$TEST_TMP/useradd.err" || fail "useradd: $(cat "$TEST_TMP/useradd.err")"
	trap 'remove_user' EXIT
	RL_UID=$(id -u "$RL_USER")
	chmod 711 "$TEST_TMP"
	RL_XDG=$TEST_TMP/xdg.$BASHPID
	mkdir -p "$RL_XDG" "$TEST_TMP/rl"
	chown "$RL_USER:" "$RL_XDG"
	chmod 700 "$RL_XDG"
	ensure_cache
	RL_BUNDLE=$TEST_TMP/rl/b.$BASHPID
	mkdir -p "$RL_BUNDLE"
	chown "$RL_USER:" "$RL_BUNDLE"
	ID=$(new_id)
	as_user spec --rootless --bundle "$RL_BUNDLE"
	[[ $RC -eq 0 ]] || fail "spec --rootless: $ERR"
	# the shared busybox rootfs (read-only, world-readable) by absolute path
	as_user_sh "jq --arg r '$CACHE/bundle/rootfs' '.root.path = \$r | .process.terminal = false' \
		'$RL_BUNDLE/config.json' >'$RL_BUNDLE/c' && mv '$RL_BUNDLE/c' '$RL_BUNDLE/config.json'"
}

remove_user() {
	[[ -n ${RL_USER:-} ]] || return 0
	pkill -KILL -u "$RL_USER" 2>/dev/null
	usermod --del-subuids 400000-465535 --del-subgids 400000-465535 "$RL_USER" 2>/dev/null
	userdel "$RL_USER" 2>/dev/null
	RL_USER=""
}

# rl_config 'JQ FILTER' [JQ ARGS]: edit the rootless bundle's config
rl_config() {
	local filter=$1
	shift
	jq "$filter" "$@" "$RL_BUNDLE/config.json" >"$RL_BUNDLE/config.json.new" || fail "jq: $filter"
	mv "$RL_BUNDLE/config.json.new" "$RL_BUNDLE/config.json"
	chown "$RL_USER:" "$RL_BUNDLE/config.json"
}

# as_user ARGS...: the runtime as the user, no --root (its default applies); OUT ERR RC
as_user() {
	local out=$TEST_TMP/out.$BASHPID err=$TEST_TMP/err.$BASHPID
	: >"$out"
	: >"$err"
	chmod 666 "$out" "$err"
	timeout -k 5 "$TEST_TIMEOUT" setpriv --reuid "$RL_UID" --regid "$RL_UID" --init-groups \
		env -i PATH="${RL_PATH:-/usr/sbin:/usr/bin:/sbin:/bin}" HOME=/ XDG_RUNTIME_DIR="$RL_XDG" \
		"$RUNTIME" "$@" </dev/null >"$out" 2>"$err"
	RC=$?
	OUT=$(cat "$out")
	ERR=$(cat "$err")
}

as_user_sh() { setpriv --reuid "$RL_UID" --regid "$RL_UID" --init-groups sh -c "$1"; }

# rl_left: what of the user's container remains (state dir, processes)
rl_left() {
	local what=""
	[[ -e $RL_XDG/runc-go/$ID ]] && what+="state dir $RL_XDG/runc-go/$ID "
	# (zombies don't count: this machine's PID 1 reaps nothing that create left to it)
	local procs
	procs=$(ps -u "$RL_UID" -o pid=,stat= | awk '$2 !~ /^Z/ {print $1}' | tr '\n' ' ')
	[[ -n $procs ]] && what+="processes: $procs"
	echo "$what"
}

test_run_as_an_unprivileged_user() {
	make_user
	rl_config '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map /proc/self/setgroups"]'
	as_user run --bundle "$RL_BUNDLE" "$ID"
	expect_rc 0 "rootless run"
	# setgroups(2) denied: the kernel takes an unprivileged gid_map only so
	assert_eq "inside" "0 0 $RL_UID 1 deny" "$(tr -s ' \n' '  ' <<<"$OUT" | sed 's/^ //; s/ $//')"
	assert_eq "left behind" "" "$(rl_left)"
}

test_state_under_the_users_runtime_dir() {
	make_user
	rl_config '.process.args = ["sleep", "100"]'
	as_user create --bundle "$RL_BUNDLE" "$ID"
	expect_rc 0 "rootless create"
	[[ -f $RL_XDG/runc-go/$ID/state.json ]] || fail "no state in $RL_XDG/runc-go/$ID"
	assert_eq "owner of the state" "$RL_UID" "$(stat -c %u "$RL_XDG/runc-go/$ID/state.json")"
	as_user state "$ID"
	assert_eq "status" created "$(jq -r .status <<<"$OUT")"
	as_user delete --force "$ID"
	expect_rc 0 "rootless delete"
	assert_eq "left behind" "" "$(rl_left)"
}

test_exec_as_an_unprivileged_user() {
	make_user
	rl_config '.process.args = ["sleep", "100"]'
	as_user run -d --bundle "$RL_BUNDLE" "$ID"
	expect_rc 0 "rootless run -d"
	as_user exec "$ID" sh -c 'id -u; readlink /proc/self/ns/user'
	expect_rc 0 "rootless exec"
	assert_eq "uid inside" 0 "$(head -1 <<<"$OUT")"
	local init
	init=$(as_user state "$ID"; jq -r .pid <<<"$OUT")
	assert_eq "the exec'd process's user namespace is the init's" "$(readlink "/proc/$init/ns/user")" "$(tail -1 <<<"$OUT")"
	as_user exec "$ID" sh -c 'exit 6'
	expect_rc 6 "exit code of a rootless exec"
	as_user delete --force "$ID"
	assert_eq "left behind" "" "$(rl_left)"
}

# more than the user's own id: newuidmap/newgidmap with ranges from /etc/subuid
rl_wide_maps() {
	rl_config '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $s, size: 1000}]
		| .linux.gidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $s, size: 1000}]
		| .process.args = ["sh", "-c", "cat /proc/self/uid_map"]' --argjson u "$RL_UID" --argjson s "$1"
}

test_newuidmap_for_subordinate_ids() {
	command -v newuidmap >/dev/null || skip "no newuidmap (apt-get install uidmap)"
	make_user
	usermod --add-subuids 400000-465535 --add-subgids 400000-465535 "$RL_USER"
	rl_wide_maps 400000
	as_user run --bundle "$RL_BUNDLE" "$ID"
	expect_rc 0 "rootless run with subordinate ids"
	assert_eq "uid_map" "0 $RL_UID 1 1 400000 1000" "$(tr -s ' \n' '  ' <<<"$OUT" | sed 's/^ //; s/ $//')"
	assert_eq "left behind" "" "$(rl_left)"
}

test_newuidmap_missing() {
	make_user
	rl_wide_maps 400000
	RL_PATH=/nonexistent as_user run --bundle "$RL_BUNDLE" "$ID"
	expect_nonzero "rootless run needing newuidmap without it"
	expect_err_contains "config.json: linux.uidMappings: mapping more than your own id needs newuidmap (apt-get install uidmap)"
	[[ $(grep -c . <<<"$ERR") -eq 1 ]] || fail "expected one line, got: $ERR"
	assert_eq "left behind" "" "$(rl_left)"
}

test_subordinate_ids_not_granted() {
	command -v newuidmap >/dev/null || skip "no newuidmap (apt-get install uidmap)"
	make_user
	rl_wide_maps 900000
	as_user run --bundle "$RL_BUNDLE" "$ID"
	expect_nonzero "rootless run with ids /etc/subuid doesn't grant"
	expect_err_contains "newuidmap refused the map"
	expect_err_contains "/etc/subuid"
	assert_eq "left behind" "" "$(rl_left)"
}

# No cgroup this user can write: the container runs without one (as runc's
# rootless mode), and the log says the limits were not applied.
test_cgroups_skipped_without_write_access() {
	make_user
	rl_config '.linux.cgroupsPath = $p | .linux.resources = {"pids": {"limit": 50}} | .process.args = ["true"]' \
		--arg p "$CGROUP_PARENT/$ID"
	as_user run --bundle "$RL_BUNDLE" "$ID"
	expect_rc 0 "rootless run with a cgroup it can't make"
	expect_err_contains "linux.resources are not applied"
	[[ -z $(cgroup_dirs_of "$ID") ]] || fail "cgroups made: $(cgroup_dirs_of "$ID")"
	assert_eq "left behind" "" "$(rl_left)"
}

run_tests
