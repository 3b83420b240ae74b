#!/bin/bash
# linux.seccomp on real containers: actions, errnoRet, argument filters,
# flags and architectures, config errors, and SCMP_ACT_NOTIFY with an agent
# at listenerPath. Checked from inside with busybox through `run`.
source "$(dirname "$0")/../lib.sh"

# What `true` needs once the filter is in, for a defaultAction that denies the
# rest: the runtime's last steps (sync, exec.fifo, execve) and busybox's start.
# Go's runtime calls are there so RUNTIME=/usr/sbin/runc passes too.
ALLOW_FOR_TRUE='["arch_prctl","brk","capget","capset","clock_gettime","close","close_range",
"dup2","dup3","epoll_create1","epoll_ctl","epoll_pwait","execve","exit",
"exit_group","fcntl","fstat","fstatfs","futex","getdents64","getpid",
"getppid","getrandom","gettid","getuid","kill","lseek","madvise","mmap",
"mprotect","munmap","nanosleep","newfstatat","openat","pipe2","prctl",
"prlimit64","read","readlink","readlinkat","rseq","rt_sigaction",
"rt_sigprocmask","rt_sigreturn","sched_getaffinity","sched_yield","sendto",
"set_robust_list","set_tid_address","setgid","setgroups","setuid",
"sigaltstack","statfs","tgkill","wait4","waitid","write","writev"]'

# set_seccomp 'JSON': set linux.seccomp.
set_seccomp() { set_config '.linux.seccomp = $s' --argjson s "$1"; }

# mkdir_rule ACTION [ERRNO]: defaultAction ALLOW, mkdir and mkdirat get ACTION.
mkdir_rule() {
	local rule='{"names": ["mkdir", "mkdirat"], "action": $a}'
	[[ -n ${2:-} ]] && rule='{"names": ["mkdir", "mkdirat"], "action": $a, "errnoRet": ($e | tonumber)}'
	set_config ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [$rule]}" \
		--arg a "$1" --arg e "${2:-0}"
}

# ------------------------------------------------------------------ actions

test_errno_default_eperm() {
	new_container
	mkdir_rule SCMP_ACT_ERRNO 1
	set_config '.root.readonly = false'
	run_in mkdir /tmp/x
	expect_nonzero "mkdir under SCMP_ACT_ERRNO"
	assert_contains "mkdir's error" "$OUT $ERR" "Operation not permitted"
	[[ -e $BUNDLE/rootfs/tmp/x ]] && fail "/tmp/x was created"
	# the same file system takes other changes: only mkdir is filtered
	run_sh 'touch /tmp/y && echo ok'
	assert_eq "an unfiltered call" "ok" "$OUT"
	[[ -e $BUNDLE/rootfs/tmp/y ]] || fail "/tmp/y was not created"
}

test_errno_without_errno_ret_is_eperm() {
	new_container
	mkdir_rule SCMP_ACT_ERRNO
	run_in mkdir /tmp/x
	expect_nonzero "mkdir"
	assert_contains "mkdir's error" "$OUT $ERR" "Operation not permitted"
}

test_errno_ret_38() {
	new_container
	mkdir_rule SCMP_ACT_ERRNO 38
	run_in mkdir /tmp/x
	expect_nonzero "mkdir"
	assert_contains "mkdir's error" "$OUT $ERR" "Function not implemented"
}

test_default_errno_with_allowlist() {
	new_container --shared-rootfs
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 6,
		syscalls: [{names: $allow, action: "SCMP_ACT_ALLOW"}]}' --argjson allow "$ALLOW_FOR_TRUE"
	run_in true
	expect_rc 0 "true under an allowlist"
	# pwd needs getcwd, which is not listed: it gets defaultErrnoRet (ENXIO)
	run_in pwd
	expect_nonzero "pwd without getcwd"
	assert_contains "pwd's error" "$OUT $ERR" "No such device or address"
}

test_kill_process_exits_159() {
	# busybox sh calls getppid at start (for $PPID)
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	run_in sh -c 'exit 0'
	expect_rc 159 "run (128+SIGSYS)"
	assert_no_leftovers "$ID"
}

