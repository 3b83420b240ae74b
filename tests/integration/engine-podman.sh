#!/bin/bash
# Podman drives runc-go unchanged: Debian's podman (no daemon: conmon makes
# the create and exec calls, podman the others) with its own containers.conf
# and storage.conf (graph root, run root, tmp dir, volumes, locks, events,
# networks under the test's directory), runc-go as the runtime "runc-go",
# the busybox image from `podman import` of a rootfs tar. See
# tests/engines/lib-engines.sh and docs/engines.md.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../engines/lib-engines.sh"

IMAGE=localhost/bbx:latest
RUNTIME_ROOT=$ENGINE_DIR/runtime
export CONTAINERS_CONF=$ENGINE_DIR/containers.conf
export CONTAINERS_STORAGE_CONF=$ENGINE_DIR/storage.conf
# conmon and podman's own temporary files
export TMPDIR=$ENGINE_DIR/tmp
mkdir -p "$TMPDIR"

# Every call names the runtime and its root (otherwise podman lets the
# runtime use its default root, /run/runc-go). conmon's exit command does
# not get the root all the same: see docs/engines.md.
PODMAN=(podman --runtime runc-go --runtime-flag "root=$RUNTIME_ROOT")

pm() { ecmd "${PODMAN[@]}" "$@"; }
pm_ok() { ecmd_ok "podman $*" "${PODMAN[@]}" "$@"; }

# every run: no network, containers under the script's cgroup parent
RUN=(run --network none --cgroup-parent "$ENGINE_CGROUP")

start_podman() {
	ENGINE_SKIP=$(engine_require podman conmon)
	[[ -z $ENGINE_SKIP ]] || return 1
	engine_image_rootfs "$ENGINE_DIR/img" || { ENGINE_FAIL="cannot build the busybox rootfs"; return 1; }
	mkdir -p "$TMPDIR" "$RUNTIME_ROOT"
	# containers/image keeps its blob info cache there for root, always
	engine_note_host_paths /var/lib/containers /var/lib/containers/cache \
		/var/lib/containers/cache/blob-info-cache-v1.boltdb
	# Root lacks CAP_SYS_RESOURCE here: podman's default rlimits for root
	# (nofile 1048576) exceed the hard limit, and podman itself lowers its
	# nproc to pid_max before it starts conmon, so the runtime's setrlimit
	# fails with EPERM on either. Give the containers modest limits that no
	# host's hard limits are below.
	local nofile=4096 nproc=4096 hard
	hard=$(ulimit -Hn)
	[[ $hard != unlimited && $hard -lt $nofile ]] && nofile=$hard
	hard=$(ulimit -Hu)
	[[ $hard != unlimited && $hard -lt $nproc ]] && nproc=$hard
	cat >"$CONTAINERS_CONF" <<-EOF
		[containers]
		netns = "none"
		log_driver = "k8s-file"
		default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$ENGINE_DIR/events.log"
		tmp_dir = "$ENGINE_DIR/libpod-tmp"
		volume_path = "$ENGINE_DIR/volumes"
		# locks under tmp_dir, not in the host's shared /dev/shm/libpod_lock
		lock_type = "file"
		runtime = "runc-go"
		runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "runc-go"]
		# conmon gets only these: its exit command (podman container
		# cleanup, which moves an exited container from "stopped" to
		# "exited") must read the same configuration
		conmon_env_vars = [
		  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		  "CONTAINERS_CONF=$CONTAINERS_CONF",
		  "CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF",
		  "TMPDIR=$TMPDIR",
		]

		[engine.runtimes]
		runc-go = ["$RUNTIME"]

		[network]
		network_config_dir = "$ENGINE_DIR/networks"
	EOF
	cat >"$CONTAINERS_STORAGE_CONF" <<-EOF
		[storage]
		driver = "overlay"
		graphroot = "$ENGINE_DIR/graph"
		runroot = "$ENGINE_DIR/run"
	EOF
	ecmd "${PODMAN[@]}" info
	if [[ $RC -ne 0 ]]; then
		ENGINE_SKIP="podman info exited $RC: $ERR"
		return 1
	fi
	ecmd "${PODMAN[@]}" import "$ENGINE_DIR/img/rootfs.tar" "$IMAGE"
	[[ $RC -eq 0 ]] || { ENGINE_FAIL="podman import exited $RC: $ERR"; return 1; }
	ENGINE_PRE_STOP=podman_remove_all
}

