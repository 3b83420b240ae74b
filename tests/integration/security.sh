#!/bin/bash
# Confinement against a hostile image or container: one test per known runtime
# CVE (named in the test), each with what the vulnerable design did and why the
# test fails on it; plus Docker's default seccomp profile on a real shell.
# Binaries an attack could damage are copies made for the test.
source "$(dirname "$0")/../lib.sh"

# A host directory per test, bind-mounted at /att where a container must
# leave results for the test to read.
att_dir() {
	ATT=$TEST_TMP/att.$BASHPID
	mkdir -p "$ATT"
	set_config '.mounts += [{destination: "/att", type: "bind", source: $d, options: ["bind"]}]' --arg d "$ATT"
}

# wait_file FILE [TENTHS]: wait until FILE exists (default 10 s)
wait_file() {
	local i
	for ((i = 0; i < ${2:-100}; i++)); do
		[[ -e $1 ]] && return 0
		sleep 0.1
	done
	return 1
}

# tree_digest DIR: names, types, link targets and contents under DIR
tree_digest() {
	(cd "$1" && find . -printf '%p %y %l\n' | sort && find . -type f -exec sha256sum {} + | sort)
}

# ------------------------------------------- CVE-2021-30465: mount targets

# The image makes a mount destination a symlink to a host path. runc before
# 1.0.0-rc95 resolved destinations by string (and securejoin before the
# mount, racing): mount(2) followed the symlink on the host, so the mount
# covered a host directory in the container's namespace and the container's
# own path stayed empty. Here the mount must land inside the rootfs (the
# symlink resolved with the rootfs as /), the host directory untouched.
test_cve_2021_30465_mount_destination_symlink_to_host() {
	local host=$TEST_TMP/host-target.$BASHPID src=$TEST_TMP/src.$BASHPID
	mkdir -p "$host" "$src"
	echo host-content >"$host/host-file"
	echo from-source >"$src/file"
	local before
	before=$(tree_digest "$host")
	local variant dest link
	for variant in absolute relative component; do
		new_container
		case $variant in
		absolute) link=$host dest=/mnt/vol ;;
		relative) link=../../../../../../../../../..$host dest=/mnt/vol ;;
		component) link=$host dest=/mnt/vol/sub ;; # the symlink is a middle component
		esac
		mkdir -p "$BUNDLE/rootfs/mnt"
		ln -s "$link" "$BUNDLE/rootfs/mnt/vol"
		set_config '.mounts += [{destination: $d, type: "bind", source: $s, options: ["bind"]}]' \
			--arg d "$dest" --arg s "$src"
		run_in sh -c "cat $dest/file; touch $dest/written-inside && echo wrote; grep -c ' $host' /proc/self/mountinfo"
		expect_rc 0 "run ($variant symlink)"
		assert_eq "$variant: the source seen at $dest, mounted at $host inside the rootfs" \
			$'from-source\nwrote\n1' "$OUT"
		[[ -d $BUNDLE/rootfs$host ]] || fail "$variant: no mount point made inside the rootfs at $host"
		[[ -e $src/written-inside ]] || fail "$variant: the write did not reach the bind source"
		rm -f "$src/written-inside"
		assert_eq "$variant: host directory $host" "$before" "$(tree_digest "$host")"
		grep -qF " $host " /proc/self/mountinfo && fail "$variant: a mount appeared on the host at $host"
	done
	return 0
}

# ------------------------------ CVE-2019-16884 / CVE-2019-19921: fake /proc

# make_fake_proc: the image's /proc is a symlink to /fake (a plain directory
# of the image that looks like procfs), every file the runtime writes there
# made in advance; FAKE_BEFORE is its digest
make_fake_proc() {
	local f
	rm -rf "$BUNDLE/rootfs/proc"
	ln -s /fake "$BUNDLE/rootfs/proc"
	mkdir -p "$BUNDLE/rootfs/fake/self/attr/apparmor" "$BUNDLE/rootfs/fake/self/fd" \
		"$BUNDLE/rootfs/fake/sys/net/ipv4" "$BUNDLE/rootfs/fake/sys/kernel"
	for f in self/oom_score_adj self/attr/exec self/attr/current self/attr/apparmor/exec \
		sys/net/ipv4/ip_forward sys/kernel/domainname; do
		echo original >"$BUNDLE/rootfs/fake/$f"
	done
	# what /proc/self/fd/N of the runtime's own fds would be
	for f in 3 4 5 6 7 8 9 10 11 12; do
		: >"$BUNDLE/rootfs/fake/self/fd/$f"
	done
	FAKE_BEFORE=$(tree_digest "$BUNDLE/rootfs/fake")
	set_config '.root.readonly = false | .process.oomScoreAdj = 123
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
}

