#!/bin/bash
# Docker drives runc-go unchanged: a private dockerd (Debian's docker.io, with
# the containerd it spawns itself) on its own socket, data root and exec
# root, runc-go added with --add-runtime, containers run with --runtime
# runc-go on a busybox image imported from a rootfs tar. The daemon is
# started once for the script and stopped at the end; see
# tests/engines/lib-engines.sh and docs/engines.md.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../engines/lib-engines.sh"

DOCKER=/usr/bin/docker # /usr/local/bin/docker may be another client
DOCKERD=/usr/sbin/dockerd
SOCK=$ENGINE_DIR/docker.sock
IMAGE=bbx:latest
# dockerd 20.10 passes --root <exec-root>/runtime-runc/<containerd namespace>
# for every runtime of the io.containerd.runc.v2 shim, ours included
RUNTIME_ROOT=$ENGINE_DIR/exec/runtime-runc/moby
# the client's own config (otherwise /root/.docker)
export DOCKER_CONFIG=$ENGINE_DIR/client

dk() { ecmd "$DOCKER" -H "unix://$SOCK" "$@"; }
dk_in() { ecmd_in "$1" "$DOCKER" -H "unix://$SOCK" "${@:2}"; }

# dk_ok ARGS...: docker ARGS, fail the test unless it exits 0.
dk_ok() { ecmd_ok "docker $*" "$DOCKER" -H "unix://$SOCK" "$@"; }

# what every `docker run` here passes
RUN=(run --runtime runc-go --network none)

start_docker() {
	ENGINE_SKIP=$(engine_require "$DOCKERD" "$DOCKER" containerd containerd-shim-runc-v2)
	[[ -z $ENGINE_SKIP ]] || return 1
	engine_image_rootfs "$ENGINE_DIR/img" || { ENGINE_FAIL="cannot build the busybox rootfs"; return 1; }
	# dockerd and its containerd write these whatever the flags say
	engine_note_host_paths /etc/docker/key.json /run/docker /run/docker/plugins \
		/run/containerd /run/containerd/s /opt/containerd /opt/containerd/bin /opt/containerd/lib
	echo '{}' >"$ENGINE_DIR/daemon.json"
	local driver log=$ENGINE_DIR/dockerd.log why=""
	for driver in overlay2 vfs; do
		rm -rf "$ENGINE_DIR/data" "$ENGINE_DIR/exec"
		echo "=== dockerd --storage-driver $driver" >>"$log"
		engine_spawn "$log" "$DOCKERD" \
			--config-file "$ENGINE_DIR/daemon.json" \
			--host "unix://$SOCK" \
			--data-root "$ENGINE_DIR/data" \
			--exec-root "$ENGINE_DIR/exec" \
			--pidfile "$ENGINE_DIR/docker.pid" \
			--add-runtime "runc-go=$RUNTIME" \
			--exec-opt native.cgroupdriver=cgroupfs \
			--cgroup-parent "$ENGINE_CGROUP" \
			--storage-driver "$driver" \
			--iptables=false --ip-forward=false --ip-masq=false \
			--bridge=none --userland-proxy=false
		if engine_wait_ready 60 "$ENGINE_PID" "$DOCKER" -H "unix://$SOCK" version; then
			DOCKER_DRIVER=$driver
			break
		fi
		why+="$driver: dockerd $ENGINE_WHY: $(engine_log_errors "$log"); "
		engine_stop "$ENGINE_PID" 10
		unset 'ENGINE_PIDS[-1]'
		local m
		for m in $(engine_mounts); do umount -l "$m" 2>/dev/null; done
	done
	if [[ -z ${DOCKER_DRIVER:-} ]]; then
		ENGINE_SKIP="dockerd did not start with the overlay2 nor the vfs storage driver: $why"
		return 1
	fi
	echo "# dockerd ready, storage driver $DOCKER_DRIVER" >&2
	ecmd "$DOCKER" -H "unix://$SOCK" import "$ENGINE_DIR/img/rootfs.tar" "$IMAGE"
	[[ $RC -eq 0 ]] || { ENGINE_FAIL="docker import exited $RC: $ERR"; return 1; }
	ENGINE_PRE_STOP=docker_remove_all
}

docker_remove_all() {
	local ids
	ids=$(timeout 20 "$DOCKER" -H "unix://$SOCK" ps -aq 2>/dev/null)
	[[ -n $ids ]] && timeout -k 5 60 "$DOCKER" -H "unix://$SOCK" rm -f $ids
}

# dk_run_fg ARGS...: `docker run --rm` in the foreground; fail on a docker
# error (exit 125: the daemon or the runtime failed, not the process)
dk_run_fg() {
	dk "${RUN[@]}" --rm "$@"
	[[ $RC -ne 125 && $RC -ne 124 ]] || fail "docker run $* exited $RC: $ERR $(engine_hint "$ERR")"
}

# start_detached NAME ARGS...: `docker run -d --name NAME ARGS`; sets CID
start_detached() {
	local name=$1
	shift
	dk "${RUN[@]}" -d --name "$name" "$@"
	[[ $RC -eq 0 ]] || fail "docker run -d $* exited $RC: $ERR $(engine_hint "$ERR")"
	CID=$OUT
}

