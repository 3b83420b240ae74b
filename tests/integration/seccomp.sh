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

# A seccomp agent: takes one connection, saves the state JSON, then answers
# every notification with ENOMEDIUM until the container is gone.
AGENT_PY='
import array, fcntl, json, select, socket, struct, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
conn, _ = srv.accept()
fds = array.array("i")
data, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(fds.itemsize))
for level, kind, payload in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(payload[:fds.itemsize])
while True:                            # until EOF or a whole JSON document
    try:
        json.loads(data)
        break
    except ValueError:
        pass
    more = conn.recv(65536)
    if not more:
        break
    data += more
with open(out, "wb") as f:
    f.write(data)
if not fds:
    sys.exit("no fd received")
fd = fds[0]
RECV, SEND = 0xC0502100, 0xC0182101   # SECCOMP_IOCTL_NOTIF_RECV / _SEND
while True:
    r, _, _ = select.select([fd], [], [], 20)
    if not r:
        break
    req = bytearray(80)
    try:
        fcntl.ioctl(fd, RECV, req)
    except OSError:
        break                          # the filter has no users left
    (notif_id,) = struct.unpack_from("Q", req, 0)
    resp = bytearray(struct.pack("QqiI", notif_id, 0, -123, 0))   # -ENOMEDIUM
    try:
        fcntl.ioctl(fd, SEND, resp)
    except OSError:
        pass
'

test_notify_agent_gets_fd_and_answers() {
	command -v python3 >/dev/null || skip "no python3 for the seccomp agent"
	new_container
	local dir=$TEST_TMP/agent
	mkdir -p "$dir"
	# the socket is reached from inside the container's mount namespace too
	set_config '.mounts += [{destination: $d, type: "bind", source: $d, options: ["bind"]}]' \
		--arg d "$dir"
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p,
		listenerMetadata: "rgo-meta=1",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' \
		--arg p "$dir/agent.sock"
	timeout 30 python3 -c "$AGENT_PY" "$dir/agent.sock" "$dir/state.json" 2>"$dir/agent.err" &
	local agent=$! i
	for ((i = 0; i < 100; i++)); do
		[[ -e $dir/state.json.ready ]] && break
		sleep 0.05
	done
	[[ -e $dir/state.json.ready ]] || fail "the agent did not start: $(cat "$dir/agent.err")"
	run_in sh -c 'mkdir /tmp/n 2>&1; echo done'
	wait "$agent"
	local agent_rc=$?
	expect_rc 0 "run"
	assert_contains "mkdir answered by the agent" "$OUT" "No medium found"
	[[ $agent_rc -eq 0 ]] || fail "agent exited $agent_rc: $(cat "$dir/agent.err")"
	local state
	state=$(cat "$dir/state.json")
	jq -e . <<<"$state" >/dev/null 2>&1 || fail "the agent got no JSON: $state"
	assert_eq "fds" '["seccompFd"]' "$(jq -c .fds <<<"$state")"
	assert_eq "metadata" "rgo-meta=1" "$(jq -r .metadata <<<"$state")"
	assert_eq "state.status" "creating" "$(jq -r .state.status <<<"$state")"
	assert_eq "ociVersion" "string" "$(jq -r '.ociVersion | type' <<<"$state")"
	assert_eq "pid" "number" "$(jq -r '.pid | type' <<<"$state")"
}

run_tests