test_kill_exits_159() {
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_KILL"}]}'
	run_in sh -c 'exit 0'
	expect_rc 159 "run (128+SIGSYS)"
}

test_trap_exits_159() {
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_TRAP"}]}'
	run_in sh -c 'exit 0'
	expect_rc 159 "run (128+SIGSYS)"
}

test_log_allows() {
	new_container
	mkdir_rule SCMP_ACT_LOG
	set_config '.root.readonly = false'
	run_sh 'mkdir /tmp/x && echo made'
	assert_eq "mkdir under SCMP_ACT_LOG" "made" "$OUT"
}

# ------------------------------------------------------------ arguments

# personality(PER_LINUX32 = 8) is what busybox linux32 calls; linux64 passes 0.
test_arg_eq() {
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
		"action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}'
	run_in linux32 true
	expect_nonzero "linux32 (personality 8)"
	assert_contains "linux32's error" "$OUT $ERR" "Operation not permitted"
	run_in linux64 true
	expect_rc 0 "linux64 (personality 0)"
}

test_arg_masked_eq() {
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
		"action": "SCMP_ACT_ERRNO",
		"args": [{"index": 0, "value": 12, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	run_in linux32 true
	expect_nonzero "linux32 (8 & 12 == 8)"
	run_in linux64 true
	expect_rc 0 "linux64 (0 & 12 != 8)"
}

test_args_same_index_each_a_rule() {
	# two conditions on one argument: either matches (runc's splitting)
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
		"action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"},
		{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
	run_in linux32 true
	expect_nonzero "linux32"
	run_in linux64 true
	expect_nonzero "linux64"
}

# ------------------------------------------------------- what is skipped

test_unknown_syscall_name_skipped() {
	new_container
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names":
		["rgo_no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	run_in mkdir /tmp/x
	expect_nonzero "mkdir"
	assert_contains "mkdir's error" "$OUT $ERR" "Operation not permitted"
}

test_rule_with_default_action_skipped() {
	new_container --shared-rootfs
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO",
		syscalls: [{names: $allow, action: "SCMP_ACT_ALLOW"},
			{names: ["getcwd"], action: "SCMP_ACT_ERRNO"}]}' --argjson allow "$ALLOW_FOR_TRUE"
	run_in true
	expect_rc 0 "true"
}

# ------------------------------------------------- flags, architectures

test_architectures() {
	[[ $(uname -m) == x86_64 ]] || skip "the x86 family of architectures needs an x86_64 host"
	new_container
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	run_in mkdir /tmp/x
	expect_nonzero "mkdir"
	assert_contains "mkdir's error" "$OUT $ERR" "Operation not permitted"
}

test_flags() {
	is_runc && skip "runc 1.1.5: seccomp flags are not yet supported"
	new_container
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
			"SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	run_in mkdir /tmp/x
	expect_nonzero "mkdir"
	assert_contains "mkdir's error" "$OUT $ERR" "Operation not permitted"
}

test_wait_killable_recv_flag() {
	require_runc_go
	local version
	version=$(pkg-config --modversion libseccomp 2>/dev/null) || skip "no pkg-config for libseccomp"
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}'
	run_in true
	if [[ $(printf '%s\n' 2.6.0 "$version" | sort -V | head -1) == 2.6.0 ]]; then
		expect_rc 0 "run with libseccomp $version"
	else
		expect_nonzero "run with libseccomp $version"
		expect_err_contains "linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs libseccomp 2.6.0"
		assert_no_leftovers "$ID"
	fi
}

# ------------------------------------------------------- no_new_privs

test_load_with_no_new_privileges() {
	new_container
	mkdir_rule SCMP_ACT_ERRNO 38
	set_config '.process.noNewPrivileges = true'
	run_sh 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t " " "; mkdir /tmp/x 2>&1; true'
	assert_contains "status" "$OUT" "NoNewPrivs: 1"
	assert_contains "status" "$OUT" "Seccomp: 2"
	assert_contains "mkdir's error" "$OUT" "Function not implemented"
}

test_load_without_no_new_privileges_as_user() {
	# loaded while the init still has CAP_SYS_ADMIN, before becoming uid 1000
	new_container
	mkdir_rule SCMP_ACT_ERRNO 38
	set_config '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
	run_sh 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t " " "; mkdir /tmp/x 2>&1; true'
	assert_contains "status" "$OUT" "NoNewPrivs: 0"
	assert_contains "status" "$OUT" "Seccomp: 2"
	assert_contains "mkdir's error" "$OUT" "Function not implemented"
}

# ------------------------------------------------------------ errors

test_unknown_default_action_fails() {
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_BOGUS"}'
	run_in true
	expect_nonzero "run"
	is_runc_go && expect_err_contains "linux.seccomp.defaultAction"
	assert_no_leftovers "$ID"
}

test_unknown_architecture_fails() {
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}'
	run_in true
	expect_nonzero "run"
	is_runc_go && expect_err_contains "linux.seccomp.architectures[0]"
	assert_no_leftovers "$ID"
}

