#!/bin/bash
# What the process sees inside the container: every config field checked
# from inside with busybox, through `run` and its captured stdout.
source "$(dirname "$0")/../lib.sh"

# ---------------------------------------------------------------- identity

test_hostname() {
	new_container
	set_config '.hostname = "rgo-host-test"'
	run_sh 'hostname; cat /proc/sys/kernel/hostname'
	assert_eq "hostname" $'rgo-host-test\nrgo-host-test' "$OUT"
	assert_ne "host's hostname" "rgo-host-test" "$(hostname)"
}

test_domainname() {
	# runc 1.1.5 ignores domainname (setdomainname came in runc 1.2)
	is_runc && skip "runc 1.1.5 does not set domainname"
	new_container
	set_config '.domainname = "rgo.example"'
	run_sh 'cat /proc/sys/kernel/domainname'
	assert_eq "domainname" "rgo.example" "$OUT"
}

test_pid1_is_the_process() {
	new_container
	# the command substitution keeps sh from exec'ing its last command
	run_sh 'echo $$; c=$(tr "\0" " " </proc/1/cmdline); echo "$c"'
	assert_eq "pid and cmdline of pid 1" "1"$'\n''sh -c echo $$; c=$(tr "\0" " " </proc/1/cmdline); echo "$c" ' "$OUT"
}

test_env() {
	new_container
	set_config '.process.env = ["PATH=/bin:/sbin", "FOO=bar baz", "EMPTY=", "HOME=/home/x"]'
	run_sh 'echo "FOO=$FOO"; echo "PATH=$PATH"; echo "HOME=$HOME"; env | grep -c "^EMPTY=$"'
	assert_eq "env" $'FOO=bar baz\nPATH=/bin:/sbin\nHOME=/home/x\n1' "$OUT"
}

test_env_home_defaults_from_passwd() {
	# runc sets HOME from the user's /etc/passwd entry when env lacks it
	new_container
	set_config '.process.env = ["PATH=/bin"]'
	run_sh 'echo "$HOME"'
	assert_eq "HOME" "/root" "$OUT"
}

test_env_no_host_leak() {
	new_container
	RGO_HOST_ONLY=leak run_sh 'env'
	[[ $OUT == *RGO_HOST_ONLY* ]] && fail "the host environment leaked into the container: $OUT"
	return 0
}

test_args_with_spaces_and_quotes() {
	new_container
	run_in sh -c 'for a in "$@"; do echo "[$a]"; done' argv0 'a b' '"q"' '' "x'y"
	expect_rc 0 run
	assert_eq "args" $'[a b]\n["q"]\n[]\n[x\'y]' "$OUT"
}

test_args_path_lookup() {
	new_container
	set_config '.process.env = ["PATH=/nowhere:/bin"]'
	run_in echo looked-up
	expect_rc 0 run
	assert_eq "echo found through PATH" looked-up "$OUT"
}

test_cwd() {
	new_container
	set_config '.process.cwd = "/tmp"'
	run_sh 'pwd'
	assert_eq "cwd" /tmp "$OUT"
}

test_cwd_missing_is_created() {
	# runc creates a missing cwd in the rootfs (even with a read-only root)
	new_container
	set_config '.process.cwd = "/work/dir"'
	run_sh 'pwd'
	assert_eq "cwd" /work/dir "$OUT"
	[[ -d $BUNDLE/rootfs/work/dir ]] || fail "cwd not created in the rootfs"
}

test_uid_gid() {
	new_container
	set_config '.process.user = {"uid": 1000, "gid": 1001}'
	run_sh 'id -u; id -g; id -G'
	assert_eq "uid gid groups" $'1000\n1001\n1001' "$OUT"
}

test_additional_gids() {
	new_container
	set_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 6, 1002]}'
	run_sh 'id -u; id -g; id -G'
	local groups
	groups=$(tail -1 <<<"$OUT" | tr ' ' '\n' | sort -n | tr '\n' ' ')
	assert_eq "uid gid" $'1000\n1001' "$(head -2 <<<"$OUT")"
	assert_eq "groups" "5 6 1001 1002 " "$groups"
}