# The image replaces /proc with a symlink and the config mounts proc there.
# runc before 1.0.0-rc9 mounted proc wherever the symlink led, and then wrote
# the AppArmor label and sysctls into the image's fake files: the container
# ran unconfined. The runtime must refuse (proc goes on an ordinary directory
# only) and write nothing into the image.
test_cve_2019_16884_proc_symlink_in_image() {
	new_container
	make_fake_proc
	set_args sh -c 'echo started >/started'
	rt run -b "$BUNDLE" "$ID"
	expect_nonzero "run with /proc a symlink"
	expect_err_contains "ordinary directory"
	[[ -e $BUNDLE/rootfs/started ]] && fail "the container ran"
	assert_eq "the image's fake /proc" "$FAKE_BEFORE" "$(tree_digest "$BUNDLE/rootfs/fake")"
	assert_no_leftovers "$ID"
}

# The same image with a config that mounts no proc: whatever the runtime
# writes under /proc after pivot_root lands in the image's files: sysctls
# (runc 1.1.5 writes them there), oom_score_adj, the exec fifo reached through
# /proc/self/fd (which would also start the container without `start`), LSM
# attributes. Fail, or write into procfs only; and never start by itself.
test_cve_2019_16884_fake_proc_without_proc_mount() {
	local what
	for what in sysctl oomScoreAdj exec-fifo; do
		new_container
		make_fake_proc
		set_config '.mounts |= map(select(.destination != "/proc"))
			| .linux.maskedPaths = [] | .linux.readonlyPaths = []'
		case $what in
		sysctl) set_config 'del(.process.oomScoreAdj)' ;;
		oomScoreAdj) set_config 'del(.linux.sysctl)' ;;
		exec-fifo) set_config 'del(.linux.sysctl) | del(.process.oomScoreAdj)' ;;
		esac
		set_args sh -c 'echo started >/started'
		rt create -b "$BUNDLE" "$ID"
		local rc=$RC err=$ERR
		sleep 0.3
		[[ -e $BUNDLE/rootfs/started ]] &&
			sub_fail "$what" "the container started without \`start\` (create rc $rc: $err)"
		[[ $FAKE_BEFORE == "$(tree_digest "$BUNDLE/rootfs/fake")" ]] ||
			sub_fail "$what" "the runtime wrote into the image's fake /proc (create rc $rc: $err):" \
				"$(diff <(echo "$FAKE_BEFORE") <(tree_digest "$BUNDLE/rootfs/fake") | grep '^>')"
		rt delete --force "$ID"
	done
}

# The config mounts something else than procfs at /proc, or over a file in
# it (CVE-2019-19921: a volume over /proc with a fake attr/exec). runc checks
# this since 1.0.0-rc10; the runtime must refuse before the container runs.
test_cve_2019_19921_non_proc_mount_over_proc() {
	local src=$TEST_TMP/fakeattr.$BASHPID
	mkdir -p "$src"
	echo original >"$src/exec"
	local mount
	for mount in '{destination: "/proc", type: "tmpfs", source: "tmpfs"}' \
		'{destination: "/proc", type: "bind", source: $s, options: ["rbind"]}' \
		'{destination: "/proc/self/attr", type: "bind", source: $s, options: ["bind"]}' \
		'{destination: "/proc/sys", type: "bind", source: $s, options: ["bind"]}'; do
		new_container
		set_config ".mounts += [$mount]" --arg s "$src"
		set_args sh -c 'echo started'
		rt run -b "$BUNDLE" "$ID"
		expect_nonzero "run with mount $mount"
		[[ $OUT == *started* ]] && fail "the container ran with $mount"
		[[ $ERR == *"/proc"* ]] || fail "the error does not name /proc: $ERR"
		assert_eq "the fake attr file" original "$(cat "$src/exec")"
		assert_no_leftovers "$ID"
	done
}

# ------------------------------------------ CVE-2024-21626: leaked host fds

# fds_ok TAG FILE [N]: FILE holds `ls -l /proc/self/fd` of the process; only
# 0, 1, 2 and N preserved fds (3..) may be open, besides ls's own directory
FDS_CMD='exec ls -l /proc/self/fd >/att/fds.$0'
fds_ok() {
	local tag=$1 file=$2 preserved=${3:-0} fds want="0 1 2" i
	wait_file "$file" 50 || fail "$tag: no fd listing"
	sleep 0.1
	for ((i = 3; i < 3 + preserved; i++)); do want+=" $i"; done
	fds=$(awk '$(NF-1) == "->" && $NF !~ /^\/proc\/[0-9]+\/fd$/ {print $(NF-2)}' "$file" | sort -n | tr '\n' ' ')
	assert_eq "$tag: open fds ($(tr '\n' ' ' <"$file"))" "$want" "${fds% }"
}

