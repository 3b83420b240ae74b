#!/bin/bash
# containerd drives runc-go unchanged: a private containerd (Debian's
# containerd, CRI plugin off) on its own socket, root and state, the busybox
# image imported with `ctr image import` from an OCI image archive, and
# containers run with `ctr run --runtime io.containerd.runc.v2 --runc-binary
# runc-go` (containerd-shim-runc-v2 makes every runtime call). The daemon is
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

RUN=(run --runtime io.containerd.runc.v2 --runc-binary "$RUNTIME"
	--runc-root "$RUNC_ROOT" --fifo-dir "$ENGINE_DIR/fifo")

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
	ct_run_fg rgo-exit sh -c 'exit 3'
	[[ $RC -eq 3 ]] || fail "ctr run sh -c 'exit 3': expected exit 3, got $RC: $ERR $(engine_hint "$ERR")"
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

test_exec() {
	start_detached rgo-exec sleep 1000
	ct task exec --exec-id e1 --fifo-dir "$ENGINE_DIR/fifo" rgo-exec echo from-exec
	[[ $RC -eq 0 ]] || fail "ctr task exec exited $RC: $ERR $(engine_hint "$ERR")"
	assert_eq "exec stdout" from-exec "$OUT"
	ct task exec --exec-id e2 --fifo-dir "$ENGINE_DIR/fifo" rgo-exec sh -c 'exit 5'
	[[ $RC -eq 5 ]] || fail "ctr task exec sh -c 'exit 5': expected exit 5, got $RC: $ERR"
	ct task exec --exec-id e3 --fifo-dir "$ENGINE_DIR/fifo" --cwd /tmp --user 1000 rgo-exec \
		sh -c 'echo "$(pwd) $(id -u)"'
	[[ $RC -eq 0 ]] || fail "ctr task exec --cwd --user exited $RC: $ERR"
	assert_eq "exec cwd, uid" "/tmp 1000" "$OUT"
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

test_pause_resume() {
	start_detached rgo-pause sleep 1000
	ct task pause rgo-pause
	[[ $RC -eq 0 ]] || fail "ctr task pause exited $RC: $ERR $(engine_hint "$ERR")"
	wait_task_status rgo-pause PAUSED
	ct task resume rgo-pause
	[[ $RC -eq 0 ]] || fail "ctr task resume exited $RC: $ERR $(engine_hint "$ERR")"
	wait_task_status rgo-pause RUNNING
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

engine_main start_containerd