test_nobody_cannot_write_root_owned() {
	new_container
	set_config '.root.readonly = false | .process.user = {"uid": 65534, "gid": 65534}'
	run_in sh -c 'touch /root/x'
	expect_nonzero "touch /root/x as nobody"
	assert_contains "error" "$ERR$OUT" "ermission denied"
}

test_umask() {
	new_container
	set_config '.root.readonly = false | .process.user.umask = 63'
	run_sh 'umask; touch /tmp/f; stat -c %a /tmp/f'
	assert_eq "umask and file mode" $'0077\n600' "$OUT"
}

test_umask_default() {
	new_container
	run_sh 'umask'
	assert_eq "default umask" 0022 "$OUT"
}

test_rlimit_nofile() {
	local host_hard
	host_hard=$(ulimit -Hn)
	# root here lacks CAP_SYS_RESOURCE: stay at or under the host's hard limit
	local hard=$((host_hard < 4000 ? host_hard : 4000)) soft=777
	new_container
	set_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": $s, "hard": $h}]' \
		--argjson s $soft --argjson h $hard
	run_sh 'ulimit -n; ulimit -Hn'
	assert_eq "nofile soft/hard" "$soft"$'\n'"$hard" "$OUT"
}

test_rlimit_several() {
	new_container
	set_config '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
		{"type": "RLIMIT_NPROC", "soft": 500, "hard": 600}]'
	run_sh 'ulimit -n; ulimit -Hn; ulimit -c; ulimit -u; ulimit -Hu'
	assert_eq "rlimits" $'100\n200\n0\n500\n600' "$OUT"
}

test_rlimit_above_hard_refused() {
	# without CAP_SYS_RESOURCE raising the hard limit fails: run must fail
	local caps
	caps=$(awk '/^CapEff/ {print $2}' /proc/self/status)
	(((0x$caps >> 24) & 1)) && skip "this host's root has CAP_SYS_RESOURCE"
	local host_hard
	host_hard=$(ulimit -Hn)
	new_container
	set_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 10, "hard": $h}]' \
		--argjson h $((host_hard * 4))
	run_in true
	expect_nonzero "run with an rlimit above the host's hard limit"
	assert_no_leftovers "$ID"
}

test_no_new_privileges() {
	new_container
	set_config '.process.noNewPrivileges = true'
	run_sh 'grep NoNewPrivs /proc/self/status'
	assert_eq "NoNewPrivs" "NoNewPrivs:"$'\t'"1" "$OUT"
}

test_no_new_privileges_off() {
	new_container
	set_config '.process.noNewPrivileges = false'
	run_sh 'grep NoNewPrivs /proc/self/status'
	assert_eq "NoNewPrivs" "NoNewPrivs:"$'\t'"0" "$OUT"
}

test_oom_score_adj() {
	new_container
	set_config '.process.oomScoreAdj = 500'
	run_sh 'cat /proc/self/oom_score_adj'
	assert_eq "oom_score_adj" 500 "$OUT"
}

test_capabilities_default() {
	# runc's spec: CAP_AUDIT_WRITE(29), CAP_KILL(5), CAP_NET_BIND_SERVICE(10)
	new_container
	run_sh 'grep ^Cap /proc/self/status'
	local want=$'CapInh:\t0000000000000000\nCapPrm:\t0000000020000420\nCapEff:\t0000000020000420\nCapBnd:\t0000000020000420\nCapAmb:\t0000000000000000'
	assert_eq "capabilities" "$want" "$OUT"
}

test_capabilities_custom() {
	new_container
	set_config '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_ADMIN"],
		"effective": ["CAP_CHOWN", "CAP_NET_RAW"],
		"permitted": ["CAP_CHOWN", "CAP_NET_RAW"],
		"inheritable": ["CAP_CHOWN"],
		"ambient": ["CAP_CHOWN"]}'
	run_sh 'grep ^Cap /proc/self/status'
	# CAP_CHOWN 0, CAP_NET_RAW 13, CAP_SYS_ADMIN 21
	local want=$'CapInh:\t0000000000000001\nCapPrm:\t0000000000002001\nCapEff:\t0000000000002001\nCapBnd:\t0000000000202001\nCapAmb:\t0000000000000001'
	assert_eq "capabilities" "$want" "$OUT"
}