# runc 1.0.0-rc93..1.1.11 leaked an fd of the host's /sys/fs/cgroup into the
# container's process (and let process.cwd /proc/self/fd/N start it there):
# the process could walk ../.. to the host's root. Only stdio and the
# preserved fds may reach the process, for run, create/start and exec.
test_cve_2024_21626_only_stdio_fds() {
	new_container
	att_dir
	run_in sh -c "$FDS_CMD" run
	expect_rc 0 run
	fds_ok run "$ATT/fds.run"
	new_container
	att_dir
	create_started sh -c "$FDS_CMD; " create-start
	fds_ok create/start "$ATT/fds.create-start"
	rt delete --force "$ID"
	new_container
	att_dir
	create_started sleep 100
	rt exec "$ID" sh -c "$FDS_CMD" exec
	expect_rc 0 exec
	fds_ok exec "$ATT/fds.exec"
	rt exec --preserve-fds 2 "$ID" sh -c "$FDS_CMD" exec-preserve 3</dev/null 4</dev/null
	fds_ok "exec --preserve-fds 2" "$ATT/fds.exec-preserve" 2
}

# process.cwd (or exec --cwd) /proc/self/fd/N names whatever fd N the
# runtime's process holds when it chdirs: with a leaked directory fd of the
# host, the process starts outside its root. Either the runtime refuses the
# cwd, or the process is inside the container (walking up from its cwd ends
# at the container's root).
CWD_CHECK='cd ../../../../../../../../../..; if [ -e /cwd-marker ] && [ -e ./cwd-marker ]; then echo inside; else echo "escaped: $(ls | tr "\n" " ")"; fi'
test_cve_2024_21626_cwd_through_proc_self_fd() {
	local n
	new_container
	: >"$BUNDLE/rootfs/cwd-marker"
	for ((n = 3; n <= 10; n++)); do
		set_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		run_in sh -c "$CWD_CHECK"
		[[ $RC -ne 0 || $OUT == inside ]] || fail "run with cwd /proc/self/fd/$n: $OUT"
		[[ $RC -eq 124 ]] && fail "run with cwd /proc/self/fd/$n timed out"
	done
	# the same through a symlink of the image that names the magic link
	for ((n = 3; n <= 10; n++)); do
		ln -sfn "/proc/self/fd/$n" "$BUNDLE/rootfs/evil-cwd"
		set_config '.process.cwd = "/evil-cwd"'
		run_in sh -c "$CWD_CHECK"
		[[ $RC -ne 0 || $OUT == inside ]] || fail "run with cwd /evil-cwd -> /proc/self/fd/$n: $OUT"
	done
	set_config '.process.cwd = "/"'
	create_started sleep 100
	for ((n = 3; n <= 10; n++)); do
		rt exec --cwd "/evil-cwd" "$ID" sh -c "$CWD_CHECK"
		[[ $RC -ne 0 || $OUT == inside ]] || fail "exec --cwd /evil-cwd: $OUT"
		rt exec --cwd "/proc/self/fd/$n" "$ID" sh -c "$CWD_CHECK"
		[[ $RC -ne 0 || $OUT == inside ]] || fail "exec --cwd /proc/self/fd/$n: $OUT"
	done
	return 0
}

# -------------------------- CVE-2019-5736: overwriting the runtime's binary

# The original attack: the image makes the program the runtime's process
# execs resolve to /proc/self/exe, so that process runs the runtime's own
# binary inside the container; code of the attacker holds a handle on it
# (/proc/PID/exe) and, once no process executes the binary any more, writes
# through it: the next runtime call on the host runs the attacker's code.
# runc before 1.0-rc7 exec'd from the binary on disk. Here /x/runtime, a
# script with `#!/proc/self/exe --log=/f`, makes the container's init (or an
# exec'd process) the runtime's binary, blocked opening the FIFO it got as
# its log. The handle is taken from the host: runc-go makes itself
# non-dumpable in its first instruction, so the container's own processes
# only have a race to win for it (CVE-2016-9962's tests check that they
# can't get it otherwise); what must hold whoever holds the handle is that
# it cannot write: runc-go runs from a read-only view of its binary (or a
# sealed copy). Checked on a copy of the runtime, the only thing a
# vulnerable runtime would damage.
setup_5736() {
	# a dynamically linked runtime (the sanitizer build) finds none of its libraries
	# in the busybox rootfs: it cannot run as the container's process at all
	ldd "$RUNTIME" >/dev/null 2>&1 && skip "$(basename "$RUNTIME") is dynamically linked: it cannot run inside the image"
	RT_COPY=$TEST_TMP/rt-copy.$BASHPID
	cp "$RUNTIME" "$RT_COPY"
	RT_SUM=$(sha256sum <"$RT_COPY")
	new_container
	mkdir -p "$BUNDLE/rootfs/x"
	mkfifo "$BUNDLE/rootfs/f"
	printf '#!/proc/self/exe --log=/f\n' >"$BUNDLE/rootfs/x/runtime"
	chmod 755 "$BUNDLE/rootfs/x/runtime"
}

