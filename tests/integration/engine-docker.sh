#!/bin/bash
# Docker drives runc-go unchanged: a private dockerd (Debian's docker.io, with
# the containerd it spawns itself) on its own socket, data root and exec
# root, runc-go added with --add-runtime, containers run with --runtime
# runc-go on a busybox image imported from a rootfs tar; every test runs
# again with Debian's runc (--runtime runc-ref) as a control. The daemon is
# started once for the script and stopped at the end; see
# tests/engines/lib-docker.sh, lib-engines.sh and docs/engines.md.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../engines/lib-engines.sh"
source "$(dirname "$0")/../engines/lib-docker.sh"

# the host's default bridge, iptables and forwarding stay untouched:
# engine-docker-network.sh runs a dockerd with them in a private netns
DOCKERD_NET_FLAGS=(--iptables=false --ip-forward=false --ip-masq=false
	--bridge=none --userland-proxy=false)

# ------------------------------------------------------------------ tests

test_run_echo() {
	dk_run_fg "$IMAGE" echo hello
	expect_rc 0 "docker run echo hello"
	assert_eq "stdout" hello "$OUT"
}

test_exit_code() {
	dk_run_fg "$IMAGE" sh -c 'exit 42'
	expect_rc 42 "docker run sh -c 'exit 42'"
}

# Docker turns a start error naming "no such file or directory" into exit
# 127 and "permission denied" into 126, by matching the runtime's message
# text (Go's lower-case errno strings, as runc prints them); anything else is
# 125, a daemon error.
test_missing_executable_127() {
	dk "${RUN[@]}" --rm "$IMAGE" /no/such/binary
	[[ $RC -eq 127 ]] || fail "docker run /no/such/binary: expected exit 127 (docker matches 'no such file or directory' in the runtime's error), got $RC: $ERR"
}

test_not_executable_126() {
	dk "${RUN[@]}" --rm "$IMAGE" /etc/passwd
	[[ $RC -eq 126 ]] || fail "docker run /etc/passwd: expected exit 126 (docker matches 'permission denied' in the runtime's error), got $RC: $ERR"
}

test_stdin() {
	dk_in "through-stdin" "${RUN[@]}" --rm -i "$IMAGE" cat
	expect_rc 0 "docker run -i cat"
	assert_eq "stdout" through-stdin "$OUT"
}

# 1 MiB of random bytes through `docker run -i` and back, byte for byte
test_stdin_1mib() {
	local in=$ENGINE_DIR/stdin.$ENGINE_RT out=$ENGINE_DIR/stdout.$ENGINE_RT
	engine_random_file "$in"
	timeout -k 5 "$ENGINE_TIMEOUT" "$DOCKER" -H "unix://$SOCK" "${RUN[@]}" --rm -i "$IMAGE" cat \
		<"$in" >"$out" 2>"$TEST_TMP/err.$BASHPID"
	RC=$?
	[[ $RC -eq 0 ]] || fail "docker run -i cat <1 MiB exited $RC: $(cat "$TEST_TMP/err.$BASHPID")"
	engine_assert_same_bytes "docker run -i cat" "$in" "$out"
}

# docker run -it: a shell on a pty, driven as a user would
test_run_it() {
	engine_it_session "docker run -it sh" "$DOCKER" -H "unix://$SOCK" "${RUN[@]}" --rm -it "$IMAGE" sh
}

test_env_workdir_user() {
	dk_run_fg -e FOO=bar -w /tmp -u 1000:1000 "$IMAGE" sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g) $(id -G)"'
	expect_rc 0 "docker run -e -w -u"
	assert_eq "env, cwd, uid:gid, groups" "bar /tmp 1000:1000 1000" "$OUT"
	dk_run_fg -u user "$IMAGE" sh -c 'echo "$(id -un) $HOME"'
	expect_rc 0 "docker run -u user"
	assert_eq "user by name, HOME" "user /home/user" "$OUT"
	dk_run_fg --hostname rgo-host "$IMAGE" hostname
	expect_rc 0 "docker run --hostname"
	assert_eq "hostname" rgo-host "$OUT"
}

