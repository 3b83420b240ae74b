#!/bin/bash
# Checkpoint and restore with CRIU, inside the pure cgroup v2 VM (tests/integration/vm-v2.sh
# and vm-systemd.sh run it; this host's kernel fails `criu check`). Both VM modes: with
# systemd as PID 1 every container gets --systemd-cgroup and the cgroupsPath
# system.slice:runc-go-test:<id>, else the cgroupfs path /runc-go-test/<id>.
# A container's stdio must be pipes or a tty (CRIU cannot dump a host file held open from
# outside the container): the counter containers write to a pipe read by `cat`.
source "$(dirname "$0")/../lib.sh"

SYSTEMD=0
[[ $(cat /proc/1/comm 2>/dev/null) == systemd ]] && SYSTEMD=1
REAL_RUNTIME=$RUNTIME
if [[ $SYSTEMD -eq 1 ]]; then
	# every call of the runtime with the systemd driver (the name keeps is_runc_go true)
	RUNTIME=$TEST_TMP/runc-go-systemd
	printf '#!/bin/sh\nexec %q --systemd-cgroup "$@"\n' "$REAL_RUNTIME" >"$RUNTIME"
	chmod 755 "$RUNTIME"
fi
RECVTTY=$BUILD/tests/recvtty
COUNTER='i=0; while :; do i=$((i+1)); echo $i >/counter; echo "tick $i"; sleep 0.2; done'

# counter_bundle: a fresh container ($ID, $BUNDLE) counting in /counter, with its cgroup
# path for this VM mode and a memory and pids limit.
counter_bundle() {
	new_container
	set_args sh -c "$COUNTER"
	set_config '.root.readonly = false | .linux.resources.memory = {"limit": 67108864}
		| .linux.resources.pids = {"limit": 64}'
	if [[ $SYSTEMD -eq 1 ]]; then
		set_config '.linux.cgroupsPath = "system.slice:runc-go-test:" + $id' --arg id "$ID"
	fi
}

counter() { cat "$BUNDLE/rootfs/counter" 2>/dev/null || echo 0; }

# wait_counter N: until the counter reaches N (30 s: the VM is emulated)
wait_counter() {
	local i
	for ((i = 0; i < 300; i++)); do
		[[ $(counter) -ge $1 ]] && return 0
		sleep 0.1
	done
	fail "the counter stayed at $(counter), expected $1"
}

# piped ARGS...: the runtime with stdin /dev/null and stdout+stderr a pipe to a `cat`
# that keeps what the container writes in $TEST_TMP/$ID.out (runtime output: .err).
piped() {
	local out=$TEST_TMP/$ID.out
	timeout -k 5 "$TEST_TIMEOUT" "$RUNTIME" --root "$ROOT" "$@" </dev/null \
		> >(exec cat >>"$out") 2> >(exec cat >>"$TEST_TMP/$ID.err")
	RC=$?
	# the runtime's message passes through cat
	[[ $RC -eq 0 ]] || sleep 0.3
	ERR=$(cat "$TEST_TMP/$ID.err")
}

start_counter() {
	piped run -d -b "$BUNDLE" "$ID"
	[[ $RC -eq 0 ]] || fail "run -d exited $RC: $ERR"
	wait_counter 3
}

# the init's cgroup as /proc/PID/cgroup says
init_cgroup() {
	get_state
	sed -n 's/^0:://p' "/proc/$(st pid)/cgroup"
}

# ------------------------------------------------------------------ acceptance 1

test_criu_check() {
	criu check >"$TEST_TMP/check" 2>&1 || fail "criu check fails in the VM: $(cat "$TEST_TMP/check")"
	rt features
	[[ $RC -eq 0 ]] || fail "features exited $RC: $ERR"
}