# the pid of the container's process blocked in the runtime's binary (its
# command line names the FIFO)
runtime_in_container() {
	local i p
	for ((i = 0; i < 100; i++)); do
		for p in $(processes_of "$ID" "$BUNDLE"); do
			grep -q -e 'log=/[f]' "/proc/$p/cmdline" 2>/dev/null && { echo "$p"; return 0; }
		done
		sleep 0.05
	done
	return 1
}

# attack_5736 WHAT: take the handle, let the process go, write through it
attack_5736() {
	local pid fd i wrote=no
	pid=$(runtime_in_container) || fail "$1: no process of the container runs the runtime's binary"
	exec {fd}<"/proc/$pid/exe" || fail "$1: cannot open /proc/$pid/exe"
	local target
	target=$(readlink "/proc/$pid/exe")
	cat "$BUNDLE/rootfs/f" >/dev/null
	wait_dead "$pid"
	for ((i = 0; i < 20; i++)); do
		if printf PWNED 2>/dev/null >>"/proc/self/fd/$fd"; then
			wrote=yes
			break
		fi
		sleep 0.05
	done
	exec {fd}<&-
	assert_eq "$1: the runtime's binary (the process ran '$target'; written through its exe: $wrote)" \
		"$RT_SUM" "$(sha256sum <"$RT_COPY")"
}

test_cve_2019_5736_overwrite_runtime_via_exec() {
	setup_5736
	set_args sleep 100
	rt_with "$RT_COPY" run -d -b "$BUNDLE" "$ID"
	[[ $RC -eq 0 ]] || fail "run -d: $ERR"
	(rt_with "$RT_COPY" exec "$ID" /x/runtime) &
	local exec_job=$!
	attack_5736 exec
	wait "$exec_job"
}

test_cve_2019_5736_overwrite_runtime_via_start() {
	setup_5736
	set_args /x/runtime
	rt_with "$RT_COPY" create -b "$BUNDLE" "$ID"
	[[ $RC -eq 0 ]] || fail "create: $ERR"
	(rt_with "$RT_COPY" start "$ID") &
	local start_job=$!
	attack_5736 start
	wait "$start_job"
}