test_detached_exec_stop_rm() {
	start_detached rgo-det "$IMAGE" sh -c 'trap "exit 42" TERM; echo started; while :; do sleep 0.1; done'
	wait_docker_status rgo-det running
	dk_ok exec rgo-det echo from-exec
	assert_eq "exec stdout" from-exec "$OUT"
	dk exec rgo-det sh -c 'exit 5'
	expect_rc 5 "docker exec sh -c 'exit 5'"
	dk_ok exec -e X=1 -w /tmp -u 1000 rgo-det sh -c 'echo "$X $(pwd) $(id -u)"'
	assert_eq "exec env, cwd, uid" "1 /tmp 1000" "$OUT"
	dk_in "exec-stdin" exec -i rgo-det cat
	expect_rc 0 "docker exec -i cat"
	assert_eq "exec stdin" exec-stdin "$OUT"
	engine_it_session "docker exec -it sh" "$DOCKER" -H "unix://$SOCK" exec -it rgo-det sh
	dk_ok logs rgo-det
	assert_eq "docker logs" started "$OUT"
	dk_ok stop -t 20 rgo-det
	inspect rgo-det '{{.State.ExitCode}}'
	assert_eq "exit code after docker stop (the TERM trap's)" 42 "$VAL"
	dk_ok rm rgo-det
	[[ ! -e $RUNTIME_ROOT/$CID ]] || fail "runtime state $RUNTIME_ROOT/$CID left after docker rm"
}

# a process that ignores SIGTERM gets SIGKILL when the stop timeout ends
test_stop_timeout_kill() {
	start_detached rgo-stopk "$IMAGE" sh -c 'trap "" TERM; while :; do sleep 0.1; done'
	wait_docker_status rgo-stopk running
	local t0=${EPOCHREALTIME/./} ms
	dk_ok stop -t 1 rgo-stopk
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	[[ $ms -ge 900 ]] || fail "docker stop -t 1 returned after $ms ms: the 1 s grace for SIGTERM was not given"
	inspect rgo-stopk '{{.State.ExitCode}}'
	assert_eq "exit code after docker stop -t 1 of a TERM-ignoring process (SIGKILL)" 137 "$VAL"
}

test_restart() {
	start_detached rgo-restart "$IMAGE" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	wait_docker_status rgo-restart running
	inspect rgo-restart '{{.State.Pid}}'
	local pid1=$VAL
	dk_ok restart -t 10 rgo-restart
	wait_docker_status rgo-restart running
	inspect rgo-restart '{{.State.Pid}}'
	assert_ne "pid after restart" "$pid1" "$VAL"
	dk_ok exec rgo-restart echo after-restart
	assert_eq "exec after restart" after-restart "$OUT"
}

test_kill() {
	start_detached rgo-usr1 "$IMAGE" sh -c 'trap "exit 10" USR1; while :; do sleep 0.1; done'
	wait_docker_status rgo-usr1 running
	dk_ok kill -s USR1 rgo-usr1
	wait_docker_status rgo-usr1 exited
	inspect rgo-usr1 '{{.State.ExitCode}}'
	assert_eq "exit code after docker kill -s USR1" 10 "$VAL"
	start_detached rgo-kill "$IMAGE" sleep 1000
	dk_ok kill rgo-kill
	wait_docker_status rgo-kill exited
	inspect rgo-kill '{{.State.ExitCode}}'
	assert_eq "exit code after docker kill" 137 "$VAL"
	dk_ok rm rgo-usr1 rgo-kill
}

test_rm_force_running() {
	start_detached rgo-rmf "$IMAGE" sleep 1000
	inspect rgo-rmf '{{.State.Pid}}'
	local pid=$VAL
	dk_ok rm -f rgo-rmf
	wait_dead "$pid"
	[[ ! -e $RUNTIME_ROOT/$CID ]] || fail "runtime state $RUNTIME_ROOT/$CID left after docker rm -f"
}

