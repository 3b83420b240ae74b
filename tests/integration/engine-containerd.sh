#!/bin/bash
# containerd drives runc-go unchanged: a private containerd (Debian's
# containerd, CRI plugin off) on its own socket, root and state, the busybox
# image imported with `ctr image import` from an OCI image archive, and
# containers run with `ctr run --runtime io.containerd.runc.v2 --runc-binary
# runc-go` (containerd-shim-runc-v2 makes every runtime call); every test
# runs again with `--runc-binary /usr/sbin/runc` as a control. The daemon is
# started once for the script and stopped at the end; see
# tests/engines/lib-engines.sh and docs/engines.md.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../engines/lib-engines.sh"

SOCK=$ENGINE_DIR/containerd.sock
IMAGE=localhost/rgo/bbx:latest
# the containerd namespace: ctr puts a container in the cgroup /<ns>/<id>,
# so containers land under ENGINE_CGROUP
NS=${ENGINE_CGROUP#/}
RUNC_ROOT=$ENGINE_DIR/runc
# the shim passes --root <runc-root>/<namespace>
RUNTIME_ROOT=$RUNC_ROOT/$NS

ct() { ecmd ctr --address "$SOCK" -n "$NS" "$@"; }
ct_ok() { ecmd_ok "ctr $*" ctr --address "$SOCK" -n "$NS" "$@"; }

# engine_select (called by lib-engines.sh for each test): what every
# `ctr run` passes, for the runtime of this run (RUNTIME is the control's
# path in its runs)
engine_select() {
	RUN=(run --runtime io.containerd.runc.v2 --runc-binary "$RUNTIME"
		--runc-root "$RUNC_ROOT" --fifo-dir "$ENGINE_DIR/fifo")
}
engine_select

start_containerd() {
	ENGINE_SKIP=$(engine_require containerd ctr containerd-shim-runc-v2)
	[[ -z $ENGINE_SKIP ]] || return 1
	if ! engine_image_rootfs "$ENGINE_DIR/img" || ! engine_image_oci "$ENGINE_DIR/img" "$IMAGE"; then
		ENGINE_FAIL="cannot build the busybox OCI image archive"
		return 1
	fi
	# the shims' sockets are /run/containerd/s/<hash> whatever the config says
	engine_note_host_paths /run/containerd /run/containerd/s
	mkdir -p "$ENGINE_DIR/fifo" "$RUNC_ROOT"
	cat >"$ENGINE_DIR/config.toml" <<-EOF
		version = 2
		root = "$ENGINE_DIR/root"
		state = "$ENGINE_DIR/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]

		[grpc]
		  address = "$SOCK"

		[ttrpc]
		  address = "$SOCK.ttrpc"

		[debug]
		  level = "info"

		[plugins."io.containerd.internal.v1.opt"]
		  path = "$ENGINE_DIR/opt"
	EOF
	local log=$ENGINE_DIR/containerd.log
	engine_spawn "$log" containerd --config "$ENGINE_DIR/config.toml"
	if ! engine_wait_ready 30 "$ENGINE_PID" ctr --address "$SOCK" version; then
		ENGINE_SKIP="containerd $ENGINE_WHY: $(engine_log_errors "$log")"
		return 1
	fi
	ecmd ctr --address "$SOCK" -n "$NS" image import "$ENGINE_DIR/img/oci.tar"
	[[ $RC -eq 0 ]] || { ENGINE_FAIL="ctr image import exited $RC: $ERR $OUT"; return 1; }
	ENGINE_PRE_STOP=containerd_remove_all
}

containerd_remove_all() {
	local c=(ctr --address "$SOCK" -n "$NS") id
	for id in $(timeout 20 "${c[@]}" task ls -q 2>/dev/null); do
		timeout 20 "${c[@]}" task kill -a -s SIGKILL "$id"
		timeout 20 "${c[@]}" task delete -f "$id"
	done
	for id in $(timeout 20 "${c[@]}" container ls -q 2>/dev/null); do
		timeout 20 "${c[@]}" container delete "$id"
	done
}

# ct_run_fg ID ARGS...: `ctr run --rm` in the foreground; OUT, ERR, RC are
# the process's (ctr exits with its status)
ct_run_fg() { ct "${RUN[@]}" --rm "$IMAGE" "$@"; }

# start_detached ID ARGS...: `ctr run -d` (IO to /dev/null: the ctr client
# exits, nobody would read the fifos)
start_detached() {
	ct "${RUN[@]}" -d --null-io "$IMAGE" "$@"
	[[ $RC -eq 0 ]] || fail "ctr run -d $* exited $RC: $ERR $OUT $(engine_hint "$ERR")"
	wait_task_status "$1" RUNNING
}

task_field() { # task_field ID COLUMN(2 pid, 3 status)
	ct task ls
	awk -v id="$1" -v col="$2" '$1 == id {print $col}' <<<"$OUT"
}

wait_task_status() { # wait_task_status ID STATUS
	local i s=""
	for ((i = 0; i < 100; i++)); do
		s=$(task_field "$1" 3)
		[[ $s == "$2" ]] && return 0
		sleep 0.1
	done
	fail "task $1: status stayed '$s', expected '$2'"
}

# remove ID: delete the task and the container; STATUS is the task's exit
# status (ctr only warns "exit with non-zero exit code N")
remove() {
	ct task delete "$1"
	[[ $RC -eq 0 ]] || fail "ctr task delete $1 exited $RC: $ERR $(engine_hint "$ERR")"
	STATUS=$(sed -n 's/.*exit with non-zero exit code \([0-9]*\).*/\1/p' <<<"$ERR")
	STATUS=${STATUS:-0}
	ct container delete "$1"
	[[ $RC -eq 0 ]] || fail "ctr container delete $1 exited $RC: $ERR"
}

# ------------------------------------------------------------------ tests

test_run_echo() {
	ct_run_fg rgo-echo echo hello
	[[ $RC -eq 0 ]] || fail "ctr run echo hello exited $RC: $ERR $OUT $(engine_hint "$ERR")"
	assert_eq "stdout" hello "$OUT"
}

test_exit_code() {
	ct_run_fg rgo-exit sh -c 'exit 42'
	[[ $RC -eq 42 ]] || fail "ctr run sh -c 'exit 42': expected exit 42, got $RC: $ERR $(engine_hint "$ERR")"
}

# ctr has no 127: it fails (exit 1) with the runtime's error, which the
# shim takes from the runtime's log
test_missing_executable() {
	ct_run_fg rgo-nobin /no/such/binary
	[[ $RC -ne 0 && $RC -ne 124 ]] || fail "ctr run /no/such/binary: expected a failure, got $RC: $ERR"
	assert_contains "ctr run /no/such/binary: error" "$ERR" "no such file or directory"
}

# head, not cat: ctr run does not close the container's stdin at EOF
test_stdin() {
	ecmd_in through-stdin ctr --address "$SOCK" -n "$NS" "${RUN[@]}" --rm "$IMAGE" rgo-stdin head -n 1
	[[ $RC -eq 0 ]] || fail "ctr run head exited $RC: $ERR $(engine_hint "$ERR")"
	assert_eq "stdout" through-stdin "$OUT"
}

test_env_cwd_read_only() {
	ct "${RUN[@]}" --rm --env FOO=bar --cwd /tmp --read-only "$IMAGE" rgo-env \
		sh -c 'echo "$FOO $(pwd)"; touch /x 2>/dev/null && echo writable || echo read-only'
	[[ $RC -eq 0 ]] || fail "ctr run --env --cwd --read-only exited $RC: $ERR $(engine_hint "$ERR")"
	assert_eq "env, cwd, rootfs" "bar /tmp read-only" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
}

# ctr run -t needs a terminal of its own: script(1) gives it one
test_tty() {
	local cmd
	printf -v cmd '%q ' ctr --address "$SOCK" -n "$NS" "${RUN[@]}" -t --rm "$IMAGE" rgo-tty \
		sh -c 'test -t 0 && test -t 1 && echo tty-ok'
	ecmd script -qfec "$cmd" /dev/null
	[[ $RC -eq 0 ]] || fail "ctr run -t exited $RC: $ERR $OUT $(engine_hint "$ERR $OUT")"
	assert_contains "ctr run -t output" "$OUT" tty-ok
}

# ct_exec_out [FLAG...] -- ID CMD...: `ctr task exec FLAG... ID CMD...` of
# a command that prints something. ctr's client has been seen to return 0
# with no output at all (seen with runc as the runtime): an empty
# output is tried again, twice at most.
EXEC_SEQ=0
ct_exec_out() {
	local flags=() try
	while [[ $1 != -- ]]; do flags+=("$1"); shift; done
	shift
	for try in 1 2 3; do
		EXEC_SEQ=$((EXEC_SEQ + 1))
		ct task exec --exec-id "x$EXEC_SEQ" --fifo-dir "$ENGINE_DIR/fifo" "${flags[@]}" "$@"
		[[ $RC -ne 0 || -n $OUT ]] && return 0
		echo "# ctr task exec ${flags[*]} $*: exit 0 and no output (try $try)" >&2
	done
}

test_exec() {
	start_detached rgo-exec sleep 1000
	ct_exec_out -- rgo-exec echo from-exec
	[[ $RC -eq 0 ]] || fail "ctr task exec exited $RC: $ERR $(engine_hint "$ERR")"
	assert_eq "exec stdout" from-exec "$OUT"
	ct task exec --exec-id e2 --fifo-dir "$ENGINE_DIR/fifo" rgo-exec sh -c 'exit 5'
	[[ $RC -eq 5 ]] || fail "ctr task exec sh -c 'exit 5': expected exit 5, got $RC: $ERR"
	ct_exec_out --cwd /tmp --user 1000 -- rgo-exec sh -c 'echo "$(pwd) $(id -u)"'
	[[ $RC -eq 0 ]] || fail "ctr task exec --cwd --user exited $RC: $ERR"
	assert_eq "exec cwd, uid" "/tmp 1000" "$OUT"
	engine_it_session "ctr task exec -t sh" ctr --address "$SOCK" -n "$NS" task exec -t \
		--exec-id e4 --fifo-dir "$ENGINE_DIR/fifo" rgo-exec sh
}

test_kill_and_delete() {
	start_detached rgo-term sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
	local pid
	pid=$(task_field rgo-term 2)
	ct_ok task kill rgo-term
	wait_task_status rgo-term STOPPED
	remove rgo-term
	assert_eq "exit status after SIGTERM (the trap's)" 42 "$STATUS"
	start_detached rgo-kill sleep 1000
	ct_ok task kill -s SIGKILL rgo-kill
	wait_task_status rgo-kill STOPPED
	remove rgo-kill
	assert_eq "exit status after SIGKILL" 137 "$STATUS"
	start_detached rgo-usr1 sh -c 'trap "exit 10" USR1; while :; do sleep 0.1; done'
	ct_ok task kill -s SIGUSR1 rgo-usr1
	wait_task_status rgo-usr1 STOPPED
	remove rgo-usr1
	assert_eq "exit status after SIGUSR1 (the trap's)" 10 "$STATUS"
	[[ ! -e $RUNTIME_ROOT/rgo-kill ]] || fail "runtime state $RUNTIME_ROOT/rgo-kill left after delete"
	wait_dead "$pid"
}

test_kill_all() {
	start_detached rgo-killall sh -c 'sleep 1000 & sleep 1000'
	ct_ok task kill -a -s SIGKILL rgo-killall
	wait_task_status rgo-killall STOPPED
}

test_delete_force_running() {
	start_detached rgo-delf sleep 1000
	local pid
	pid=$(task_field rgo-delf 2)
	ct task delete -f rgo-delf
	[[ $RC -eq 0 || $RC -eq 137 ]] || fail "ctr task delete -f exited $RC: $ERR $(engine_hint "$ERR")"
	wait_dead "$pid"
	[[ ! -e $RUNTIME_ROOT/rgo-delf ]] || fail "runtime state $RUNTIME_ROOT/rgo-delf left after delete -f"
}

test_task_ps() {
	start_detached rgo-ps sleep 1000
	local pid
	pid=$(task_field rgo-ps 2)
	ct task ps rgo-ps
	[[ $RC -eq 0 ]] || fail "ctr task ps exited $RC: $ERR $(engine_hint "$ERR")"
	assert_contains "ctr task ps" "$OUT" "$pid"
}

# paused: the container's counter stands still and the freezer says so;
# resumed: it counts again
test_pause_resume() {
	start_detached rgo-pause sh -c "$COUNTER_SH"
	local pid
	pid=$(task_field rgo-pause 2)
	engine_assert_counting "before ctr task pause" "$pid"
	ct task pause rgo-pause
	[[ $RC -eq 0 ]] || fail "ctr task pause exited $RC: $ERR $(engine_hint "$ERR")"
	wait_task_status rgo-pause PAUSED
	engine_assert_frozen "after ctr task pause" "$pid"
	ct task resume rgo-pause
	[[ $RC -eq 0 ]] || fail "ctr task resume exited $RC: $ERR $(engine_hint "$ERR")"
	wait_task_status rgo-pause RUNNING
	engine_assert_counting "after ctr task resume" "$pid"
}

test_cgroup_and_memory_limit() {
	ct "${RUN[@]}" -d --null-io --memory-limit 67108864 "$IMAGE" rgo-mem sleep 1000
	[[ $RC -eq 0 ]] || fail "ctr run --memory-limit exited $RC: $ERR $(engine_hint "$ERR")"
	wait_task_status rgo-mem RUNNING
	local pid file
	pid=$(task_field rgo-mem 2)
	grep -q ":$ENGINE_CGROUP/rgo-mem\$" "/proc/$pid/cgroup" ||
		fail "container not in cgroup $ENGINE_CGROUP/rgo-mem: $(tr '\n' ' ' <"/proc/$pid/cgroup")"
	if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
		file=/sys/fs/cgroup$ENGINE_CGROUP/rgo-mem/memory.max
	else
		file=/sys/fs/cgroup/memory$ENGINE_CGROUP/rgo-mem/memory.limit_in_bytes
	fi
	assert_eq "$file" 67108864 "$(cat "$file" 2>&1)"
}

# an allocation past --memory-limit 64 MiB is OOM-killed: status 137
test_memory_oom_kill() {
	ct "${RUN[@]}" --rm --memory-limit 67108864 "$IMAGE" rgo-oom "${OOM_ARGS[@]}"
	[[ $RC -eq 137 ]] || fail "ctr run --memory-limit 64 MiB of a growing awk: expected 137 (OOM-killed), got $RC: $ERR $(engine_hint "$ERR")"
}

# 1 MiB of random bytes through ctr run's stdin and back, byte for byte
# (head -c: ctr does not close the container's stdin at EOF)
test_stdin_1mib() {
	local in=$ENGINE_DIR/stdin.$ENGINE_RT out=$ENGINE_DIR/stdout.$ENGINE_RT
	engine_random_file "$in"
	timeout -k 5 "$ENGINE_TIMEOUT" ctr --address "$SOCK" -n "$NS" "${RUN[@]}" --rm "$IMAGE" rgo-stdin1m \
		head -c 1048576 <"$in" >"$out" 2>"$TEST_TMP/err.$BASHPID"
	RC=$?
	[[ $RC -eq 0 ]] || fail "ctr run head -c 1048576 <1 MiB exited $RC: $(cat "$TEST_TMP/err.$BASHPID")"
	engine_assert_same_bytes "ctr run head -c 1048576" "$in" "$out"
}

# ctr run -t: a shell on a pty, driven as a user would
test_run_it() {
	engine_it_session "ctr run -t sh" ctr --address "$SOCK" -n "$NS" "${RUN[@]}" -t --rm "$IMAGE" rgo-it sh
}

# ctr task metrics: the shim reads the container's cgroup
test_task_metrics() {
	ct "${RUN[@]}" -d --null-io --memory-limit 67108864 "$IMAGE" rgo-metrics sleep 1000
	[[ $RC -eq 0 ]] || fail "ctr run -d exited $RC: $ERR $(engine_hint "$ERR")"
	wait_task_status rgo-metrics RUNNING
	ct task metrics rgo-metrics
	[[ $RC -eq 0 ]] || fail "ctr task metrics exited $RC: $ERR"
	local limit usage
	# cgroup v1 names, v2 names
	limit=$(awk '$1 == "memory.limit_in_bytes" || $1 == "memory.usage_limit" {print $2}' <<<"$OUT")
	usage=$(awk '$1 == "memory.usage_in_bytes" || $1 == "memory.usage" {print $2}' <<<"$OUT")
	assert_eq "ctr task metrics: memory limit" 67108864 "$limit"
	[[ ${usage:-0} -gt 0 ]] || fail "ctr task metrics: no memory usage: $OUT"
}

# ctr has no --cap-drop ALL (every name needs CAP_, and it adds before it
# drops): drop each of its 14 defaults but CAP_NET_RAW, add CAP_NET_RAW
test_caps() {
	local c drops=()
	for c in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD SETGID SETUID SETFCAP SETPCAP \
		NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE; do
		drops+=(--cap-drop "CAP_$c")
	done
	ct "${RUN[@]}" --rm "${drops[@]}" --cap-add CAP_NET_RAW "$IMAGE" rgo-caps sh -c \
		'cat /proc/self/status; touch /tmp/f; chown 1 /tmp/f 2>/dev/null && echo chown-worked || echo chown-denied'
	[[ $RC -eq 0 ]] || fail "ctr run --cap-drop (all 13 others) --cap-add CAP_NET_RAW exited $RC: $ERR"
	engine_assert_net_raw_only "ctr run --cap-drop (all 13 others) --cap-add CAP_NET_RAW" "$OUT"
	assert_contains "chown without CAP_CHOWN" "$OUT" chown-denied
}

test_seccomp_profile() {
	local prof=$ENGINE_DIR/seccomp-no-mkdir.json
	engine_seccomp_profile "$prof"
	ct "${RUN[@]}" --rm --seccomp --seccomp-profile "$prof" "$IMAGE" rgo-seccomp sh -c \
		'touch /tmp/f && echo touch-ok; mkdir /tmp/d 2>&1; echo rc=$?'
	[[ $RC -eq 0 ]] || fail "ctr run --seccomp-profile exited $RC: $ERR"
	assert_contains "touch under the profile" "$OUT" touch-ok
	assert_contains "mkdir under a profile denying it" "$OUT" "Operation not permitted"
	assert_contains "mkdir's status" "$OUT" "rc=1"
}

# ctr has no --pid=host: --with-ns joins the host's pid namespace by path
test_pid_host() {
	ct "${RUN[@]}" --rm --with-ns "pid:/proc/$$/ns/pid" "$IMAGE" rgo-pidhost \
		sh -c "$NS_SH; test -d /proc/$$ && echo sees-host-pid"
	[[ $RC -eq 0 ]] || fail "ctr run --with-ns pid:/proc/$$/ns/pid exited $RC: $ERR"
	assert_contains "pid namespace joined" "$OUT" "$(host_ns pid) "
	assert_contains "host pid $$ seen in /proc" "$OUT" sees-host-pid
}

# ctr's default (no --net-host): a network namespace with only lo, up
test_network_none() {
	ct_run_fg rgo-netnone sh -c "$NS_SH; ls /sys/class/net; cat /sys/class/net/lo/flags"
	[[ $RC -eq 0 ]] || fail "ctr run exited $RC: $ERR"
	local lines
	mapfile -t lines <<<"$OUT"
	[[ ${lines[0]} != *" $(host_ns net)" ]] || fail "the container is in the host's network namespace"
	assert_eq "interfaces, lo flags (0x9: UP|LOOPBACK)" "lo 0x9" "${lines[1]:-} ${lines[2]:-}"
}

# a bind mount read and written from the container; a tmpfs on /run
test_volume_and_tmpfs() {
	local vol=$ENGINE_DIR/vol.$ENGINE_RT
	mkdir -p "$vol"
	echo from-host >"$vol/in"
	ct "${RUN[@]}" --rm --mount "type=bind,src=$vol,dst=/data,options=rbind:rw" \
		--mount "type=tmpfs,src=tmpfs,dst=/run,options=nosuid:nodev:size=2m" "$IMAGE" rgo-vol sh -c \
		'cat /data/in && echo from-container >/data/out &&
		 grep " /run " /proc/mounts | tail -n 1 | grep -o "^tmpfs .*size=2048k" | cut -d" " -f1 &&
		 echo x >/run/f && cat /run/f'
	[[ $RC -eq 0 ]] || fail "ctr run --mount bind --mount tmpfs exited $RC: $ERR $OUT"
	# (ctr's default spec has a /run tmpfs already: ours is the one on top)
	assert_eq "host file read, /run (tmpfs, size=2m), /run written" "from-host tmpfs x" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
	assert_eq "file written through the bind mount" from-container "$(cat "$vol/out" 2>&1)"
}

# 20 `ctr run -d` at once; all running, then all killed and deleted with
# nothing left of them (runtime state, cgroups, processes)
test_parallel_20() {
	local i pids=() id left="" d
	for i in $(seq 0 19); do
		timeout -k 5 "$ENGINE_TIMEOUT" ctr --address "$SOCK" -n "$NS" "${RUN[@]}" -d --null-io \
			"$IMAGE" "rgo-par-$i" sleep 1000 </dev/null >"$TEST_TMP/out.par$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || fail "ctr run -d rgo-par-$i (one of 20 at once) exited $?: $(tail -n 2 "$TEST_TMP/out.par$i")"
	done
	ct_ok task ls
	assert_eq "tasks running after 20 parallel ctr run -d" 20 "$(grep -c '^rgo-par-.* RUNNING$' <<<"$OUT")"
	for i in $(seq 0 19); do
		ct_ok task kill -s SIGKILL "rgo-par-$i"
	done
	for i in $(seq 0 19); do
		wait_task_status "rgo-par-$i" STOPPED
		ct_ok task delete "rgo-par-$i"
		ct_ok container delete "rgo-par-$i"
	done
	ct_ok container ls -q
	assert_eq "containers left" "" "$(grep '^rgo-par-' <<<"$OUT")"
	for i in $(seq 0 19); do
		id=rgo-par-$i
		[[ -e $RUNTIME_ROOT/$id ]] && left+="state $RUNTIME_ROOT/$id "
		for d in $(engine_cgroup_dirs); do
			[[ -d $d/$id ]] && left+="cgroup $d/$id "
		done
		grep -lqs ":$ENGINE_CGROUP/$id\$" /proc/[0-9]*/cgroup && left+="processes of $id "
	done
	[[ -z $left ]] || fail "left after deleting the 20: $left"
}

engine_main start_containerd
