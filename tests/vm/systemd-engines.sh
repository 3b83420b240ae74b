#!/bin/bash
# Docker and podman with their systemd cgroup drivers drive the runtime's systemd
# driver, where systemd is PID 1 on the pure cgroup v2 hierarchy: the VM of `run-v2
# --systemd` (tests/integration/vm-systemd.sh; by hand: BUILD=build ../shared/vm/run-v2
# --systemd --mem 3G --timeout 1500 -- tests/vm/inside.sh systemd-engines).
#
# One dockerd (--exec-opt native.cgroupdriver=systemd; its shim then calls the runtime
# with --systemd-cgroup and cgroupsPath SLICE:docker:ID) and podman (cgroup_manager =
# "systemd": SLICE:libpod:ID), each on its own sockets and directories under the
# test's tmpfs dir, the runtime added as "runc-go", containers under the slice
# ENGINE_SLICE of this script. For each engine: run (echo, and --memory 64m seen as
# memory.max inside), a detached container with --memory 64m whose scope carries
# MemoryMax, exec into it, stop, and the scope gone. Slow under emulation: the daemon
# starts once, and there is no runc control run unless ENGINE_CONTROL names one.
source "$(dirname "$0")/../lib.sh"
# lib-engines.sh defaults the control to runc: here only if asked for
SD_CONTROL=${ENGINE_CONTROL-}
source "$(dirname "$0")/../engines/lib-engines.sh"
source "$(dirname "$0")/../engines/lib-docker.sh"
ENGINE_CONTROL=$SD_CONTROL

# The slice every container goes into (no dash: a dash nests slices). The engine
# helpers find the containers' processes and cgroups by ENGINE_CGROUP.
ENGINE_SLICE=rgosdeng$$.slice
ENGINE_CGROUP=/$ENGINE_SLICE
CG=/sys/fs/cgroup

DOCKERD_NET_FLAGS=(--iptables=false --ip-forward=false --ip-masq=false --bridge=none --userland-proxy=false)
PODMAN_IMAGE=localhost/bbx:latest
export CONTAINERS_CONF=$ENGINE_DIR/containers.conf
export CONTAINERS_STORAGE_CONF=$ENGINE_DIR/storage.conf
# conmon's and podman's own temporary files
export TMPDIR=$ENGINE_DIR/tmp
mkdir -p "$TMPDIR"

# default_root RUNTIME: the runtime's default --root, from its --help (podman's
# runtimes keep their state there: see engine-podman.sh)
default_root() {
	"$1" --help 2>/dev/null | grep -- '--root value' | sed -n 's/.*(default: "\([^"]*\)").*/\1/p'
}

# engine_select (called by lib-engines.sh for each test): both engines' command
# lines for the runtime of this run, runc-go or (a control run) runc-ref
engine_select() {
	RUN=(run --runtime "$ENGINE_RT" "${DOCKER_RUN_FLAGS[@]}")
	PODMAN=(podman --runtime "$ENGINE_RT")
	PM_RUN=(run --network none --cgroup-parent "$ENGINE_SLICE")
}
engine_select

pm() { ecmd "${PODMAN[@]}" "$@"; }
pm_ok() { ecmd_ok "podman $*" "${PODMAN[@]}" "$@"; }

# ------------------------------------------------------------------ start

# start_docker_systemd: dockerd with the systemd cgroup driver; DOCKER_SKIP or
# DOCKER_FAIL say why not
start_docker_systemd() {
	DOCKER_SKIP=$(engine_require "$DOCKERD" "$DOCKER" containerd containerd-shim-runc-v2)
	[[ -z $DOCKER_SKIP ]] || return 1
	# lib-docker.sh's dockerd with the systemd driver; slower to answer under emulation
	local DOCKER_CGROUP_FLAGS=(--exec-opt native.cgroupdriver=systemd --cgroup-parent "$ENGINE_SLICE")
	local DOCKER_READY_S=180
	if ! spawn_dockerd; then
		DOCKER_SKIP=$ENGINE_SKIP ENGINE_SKIP=""
		return 1
	fi
	ecmd "$DOCKER" -H "unix://$SOCK" info --format '{{.CgroupDriver}} {{.CgroupVersion}}'
	[[ $OUT == "systemd 2" ]] || { DOCKER_FAIL="dockerd's cgroup driver and version: '$OUT' (expected systemd 2): $ERR"; return 1; }
	ecmd "$DOCKER" -H "unix://$SOCK" import "$ENGINE_DIR/img/rootfs.tar" "$IMAGE"
	[[ $RC -eq 0 ]] || { DOCKER_FAIL="docker import exited $RC: $ERR"; return 1; }
	echo "# dockerd ready (storage driver $DOCKER_DRIVER, cgroup driver systemd)" >&2
}