test_checkpoint_stops_restore_continues() {
	counter_bundle
	start_counter
	local img=$TEST_TMP/img-$ID
	rt checkpoint --image-path "$img" --work-path "$TEST_TMP/work-$ID" "$ID"
	[[ $RC -eq 0 ]] || fail "checkpoint exited $RC: $ERR (dump.log: $(grep -m3 Error "$TEST_TMP/work-$ID/dump.log"))"
	[[ -f $img/inventory.img && -f $img/descriptors.json && -f $img/runc-go-checkpoint.json ]] ||
		fail "image directory incomplete: $(ls "$img")"
	# as runc: the checkpointed container is gone
	rt state "$ID"
	expect_nonzero "state after checkpoint"
	expect_err_contains "container does not exist"
	local c1 c2 c3
	c1=$(counter)
	sleep 1.2
	c2=$(counter)
	assert_eq "counter while checkpointed" "$c1" "$c2"
	piped restore -d -b "$BUNDLE" --image-path "$img" --work-path "$TEST_TMP/work2-$ID" "$ID"
	[[ $RC -eq 0 ]] || fail "restore exited $RC: $ERR"
	wait_status running
	wait_counter $((c2 + 3))
	c3=$(counter)
	# continued from c2, not restarted at 1
	[[ $c3 -gt $c2 ]] || fail "counter after restore $c3, expected more than $c2"
	grep -q "tick $((c2 + 2))" "$TEST_TMP/$ID.out" ||
		fail "the restored process does not write to the new stdout pipe: $(tail -c 200 "$TEST_TMP/$ID.out")"
	[[ -f $TEST_TMP/work2-$ID/restore.log ]] || fail "no restore.log in --work-path"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt_ok delete "$ID"
	assert_no_leftovers "$ID"
}

test_leave_running() {
	counter_bundle
	start_counter
	local c1 c2
	rt checkpoint --leave-running --image-path "$TEST_TMP/img-$ID" "$ID"
	[[ $RC -eq 0 ]] || fail "checkpoint --leave-running exited $RC: $ERR"
	get_state
	assert_eq status running "$(st status)"
	c1=$(counter)
	sleep 1
	c2=$(counter)
	[[ $c2 -gt $c1 ]] || fail "counter stopped at $c1 with --leave-running"
	[[ -f $TEST_TMP/img-$ID/inventory.img ]] || fail "no images"
}

# ------------------------------------------------------------------ acceptance 2

test_pre_dump_then_dump() {
	counter_bundle
	start_counter
	local base=$TEST_TMP/it-$ID
	mkdir -p "$base"
	rt checkpoint --pre-dump --image-path "$base/parent" "$ID"
	[[ $RC -eq 0 ]] || fail "pre-dump exited $RC: $ERR"
	get_state
	assert_eq "status after pre-dump" running "$(st status)"
	rt checkpoint --parent-path ../parent --image-path "$base/final" --work-path "$base/work" "$ID"
	[[ $RC -eq 0 ]] || fail "dump with --parent-path exited $RC: $ERR"
	[[ -s $base/work/dump.log ]] || fail "no dump.log in --work-path"
	[[ ! -e $base/final/dump.log ]] || fail "dump.log in the image directory despite --work-path"
	[[ -L $base/final/parent ]] || fail "CRIU made no parent link: $(ls "$base/final")"
	local c2
	c2=$(counter)
	piped restore -d -b "$BUNDLE" --image-path "$base/final" --work-path "$base/work2" "$ID"
	[[ $RC -eq 0 ]] || fail "restore exited $RC: $ERR"
	[[ -s $base/work2/restore.log ]] || fail "no restore.log in --work-path"
	wait_counter $((c2 + 3))
}

# ------------------------------------------------------------------ acceptance 3

test_tty_console_socket() {
	[[ -x $RECVTTY ]] || gcc -O2 -o "$RECVTTY" "$REPO/tests/helpers/recvtty.c" ||
		skip "cannot build recvtty"
	counter_bundle
	set_config '.process.terminal = true'
	local sock1=$TEST_TMP/tty1.sock sock2=$TEST_TMP/tty2.sock
	"$RECVTTY" -t 30 "$sock1" >"$TEST_TMP/tty1.out" 2>&1 &
	echo $! >>"$TEST_TMP/helpers"
	for ((i = 0; i < 100; i++)); do [[ -S $sock1 ]] && break; sleep 0.1; done
	rt run -d --console-socket "$sock1" -b "$BUNDLE" "$ID"
	[[ $RC -eq 0 ]] || fail "run -d with a tty exited $RC: $ERR"
	wait_counter 3
	rt checkpoint --image-path "$TEST_TMP/img-$ID" "$ID"
	[[ $RC -eq 0 ]] || fail "checkpoint of a tty container exited $RC: $ERR"
	local c2
	c2=$(counter)
	"$RECVTTY" -t 30 "$sock2" >"$TEST_TMP/tty2.out" 2>&1 &
	echo $! >>"$TEST_TMP/helpers"
	for ((i = 0; i < 100; i++)); do [[ -S $sock2 ]] && break; sleep 0.1; done
	rt restore -d --console-socket "$sock2" -b "$BUNDLE" --image-path "$TEST_TMP/img-$ID" "$ID"
	[[ $RC -eq 0 ]] || fail "restore with --console-socket exited $RC: $ERR"
	wait_counter $((c2 + 3))
	for ((i = 0; i < 100; i++)); do
		grep -q "tick $((c2 + 2))" "$TEST_TMP/tty2.out" && break
		sleep 0.1
	done
	grep -q "tick $((c2 + 2))" "$TEST_TMP/tty2.out" ||
		fail "no output on the new pty master: $(tail -c 200 "$TEST_TMP/tty2.out")"
}

