#!/bin/bash
# Podman drives runc-go unchanged: Debian's podman (no daemon: conmon makes
# the create and exec calls, podman the others) with its own containers.conf
# and storage.conf (graph root, run root, tmp dir, volumes, locks, events,
# networks under the test's directory), runc-go as the runtime "runc-go",
# the busybox image from `podman import` of a rootfs tar; every test runs
# again with Debian's runc (the runtime "runc-ref") as a control. See
# tests/engines/lib-engines.sh and docs/engines.md.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../engines/lib-engines.sh"

IMAGE=localhost/bbx:latest
export CONTAINERS_CONF=$ENGINE_DIR/containers.conf
export CONTAINERS_STORAGE_CONF=$ENGINE_DIR/storage.conf
# conmon and podman's own temporary files
export TMPDIR=$ENGINE_DIR/tmp
mkdir -p "$TMPDIR"

# engine_select (called by lib-engines.sh for each test): every call names
# the runtime of this run, runc-go or (the control) runc-ref. Podman
# remembers each container's runtime, so any call reaches the right one.
# The runtimes keep their state in their default roots (/run/runc-go,
# /run/runc): conmon's exit command (`podman container cleanup`, which
# deletes a container that exited) gets no --runtime-flag, so with
# `--runtime-flag root=DIR` it would delete in the default root while
# `podman restart` creates in DIR ("container with given ID already
# exists"). See docs/engines.md.
engine_select() {
	PODMAN=(podman --runtime "$ENGINE_RT")
	RUNTIME_ROOT=$(default_root "$RUNTIME")
}

# default_root RUNTIME: the runtime's default --root, from its --help
default_root() {
	"$1" --help 2>/dev/null | grep -- '--root value' | sed -n 's/.*(default: "\([^"]*\)").*/\1/p'
}
engine_select

pm() { ecmd "${PODMAN[@]}" "$@"; }
pm_ok() { ecmd_ok "podman $*" "${PODMAN[@]}" "$@"; }

# every run: no network, containers under the script's cgroup parent
RUN=(run --network none --cgroup-parent "$ENGINE_CGROUP")

# podman --init bind-mounts a static init: catatonit where podman's package
# recommends it, else Docker's (tini-static); empty: none here
INIT_PATH=""
for f in /usr/libexec/podman/catatonit /usr/bin/catatonit /usr/bin/docker-init /usr/bin/tini-static; do
	[[ -x $f ]] && { INIT_PATH=$(readlink -f "$f"); break; }
done

start_podman() {
	ENGINE_SKIP=$(engine_require podman conmon)
	[[ -z $ENGINE_SKIP ]] || return 1
	engine_image_rootfs "$ENGINE_DIR/img" || { ENGINE_FAIL="cannot build the busybox rootfs"; return 1; }
	mkdir -p "$TMPDIR"
	# the runtimes' state (the cleanup checks that none of ours is left)
	local rt root roots=()
	for rt in "$RUNTIME" ${ENGINE_CONTROL:+"$ENGINE_CONTROL"}; do
		[[ $rt == "$RUNTIME" ]] || engine_has_control || continue
		root=$(default_root "$rt")
		[[ -n $root ]] || { ENGINE_FAIL="cannot tell the default --root of $rt from its --help"; return 1; }
		ENGINE_STATE_ROOTS+=("$rt $root")
		roots+=("$root")
	done
	# containers/image keeps its blob info cache there for root, always
	engine_note_host_paths /var/lib/containers /var/lib/containers/cache \
		/var/lib/containers/cache/blob-info-cache-v1.boltdb "${roots[@]}"
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
	local init_line="" control_line=""
	[[ -n $INIT_PATH ]] && init_line="init_path = \"$INIT_PATH\""
	engine_has_control && control_line="runc-ref = [\"$ENGINE_CONTROL\"]"
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
		runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "runc-go", "runc-ref"]
		$init_line
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
		$control_line

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
	pm_run_fg "$IMAGE" sh -c 'exit 42'
	[[ $RC -eq 42 ]] || fail "podman run sh -c 'exit 42': expected exit 42, got $RC: $ERR"
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
	engine_it_session "podman exec -it sh" "${PODMAN[@]}" exec -it rgo-det sh
	pm_ok logs rgo-det
	assert_eq "podman logs" started "$OUT"
	pm_ok stop -t 20 rgo-det
	inspect rgo-det '{{.State.ExitCode}}'
	assert_eq "exit code after podman stop (the TERM trap's)" 42 "$VAL"
	pm_ok rm rgo-det
	[[ ! -e $RUNTIME_ROOT/$CID ]] || fail "runtime state $RUNTIME_ROOT/$CID left after podman rm"
}