# start_podman_systemd: podman's configuration with cgroup_manager = "systemd", and
# the image; PODMAN_SKIP or PODMAN_FAIL say why not
start_podman_systemd() {
	PODMAN_SKIP=$(engine_require podman conmon)
	[[ -z $PODMAN_SKIP ]] || return 1
	local rt root roots=()
	for rt in "$RUNTIME" ${ENGINE_CONTROL:+"$ENGINE_CONTROL"}; do
		[[ $rt == "$RUNTIME" ]] || engine_has_control || continue
		root=$(default_root "$rt")
		[[ -n $root ]] || { PODMAN_FAIL="cannot tell the default --root of $rt from its --help"; return 1; }
		ENGINE_STATE_ROOTS+=("$rt $root")
		roots+=("$root")
	done
	engine_note_host_paths /var/lib/containers /var/lib/containers/cache \
		/var/lib/containers/cache/blob-info-cache-v1.boltdb "${roots[@]}"
	local control_line=""
	engine_has_control && control_line="runc-ref = [\"$ENGINE_CONTROL\"]"
	cat >"$CONTAINERS_CONF" <<-EOF
		[containers]
		netns = "none"
		log_driver = "k8s-file"
		default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

		[engine]
		cgroup_manager = "systemd"
		events_logger = "file"
		events_logfile_path = "$ENGINE_DIR/events.log"
		tmp_dir = "$ENGINE_DIR/libpod-tmp"
		volume_path = "$ENGINE_DIR/volumes"
		lock_type = "file"
		runtime = "runc-go"
		runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "runc-go", "runc-ref"]
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
	ecmd "${PODMAN[@]}" info --format '{{.Host.CgroupManager}} {{.Host.CgroupsVersion}}'
	[[ $RC -eq 0 ]] || { PODMAN_SKIP="podman info exited $RC: $ERR"; return 1; }
	[[ $OUT == "systemd v2" ]] || { PODMAN_FAIL="podman's cgroup manager and version: '$OUT' (expected systemd v2)"; return 1; }
	ecmd "${PODMAN[@]}" import "$ENGINE_DIR/img/rootfs.tar" "$PODMAN_IMAGE"
	[[ $RC -eq 0 ]] || { PODMAN_FAIL="podman import exited $RC: $ERR"; return 1; }
	echo "# podman ready (cgroup manager systemd)" >&2
}

# start_engines (engine_main's start function): both engines; the script is a SKIP
# only if neither can run
start_engines() {
	if [[ $(cat /proc/1/comm) != systemd || $(stat -fc %T "$CG") != cgroup2fs ]]; then
		ENGINE_SKIP="needs systemd as PID 1 on pure cgroup v2 (run it in the VM: run-v2 --systemd)"
		return 1
	fi
	# the image: the suite's cached busybox rootfs as is (engine_image_rootfs makes its
	# own, one symlink at a time: many seconds under emulation)
	mkdir -p "$ENGINE_DIR/img"
	tar -C "$CACHE/bundle/rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		-cf "$ENGINE_DIR/img/rootfs.tar" . || { ENGINE_FAIL="cannot tar the busybox rootfs"; return 1; }
	# lib-docker.sh points DOCKER_CONFIG at this dir; podman reads its config.json too
	mkdir -p "$DOCKER_CONFIG"
	echo '{}' >"$DOCKER_CONFIG/config.json"
	local t0=$SECONDS
	DOCKER_SKIP="" DOCKER_FAIL="" PODMAN_SKIP="" PODMAN_FAIL=""
	start_docker_systemd
	echo "# docker setup: $((SECONDS - t0)) s" >&2
	t0=$SECONDS
	start_podman_systemd
	echo "# podman setup: $((SECONDS - t0)) s" >&2
	ENGINE_PRE_STOP=remove_all
	if [[ -n $DOCKER_SKIP$DOCKER_FAIL && -n $PODMAN_SKIP$PODMAN_FAIL ]]; then
		ENGINE_SKIP="docker: $DOCKER_SKIP$DOCKER_FAIL; podman: $PODMAN_SKIP$PODMAN_FAIL"
		return 1
	fi
}

# remove_all: both engines' containers; then the slice (it would hold nothing of
# anyone else), so that systemd removes its cgroup
remove_all() {
	if [[ -z $DOCKER_SKIP$DOCKER_FAIL ]]; then
		local ids
		ids=$(timeout 30 "$DOCKER" -H "unix://$SOCK" ps -aq 2>/dev/null)
		[[ -n $ids ]] && timeout -k 5 60 "$DOCKER" -H "unix://$SOCK" rm -f $ids
	fi
	[[ -z $PODMAN_SKIP$PODMAN_FAIL ]] && timeout -k 5 60 "${PODMAN[@]}" rm -af -t 0
	timeout -k 2 30 systemctl stop "$ENGINE_SLICE"
}

need_docker() {
	[[ -z $DOCKER_FAIL ]] || fail "docker setup: $DOCKER_FAIL"
	[[ -z $DOCKER_SKIP ]] || skip "docker: $DOCKER_SKIP"
}

need_podman() {
	[[ -z $PODMAN_FAIL ]] || fail "podman setup: $PODMAN_FAIL"
	[[ -z $PODMAN_SKIP ]] || skip "podman: $PODMAN_SKIP"
}

# ---------------------------------------------------------------- checks

prop() { systemctl show -p "$2" --value "$1" 2>/dev/null; }