# stdin and stdout pipes of the caller: after restore the new pipes are the process's
test_pipes_rewired() {
	new_container
	set_args sh -c 'while read l; do echo "got:$l"; done'
	[[ $SYSTEMD -eq 1 ]] && set_config '.linux.cgroupsPath = "system.slice:runc-go-test:" + $id' --arg id "$ID"
	python3 - "$RUNTIME" "$ROOT" "$BUNDLE" "$ID" "$TEST_TMP/img-$ID" >"$TEST_TMP/py.out" 2>&1 <<'EOF'
import signal, subprocess, sys
signal.alarm(90)  # a hung read fails the test instead of the suite
rt, root, bundle, cid, img = sys.argv[1:]
def start(args):
    # stderr shares stdout's pipe: a file would not be dumpable
    p = subprocess.Popen([rt, "--root", root] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    # the runtime exits; the container keeps the pipes
    if p.wait(timeout=60) != 0:
        sys.exit("%s exited %d: %s" % (args[0], p.returncode, p.stdout.read1(4096).decode()))
    return p
def talk(p, line):
    p.stdin.write((line + "\n").encode()); p.stdin.flush()
    got = p.stdout.readline().decode().strip()
    if got != "got:" + line:
        sys.exit("sent %r, read %r" % (line, got))
a = start(["run", "-d", "-b", bundle, cid])
talk(a, "before")
r = subprocess.run([rt, "--root", root, "checkpoint", "--image-path", img, cid], capture_output=True,
                   timeout=60)
if r.returncode != 0:
    sys.exit("checkpoint exited %d: %s" % (r.returncode, r.stderr.decode()))
b = start(["restore", "-d", "-b", bundle, "--image-path", img, cid])
talk(b, "after")
print("ok")
EOF
	[[ $? -eq 0 ]] || fail "$(cat "$TEST_TMP/py.out")"
}

# ------------------------------------------------------------------ acceptance 4

test_restore_cgroup() {
	counter_bundle
	start_counter
	local before after unit_before=""
	before=$(init_cgroup)
	[[ $SYSTEMD -eq 1 ]] && unit_before=$(systemctl show -p InvocationID --value "$(basename "$before")")
	rt checkpoint --image-path "$TEST_TMP/img-$ID" "$ID"
	[[ $RC -eq 0 ]] || fail "checkpoint exited $RC: $ERR"
	piped restore -d -b "$BUNDLE" --image-path "$TEST_TMP/img-$ID" "$ID"
	[[ $RC -eq 0 ]] || fail "restore exited $RC: $ERR"
	after=$(init_cgroup)
	if [[ $SYSTEMD -eq 1 ]]; then
		assert_eq "scope" "/system.slice/runc-go-test-$ID.scope" "$after"
		local unit=runc-go-test-$ID.scope
		assert_eq "$unit active" active "$(systemctl is-active "$unit")"
		local unit_after
		unit_after=$(systemctl show -p InvocationID --value "$unit")
		assert_ne "the scope's invocation (a new scope)" "$unit_before" "$unit_after"
	else
		assert_eq "cgroup after restore" "/runc-go-test/$ID" "$after"
	fi
	assert_eq "memory.max" 67108864 "$(cat "/sys/fs/cgroup$after/memory.max")"
	assert_eq "pids.max" 64 "$(cat "/sys/fs/cgroup$after/pids.max")"
	# every restored process is in it
	local procs
	procs=$(cat "/sys/fs/cgroup$after/cgroup.procs" | wc -l)
	[[ $procs -ge 1 ]] || fail "no process in $after"
	rt_ok delete -f "$ID"
	[[ ! -d /sys/fs/cgroup$after ]] || fail "cgroup $after left after delete"
}

# ------------------------------------------------------------------ acceptance 6

test_checkpoint_errors() {
	rt checkpoint --image-path "$TEST_TMP/none" no-such-container
	expect_nonzero "checkpoint of a missing container"
	expect_err_contains "container does not exist"
	counter_bundle
	start_counter
	: >"$TEST_TMP/a-file"
	rt checkpoint --image-path "$TEST_TMP/a-file" "$ID"
	expect_nonzero "checkpoint into a file"
	expect_err_contains "--image-path $TEST_TMP/a-file: not a directory"
	get_state
	assert_eq "status after the refused checkpoint" running "$(st status)"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt checkpoint --image-path "$TEST_TMP/img-$ID" "$ID"
	expect_nonzero "checkpoint of a stopped container"
	expect_err_contains "Container cannot be checkpointed in stopped state"
}

# CRIU fails half-way (an established TCP connection without --tcp-established): the error
# names CRIU's log, the container goes on as before.
test_criu_fails_halfway() {
	counter_bundle
	set_args sh -c "sleep 1000 | nc -l -p 8080 >/dev/null & $COUNTER"
	start_counter
	get_state
	local pid i c1
	pid=$(st pid)
	nsenter -t "$pid" -n ip link set lo up || fail "cannot bring the container's lo up"
	piped exec -d "$ID" sh -c 'sleep 1000 | nc 127.0.0.1 8080'
	[[ $RC -eq 0 ]] || fail "exec -d of the client exited $RC: $ERR"
	# state 01: ESTABLISHED
	for ((i = 0; i < 100; i++)); do
		awk '$4 == "01"' "/proc/$pid/net/tcp" | grep -q . && break
		sleep 0.1
	done
	awk '$4 == "01"' "/proc/$pid/net/tcp" | grep -q . || fail "no established connection"
	rt checkpoint --image-path "$TEST_TMP/img-$ID" --work-path "$TEST_TMP/work-$ID" "$ID"
	expect_nonzero "checkpoint with an open TCP connection"
	expect_err_contains "$TEST_TMP/work-$ID/dump.log"
	expect_err_contains "tcp-established"
	get_state
	assert_eq "status after the failed dump" running "$(st status)"
	assert_eq "init after the failed dump" "$pid" "$(st pid)"
	c1=$(counter)
	wait_counter $((c1 + 3))
	[[ -z $(grep -F "$TEST_TMP/" /proc/self/mountinfo) ]] ||
		fail "mounts left: $(grep -F "$TEST_TMP/" /proc/self/mountinfo | awk '{print $5}')"
	# the same with --tcp-established works (and the container goes)
	rt checkpoint --tcp-established --image-path "$TEST_TMP/img2-$ID" "$ID"
	[[ $RC -eq 0 ]] || fail "checkpoint --tcp-established exited $RC: $ERR"
}

test_failed_restore_leaves_nothing() {
	counter_bundle
	start_counter
	rt checkpoint --image-path "$TEST_TMP/img-$ID" "$ID"
	[[ $RC -eq 0 ]] || fail "checkpoint exited $RC: $ERR"
	# a pages image cut short: CRIU fails in the middle of the restore
	local pages
	pages=$(ls "$TEST_TMP/img-$ID"/pages-*.img | head -1)
	truncate -s 4096 "$pages"
	piped restore -d -b "$BUNDLE" --image-path "$TEST_TMP/img-$ID" "$ID"
	expect_nonzero "restore of damaged images"
	expect_err_contains "restore.log"
	assert_no_leftovers "$ID"
	[[ $SYSTEMD -eq 0 ]] || [[ $(systemctl is-active "runc-go-test-$ID.scope") != active ]] ||
		fail "the scope is still active"
}

# ------------------------------------------------------------------ acceptance 5

# podman on private directories (as tests/integration/engine-podman.sh sets it up), runc-go
# as its runtime "runc-go", the busybox rootfs imported as an image.
pm() {
	OUT=$(timeout -k 5 120 podman --runtime runc-go "$@" </dev/null 2>"$TEST_TMP/pm.err")
	RC=$?
	ERR=$(cat "$TEST_TMP/pm.err")
}

start_podman() {
	local dir=$TEST_TMP/pm
	mkdir -p "$dir/tmp"
	export CONTAINERS_CONF=$dir/containers.conf CONTAINERS_STORAGE_CONF=$dir/storage.conf
	export TMPDIR=$dir/tmp
	cat >"$CONTAINERS_CONF" <<-EOF
		[containers]
		netns = "none"
		log_driver = "k8s-file"
		default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$dir/events.log"
		tmp_dir = "$dir/libpod-tmp"
		volume_path = "$dir/volumes"
		lock_type = "file"
		runtime = "runc-go"
		runtime_supports_json = ["runc-go"]
		conmon_env_vars = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		  "CONTAINERS_CONF=$CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF",
		  "TMPDIR=$TMPDIR"]
		[engine.runtimes]
		runc-go = ["$REAL_RUNTIME"]
	EOF
	cat >"$CONTAINERS_STORAGE_CONF" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$dir/graph"
		runroot = "$dir/run"
	EOF
	tar -C "$CACHE/bundle/rootfs" -cf "$dir/rootfs.tar" . || fail "cannot tar the rootfs"
	pm import "$dir/rootfs.tar" localhost/bbx:latest
	[[ $RC -eq 0 ]] || fail "podman import exited $RC: $ERR"
}