test_tty() {
	dk_run_fg -t "$IMAGE" sh -c 'test -t 0 && test -t 1 && echo tty-ok; tty'
	[[ $RC -eq 0 ]] || fail "docker run -t exited $RC: $ERR $OUT"
	assert_contains "docker run -t output" "$OUT" tty-ok
	assert_contains "docker run -t output" "$OUT" /dev/pts/
}

test_exec_tty() {
	start_detached rgo-etty "$IMAGE" sleep 1000
	dk exec -t rgo-etty sh -c 'test -t 1 && echo tty-ok'
	[[ $RC -eq 0 ]] || fail "docker exec -t exited $RC: $ERR $OUT $(engine_hint "$ERR")"
	assert_contains "docker exec -t output" "$OUT" tty-ok
}

# paused: the container's counter stands still and the freezer says so;
# unpaused: it counts again and exec works
test_pause_unpause() {
	start_detached rgo-pause "$IMAGE" sh -c "$COUNTER_SH"
	inspect rgo-pause '{{.State.Pid}}'
	local pid=$VAL
	engine_assert_counting "before docker pause" "$pid"
	dk pause rgo-pause
	[[ $RC -eq 0 ]] || fail "docker pause exited $RC: $ERR $(engine_hint "$ERR")"
	inspect rgo-pause '{{.State.Status}}'
	assert_eq "status after docker pause" paused "$VAL"
	engine_assert_frozen "after docker pause" "$pid"
	dk unpause rgo-pause
	[[ $RC -eq 0 ]] || fail "docker unpause exited $RC: $ERR $(engine_hint "$ERR")"
	wait_docker_status rgo-pause running
	engine_assert_counting "after docker unpause" "$pid"
	dk_ok exec rgo-pause echo unpaused
	assert_eq "exec after unpause" unpaused "$OUT"
}

test_top() {
	start_detached rgo-top "$IMAGE" sleep 1000
	dk top rgo-top
	[[ $RC -eq 0 ]] || fail "docker top exited $RC: $ERR $(engine_hint "$ERR")"
	assert_contains "docker top" "$OUT" "sleep 1000"
}

# docker stats reads the container's cgroup (through containerd's shim)
test_stats() {
	start_detached rgo-stats --memory 64m "$IMAGE" sleep 1000
	dk stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}' rgo-stats
	[[ $RC -eq 0 ]] || fail "docker stats --no-stream exited $RC: $ERR"
	[[ $OUT == *" / 64MiB|1" ]] || fail "docker stats: expected '<usage> / 64MiB|1' (memory / limit | pids), got '$OUT'"
	[[ $OUT != "0B /"* ]] || fail "docker stats: memory usage 0: '$OUT'"
}

test_memory_limit() {
	start_detached rgo-mem --memory 64m "$IMAGE" sleep 1000
	inspect rgo-mem '{{.State.Pid}}'
	local pid=$VAL file
	grep -q ":$ENGINE_CGROUP/$CID\$" "/proc/$pid/cgroup" ||
		fail "container not in cgroup $ENGINE_CGROUP/$CID: $(tr '\n' ' ' <"/proc/$pid/cgroup")"
	file=$(host_cgroup_file memory memory.limit_in_bytes memory.max "$pid")
	[[ -f $file ]] || fail "no $file"
	assert_eq "$file" 67108864 "$(cat "$file")"
	if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
		dk_ok exec rgo-mem cat /sys/fs/cgroup/memory.max
	else
		dk_ok exec rgo-mem cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	fi
	assert_eq "memory limit seen inside the container" 67108864 "$OUT"
}

