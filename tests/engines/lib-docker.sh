# shellcheck shell=bash
# Docker helpers for tests/integration/engine-docker*.sh: a private dockerd
# (Debian's docker.io, with the containerd it spawns itself) on its own
# socket, data root and exec root, the runtime under test added as
# "runc-go" and the control runc as "runc-ref", a busybox image imported
# from a rootfs tar. Sourced after tests/lib.sh and lib-engines.sh.

DOCKER=/usr/bin/docker # /usr/local/bin/docker may be another client
DOCKERD=/usr/sbin/dockerd
SOCK=$ENGINE_DIR/docker.sock
IMAGE=bbx:latest
# dockerd 20.10 passes --root <exec-root>/runtime-runc/<containerd namespace>
# for every runtime of the io.containerd.runc.v2 shim, ours included
RUNTIME_ROOT=$ENGINE_DIR/exec/runtime-runc/moby
# the client's own config (otherwise /root/.docker)
export DOCKER_CONFIG=$ENGINE_DIR/client
# flags of every `docker run` besides the runtime (the scripts set it)
DOCKER_RUN_FLAGS=(--network none)

dk() { ecmd "$DOCKER" -H "unix://$SOCK" "$@"; }
dk_in() { ecmd_in "$1" "$DOCKER" -H "unix://$SOCK" "${@:2}"; }

# dk_ok ARGS...: docker ARGS, fail the test unless it exits 0.
dk_ok() { ecmd_ok "docker $*" "$DOCKER" -H "unix://$SOCK" "$@"; }

# engine_select (called by lib-engines.sh for each test): what every
# `docker run` passes, for the runtime of this run
engine_select() { RUN=(run --runtime "$ENGINE_RT" "${DOCKER_RUN_FLAGS[@]}"); }
engine_select

# start_docker [WRAPPER...]: start dockerd (under WRAPPER, such as a command
# that makes a network namespace, if given) with DOCKERD_NET_FLAGS, wait
# until it answers, import the image.
start_docker() {
	ENGINE_SKIP=$(engine_require "$DOCKERD" "$DOCKER" containerd containerd-shim-runc-v2)
	[[ -z $ENGINE_SKIP ]] || return 1
	engine_image_rootfs "$ENGINE_DIR/img" || { ENGINE_FAIL="cannot build the busybox rootfs"; return 1; }
	spawn_dockerd "$@" || return 1
	echo "# dockerd ready, storage driver $DOCKER_DRIVER" >&2
	ecmd "$DOCKER" -H "unix://$SOCK" import "$ENGINE_DIR/img/rootfs.tar" "$IMAGE"
	[[ $RC -eq 0 ]] || { ENGINE_FAIL="docker import exited $RC: $ERR"; return 1; }
	ENGINE_PRE_STOP=docker_remove_all
}

# spawn_dockerd [WRAPPER...]: dockerd on this test's private dirs, overlay2 or else vfs, until
# it answers (DOCKER_READY_S, default 60 s); its cgroup flags are DOCKER_CGROUP_FLAGS
# (default: the cgroupfs driver under ENGINE_CGROUP). Sets DOCKER_DRIVER, or ENGINE_SKIP.
spawn_dockerd() {
	# dockerd and its containerd write these whatever the flags say
	engine_note_host_paths /etc/docker/key.json /run/docker /run/docker/plugins \
		/run/containerd /run/containerd/s /opt/containerd /opt/containerd/bin /opt/containerd/lib
	echo '{}' >"$ENGINE_DIR/daemon.json"
	local runtimes=(--add-runtime "runc-go=$RUNTIME")
	engine_has_control && runtimes+=(--add-runtime "runc-ref=$ENGINE_CONTROL")
	local driver log=$ENGINE_DIR/dockerd.log why=""
	local cgroup_flags=(--exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "$ENGINE_CGROUP")
	[[ -n ${DOCKER_CGROUP_FLAGS+set} ]] && cgroup_flags=("${DOCKER_CGROUP_FLAGS[@]}")
	for driver in overlay2 vfs; do
		rm -rf "$ENGINE_DIR/data" "$ENGINE_DIR/exec"
		echo "=== dockerd --storage-driver $driver" >>"$log"
		engine_spawn "$log" "$@" "$DOCKERD" \
			--config-file "$ENGINE_DIR/daemon.json" \
			--host "unix://$SOCK" \
			--data-root "$ENGINE_DIR/data" \
			--exec-root "$ENGINE_DIR/exec" \
			--pidfile "$ENGINE_DIR/docker.pid" \
			"${runtimes[@]}" \
			"${cgroup_flags[@]}" \
			--storage-driver "$driver" \
			"${DOCKERD_NET_FLAGS[@]}"
		if engine_wait_ready "${DOCKER_READY_S:-60}" "$ENGINE_PID" "$DOCKER" -H "unix://$SOCK" version; then
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