# The protection above without a second start of the runtime (docs/performance.md): the
# runtime's process is exec'd once, by its caller, in `run` and `exec` (no re-exec through
# a read-only view or a memfd: strace without -f sees the runtime's own execs only), and
# the exe of the init, the runtime's process until `start`, cannot be opened for writing.
test_cve_2019_5736_protection_without_reexec() {
	require_runc_go
	[[ $SANITIZE == 1 ]] && skip "LeakSanitizer stops the runtime under ptrace"
	command -v strace >/dev/null || skip "no strace"
	new_container
	set_args sleep 100
	local trace=$TEST_TMP/trace.$BASHPID execs
	strace -qq -e trace=execve,execveat -o "$trace" "$RUNTIME" --root "$ROOT" run -d -b "$BUNDLE" "$ID" \
		</dev/null >/dev/null 2>"$TEST_TMP/err" || fail "run -d under strace: $(cat "$TEST_TMP/err")"
	execs=$(grep -c -e 'execveat(' -e "execve(\"$RUNTIME\"" "$trace")
	assert_eq "execs of the runtime's binary in run -d (1: the caller's)" 1 "$execs"
	strace -qq -e trace=execve,execveat -o "$trace" "$RUNTIME" --root "$ROOT" exec "$ID" true \
		</dev/null >/dev/null 2>"$TEST_TMP/err" || fail "exec under strace: $(cat "$TEST_TMP/err")"
	execs=$(grep -c -e 'execveat(' -e "execve(\"$RUNTIME\"" "$trace")
	assert_eq "execs of the runtime's binary in exec (1: the caller's)" 1 "$execs"
	# the init is the runtime's process until `start`: its exe from the host's side
	local init
	init=$(jq -r .pid "$ROOT/$ID/state.json")
	[[ $(readlink "/proc/$init/exe") == /* ]] || fail "no exe link for the init $init"
	if (exec 3>>"/proc/$init/exe") 2>/dev/null; then
		fail "the running container's init: its exe opens for writing"
	fi
}

# ------------------------------ CVE-2016-9962: the runtime's own processes

# REACH_CHECK PID: what of process PID the caller can reach
REACH_CHECK='p=$0
	for f in exe cwd root; do readlink /proc/$p/$f >/dev/null 2>&1 && echo "read /proc/$p/$f"; done
	for f in /proc/$p/fd/*; do readlink $f >/dev/null 2>&1 && echo "read $f"; done
	cat /proc/$p/environ >/dev/null 2>&1 && echo "read /proc/$p/environ"
	head -c1 /proc/$p/mem >/dev/null 2>&1 && echo "read /proc/$p/mem"
	grep -q "^State:" /proc/$p/status && echo status-visible'

# An init waiting for `start` is the runtime's binary holding the runtime's
# state, in the container's pid namespace with the container's capabilities.
# runc before 1.0.0-rc3 left it dumpable: a process in the container could
# ptrace it, read its memory and fds, open /proc/1/exe (the binary, see
# CVE-2019-5736). It must be non-dumpable: /proc/1/{exe,environ,fd,mem} are
# refused to the container's processes.
test_cve_2016_9962_waiting_init_not_accessible() {
	new_container
	set_args sleep 100
	rt_ok create -b "$BUNDLE" "$ID"
	# (the fd numbers may be listed: /proc/1/fd is root's; following them is the
	# ptrace-checked part)
	rt exec "$ID" sh -c "$REACH_CHECK" 1
	expect_rc 0 "exec into the created container"
	assert_eq "what the container reaches of its waiting init" "status-visible" "$OUT"
}

# The same for a process `exec` is setting up: after dropping to the
# container's capabilities it still runs the runtime's binary until execve.
# A seccomp agent holds it in execve (SCMP_ACT_NOTIFY); meanwhile a host
# process with exactly the container's credentials (uid 0, the three default
# capabilities) tries what a container process could.
AGENT_HOLD_PY='
import array, os, select, socket, struct, sys, time
path, dir = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path); srv.listen(4)
open(os.path.join(dir, "ready"), "w").close()
listeners = []
RECV, SEND, CONTINUE = 0xC0502100, 0xC0182101, 1
import fcntl
deadline = time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([srv] + listeners, [], [], 1)
    for s in r:
        if s is srv:
            conn, _ = srv.accept()
            fds = array.array("i")
            _, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(fds.itemsize))
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.frombytes(data[:fds.itemsize])
            conn.close()
            listeners += list(fds)
            continue
        req = bytearray(80)
        try:
            fcntl.ioctl(s, RECV, req)
        except OSError:
            listeners.remove(s); continue
        nid, pid = struct.unpack_from("QI", req, 0)
        open(os.path.join(dir, "held.%d" % pid), "w").close()
        release = os.path.join(dir, "release.%d" % pid)
        while not os.path.exists(release) and time.time() < deadline:
            time.sleep(0.02)
        try:
            fcntl.ioctl(s, SEND, bytearray(struct.pack("QqiI", nid, 0, 0, CONTINUE)))
        except OSError:
            pass
'

# held_pids DIR: pids the agent holds now
held_pids() { ls "$1" | sed -n 's/^held\.//p'; }

# release_all DIR: let every held execve go on
release_all() {
	local pid
	for pid in $(held_pids "$1"); do : >"$1/release.$pid"; done
}

test_cve_2016_9962_exec_process_not_accessible() {
	command -v python3 >/dev/null || skip "no python3 for the seccomp agent"
	command -v setpriv >/dev/null || skip "no setpriv"
	local dir=$TEST_TMP/agent.$BASHPID
	mkdir -p "$dir"
	new_container
	# the socket is reached from inside the container's mount namespace too
	set_config '.mounts += [{destination: $d, type: "bind", source: $d, options: ["bind"]}]' --arg d "$dir"
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p,
		syscalls: [{names: ["execve", "execveat"], action: "SCMP_ACT_NOTIFY"}]}' --arg p "$dir/agent.sock"
	timeout 60 python3 -c "$AGENT_HOLD_PY" "$dir/agent.sock" "$dir" 2>"$dir/agent.err" &
	local agent=$!
	wait_file "$dir/ready" 50 || fail "the agent did not start: $(cat "$dir/agent.err")"
	set_args sleep 100
	rt_ok create -b "$BUNDLE" "$ID"
	rt_ok start "$ID"
	# the init's own execve of sleep: let it go
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -n $(held_pids "$dir") ]] && break
		sleep 0.05
	done
	release_all "$dir"
	get_state
	local init_pid
	init_pid=$(st pid)
	# exec, held in its execve
	(rt exec "$ID" true; echo "$RC" >"$dir/exec.rc") &
	local child=""
	for ((i = 0; i < 200; i++)); do
		child=$(held_pids "$dir" | grep -vx "$init_pid" | head -1)
		[[ -n $child ]] && break
		sleep 0.05
	done
	if [[ -z $child ]]; then
		release_all "$dir"
		fail "the exec'd process never reached execve (agent: $(cat "$dir/agent.err"))"
	fi
	local seen
	seen=$(grep -E '^(Cap(Prm|Eff)|Uid)' "/proc/$child/status" | tr '\n\t' '  ')
	# a container process: uid 0, the container's capabilities only
	local reached
	reached=$(setpriv --bounding-set=-all,+audit_write,+kill,+net_bind_service --inh-caps=-all -- \
		sh -c "$REACH_CHECK" "$child" 2>&1)
	release_all "$dir"
	wait_file "$dir/exec.rc" 100
	kill "$agent" 2>/dev/null
	wait "$agent" 2>/dev/null
	[[ $seen == *"CapPrm: 0000000020000420"* ]] ||
		fail "the held process does not have the container's capabilities yet ($seen): the check would prove nothing"
	assert_eq "what a container process reaches of the exec'd process before its execve" \
		status-visible "$reached"
	assert_eq "exec" 0 "$(cat "$dir/exec.rc")"
}

# ------------------------------------------- masked paths and symlinks

# A volume (or image) makes a masked path a symlink. Following it, as runc
# 1.1.5 does, masks whatever file the container chose instead (here its
# /etc/hostname) and leaves the path itself to the link. The path must be
# masked, the link's target untouched, nothing changed on the host.
test_masked_path_that_is_a_symlink() {
	local vol=$TEST_TMP/vol.$BASHPID
	mkdir -p "$vol"
	ln -s /etc/hostname "$vol/kcore"
	ln -s ../../../../../../../etc/passwd "$vol/escape"
	echo secret >"$vol/secret"
	local before
	before=$(tree_digest "$vol")
	local host_sum
	host_sum=$(sha256sum </etc/hostname)
	new_container
	echo image-hostname >"$BUNDLE/rootfs/etc/hostname"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$BUNDLE/rootfs/etc/passwd"
	set_config '.mounts += [{destination: "/vol", type: "bind", source: $v, options: ["rbind"]}]
		| .linux.maskedPaths += ["/vol/kcore", "/vol/escape", "/vol/secret"]' --arg v "$vol"
	run_sh 'for f in /vol/kcore /vol/escape /vol/secret; do echo "$f=[$(cat $f)]"; done
		echo "hostname=[$(cat /etc/hostname)]"; echo "passwd=[$(head -c 4 /etc/passwd)]"'
	assert_eq "masked paths and the symlinks' targets" \
		$'/vol/kcore=[]\n/vol/escape=[]\n/vol/secret=[]\nhostname=[image-hostname]\npasswd=[root]' "$OUT"
	assert_eq "the volume on the host" "$before" "$(tree_digest "$vol")"
	assert_eq "the host's /etc/hostname" "$host_sum" "$(sha256sum </etc/hostname)"
}

# ----------------------- CVE-2023-27561: a mount over /proc via a symlink

# The image makes a mount destination a symlink to /proc (runc 1.0.0-rc93 to
# 1.1.4 checked the destination string for /proc, not what it resolved to):
# the bind of a fake directory then covered the container's /proc, and the
# runtime's later writes to /proc/self/attr went to files the image chose.
test_cve_2023_27561_mount_over_proc_through_a_symlink() {
	local src=$TEST_TMP/fakeproc.$BASHPID
	mkdir -p "$src/self/attr"
	echo original >"$src/self/attr/exec"
	new_container
	ln -s /proc "$BUNDLE/rootfs/evil"
	set_config '.mounts += [{destination: "/evil", type: "bind", source: $s, options: ["rbind"]}]
		| .process.apparmorProfile = ""' --arg s "$src"
	set_args sh -c 'echo started; cat /proc/self/attr/exec 2>&1'
	rt run -b "$BUNDLE" "$ID"
	expect_nonzero "run with a mount whose destination is a symlink to /proc"
	[[ $OUT == *started* ]] && fail "the container ran with /proc covered: $OUT"
	[[ $ERR == *"/proc"* ]] || fail "the error does not name /proc: $ERR"
	assert_eq "the fake attr file" original "$(cat "$src/self/attr/exec")"
	assert_no_leftovers "$ID"
}

# ------------------- CVE-2025-31133: the /dev/null used to mask is a symlink

# A volume over /dev (or a racing process) makes /dev/null a symlink to a
# procfs file. runc before 1.2.8 bind-mounted whatever /dev/null resolved to
# over each masked path: /proc/timer_list became the writable core_pattern, and a
# write there reached the host's. The masking must use the real null device
# or refuse; the host's core_pattern must never change.
test_cve_2025_31133_masking_with_a_fake_dev_null() {
	local before
	before=$(cat /proc/sys/kernel/core_pattern)
	new_container
	mkdir -p "$BUNDLE/rootfs/evil-dev"
	ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/evil-dev/null"
	set_config '(.mounts[] | select(.destination == "/dev")) |= {destination: "/dev", type: "bind",
		source: "rootfs/evil-dev", options: ["rbind", "rw"]}
		| .linux.maskedPaths = ["/proc/timer_list"] | .linux.readonlyPaths = []'
	set_args sh -c 'echo "masked=[$(head -c 20 /proc/timer_list 2>&1)]"; echo "|/bin/rgo-pwned" >/proc/timer_list && echo wrote'
	rt run -b "$BUNDLE" "$ID"
	local after
	after=$(cat /proc/sys/kernel/core_pattern)
	# a vulnerable runtime (runc 1.1.5 is) did write it: put the host's back first
	[[ $after == "$before" ]] || echo "$before" >/proc/sys/kernel/core_pattern
	assert_eq "the host's core_pattern" "$before" "$after"
	[[ $OUT == *wrote* ]] && fail "the container wrote through the masked /proc/timer_list: $OUT"
	[[ $OUT == *"masked=[$before"* ]] && fail "/proc/timer_list shows the core_pattern: $OUT"
	if [[ $RC -ne 0 ]]; then
		[[ $OUT != *masked=* ]] || fail "the container ran, then failed: $OUT $ERR"
		[[ $ERR == *"/dev/null"* ]] || fail "the refusal does not name /dev/null: $ERR"
	fi
	rt delete --force "$ID"
	assert_no_leftovers "$ID"
}

# ------------------------ CVE-2025-52565: /dev/console is made a symlink

# With process.terminal, the runtime bind-mounts the pty on /dev/console.
# runc before 1.2.8 followed an image's /dev/console symlink (and resolved the
# pty by path): the mount landed on the procfs file the link named. The pty
# may only ever cover /dev/console itself.
test_cve_2025_52565_dev_console_symlink() {
	command -v python3 >/dev/null || skip "python3 for the console socket"
	new_container
	mkdir -p "$BUNDLE/rootfs/evil-dev/pts"
	ln -s /proc/sysrq-trigger "$BUNDLE/rootfs/evil-dev/console"
	ln -s pts/ptmx "$BUNDLE/rootfs/evil-dev/ptmx"
	touch "$BUNDLE/rootfs/evil-dev/null"
	set_config '(.mounts[] | select(.destination == "/dev")) |= {destination: "/dev", type: "bind",
		source: "rootfs/evil-dev", options: ["rbind", "rw"]}
		| .mounts += [{destination: "/dev/null", type: "bind", source: "/dev/null", options: ["bind"]}]
		| .process.terminal = true'
	set_args sh -c 'grep -E " /proc/sysrq-trigger | /dev/console " /proc/self/mountinfo | cut -d" " -f5; sleep 1'
	local sock=$TEST_TMP/console.$BASHPID.sock
	python3 -c '
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = c.recvmsg(1024, socket.CMSG_SPACE(fds.itemsize))
for lvl, kind, data in anc:
    fds.frombytes(data[:fds.itemsize])
out = b""
while True:
    try:
        d = os.read(fds[0], 4096)
    except OSError:
        break
    if not d:
        break
    out += d
open(sys.argv[2], "wb").write(out)
' "$sock" "$TEST_TMP/console.out.$BASHPID" &
	local reader=$!
	wait_file "$sock.ready" 50 || fail "the console socket did not start"
	rt create --console-socket "$sock" -b "$BUNDLE" "$ID"
	if [[ $RC -eq 0 ]]; then
		rt_ok start "$ID"
		wait "$reader"
		local seen
		seen=$(tr -d '\r' <"$TEST_TMP/console.out.$BASHPID")
		[[ $seen == *"/proc/sysrq-trigger"* ]] && fail "the pty was mounted on /proc/sysrq-trigger: $seen"
	else
		kill "$reader" 2>/dev/null
		wait "$reader" 2>/dev/null
		[[ $ERR == *"/dev/console"* ]] || fail "the refusal does not name /dev/console: $ERR"
	fi
	rt delete --force "$ID"
	assert_no_leftovers "$ID"
}

# ------------- CVE-2025-52881: the runtime's /proc writes are redirected

# Something mounted over a /proc/sys file (a process in the container's mount
# namespace, racing the runtime, in the CVE) turns the runtime's sysctl write into a
# write of another file: runc before 1.2.8 wrote through the container's /proc
# and only checked that the file was on procfs. The write must reach the real
# sysctl of the container's network namespace, and nothing else.
test_cve_2025_52881_sysctl_write_redirected() {
	new_container
	echo decoy >"$BUNDLE/decoy"
	# a createContainer hook runs in the container's mount namespace after its
	# mounts: it plays the process that covers the sysctl file under the runtime
	set_config '.hooks.createContainer = [{path: "/bin/sh", args: ["sh", "-c",
			"mount --bind \($b)/decoy \($b)/rootfs/proc/sys/net/ipv4/ip_forward"]}]
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.readonlyPaths = []' --arg b "$BUNDLE"
	set_args sleep 1000
	rt create -b "$BUNDLE" "$ID"
	assert_eq "the decoy file" decoy "$(cat "$BUNDLE/decoy")"
	if [[ $RC -eq 0 ]]; then
		get_state
		assert_eq "ip_forward of the container's network namespace" 1 \
			"$(nsenter -t "$(st pid)" -n cat /proc/sys/net/ipv4/ip_forward)"
	else
		[[ $ERR == *linux.sysctl* ]] || fail "the refusal does not name linux.sysctl: $ERR"
	fi
	rt delete --force "$ID"
	assert_no_leftovers "$ID"
}

# ------------------------------------------------ state kept from others

# The state dir holds the container's config (secrets in env) and the exec
# fifo: --root and what is under it are the runtime's own, as runc keeps them.
test_state_dir_not_readable_by_others() {
	require_runc_go
	local root=$TEST_TMP/newroot.$BASHPID/nested
	new_container
	set_args sleep 1000
	timeout 20 "$RUNTIME" --root "$root" create -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>"$TEST_TMP/err" ||
		fail "create: $(cat "$TEST_TMP/err")"
	assert_eq "modes of the made --root, its parent, the state dir" "700 700 700" \
		"$(stat -c %a "${root%/nested}" "$root" "$root/$ID" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "modes of state.json and config.json" "600 600" \
		"$(stat -c %a "$root/$ID/state.json" "$root/$ID/config.json" | tr '\n' ' ' | sed 's/ $//')"
	timeout 20 "$RUNTIME" --root "$root" delete --force "$ID" </dev/null >/dev/null 2>&1
	assert_no_leftovers "$ID"
}

# ------------------------------------------ Docker's default seccomp profile

DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD",
"CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP",
"CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'

# docker_profile: set PROFILE to Docker's default seccomp profile (a copy a
# package installed, else the fixture taken from Debian's docker.io sources)
docker_profile() {
	local f
	[[ $(uname -m) == x86_64 ]] || skip "the profile conversion is written for x86_64"
	for f in $(dpkg -L docker.io 2>/dev/null | grep -i 'seccomp.*\.json$') \
		/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json \
		"$REPO/tests/fixtures/docker-default-seccomp.json"; do
		[[ -f $f ]] && { PROFILE=$f; return 0; }
	done
	skip "Docker's default seccomp profile is not installed as a JSON file"
}

test_docker_default_seccomp_profile() {
	docker_profile
	local seccomp
	seccomp=$(jq --arg arch amd64 --arg scmp_arch SCMP_ARCH_X86_64 \
		--arg kernel "$(uname -r | cut -d. -f1,2)" --argjson caps "$DOCKER_CAPS" \
		-f "$REPO/tests/fixtures/docker-seccomp-to-oci.jq" "$PROFILE") || fail "cannot convert $PROFILE"
	[[ $(jq '.syscalls | length' <<<"$seccomp") -gt 5 ]] || fail "conversion gave no rules: $seccomp"
	new_container
	set_config '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}
		| .root.readonly = false' --argjson c "$DOCKER_CAPS"
	# without the profile: the shell works and so does unshare (a control)
	run_in sh -c 'unshare -U true && echo unshared'
	expect_rc 0 "unshare without seccomp"
	assert_eq "unshare without a profile" unshared "$OUT"
	set_config '.linux.seccomp = $s' --argjson s "$seccomp"
	run_sh 'ls / >/dev/null; echo ok; mkdir /tmp/x && echo made; grep "^Seccomp:" /proc/self/status'
	assert_eq "a shell under Docker's profile" $'ok\nmade\nSeccomp:\t2' "$OUT"
	run_in sh -c 'unshare -U true 2>&1; echo "rc=$?"'
	assert_contains "unshare under Docker's profile" "$OUT" "Operation not permitted"
	assert_contains "unshare's exit" "$OUT" "rc=1"
}

run_tests