# assert_scope WHAT UNIT PID: PID is in UNIT, an active scope in ENGINE_SLICE with
# MemoryMax 64 MiB, and its cgroup's memory.max says the same
assert_scope() {
	local what=$1 unit=$2 pid=$3 path shown
	path=/$ENGINE_SLICE/$unit
	assert_eq "$what: /proc/$pid/cgroup" "0::$path" "$(cat "/proc/$pid/cgroup" 2>&1)"
	shown=$(systemctl show -p ActiveState,Slice,MemoryMax,ControlGroup "$unit" | sort | tr '\n' ' ')
	assert_eq "$what: $unit" "ActiveState=active ControlGroup=$path MemoryMax=67108864 Slice=$ENGINE_SLICE " "$shown"
	assert_eq "$what: $path/memory.max" 67108864 "$(cat "$CG$path/memory.max" 2>&1)"
}

# assert_scope_gone WHAT UNIT: systemd no longer knows the unit and its cgroup is
# gone (10 s: the engine deletes the container after it exited)
assert_scope_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(prop "$2" LoadState) == not-found && ! -e $CG/$ENGINE_SLICE/$2 ]] && return 0
		sleep 0.1
	done
	fail "$1: $2 left (LoadState=$(prop "$2" LoadState) ActiveState=$(prop "$2" ActiveState)); cgroup $([[ -e $CG/$ENGINE_SLICE/$2 ]] && echo present || echo gone)"
}

# What the detached container runs: a TERM trap that exits 42, so `stop` shows the
# signal reached it
TRAP_SH='trap "exit 42" TERM; echo started; while :; do sleep 0.1; done'
# In an exec: the memory limit and the exec'd process's own cgroup (the root of the
# container's cgroup namespace when it joined the container's cgroup)
EXEC_SH='echo from-exec; cat /sys/fs/cgroup/memory.max /proc/self/cgroup'

# ------------------------------------------------------------------ docker

test_docker_run() {
	need_docker
	dk "${RUN[@]}" --rm --memory 64m "$IMAGE" sh -c 'echo hello; cat /sys/fs/cgroup/memory.max'
	[[ $RC -eq 0 ]] || fail "docker run --memory 64m exited $RC: $ERR $(engine_hint "$ERR")"
	assert_eq "docker run: stdout" "hello 67108864" "$(echo $OUT)"
}

test_docker_detached_exec_stop() {
	need_docker
	dk "${RUN[@]}" -d --name rgo-sd --memory 64m "$IMAGE" sh -c "$TRAP_SH"
	[[ $RC -eq 0 ]] || fail "docker run -d --memory 64m exited $RC: $ERR $(engine_hint "$ERR")"
	local cid=$OUT unit
	unit=docker-$cid.scope
	wait_docker_status rgo-sd running
	inspect rgo-sd '{{.State.Pid}}'
	assert_scope "docker run -d --memory 64m" "$unit" "$VAL"
	dk_ok exec rgo-sd sh -c "$EXEC_SH"
	assert_eq "docker exec: stdout" "from-exec 67108864 0::/" "$(echo $OUT)"
	dk_ok stop -t 20 rgo-sd
	inspect rgo-sd '{{.State.ExitCode}}'
	assert_eq "exit code after docker stop (the TERM trap's)" 42 "$VAL"
	assert_scope_gone "after docker stop" "$unit"
	dk_ok rm rgo-sd
}

# ------------------------------------------------------------------ podman

test_podman_run() {
	need_podman
	pm "${PM_RUN[@]}" --rm --memory 64m "$PODMAN_IMAGE" sh -c 'echo hello; cat /sys/fs/cgroup/memory.max'
	[[ $RC -eq 0 ]] || fail "podman run --memory 64m exited $RC: $ERR $(engine_hint "$ERR")"
	assert_eq "podman run: stdout" "hello 67108864" "$(echo $OUT)"
}

test_podman_detached_exec_stop() {
	need_podman
	pm "${PM_RUN[@]}" -d --name rgo-sd --memory 64m "$PODMAN_IMAGE" sh -c "$TRAP_SH"
	[[ $RC -eq 0 ]] || fail "podman run -d --memory 64m exited $RC: $ERR $(engine_hint "$ERR")"
	local cid=$OUT unit pid i
	unit=libpod-$cid.scope
	for ((i = 0; i < 50; i++)); do
		pm inspect -f '{{.State.Status}} {{.State.Pid}}' rgo-sd
		[[ $OUT == running\ * ]] && break
		sleep 0.2
	done
	[[ $OUT == running\ * ]] || fail "podman: rgo-sd is '$OUT', expected running"
	pid=${OUT#running }
	assert_scope "podman run -d --memory 64m" "$unit" "$pid"
	pm_ok exec rgo-sd sh -c "$EXEC_SH"
	assert_eq "podman exec: stdout" "from-exec 67108864 0::/" "$(echo $OUT)"
	pm_ok stop -t 20 rgo-sd
	pm_ok inspect -f '{{.State.ExitCode}}' rgo-sd
	assert_eq "exit code after podman stop (the TERM trap's)" 42 "$OUT"
	assert_scope_gone "after podman stop" "$unit"
	pm_ok rm rgo-sd
}

engine_main start_engines