podman_remove_all() {
	timeout -k 5 60 "${PODMAN[@]}" rm -af -t 0
}

# pm_run_fg ARGS...: `podman run --rm` in the foreground; fail on podman's
# own error status (125) or a timeout, leave other statuses to the test
pm_run_fg() {
	pm "${RUN[@]}" --rm "$@"
	[[ $RC -ne 125 && $RC -ne 124 ]] || fail "podman run $* exited $RC: $ERR $(engine_hint "$ERR")"
}

start_detached() { # start_detached NAME ARGS...
	local name=$1
	shift
	pm "${RUN[@]}" -d --name "$name" "$@"
	[[ $RC -eq 0 ]] || fail "podman run -d $* exited $RC: $ERR $(engine_hint "$ERR")"
	CID=$OUT
}

inspect() { # inspect NAME FORMAT: sets VAL
	pm inspect -f "$2" "$1"
	[[ $RC -eq 0 ]] || fail "podman inspect $1 exited $RC: $ERR"
	VAL=$OUT
}

wait_podman_status() { # wait_podman_status NAME STATUS
	local i
	for ((i = 0; i < 50; i++)); do
		inspect "$1" '{{.State.Status}}'
		[[ $VAL == "$2" ]] && return 0
		sleep 0.2
	done
	fail "$1: status stayed '$VAL', expected '$2'"
}

# ------------------------------------------------------------------ tests

test_run_echo() {
	pm_run_fg "$IMAGE" echo hi
	[[ $RC -eq 0 ]] || fail "podman run echo hi exited $RC: $ERR"
	assert_eq "stdout" hi "$OUT"
}

test_exit_code() {
	pm_run_fg "$IMAGE" sh -c 'exit 3'
	[[ $RC -eq 3 ]] || fail "podman run sh -c 'exit 3': expected exit 3, got $RC: $ERR"
}

test_missing_executable_127() {
	pm "${RUN[@]}" --rm "$IMAGE" /no/such/binary
	[[ $RC -eq 127 ]] || fail "podman run /no/such/binary: expected exit 127, got $RC: $ERR"
}

test_stdin() {
	ecmd_in through-stdin "${PODMAN[@]}" "${RUN[@]}" --rm -i "$IMAGE" cat
	[[ $RC -eq 0 ]] || fail "podman run -i cat exited $RC: $ERR $(engine_hint "$ERR")"
	assert_eq "stdout" through-stdin "$OUT"
}

test_env_workdir_user() {
	pm_run_fg -e FOO=bar -w /tmp -u 1000:1000 "$IMAGE" sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"'
	[[ $RC -eq 0 ]] || fail "podman run -e -w -u exited $RC: $ERR"
	assert_eq "env, cwd, uid:gid" "bar /tmp 1000:1000" "$OUT"
}

test_detached_exec_stop_rm() {
	start_detached rgo-det "$IMAGE" sh -c 'trap "exit 42" TERM; echo started; while :; do sleep 0.1; done'
	wait_podman_status rgo-det running
	pm exec rgo-det echo from-exec
	[[ $RC -eq 0 ]] || fail "podman exec exited $RC: $ERR $(engine_hint "$ERR")"
	assert_eq "exec stdout" from-exec "$OUT"
	pm exec rgo-det sh -c 'exit 5'
	[[ $RC -eq 5 ]] || fail "podman exec sh -c 'exit 5': expected exit 5, got $RC: $ERR"
	pm_ok exec -e X=1 -w /tmp -u 1000 rgo-det sh -c 'echo "$X $(pwd) $(id -u)"'
	assert_eq "exec env, cwd, uid" "1 /tmp 1000" "$OUT"
	pm_ok logs rgo-det
	assert_eq "podman logs" started "$OUT"
	pm_ok stop -t 20 rgo-det
	inspect rgo-det '{{.State.ExitCode}}'
	assert_eq "exit code after podman stop (the TERM trap's)" 42 "$VAL"
	pm_ok rm rgo-det
}