# an allocation past --memory 64m: the kernel's OOM killer ends it (137),
# and docker learns it from the cgroup (State.OOMKilled)
test_memory_oom_kill() {
	dk "${RUN[@]}" --name rgo-oom --memory 64m --memory-swap 64m "$IMAGE" "${OOM_ARGS[@]}"
	[[ $RC -eq 137 ]] || fail "docker run --memory 64m of a growing awk: expected 137 (OOM-killed), got $RC: $ERR $(engine_hint "$ERR")"
	inspect rgo-oom '{{.State.OOMKilled}}'
	assert_eq "State.OOMKilled" true "$VAL"
}

test_pids_and_cpu_limits() {
	start_detached rgo-lim --pids-limit 50 --cpus 0.5 --cpu-shares 512 "$IMAGE" sleep 1000
	inspect rgo-lim '{{.State.Pid}}'
	local pid=$VAL file
	file=$(host_cgroup_file pids pids.max pids.max "$pid")
	assert_eq "$file" 50 "$(cat "$file" 2>&1)"
	if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
		file=$(host_cgroup_file cpu x cpu.max "$pid")
		assert_eq "$file" "50000 100000" "$(cat "$file" 2>&1)"
	else
		file=$(host_cgroup_file cpu cpu.cfs_quota_us x "$pid")
		assert_eq "$file" 50000 "$(cat "$file" 2>&1)"
		file=$(host_cgroup_file cpu cpu.shares x "$pid")
		assert_eq "$file" 512 "$(cat "$file" 2>&1)"
	fi
}

test_update_memory() {
	start_detached rgo-upd --memory 64m "$IMAGE" sleep 1000
	inspect rgo-upd '{{.State.Pid}}'
	local pid=$VAL file
	dk update --memory 128m --memory-swap 256m rgo-upd
	[[ $RC -eq 0 ]] || fail "docker update exited $RC: $ERR $(engine_hint "$ERR")"
	file=$(host_cgroup_file memory memory.limit_in_bytes memory.max "$pid")
	assert_eq "$file after docker update" 134217728 "$(cat "$file")"
}

# a bind volume read and written from the container; --tmpfs /run
test_volume_and_tmpfs() {
	local vol=$ENGINE_DIR/vol.$ENGINE_RT
	mkdir -p "$vol"
	echo from-host >"$vol/in"
	dk_run_fg -v "$vol:/data" --tmpfs /run "$IMAGE" sh -c \
		'cat /data/in && echo from-container >/data/out &&
		 grep " /run " /proc/mounts | cut -d" " -f3 && echo x >/run/f && cat /run/f'
	[[ $RC -eq 0 ]] || fail "docker run -v --tmpfs /run exited $RC: $ERR $OUT"
	assert_eq "host file read, /run's type, /run written" "from-host tmpfs x" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
	assert_eq "file written through the bind mount" from-container "$(cat "$vol/out" 2>&1)"
}

test_read_only() {
	dk_run_fg --read-only "$IMAGE" sh -c 'touch /x 2>&1; echo rc=$?'
	assert_contains "docker run --read-only: touch /x" "$OUT" "Read-only file system"
	assert_contains "docker run --read-only: touch /x" "$OUT" "rc=1"
}

# --cap-drop ALL --cap-add NET_RAW: only CAP_NET_RAW, and CAP_CHOWN is gone
test_caps() {
	dk_run_fg --cap-drop ALL --cap-add NET_RAW "$IMAGE" sh -c \
		'cat /proc/self/status; touch /tmp/f; chown 1 /tmp/f 2>/dev/null && echo chown-worked || echo chown-denied'
	[[ $RC -eq 0 ]] || fail "docker run --cap-drop ALL --cap-add NET_RAW exited $RC: $ERR"
	engine_assert_net_raw_only "docker run --cap-drop ALL --cap-add NET_RAW" "$OUT"
	assert_contains "chown without CAP_CHOWN" "$OUT" chown-denied
	dk_run_fg --cap-drop ALL --security-opt no-new-privileges "$IMAGE" \
		sh -c 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status | tr -s "\t " " "'
	[[ $RC -eq 0 ]] || fail "docker run --cap-drop ALL exited $RC: $ERR"
	assert_eq "capabilities, no_new_privs" "NoNewPrivs: 1 CapEff: 0000000000000000" \
		"$(sort -r <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
}