test_arg_index_out_of_range_fails() {
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
		"action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 8, "op": "SCMP_CMP_EQ"}]}]}'
	run_in true
	expect_nonzero "run"
	is_runc_go && expect_err_contains "linux.seccomp.syscalls[0].args[0].index"
	assert_no_leftovers "$ID"
}

# ------------------------------------------------------------ notify

test_notify_without_listener_path_fails() {
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	run_in true
	expect_nonzero "run"
	is_runc_go && expect_err_contains "linux.seccomp.listenerPath"
	assert_no_leftovers "$ID"
}

test_notify_listener_unreachable_fails() {
	new_container --shared-rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/nonexistent/agent.sock",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	run_in true
	expect_nonzero "run"
	is_runc_go && expect_err_contains "listenerPath: connect to /nonexistent/agent.sock"
	assert_no_leftovers "$ID"
}

# A seccomp agent: takes COUNT connections, saves the state JSON of the Nth
# as OUT.N, and answers every notification on any fd it got with ENOMEDIUM
# until all those filters are gone (or 100 s passed: the test VM is slow).
AGENT_PY='
import array, fcntl, json, select, socket, struct, sys, time
path, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(4)
open(out + ".ready", "w").close()
RECV, SEND = 0xC0502100, 0xC0182101   # SECCOMP_IOCTL_NOTIF_RECV / _SEND

def take(conn, n):
    fds = array.array("i")
    data, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(fds.itemsize))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:fds.itemsize])
    while True:                        # until EOF or a whole JSON document
        try:
            json.loads(data)
            break
        except ValueError:
            pass
        more = conn.recv(65536)
        if not more:
            break
        data += more
    with open("%s.%d" % (out, n), "wb") as f:
        f.write(data)
    if not fds:
        sys.exit("no fd received")
    return fds[0]

def answer(fd):
    req = bytearray(80)
    try:
        fcntl.ioctl(fd, RECV, req)
    except OSError:
        return False                   # the filter has no users left
    (notif_id,) = struct.unpack_from("Q", req, 0)
    resp = bytearray(struct.pack("QqiI", notif_id, 0, -123, 0))   # -ENOMEDIUM
    try:
        fcntl.ioctl(fd, SEND, resp)
    except OSError:
        pass
    return True

fds, got, deadline = [], 0, time.time() + 100
while time.time() < deadline and (got < count or fds):
    ready, _, _ = select.select(([srv] if got < count else []) + fds, [], [], 0.5)
    for r in ready:
        if r is srv:
            conn, _ = srv.accept()
            got += 1
            fds.append(take(conn, got))
            conn.close()
        elif not answer(r):
            fds.remove(r)
            __import__("os").close(r)
sys.exit(0 if got == count else "only %d of %d connections" % (got, count))
'

# start_agent COUNT: the agent on $AGENT_DIR/agent.sock (a host path the
# container never sees) and linux.seccomp sending mkdir to it; AGENT_PID.
start_agent() {
	command -v python3 >/dev/null || skip "no python3 for the seccomp agent"
	AGENT_DIR=$TEST_TMP/agent.$BASHPID
	mkdir -p "$AGENT_DIR"
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p,
		listenerMetadata: "rgo-meta=1",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}
		| .annotations = {"rgo.test": "agent"}' --arg p "$AGENT_DIR/agent.sock"
	timeout 120 python3 -c "$AGENT_PY" "$AGENT_DIR/agent.sock" "$AGENT_DIR/state" "$1" \
		2>"$AGENT_DIR/agent.err" &
	AGENT_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -e $AGENT_DIR/state.ready ]] && return 0
		sleep 0.05
	done
	fail "the agent did not start: $(cat "$AGENT_DIR/agent.err")"
}