test_no_capability_means_eperm() {
	new_container
	set_config '.root.readonly = false'
	run_in sh -c 'chown 1:1 /tmp'
	expect_nonzero "chown without CAP_CHOWN"
	assert_contains "error" "$ERR$OUT" "Operation not permitted"
}

# ------------------------------------------------------------- filesystem

test_readonly_root() {
	new_container
	set_config '.root.readonly = true'
	run_in sh -c 'touch /x'
	expect_nonzero "touch /x on a read-only root"
	assert_contains "touch error" "$ERR" "Read-only file system"
	[[ -e $BUNDLE/rootfs/x ]] && fail "/x was created"
	return 0
}

test_no_pivot() {
	new_container
	set_args sh -c 'cat /proc/self/mountinfo; ls /'
	rt run --no-pivot -b "$BUNDLE" "$ID"
	expect_rc 0 "run --no-pivot"
	# The rootfs is the process root, and the host's root is not reachable from it.
	assert_contains "rootfs listing" "$OUT" "bin"
	grep -qE '^[0-9]+ [0-9]+ [0-9]+:[0-9]+ [^ ]+ / ' <<<"$OUT" ||
		fail "no mount at / in the container's mountinfo"
	assert_no_leftovers "$ID"
}

# systemd socket activation: LISTEN_FDS sockets pass through before --preserve-fds ones and
# the container is told they are its own (LISTEN_PID=1, its pid in its namespace).
test_listen_fds_socket_activation() {
	new_container
	set_args sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; ls /proc/self/fd | tr "\n" " "'
	local out rc
	# systemd's rule: the sockets are for the process whose pid LISTEN_PID names.
	out=$(LISTEN_FDS=2 timeout 60 sh -c 'LISTEN_PID=$$ exec "$0" --root "$1" run -b "$2" "$3"' \
		"$RUNTIME" "$ROOT" "$BUNDLE" "$ID" 3</dev/null 4</dev/null 5</dev/null </dev/null 2>&1)
	rc=$?
	[[ $rc -eq 0 ]] || fail "run with LISTEN_FDS=2: exit $rc: $out"
	assert_contains "LISTEN_FDS/LISTEN_PID" "$out" "2 1"
	# fds 3 and 4 come through and 5 does not: ls's own directory fd is then 5
	assert_contains "fds" "$out" "0 1 2 3 4 5 "
	[[ $out != *" 6 "* ]] || fail "more fds than LISTEN_FDS passed: $out"

	assert_no_leftovers "$ID"
}

test_readonly_root_tmpfs_still_writable() {
	new_container
	set_config '.root.readonly = true | .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}]'
	run_sh 'touch /tmp/x && echo ok'
	assert_eq "write to a tmpfs under a read-only root" ok "$OUT"
}

test_writable_root() {
	new_container
	set_config '.root.readonly = false'
	run_sh 'echo data >/x && cat /x'
	assert_eq "written file" data "$OUT"
	assert_eq "file seen from the host" data "$(cat "$BUNDLE/rootfs/x")"
}

