#!/bin/bash
# `exec`: a new process in a running (or created) container joins its
# namespaces and cgroup, gets the config's process amended by the flags (or a
# --process file), and the runtime exits with its status. Error messages and
# exit codes are runc 1.1.5's ("exec failed: ...", 255); the tests pass with
# RUNTIME=/usr/sbin/runc too, except the ones marked runc-go specific.
source "$(dirname "$0")/../lib.sh"

# started_container [JQ FILTER]: a fresh container running `sleep 1000`.
started_container() {
	new_container
	[[ $# -gt 0 ]] && set_config "$1"
	create_started sleep 1000
	get_state
	INIT_PID=$(st pid)
}

# exec_ok ARGS...: `exec` that must exit 0; OUT is the process's stdout.
exec_ok() {
	rt exec "$@"
	[[ $RC -eq 0 ]] || fail "exec $* exited $RC: $ERR"
}

# The pids in the container's cgroup (one hierarchy is enough).
cgroup_procs() {
	local dir
	dir=$(cgroup_dirs_of "$ID" | head -1)
	[[ -n $dir ]] || fail "no cgroup directory for $ID"
	sort -n "$dir/cgroup.procs"
}

# Fails unless the container's cgroup holds the init only.
assert_only_init_left() {
	local procs i
	for ((i = 0; i < 40; i++)); do
		procs=$(cgroup_procs | tr '\n' ' ')
		[[ $procs == "$INIT_PID " ]] && return 0
		sleep 0.05
	done
	fail "the container's cgroup holds '$procs', expected only the init $INIT_PID"
}

test_true_exits_0() {
	started_container
	exec_ok "$ID" true
	assert_only_init_left
}

test_exit_code_passes_through() {
	started_container
	rt exec "$ID" sh -c 'exit 7'
	expect_rc 7 "exec sh -c 'exit 7'"
}

test_killed_by_signal_exits_128_plus() {
	# not pid 1 of the namespace: the self-kill works
	started_container
	rt exec "$ID" sh -c 'kill -9 $$'
	expect_rc 137 "exec of a process killed with SIGKILL"
}

test_stdout_and_stderr() {
	started_container
	rt exec "$ID" sh -c 'echo to-out; echo to-err >&2'
	expect_rc 0 "exec"
	assert_eq "stdout" to-out "$OUT"
	assert_contains "stderr" "$ERR" to-err
}

test_sees_container_hostname() {
	started_container '.hostname = "rgo-exec-host"'
	exec_ok "$ID" hostname
	assert_eq "hostname" rgo-exec-host "$OUT"
}

test_joins_pid_namespace() {
	started_container
	exec_ok "$ID" sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
	local pid first
	pid=$(head -1 <<<"$OUT")
	first=$(sed -n 2p <<<"$OUT")
	[[ $pid =~ ^[0-9]+$ && $pid -lt 100 ]] || fail "pid inside the container: expected a small number, got '$pid'"
	assert_eq "the container's pid 1" "sleep 1000 " "$first"
	exec_ok "$ID" ls /proc
	grep -qx 1 <<<"$OUT" || fail "/proc has no pid 1: $OUT"
	grep -qx "$INIT_PID" <<<"$OUT" && [[ $INIT_PID -ne 1 ]] && fail "/proc shows the host pid $INIT_PID"
	return 0
}

test_joins_mount_namespace() {
	started_container
	echo only-in-this-rootfs >"$BUNDLE/rootfs/marker"
	exec_ok "$ID" cat /marker
	assert_eq "file of the rootfs" only-in-this-rootfs "$OUT"
	exec_ok "$ID" sh -c 'test -e /etc/os-release && echo host-file || echo no-host-file'
	assert_eq "a host file" no-host-file "$OUT"
}

test_joins_other_namespaces() {
	started_container
	local ns mine theirs
	for ns in ipc uts net mnt pid; do
		theirs=$(readlink "/proc/$INIT_PID/ns/$ns")
		exec_ok "$ID" readlink "/proc/self/ns/$ns"
		assert_eq "$ns namespace" "$theirs" "$OUT"
		mine=$(readlink "/proc/self/ns/$ns")
		assert_ne "$ns namespace (the host's)" "$mine" "$OUT"
	done
}

test_joins_user_namespace() {
	new_container
	set_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args sleep 1000
	rt create -b "$BUNDLE" "$ID"
	[[ $RC -eq 0 ]] || skip "cannot create a container with a user namespace here: $ERR"
	rt_ok start "$ID"
	get_state
	INIT_PID=$(st pid)
	exec_ok "$ID" sh -c 'id -u; cat /proc/self/uid_map | tr -s " "; readlink /proc/self/ns/user'
	assert_eq "uid" 0 "$(sed -n 1p <<<"$OUT")"
	assert_eq "uid_map" " 0 100000 65536" "$(sed -n 2p <<<"$OUT")"
	assert_eq "user namespace" "$(readlink "/proc/$INIT_PID/ns/user")" "$(sed -n 3p <<<"$OUT")"
	exec_ok -u 1000:1000 "$ID" id -u
	assert_eq "uid 1000 inside" 1000 "$OUT"
	assert_only_init_left
}

test_joins_cgroup_namespace() {
	started_container '.linux.namespaces |= (if any(.type == "cgroup") then . else . + [{"type": "cgroup"}] end)'
	exec_ok "$ID" cat /proc/self/cgroup
	local line
	while read -r line; do
		[[ $line == *:/ ]] || fail "cgroup namespace not joined: $line"
	done <<<"$OUT"
	exec_ok "$ID" readlink /proc/self/ns/cgroup
	assert_eq "cgroup namespace" "$(readlink "/proc/$INIT_PID/ns/cgroup")" "$OUT"
}

test_seccomp_of_the_config() {
	started_container '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	rt exec "$ID" mkdir /dev/rgo-exec-dir
	expect_nonzero "exec mkdir with mkdir filtered"
	expect_err_contains "Operation not permitted"
	# the filter is the exec'd process's only: exec itself still works
	exec_ok "$ID" true
	exec_ok "$ID" grep -E '^Seccomp:' /proc/self/status
	assert_eq "seccomp mode" "Seccomp:	2" "$OUT"
}

test_env_overrides_by_name() {
	started_container
	exec_ok -e FOO=bar -e PATH=/bin:/usr/bin -e TERM=dumb "$ID" env
	# runc's order: the config's names in place (overridden), new ones after, HOME last
	assert_eq "environment" "$(printf '%s\n' PATH=/bin:/usr/bin TERM=dumb FOO=bar HOME=/root)" "$OUT"
}

test_home_of_user() {
	started_container
	exec_ok "$ID" sh -c 'echo $HOME'
	assert_eq "HOME of root" /root "$OUT"
	exec_ok -u 1000 "$ID" sh -c 'echo $HOME'
	assert_eq "HOME of a uid without passwd entry" / "$OUT"
	exec_ok -e HOME=/somewhere "$ID" sh -c 'echo $HOME'
	assert_eq "HOME given" /somewhere "$OUT"
}

test_cwd() {
	started_container
	exec_ok --cwd /etc "$ID" pwd
	assert_eq "cwd" /etc "$OUT"
	exec_ok "$ID" pwd
	assert_eq "cwd of the config" / "$OUT"
}

test_cwd_missing_or_relative() {
	started_container
	rt exec --cwd /no/such/dir "$ID" pwd
	expect_rc 255 "exec --cwd /no/such/dir"
	# (runc's log quotes the quotes: match around them)
	expect_err_contains 'chdir to cwd ('
	expect_err_contains '/no/such/dir'
	expect_err_contains 'set in config.json failed'
	rt exec --cwd relative "$ID" pwd
	expect_rc 255 "exec --cwd relative"
	expect_err_contains "Cwd must be an absolute path"
}

test_user_and_groups() {
	started_container
	exec_ok --user 1000:1000 "$ID" sh -c 'id -u; id -g'
	assert_eq "uid and gid" "$(printf '1000\n1000')" "$OUT"
	exec_ok -u 1000 "$ID" sh -c 'id -u; id -g'
	assert_eq "uid only" "$(printf '1000\n0')" "$OUT"
	exec_ok -g 5 -g 6 "$ID" id -G
	assert_eq "groups" "0 5 6" "$OUT"
	rt exec -u abc "$ID" true
	expect_rc 255 "exec -u abc"
	expect_err_contains "parsing abc as int for uid failed"
	rt exec -g -5 "$ID" true
	expect_rc 255 "exec -g -5"
	expect_err_contains "additional-gids must be a positive number -5"
}

test_process_file() {
	started_container
	cat >"$TEST_TMP/process.json" <<-'EOF'
		{"args": ["sh", "-c", "pwd; id -u; id -g; echo $A"], "cwd": "/tmp",
		 "user": {"uid": 5, "gid": 6}, "env": ["A=from-json", "PATH=/bin"]}
	EOF
	# with --process, the command and the flags that describe the process are ignored
	exec_ok --process "$TEST_TMP/process.json" -e A=flag --cwd /etc "$ID" ignored args
	assert_eq "process.json" "$(printf '/tmp\n5\n6\nfrom-json')" "$OUT"
}

test_process_file_invalid() {
	started_container
	echo '{"args": [], "cwd": "/"}' >"$TEST_TMP/empty-args.json"
	rt exec -p "$TEST_TMP/empty-args.json" "$ID"
	expect_rc 255 "exec of a process.json without args"
	expect_err_contains "args must not be empty"
	echo '{bad' >"$TEST_TMP/bad.json"
	rt exec -p "$TEST_TMP/bad.json" "$ID"
	expect_rc 255 "exec of an invalid process.json"
	rt exec -p "$TEST_TMP/no-such.json" "$ID"
	expect_rc 255 "exec of a missing process.json"
	expect_err_contains "no-such.json"
}

test_process_file_from_stdin() {
	require_runc_go # runc 1.1 opens a file named "-"
	started_container
	OUT=$(echo '{"args": ["echo", "from-stdin"], "cwd": "/", "env": ["PATH=/bin"]}' |
		timeout 20 "$RUNTIME" --root "$ROOT" exec -p - "$ID" 2>"$TEST_TMP/err")
	RC=$?
	ERR=$(cat "$TEST_TMP/err")
	expect_rc 0 "exec -p -"
	assert_eq "output" from-stdin "$OUT"
}

test_detach_pid_file() {
	started_container
	exec_ok --detach --pid-file "$TEST_TMP/exec.pid" "$ID" sleep 1000
	[[ -s $TEST_TMP/exec.pid ]] || fail "pid file not written"
	local pid
	pid=$(cat "$TEST_TMP/exec.pid")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	assert_eq "the detached process" "sleep 1000 " "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
	assert_eq "its cgroups" "$(cat "/proc/$INIT_PID/cgroup")" "$(cat "/proc/$pid/cgroup")"
	assert_eq "its mount namespace" "$(readlink "/proc/$INIT_PID/ns/mnt")" "$(readlink "/proc/$pid/ns/mnt")"
	cgroup_procs | grep -qx "$pid" || fail "pid $pid is not in the container's cgroup.procs"
	kill -9 "$pid"
	wait_dead "$pid"
	assert_only_init_left
}

test_exec_in_created_container() {
	new_container
	set_args sleep 1000
	rt_ok create -b "$BUNDLE" "$ID"
	exec_ok "$ID" echo in-created
	assert_eq "output" in-created "$OUT"
	get_state
	assert_eq "status after exec" created "$(st status)"
}

test_stopped_container() {
	started_container
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt exec "$ID" true
	expect_rc 255 "exec in a stopped container"
	expect_err_contains "cannot exec in a stopped container"
	# the refused exec left nothing: no process, and delete removes all
	assert_eq "processes of the container" "" "$(processes_of "$ID" "$BUNDLE")"
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_missing_container() {
	rt exec "rgt-no-such-container-$$" true
	expect_rc 255 "exec in a missing container"
	expect_err_contains "container does not exist"
}

test_missing_command() {
	started_container
	rt exec "$ID" no-such-command
	expect_rc 255 "exec of a missing command"
	expect_err_contains 'no-such-command'
	expect_err_contains 'executable file not found in $PATH'
	rt exec "$ID" /no/such/binary
	expect_rc 255 "exec of a missing path"
	expect_err_contains "no such file or directory"
	assert_only_init_left
}

test_no_command() {
	started_container
	rt exec "$ID"
	expect_rc 255 "exec without a command"
	expect_err_contains "process args cannot be empty"
}

test_only_stdio_fds() {
	started_container
	# ls's own directory fd is the 4th
	exec_ok "$ID" ls /proc/self/fd
	assert_eq "fds" "0 1 2 3" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
}

test_preserve_fds() {
	started_container
	echo preserved >"$TEST_TMP/fd3"
	OUT=$(timeout 20 "$RUNTIME" --root "$ROOT" exec --preserve-fds 1 "$ID" sh -c 'cat <&3; ls /proc/self/fd | tr "\n" " "' \
		3<"$TEST_TMP/fd3" </dev/null 2>"$TEST_TMP/err")
	RC=$?
	ERR=$(cat "$TEST_TMP/err")
	expect_rc 0 "exec --preserve-fds 1"
	assert_eq "fd 3 content" preserved "$(head -1 <<<"$OUT")"
	assert_eq "fds" "0 1 2 3 4 " "$(sed -n 2p <<<"$OUT")"
}

test_cap_added() {
	started_container
	# CAP_SYS_ADMIN is bit 21; the default config doesn't have it
	local eff inh
	exec_ok "$ID" grep CapEff /proc/self/status
	eff=$(sed -n 's/CapEff:\s*//p' <<<"$OUT")
	[[ $((0x$eff >> 21 & 1)) -eq 0 ]] || fail "CAP_SYS_ADMIN already in the default set $eff"
	exec_ok --cap CAP_SYS_ADMIN "$ID" grep -E "CapEff|CapInh" /proc/self/status
	eff=$(sed -n 's/CapEff:\s*//p' <<<"$OUT")
	inh=$(sed -n 's/CapInh:\s*//p' <<<"$OUT")
	[[ $((0x$eff >> 21 & 1)) -eq 1 ]] || fail "--cap CAP_SYS_ADMIN: effective set $eff"
	assert_eq "inheritable (CVE-2022-29162)" 0000000000000000 "$inh"
}

test_no_new_privs_flag() {
	started_container '.process.noNewPrivileges = false'
	exec_ok "$ID" grep NoNewPrivs /proc/self/status
	assert_contains "default" "$OUT" "0"
	exec_ok --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
	assert_contains "--no-new-privs" "$OUT" "1"
}

test_own_session() {
	started_container
	exec_ok "$ID" sh -c 'echo $$; cut -d" " -f6 /proc/self/stat; cut -d" " -f6 /proc/$$/stat'
	local pid sid
	pid=$(sed -n 1p <<<"$OUT")
	sid=$(sed -n 3p <<<"$OUT")
	assert_eq "session of the exec'd process" "$pid" "$sid"
}

test_terminal_checks() {
	started_container
	rt exec -t -d "$ID" true
	expect_rc 255 "exec -t -d without console socket"
	expect_err_contains "cannot allocate tty if runc will detach without setting console socket"
	rt exec --console-socket "$TEST_TMP/sock" "$ID" true
	expect_rc 255 "exec --console-socket without tty"
	expect_err_contains "cannot use console socket if runc will not detach or allocate tty"
}

test_sub_cgroup() {
	started_container
	local dir sub key
	dir=$(cgroup_dirs_of "$ID" | grep -m1 '/pids/')
	[[ -n $dir ]] || skip "no v1 pids hierarchy on this host"
	mkdir "$dir/sub" || fail "mkdir $dir/sub"
	exec_ok --cgroup pids:sub "$ID" cat /proc/self/cgroup
	grep -q ":pids:$CGROUP_PARENT/$ID/sub\$" <<<"$OUT" || fail "not in the pids sub-cgroup: $OUT"
	key=$(grep ':memory:' <<<"$OUT")
	[[ $key == *":memory:$CGROUP_PARENT/$ID" ]] || fail "memory cgroup changed: $key"
	rt exec --cgroup bogus:sub "$ID" true
	expect_rc 255 "exec --cgroup bogus:sub"
	expect_err_contains "unknown controller bogus"
	rt exec --cgroup a --cgroup b "$ID" true
	expect_rc 255 "two --cgroup without controller"
	expect_err_contains "missing <controller>: prefix"
	sub=$(cat "$dir/sub/cgroup.procs")
	[[ -z $sub ]] || fail "processes left in the sub-cgroup: $sub"
}

test_signal_forwarded() {
	started_container
	"$RUNTIME" --root "$ROOT" exec "$ID" sleep 100 </dev/null >/dev/null 2>"$TEST_TMP/sig.err" &
	local rt_pid=$! i=0 p child=""
	while [[ -z $child && $i -lt 200 ]]; do
		for p in $(cgroup_procs); do
			[[ $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) == "sleep 100 " ]] && child=$p
		done
		[[ -z $child ]] && sleep 0.05
		i=$((i + 1))
	done
	[[ -n $child ]] || { kill -9 "$rt_pid"; fail "the exec'd sleep never appeared: $(cat "$TEST_TMP/sig.err")"; }
	kill -TERM "$rt_pid"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$rt_pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$rt_pid" 2>/dev/null && { kill -9 "$rt_pid" "$child"; fail "the runtime did not exit after SIGTERM"; }
	wait "$rt_pid"
	RC=$?
	expect_rc 143 "exec of sleep after SIGTERM to the runtime"
	wait_dead "$child"
	assert_only_init_left
}

test_no_leftovers_after_delete() {
	started_container
	exec_ok "$ID" true
	exec_ok -d "$ID" sleep 1000
	rt_ok delete --force "$ID"
	assert_no_leftovers "$ID"
}

run_tests