# agent_state N: the Nth state the agent got, checked to be JSON; into AGENT_STATE
agent_state() {
	AGENT_STATE=$(cat "$AGENT_DIR/state.$1" 2>/dev/null)
	jq -e . <<<"$AGENT_STATE" >/dev/null 2>&1 || fail "the agent got no JSON in connection $1: $AGENT_STATE"
}

# check_agent_state N PID STATUS: runtime.md's container process state
check_agent_state() {
	agent_state "$1"
	assert_eq "fds" '["seccompFd"]' "$(jq -c .fds <<<"$AGENT_STATE")"
	assert_eq "metadata" "rgo-meta=1" "$(jq -r .metadata <<<"$AGENT_STATE")"
	assert_eq "ociVersion" "string" "$(jq -r '.ociVersion | type' <<<"$AGENT_STATE")"
	assert_eq "state.id" "$ID" "$(jq -r .state.id <<<"$AGENT_STATE")"
	assert_eq "state.bundle" "$BUNDLE" "$(jq -r .state.bundle <<<"$AGENT_STATE")"
	assert_eq "state.status" "$3" "$(jq -r .state.status <<<"$AGENT_STATE")"
	assert_eq "state.annotations" '{"rgo.test":"agent"}' "$(jq -c .state.annotations <<<"$AGENT_STATE")"
	[[ -z $2 ]] || assert_eq "pid" "$2" "$(jq -r .pid <<<"$AGENT_STATE")"
}

test_notify_agent_gets_fd_and_answers() {
	new_container
	start_agent 1
	set_args sh -c 'mkdir /tmp/n 2>&1; echo "done $$"'
	rt_ok create -b "$BUNDLE" "$ID"
	get_state
	local init_pid
	init_pid=$(st pid)
	rt_ok start "$ID"
	wait_dead "$init_pid"
	rt_ok delete "$ID"
	wait "$AGENT_PID" || fail "agent: $(cat "$AGENT_DIR/agent.err")"
	check_agent_state 1 "$init_pid" creating
	assert_eq "state.pid" "$init_pid" "$(jq -r .state.pid <<<"$AGENT_STATE")"
}

# The init's output is not ours to read above; here it is: mkdir answered.
test_notify_agent_answers_the_init() {
	new_container
	start_agent 1
	run_in sh -c 'mkdir /tmp/n 2>&1; echo done'
	wait "$AGENT_PID" || fail "agent: $(cat "$AGENT_DIR/agent.err")"
	expect_rc 0 "run"
	assert_contains "mkdir answered by the agent" "$OUT" "No medium found"
	check_agent_state 1 "" creating
}

# exec'd processes get the config's filter: their own listener fd reaches the
# agent with their pid and the container's state.
test_notify_agent_for_exec() {
	new_container
	start_agent 2
	create_started sleep 1000
	get_state
	local init_pid
	init_pid=$(st pid)
	rt exec -d --pid-file "$TEST_TMP/exec.pid" "$ID" sh -c 'mkdir /tmp/e 2>/dev/shm/e.err; sleep 2'
	[[ $RC -eq 0 ]] || fail "exec -d: $ERR"
	local exec_pid
	exec_pid=$(cat "$TEST_TMP/exec.pid")
	rt exec "$ID" sh -c 'sleep 0.3; cat /dev/shm/e.err'
	assert_contains "exec'd mkdir answered by the agent" "$OUT" "No medium found"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt_ok delete "$ID"
	wait "$AGENT_PID" || fail "agent: $(cat "$AGENT_DIR/agent.err")"
	check_agent_state 1 "$init_pid" creating
	check_agent_state 2 "$exec_pid" running
	assert_eq "state.pid of the exec" "$init_pid" "$(jq -r .state.pid <<<"$AGENT_STATE")"
}

run_tests