test_kill() {
	start_detached rgo-kill "$IMAGE" sleep 1000
	wait_podman_status rgo-kill running
	pm_ok kill rgo-kill
	wait_podman_status rgo-kill exited
	inspect rgo-kill '{{.State.ExitCode}}'
	assert_eq "exit code after podman kill" 137 "$VAL"
	pm_ok rm rgo-kill
}

test_rm_force_running() {
	start_detached rgo-rmf "$IMAGE" sleep 1000
	inspect rgo-rmf '{{.State.Pid}}'
	local pid=$VAL
	pm_ok rm -f -t 0 rgo-rmf
	wait_dead "$pid"
}

test_tty() {
	pm_run_fg -t "$IMAGE" sh -c 'test -t 1 && echo tty-ok; tty'
	[[ $RC -eq 0 ]] || fail "podman run -t exited $RC: $ERR $OUT $(engine_hint "$ERR $OUT")"
	assert_contains "podman run -t output" "$OUT" tty-ok
}

test_exec_tty() {
	start_detached rgo-etty "$IMAGE" sleep 1000
	pm exec -t rgo-etty sh -c 'test -t 1 && echo tty-ok'
	[[ $RC -eq 0 ]] || fail "podman exec -t exited $RC: $ERR $OUT $(engine_hint "$ERR $OUT")"
	assert_contains "podman exec -t output" "$OUT" tty-ok
}

test_pause_unpause() {
	start_detached rgo-pause "$IMAGE" sleep 1000
	pm pause rgo-pause
	[[ $RC -eq 0 ]] || fail "podman pause exited $RC: $ERR $(engine_hint "$ERR")"
	wait_podman_status rgo-pause paused
	pm unpause rgo-pause
	[[ $RC -eq 0 ]] || fail "podman unpause exited $RC: $ERR $(engine_hint "$ERR")"
	wait_podman_status rgo-pause running
}

test_memory_limit() {
	start_detached rgo-mem --memory 64m "$IMAGE" sleep 1000
	inspect rgo-mem '{{.State.Pid}}'
	local pid=$VAL file
	grep -q ":$ENGINE_CGROUP/libpod-$CID\$" "/proc/$pid/cgroup" ||
		fail "container not in cgroup $ENGINE_CGROUP/libpod-$CID: $(tr '\n' ' ' <"/proc/$pid/cgroup")"
	if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
		file=/sys/fs/cgroup$ENGINE_CGROUP/libpod-$CID/memory.max
	else
		file=/sys/fs/cgroup/memory$ENGINE_CGROUP/libpod-$CID/memory.limit_in_bytes
	fi
	assert_eq "$file" 67108864 "$(cat "$file" 2>&1)"
}

test_update_memory() {
	start_detached rgo-upd --memory 64m "$IMAGE" sleep 1000
	pm update --memory 128m rgo-upd
	[[ $RC -eq 0 ]] || fail "podman update exited $RC: $ERR $(engine_hint "$ERR")"
	local file
	if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
		file=/sys/fs/cgroup$ENGINE_CGROUP/libpod-$CID/memory.max
	else
		file=/sys/fs/cgroup/memory$ENGINE_CGROUP/libpod-$CID/memory.limit_in_bytes
	fi
	assert_eq "$file after podman update" 134217728 "$(cat "$file" 2>&1)"
}

engine_main start_podman