test_kill() {
	start_detached rgo-usr1 "$IMAGE" sh -c 'trap "exit 10" USR1; while :; do sleep 0.1; done'
	wait_podman_status rgo-usr1 running
	pm_ok kill -s USR1 rgo-usr1
	wait_podman_status rgo-usr1 exited
	inspect rgo-usr1 '{{.State.ExitCode}}'
	assert_eq "exit code after podman kill -s USR1 (the trap's)" 10 "$VAL"
	start_detached rgo-kill "$IMAGE" sleep 1000
	wait_podman_status rgo-kill running
	pm_ok kill rgo-kill
	wait_podman_status rgo-kill exited
	inspect rgo-kill '{{.State.ExitCode}}'
	assert_eq "exit code after podman kill" 137 "$VAL"
	pm_ok rm rgo-usr1 rgo-kill
}

# a process that ignores SIGTERM gets SIGKILL when the stop timeout ends
test_stop_timeout_kill() {
	start_detached rgo-stopk "$IMAGE" sh -c 'trap "" TERM; while :; do sleep 0.1; done'
	wait_podman_status rgo-stopk running
	local t0=${EPOCHREALTIME/./} ms
	pm_ok stop -t 1 rgo-stopk
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	[[ $ms -ge 900 ]] || fail "podman stop -t 1 returned after $ms ms: the 1 s grace for SIGTERM was not given"
	inspect rgo-stopk '{{.State.ExitCode}}'
	assert_eq "exit code after podman stop -t 1 of a TERM-ignoring process (SIGKILL)" 137 "$VAL"
}

test_restart() {
	start_detached rgo-restart "$IMAGE" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	wait_podman_status rgo-restart running
	inspect rgo-restart '{{.State.Pid}}'
	local pid1=$VAL
	pm_ok restart -t 10 rgo-restart
	wait_podman_status rgo-restart running
	inspect rgo-restart '{{.State.Pid}}'
	assert_ne "pid after restart" "$pid1" "$VAL"
	pm_ok exec rgo-restart echo after-restart
	assert_eq "exec after restart" after-restart "$OUT"
}