test_default_mounts() {
	new_container
	run_sh 'cat /proc/self/mountinfo'
	local m fstype dest
	for m in /proc:proc /dev:tmpfs /dev/pts:devpts /dev/shm:tmpfs /dev/mqueue:mqueue /sys:sysfs; do
		dest=${m%%:*}
		fstype=${m#*:}
		awk -v d="$dest" -v t="$fstype" '$5 == d { for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i+1) == t) found = 1; break } }
			END { exit !found }' <<<"$OUT" || fail "no $fstype mount at $dest in: $OUT"
	done
	awk '$5 == "/" && $6 ~ /(^|,)ro(,|$)/' <<<"$OUT" | grep -q . || fail "root is not mounted ro: $OUT"
	awk '$5 == "/sys" && $6 ~ /(^|,)ro(,|$)/' <<<"$OUT" | grep -q . || fail "/sys is not ro (spec: ro option)"
}

test_bind_mount() {
	local src=$TEST_TMP/hostdir.$BASHPID
	mkdir -p "$src"
	echo from-host >"$src/file"
	new_container
	set_config '.mounts += [{"destination": "/mnt/data", "type": "bind", "source": $src, "options": ["rbind", "ro"]}]' \
		--arg src "$src"
	run_in sh -c 'cat /mnt/data/file; grep " /mnt/data " /proc/self/mountinfo | cut -d" " -f6; touch /mnt/data/new'
	expect_nonzero "write to a ro bind mount"
	assert_eq "bind mount content and options" "from-host" "$(head -1 <<<"$OUT")"
	assert_contains "bind mount options" "$(sed -n 2p <<<"$OUT")" "ro"
	[[ -e $src/new ]] && fail "write went through a ro bind mount"
	assert_no_leftovers "$ID"
}

test_bind_mount_rw() {
	local src=$TEST_TMP/hostdir.$BASHPID
	mkdir -p "$src"
	new_container
	set_config '.mounts += [{"destination": "/data", "type": "bind", "source": $src, "options": ["bind", "rw"]}]' \
		--arg src "$src"
	run_sh 'echo written >/data/out'
	assert_eq "file written through the bind mount" written "$(cat "$src/out")"
}

test_bind_mount_file() {
	local src=$TEST_TMP/hostfile.$BASHPID
	echo single-file >"$src"
	new_container
	set_config '.mounts += [{"destination": "/etc/extra.conf", "type": "bind", "source": $src, "options": ["bind", "ro"]}]' \
		--arg src "$src"
	run_sh 'cat /etc/extra.conf'
	assert_eq "bind-mounted file" single-file "$OUT"
}

test_tmpfs_mount_options() {
	new_container
	set_config '.mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "noexec", "size=1m", "mode=1770"]}]'
	run_sh 'grep " /scratch " /proc/self/mountinfo; stat -c %a /scratch'
	local line
	line=$(head -1 <<<"$OUT")
	assert_contains "tmpfs fstype" "$line" " - tmpfs "
	assert_contains "nosuid" "$(cut -d' ' -f6 <<<"$line")" nosuid
	assert_contains "noexec" "$(cut -d' ' -f6 <<<"$line")" noexec
	assert_contains "size=1m" "$line" "size=1024k"
	assert_eq "mode" 1770 "$(tail -1 <<<"$OUT")"
}

test_masked_paths() {
	new_container
	set_config '.linux.maskedPaths = ["/proc/keys", "/proc/acpi", "/sys/firmware"]'
	run_sh 'wc -c </proc/keys; ls /proc/acpi | wc -l; ls /sys/firmware | wc -l'
	assert_eq "masked file empty, masked dirs empty" $'0\n0\n0' "$OUT"
}

test_readonly_paths() {
	new_container
	set_config '.linux.readonlyPaths = ["/proc/sys"]'
	run_in sh -c 'grep " /proc/sys " /proc/self/mountinfo | cut -d" " -f6; echo 1 >/proc/sys/kernel/domainname'
	expect_nonzero "write to a read-only path"
	assert_contains "/proc/sys mount options" "$OUT" "ro"
}

test_devices_default() {
	new_container
	run_sh 'for d in null zero full random urandom tty; do [ -c /dev/$d ] && echo $d; done;
		echo x >/dev/null && echo null-ok; head -c 4 /dev/zero | wc -c;
		for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done'
	assert_eq "devices" $'null\nzero\nfull\nrandom\nurandom\ntty\nnull-ok\n4\n/proc/self/fd\n/proc/self/fd/0\n/proc/self/fd/1\n/proc/self/fd/2\npts/ptmx' "$OUT"
}

test_extra_device() {
	new_container
	set_config '.linux.devices = [{"path": "/dev/rgo-null", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 0, "gid": 0}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
	run_sh 'stat -c "%F %t:%T %a" /dev/rgo-null; echo x >/dev/rgo-null && echo written'
	assert_eq "extra device" $'character special file 1:3 666\nwritten' "$OUT"
}

test_device_cgroup_denies() {
	# runc's default device rules deny mknod of anything not allowed
	new_container
	set_config '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
	run_in sh -c 'mknod /dev/sda1x b 8 1 && head -c1 /dev/sda1x'
	expect_nonzero "read of a block device the device cgroup denies"
}

# ------------------------------------------------------------- namespaces

# ns_inside TYPE: the container's /proc/self/ns/TYPE link, from inside
ns_inside() {
	run_sh "readlink /proc/self/ns/$1"
	NS_INSIDE=$OUT
}

ns_new() { # ns_new TYPE (ns file name)
	new_container
	ns_inside "$1"
	[[ $NS_INSIDE == "$1:["*"]" ]] || fail "bad ns link: $NS_INSIDE"
	assert_ne "$1 namespace (a new one)" "$(readlink /proc/self/ns/"$1")" "$NS_INSIDE"
}

ns_shared() { # ns_shared SPEC_TYPE NS_FILE: without it the host's is shared
	new_container
	set_config '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"
	ns_inside "$2"
	assert_eq "$2 namespace (the host's)" "$(readlink /proc/self/ns/"$2")" "$NS_INSIDE"
}

test_ns_pid_new() { ns_new pid; }
test_ns_net_new() { ns_new net; }
test_ns_ipc_new() { ns_new ipc; }
test_ns_uts_new() { ns_new uts; }
test_ns_mnt_new() { ns_new mnt; }
test_ns_pid_shared() { ns_shared pid pid; }
test_ns_net_shared() { ns_shared network net; }
test_ns_ipc_shared() { ns_shared ipc ipc; }
test_ns_uts_shared() {
	new_container
	set_config '.hostname = null | .linux.namespaces |= map(select(.type != "uts"))'
	ns_inside uts
	assert_eq "uts namespace (the host's)" "$(readlink /proc/self/ns/uts)" "$NS_INSIDE"
}

test_hostname_without_uts_ns_refused() {
	new_container
	set_config '.hostname = "x" | .linux.namespaces |= map(select(.type != "uts"))'
	run_in true
	expect_rc 1 "hostname without a uts namespace"
	# runc: "unable to set hostname without a private UTS namespace"
	[[ ${ERR,,} == *hostname* && ${ERR,,} == *uts* ]] ||
		fail "error should name hostname and the UTS namespace: $ERR"
	assert_no_leftovers "$ID"
}
test_ns_cgroup_shared() { ns_shared cgroup cgroup; }
test_ns_user_shared() { ns_shared user user; }

test_ns_cgroup_new() {
	new_container
	set_config '.linux.namespaces += [{"type": "cgroup"}]'
	run_sh 'readlink /proc/self/ns/cgroup; grep -c ":/$" /proc/self/cgroup; grep -c runc-go-test /proc/self/cgroup; true'
	assert_ne "cgroup namespace" "$(readlink /proc/self/ns/cgroup)" "$(head -1 <<<"$OUT")"
	[[ $(sed -n 2p <<<"$OUT") -ge 1 ]] || fail "cgroup paths are not / inside a cgroup ns: $OUT"
	assert_eq "host cgroup path visible" 0 "$(sed -n 3p <<<"$OUT")"
}

test_ns_user_new() {
	new_container
	set_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts += [{destination: "/vol", type: "bind", source: $v, options: ["bind"]}]' \
		--arg v "$TEST_TMP/vol.$$"
	mkdir -p "$TEST_TMP/vol.$$"
	chmod 777 "$TEST_TMP/vol.$$"
	mkdir -p "$BUNDLE/rootfs/vol"
	run_sh 'readlink /proc/self/ns/user; id -u; cat /proc/self/uid_map /proc/self/gid_map; stat -c %u /bin/busybox;
		cat /proc/self/setgroups; touch /vol/made'
	assert_ne "user namespace" "$(readlink /proc/self/ns/user)" "$(head -1 <<<"$OUT")"
	# a root runtime leaves setgroups(2) allowed, as runc (rootless denies it: rootless.sh)
	assert_eq "setgroups" allow "$(sed -n 6p <<<"$OUT")"
	assert_eq "owner on the host of a file made inside" "100000:100000" "$(stat -c %u:%g "$TEST_TMP/vol.$$/made")"
	assert_eq "uid inside" 0 "$(sed -n 2p <<<"$OUT")"
	assert_eq "uid_map" "0 100000 65536" "$(sed -n 3p <<<"$OUT" | tr -s ' ' | sed 's/^ //')"
	assert_eq "gid_map" "0 100000 65536" "$(sed -n 4p <<<"$OUT" | tr -s ' ' | sed 's/^ //')"
	assert_eq "host root shows as overflow uid" 65534 "$(sed -n 5p <<<"$OUT")"
}

test_ns_net_only_loopback() {
	new_container
	run_sh 'ls /sys/class/net; cat /sys/class/net/lo/flags'
	assert_eq "interfaces in a new net ns" lo "$(head -1 <<<"$OUT")"
	# up, as runc brings it up (IFF_UP|IFF_LOOPBACK = 0x9; the kernel makes it 0x8, down)
	assert_eq "loopback flags" 0x9 "$(tail -1 <<<"$OUT")"
}

test_ns_join_network_by_path() {
	local ns=rgo-test-$$-$BASHPID
	ip netns add "$ns" || skip "ip netns add failed"
	trap "ip netns del '$ns' 2>/dev/null" EXIT
	local inode
	inode=$(stat -L -c %i "/run/netns/$ns")
	new_container
	set_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "/run/netns/$ns"
	ns_inside net
	assert_eq "joined network namespace" "net:[$inode]" "$NS_INSIDE"
	assert_no_leftovers "$ID"
}

test_ns_join_uts_of_other_container() {
	new_container
	local first=$ID
	set_config '.hostname = "first-uts"'
	create_started sleep 1000
	get_state
	local pid
	pid=$(st pid)
	new_container
	set_config '.hostname = null | .linux.namespaces |= map(if .type == "uts" then .path = $p else . end)' \
		--arg p "/proc/$pid/ns/uts"
	run_sh 'hostname; readlink /proc/self/ns/uts'
	assert_eq "hostname of the joined uts ns" first-uts "$(head -1 <<<"$OUT")"
	assert_eq "uts ns" "$(readlink /proc/"$pid"/ns/uts)" "$(tail -1 <<<"$OUT")"
	rt_ok delete -f "$first"
}

test_ns_join_missing_path_fails() {
	new_container
	set_config '.linux.namespaces |= map(if .type == "network" then .path = "/run/netns/rgo-no-such-ns" else . end)'
	run_in true
	expect_nonzero "join a missing namespace path"
	assert_no_leftovers "$ID"
}

test_sysctl_net() {
	local host_before
	host_before=$(cat /proc/sys/net/ipv4/ip_forward)
	local want=$((1 - host_before))
	new_container
	set_config '.linux.sysctl = {"net.ipv4.ip_forward": $v}' --arg v "$want"
	run_sh 'cat /proc/sys/net/ipv4/ip_forward'
	assert_eq "net.ipv4.ip_forward inside" "$want" "$OUT"
	assert_eq "host's ip_forward unchanged" "$host_before" "$(cat /proc/sys/net/ipv4/ip_forward)"
}

test_sysctl_ipc() {
	new_container
	set_config '.linux.sysctl = {"kernel.msgmax": "4321"}'
	run_sh 'cat /proc/sys/kernel/msgmax'
	assert_eq "kernel.msgmax inside" 4321 "$OUT"
	assert_ne "host's msgmax" 4321 "$(cat /proc/sys/kernel/msgmax)"
}

# ------------------------------------------------------------------ cgroup

test_in_its_cgroup() {
	new_container
	run_sh 'cat /proc/self/cgroup'
	local line bad=""
	while read -r line; do
		[[ $line == *":$CGROUP_PARENT/$ID" ]] || bad+="$line "
	done <<<"$OUT"
	[[ -z $bad ]] || fail "not in $CGROUP_PARENT/$ID: $bad"
	local want=1
	[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] || want=2
	[[ $(grep -c . <<<"$OUT") -ge $want ]] || fail "too few cgroups: $OUT"
}

# linux.timeOffsets in a new time namespace (runc 1.1.5 has neither): the
# container's boot time is a day later, its clocks as configured.
test_time_namespace_offsets() {
	require_runc_go
	[[ -e /proc/self/ns/time ]] || skip "no time namespaces in this kernel"
	new_container
	set_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 86400}, "monotonic": {"secs": 3600, "nanosecs": 5}}'
	local host
	host=$(cut -d. -f1 /proc/uptime)
	run_sh 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	assert_eq "offsets" "monotonic 3600 5 boottime 86400 0" "$(head -2 <<<"$OUT" | tr -s ' \n' '  ' | sed 's/ $//')"
	local inside
	inside=$(tail -1 <<<"$OUT")
	[[ $((inside - host)) -ge 86400 && $((inside - host)) -le 86460 ]] ||
		fail "uptime inside $inside vs host $host: expected a day more"
}

run_tests