test_seccomp_profile() {
	local prof=$ENGINE_DIR/seccomp-no-mkdir.json
	engine_seccomp_profile "$prof"
	dk_run_fg --security-opt "seccomp=$prof" "$IMAGE" sh -c \
		'touch /tmp/f && echo touch-ok; mkdir /tmp/d 2>&1; echo rc=$?'
	[[ $RC -eq 0 ]] || fail "docker run --security-opt seccomp= exited $RC: $ERR"
	assert_contains "touch under the profile" "$OUT" touch-ok
	assert_contains "mkdir under a profile denying it" "$OUT" "Operation not permitted"
	assert_contains "mkdir's status" "$OUT" "rc=1"
}

test_init() {
	dk_run_fg --init "$IMAGE" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[[ $RC -eq 0 ]] || fail "docker run --init exited $RC: $ERR"
	assert_contains "pid 1 with --init" "$OUT" docker-init
}

test_pid_host() {
	dk_run_fg --pid=host "$IMAGE" sh -c "$NS_SH; test -d /proc/$$ && echo sees-host-pid"
	[[ $RC -eq 0 ]] || fail "docker run --pid=host exited $RC: $ERR"
	assert_contains "pid namespace with --pid=host" "$OUT" "$(host_ns pid) "
	assert_contains "host pid $$ seen in /proc" "$OUT" sees-host-pid
}

# --network none: a network namespace of its own with only lo, up
test_network_none() {
	# (every run here has --network none: RUN)
	dk_run_fg "$IMAGE" sh -c "$NS_SH; ls /sys/class/net; cat /sys/class/net/lo/flags"
	[[ $RC -eq 0 ]] || fail "docker run --network none exited $RC: $ERR"
	local lines
	mapfile -t lines <<<"$OUT"
	[[ ${lines[0]} != *" $(host_ns net)" ]] || fail "--network none: the container is in the host's network namespace"
	assert_eq "interfaces, lo flags (0x9: UP|LOOPBACK)" "lo 0x9" "${lines[1]:-} ${lines[2]:-}"
}

# 20 `docker run -d` at once; all running, then all removed with nothing
# left of them (runtime state, cgroups, processes)
test_parallel_20() {
	local i pids=() names=() ids id left="" d
	for i in $(seq 0 19); do
		names+=("rgo-par-$i")
		timeout -k 5 "$ENGINE_TIMEOUT" "$DOCKER" -H "unix://$SOCK" "${RUN[@]}" -d --name "rgo-par-$i" \
			"$IMAGE" sleep 1000 </dev/null >"$TEST_TMP/out.par$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || fail "docker run -d (${names[i]}, one of 20 at once) exited $?: $(tail -n 2 "$TEST_TMP/out.par$i")"
	done
	dk_ok ps -q --no-trunc --filter status=running --filter name=rgo-par-
	ids=$OUT
	assert_eq "containers running after 20 parallel docker run -d" 20 "$(wc -w <<<"$ids")"
	dk_ok rm -f "${names[@]}"
	dk_ok ps -aq --filter name=rgo-par-
	assert_eq "containers left after docker rm -f" "" "$OUT"
	for id in $ids; do
		[[ -e $RUNTIME_ROOT/$id ]] && left+="state $RUNTIME_ROOT/$id "
		for d in $(engine_cgroup_dirs); do
			[[ -d $d/$id ]] && left+="cgroup $d/$id "
		done
		grep -lqs ":$ENGINE_CGROUP/$id\$" /proc/[0-9]*/cgroup && left+="processes of $id "
	done
	[[ -z $left ]] || fail "left after docker rm -f of the 20: $left"
}

engine_main start_docker