test_rm_force_running() {
	start_detached rgo-rmf "$IMAGE" sleep 1000
	inspect rgo-rmf '{{.State.Pid}}'
	local pid=$VAL
	pm_ok rm -f -t 0 rgo-rmf
	wait_dead "$pid"
	[[ ! -e $RUNTIME_ROOT/$CID ]] || fail "runtime state $RUNTIME_ROOT/$CID left after podman rm -f"
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

# paused: the container's counter stands still and the freezer says so;
# unpaused: it counts again
test_pause_unpause() {
	start_detached rgo-pause "$IMAGE" sh -c "$COUNTER_SH"
	inspect rgo-pause '{{.State.Pid}}'
	local pid=$VAL
	engine_assert_counting "before podman pause" "$pid"
	pm pause rgo-pause
	[[ $RC -eq 0 ]] || fail "podman pause exited $RC: $ERR $(engine_hint "$ERR")"
	wait_podman_status rgo-pause paused
	engine_assert_frozen "after podman pause" "$pid"
	pm unpause rgo-pause
	[[ $RC -eq 0 ]] || fail "podman unpause exited $RC: $ERR $(engine_hint "$ERR")"
	wait_podman_status rgo-pause running
	engine_assert_counting "after podman unpause" "$pid"
}

test_top() {
	start_detached rgo-top "$IMAGE" sleep 1000
	wait_podman_status rgo-top running
	pm top rgo-top
	[[ $RC -eq 0 ]] || fail "podman top exited $RC: $ERR $(engine_hint "$ERR")"
	assert_contains "podman top" "$OUT" "sleep 1000"
}

# podman stats reads the container's cgroup
test_stats() {
	start_detached rgo-stats --memory 64m "$IMAGE" sleep 1000
	wait_podman_status rgo-stats running
	pm stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}' rgo-stats
	[[ $RC -eq 0 ]] || fail "podman stats --no-stream exited $RC: $ERR"
	[[ $OUT == *" / 67.11MB|1" ]] || fail "podman stats: expected '<usage> / 67.11MB|1' (memory / limit | pids), got '$OUT'"
	[[ $OUT != "0B /"* ]] || fail "podman stats: memory usage 0: '$OUT'"
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

# an allocation past --memory 64m: the kernel's OOM killer ends it (137)
test_memory_oom_kill() {
	pm "${RUN[@]}" --name rgo-oom --memory 64m --memory-swap 64m "$IMAGE" "${OOM_ARGS[@]}"
	[[ $RC -eq 137 ]] || fail "podman run --memory 64m of a growing awk: expected 137 (OOM-killed), got $RC: $ERR $(engine_hint "$ERR")"
}

# ... and podman learns it (State.OOMKilled, from conmon's cgroup watch)
ENGINE_CONTROL_KNOWN+=([test_memory_oom_killed_flag]="conmon 2.1.6 writes no oom file here, so podman 4.3.1 leaves State.OOMKilled false (docker sees the same kill)")
test_memory_oom_killed_flag() {
	pm "${RUN[@]}" --name rgo-oomf --memory 64m --memory-swap 64m "$IMAGE" "${OOM_ARGS[@]}"
	[[ $RC -eq 137 ]] || fail "podman run --memory 64m of a growing awk: expected 137 (OOM-killed), got $RC: $ERR $(engine_hint "$ERR")"
	inspect rgo-oomf '{{.State.OOMKilled}}'
	assert_eq "State.OOMKilled" true "$VAL"
}

# 1 MiB of random bytes through `podman run -i` and back, byte for byte
test_stdin_1mib() {
	local in=$ENGINE_DIR/stdin.$ENGINE_RT out=$ENGINE_DIR/stdout.$ENGINE_RT
	engine_random_file "$in"
	timeout -k 5 "$ENGINE_TIMEOUT" "${PODMAN[@]}" "${RUN[@]}" --rm -i "$IMAGE" cat \
		<"$in" >"$out" 2>"$TEST_TMP/err.$BASHPID"
	RC=$?
	[[ $RC -eq 0 ]] || fail "podman run -i cat <1 MiB exited $RC: $(cat "$TEST_TMP/err.$BASHPID")"
	engine_assert_same_bytes "podman run -i cat" "$in" "$out"
}

# podman run -it: a shell on a pty, driven as a user would
test_run_it() {
	engine_it_session "podman run -it sh" "${PODMAN[@]}" "${RUN[@]}" --rm -it "$IMAGE" sh
}

# a bind volume read and written from the container; --tmpfs /run
test_volume_and_tmpfs() {
	local vol=$ENGINE_DIR/vol.$ENGINE_RT
	mkdir -p "$vol"
	echo from-host >"$vol/in"
	pm_run_fg -v "$vol:/data" --tmpfs /run:size=2m "$IMAGE" sh -c \
		'cat /data/in && echo from-container >/data/out &&
		 grep " /run " /proc/mounts | tail -n 1 | grep -o "^tmpfs .*size=2048k" | cut -d" " -f1 &&
		 echo x >/run/f && cat /run/f'
	[[ $RC -eq 0 ]] || fail "podman run -v --tmpfs /run exited $RC: $ERR $OUT"
	assert_eq "host file read, /run (tmpfs, size=2m), /run written" "from-host tmpfs x" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
	assert_eq "file written through the bind mount" from-container "$(cat "$vol/out" 2>&1)"
}

test_read_only() {
	pm_run_fg --read-only "$IMAGE" sh -c 'touch /x 2>&1; echo rc=$?'
	assert_contains "podman run --read-only: touch /x" "$OUT" "Read-only file system"
	assert_contains "podman run --read-only: touch /x" "$OUT" "rc=1"
}

# --cap-drop ALL --cap-add NET_RAW: only CAP_NET_RAW, and CAP_CHOWN is gone
test_caps() {
	pm_run_fg --cap-drop ALL --cap-add NET_RAW "$IMAGE" sh -c \
		'cat /proc/self/status; touch /tmp/f; chown 1 /tmp/f 2>/dev/null && echo chown-worked || echo chown-denied'
	[[ $RC -eq 0 ]] || fail "podman run --cap-drop ALL --cap-add NET_RAW exited $RC: $ERR"
	engine_assert_net_raw_only "podman run --cap-drop ALL --cap-add NET_RAW" "$OUT"
	assert_contains "chown without CAP_CHOWN" "$OUT" chown-denied
}

test_seccomp_profile() {
	local prof=$ENGINE_DIR/seccomp-no-mkdir.json
	engine_seccomp_profile "$prof"
	pm_run_fg --security-opt "seccomp=$prof" "$IMAGE" sh -c \
		'touch /tmp/f && echo touch-ok; mkdir /tmp/d 2>&1; echo rc=$?'
	[[ $RC -eq 0 ]] || fail "podman run --security-opt seccomp= exited $RC: $ERR"
	assert_contains "touch under the profile" "$OUT" touch-ok
	assert_contains "mkdir under a profile denying it" "$OUT" "Operation not permitted"
	assert_contains "mkdir's status" "$OUT" "rc=1"
}

test_init() {
	[[ -n $INIT_PATH ]] || skip "no static init for podman --init (catatonit, or docker-init from docker.io)"
	pm_run_fg --init "$IMAGE" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[[ $RC -eq 0 ]] || fail "podman run --init exited $RC: $ERR"
	assert_contains "pid 1 with --init" "$OUT" podman-init
}

test_pid_host() {
	pm_run_fg --pid=host "$IMAGE" sh -c "$NS_SH; test -d /proc/$$ && echo sees-host-pid"
	[[ $RC -eq 0 ]] || fail "podman run --pid=host exited $RC: $ERR"
	assert_contains "pid namespace with --pid=host" "$OUT" "$(host_ns pid) "
	assert_contains "host pid $$ seen in /proc" "$OUT" sees-host-pid
}

# --network none: a network namespace of its own with only lo, up
test_network_none() {
	# (every run here has --network none: RUN)
	pm_run_fg "$IMAGE" sh -c "$NS_SH; ls /sys/class/net; cat /sys/class/net/lo/flags"
	[[ $RC -eq 0 ]] || fail "podman run --network none exited $RC: $ERR"
	local lines
	mapfile -t lines <<<"$OUT"
	[[ ${lines[0]} != *" $(host_ns net)" ]] || fail "--network none: the container is in the host's network namespace"
	assert_eq "interfaces, lo flags (0x9: UP|LOOPBACK)" "lo 0x9" "${lines[1]:-} ${lines[2]:-}"
}

# 20 `podman run -d` at once; all running, then all removed with nothing
# left of them (runtime state, cgroups, processes)
test_parallel_20() {
	local i pids=() names=() ids id left="" d
	for i in $(seq 0 19); do
		names+=("rgo-par-$i")
		timeout -k 5 "$ENGINE_TIMEOUT" "${PODMAN[@]}" "${RUN[@]}" -d --name "rgo-par-$i" \
			"$IMAGE" sleep 1000 </dev/null >"$TEST_TMP/out.par$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || fail "podman run -d (${names[i]}, one of 20 at once) exited $?: $(tail -n 2 "$TEST_TMP/out.par$i")"
	done
	pm_ok ps -q --no-trunc --filter status=running --filter name=rgo-par-
	ids=$OUT
	assert_eq "containers running after 20 parallel podman run -d" 20 "$(wc -w <<<"$ids")"
	pm_ok rm -f -t 0 "${names[@]}"
	pm_ok ps -aq --filter name=rgo-par-
	assert_eq "containers left after podman rm -f" "" "$OUT"
	for id in $ids; do
		[[ -e $RUNTIME_ROOT/$id ]] && left+="state $RUNTIME_ROOT/$id "
		for d in $(engine_cgroup_dirs); do
			[[ -d $d/libpod-$id ]] && left+="cgroup $d/libpod-$id "
		done
		grep -lqs ":$ENGINE_CGROUP/libpod-$id\$" /proc/[0-9]*/cgroup && left+="processes of $id "
	done
	[[ -z $left ]] || fail "left after podman rm -f of the 20: $left"
}

engine_main start_podman