inspect() { # inspect NAME FORMAT: sets VAL
	dk inspect -f "$2" "$1"
	[[ $RC -eq 0 ]] || fail "docker inspect $1 exited $RC: $ERR"
	VAL=$OUT
}

# wait_docker_status NAME STATUS: poll until the container's state is STATUS
wait_docker_status() {
	local i
	for ((i = 0; i < 100; i++)); do
		inspect "$1" '{{.State.Status}}'
		[[ $VAL == "$2" ]] && return 0
		sleep 0.1
	done
	fail "$1: status stayed '$VAL', expected '$2'"
}

# host_cgroup_file CONTROLLER V1FILE V2FILE PID: the host path of a cgroup
# file of process PID (v1 hierarchy of CONTROLLER, or the unified one)
host_cgroup_file() {
	local path
	if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
		path=$(sed -n 's/^0::\(.*\)/\1/p' "/proc/$4/cgroup")
		echo "/sys/fs/cgroup$path/$3"
	else
		path=$(awk -F: -v c="$1" '{n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3}' "/proc/$4/cgroup")
		echo "/sys/fs/cgroup/$1$path/$2"
	fi
}

# ------------------------------------------------------------------ tests

test_run_echo() {
	dk_run_fg "$IMAGE" echo hello
	expect_rc 0 "docker run echo hello"
	assert_eq "stdout" hello "$OUT"
}

test_exit_code() {
	dk_run_fg "$IMAGE" sh -c 'exit 3'
	expect_rc 3 "docker run sh -c 'exit 3'"
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

test_env_workdir_user() {
	dk_run_fg -e FOO=bar -w /tmp -u 1000:1000 "$IMAGE" sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"'
	expect_rc 0 "docker run -e -w -u"
	assert_eq "env, cwd, uid:gid" "bar /tmp 1000:1000" "$OUT"
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
	dk_ok logs rgo-det
	assert_eq "docker logs" started "$OUT"
	dk_ok stop -t 20 rgo-det
	inspect rgo-det '{{.State.ExitCode}}'
	assert_eq "exit code after docker stop (the TERM trap's)" 42 "$VAL"
	dk_ok rm rgo-det
	[[ ! -e $RUNTIME_ROOT/$CID ]] || fail "runtime state $RUNTIME_ROOT/$CID left after docker rm"
}

test_restart() {
	start_detached rgo-restart "$IMAGE" sleep 1000
	inspect rgo-restart '{{.State.Pid}}'
	local pid1=$VAL
	dk_ok restart -t 1 rgo-restart
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

test_pause_unpause() {
	start_detached rgo-pause "$IMAGE" sleep 1000
	dk pause rgo-pause
	[[ $RC -eq 0 ]] || fail "docker pause exited $RC: $ERR $(engine_hint "$ERR")"
	inspect rgo-pause '{{.State.Status}}'
	assert_eq "status after docker pause" paused "$VAL"
	dk unpause rgo-pause
	[[ $RC -eq 0 ]] || fail "docker unpause exited $RC: $ERR $(engine_hint "$ERR")"
	wait_docker_status rgo-pause running
	dk_ok exec rgo-pause echo unpaused
	assert_eq "exec after unpause" unpaused "$OUT"
}

test_top() {
	start_detached rgo-top "$IMAGE" sleep 1000
	dk top rgo-top
	[[ $RC -eq 0 ]] || fail "docker top exited $RC: $ERR $(engine_hint "$ERR")"
	assert_contains "docker top" "$OUT" "sleep 1000"
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

# What `docker run` users lean on: bind mounts, tmpfs, a read-only root,
# dropped capabilities, no-new-privileges, docker-init as pid 1.
test_mounts_and_security() {
	mkdir -p "$ENGINE_DIR/vol"
	dk_run_fg -v "$ENGINE_DIR/vol:/data" --tmpfs /scratch --read-only "$IMAGE" \
		sh -c 'echo in-volume >/data/f && touch /scratch/ok && ! touch /x 2>/dev/null && echo ok'
	[[ $RC -eq 0 ]] || fail "docker run -v --tmpfs --read-only exited $RC: $ERR $OUT"
	assert_eq "stdout" ok "$OUT"
	assert_eq "file written through the bind mount" in-volume "$(cat "$ENGINE_DIR/vol/f" 2>&1)"
	dk_run_fg --cap-drop ALL --security-opt no-new-privileges "$IMAGE" \
		sh -c 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status | tr -s "\t " " "'
	[[ $RC -eq 0 ]] || fail "docker run --cap-drop ALL exited $RC: $ERR"
	assert_eq "capabilities, no_new_privs" "NoNewPrivs: 1 CapEff: 0000000000000000" \
		"$(sort -r <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
	dk_run_fg --init "$IMAGE" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[[ $RC -eq 0 ]] || fail "docker run --init exited $RC: $ERR"
	assert_contains "pid 1 with --init" "$OUT" docker-init
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

engine_main start_docker