stop_podman() {
	timeout -k 5 60 podman --runtime runc-go rm -af -t 0 >/dev/null 2>&1
	[[ -d $TEST_TMP/pm/graph ]] && umount -R "$TEST_TMP/pm/graph" 2>/dev/null
	return 0
}

pm_counter() { # the counter of the podman container $1, through its init's root
	local pid
	pid=$(podman --runtime runc-go inspect -f '{{.State.Pid}}' "$1" 2>/dev/null)
	cat "/proc/$pid/root/counter" 2>/dev/null || echo 0
}

test_podman_checkpoint_restore() {
	[[ $SYSTEMD -eq 0 ]] || skip "podman runs in the plain VM only (time)"
	command -v podman >/dev/null && command -v conmon >/dev/null || skip "podman or conmon missing"
	start_podman
	trap 'stop_podman; kill_helpers' EXIT
	pm run -d --name rgo-cr --network none --cgroup-parent /rgo-criu-podman localhost/bbx:latest \
		sh -c "$COUNTER"
	[[ $RC -eq 0 ]] || fail "podman run -d exited $RC: $ERR"
	local i c1 c2 c3
	for ((i = 0; i < 100; i++)); do [[ $(pm_counter rgo-cr) -ge 3 ]] && break; sleep 0.2; done
	pm container checkpoint rgo-cr
	[[ $RC -eq 0 ]] || fail "podman container checkpoint exited $RC: $ERR"
	pm inspect -f '{{.State.Status}} {{.State.Checkpointed}}' rgo-cr
	assert_eq "podman's state after checkpoint" "exited true" "$OUT"
	pm container restore rgo-cr
	[[ $RC -eq 0 ]] || fail "podman container restore exited $RC: $ERR"
	pm inspect -f '{{.State.Status}} {{.State.Restored}}' rgo-cr
	assert_eq "podman's state after restore" "running true" "$OUT"
	c1=$(pm_counter rgo-cr)
	for ((i = 0; i < 100; i++)); do [[ $(pm_counter rgo-cr) -ge $((c1 + 3)) ]] && break; sleep 0.2; done
	c2=$(pm_counter rgo-cr)
	[[ $c2 -gt $c1 && $c1 -ge 3 ]] || fail "counter after podman restore: $c1 then $c2"
	pm exec rgo-cr cat /counter
	[[ $RC -eq 0 ]] || fail "podman exec in the restored container exited $RC: $ERR"
	pm rm -f -t 0 rgo-cr
	[[ $RC -eq 0 ]] || fail "podman rm exited $RC: $ERR"
}

kill_helpers() {
	local pid
	for pid in $(cat "$TEST_TMP/helpers" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	: >"$TEST_TMP/helpers"
}
trap 'kill_helpers; cleanup_all' EXIT

run_tests
