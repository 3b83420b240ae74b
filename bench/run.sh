#!/bin/bash
# bench/run.sh [BUILD]: measure runc-go, runc and crun side by side on the same busybox
# bundles, interleaved, and print a table (stdout) and $BUILD/bench/results.json.
# `make bench` runs it; see bench/README.md for what each row means.
#
# Environment: BENCH_N (iterations of the sequential rows, default 200), BENCH_CONC
# (containers started at once, default 20), BENCH_ROUNDS (rounds of that, default 5),
# BENCH_RUNC_GO / BENCH_RUNC / BENCH_CRUN (binaries; default $BUILD/runc-go,
# /usr/sbin/runc, /usr/bin/crun).
# BENCH_VM=1 (`make bench-vm`): build the helpers here, then run the whole bench in the
# pure cgroup v2 VM (../shared/vm/run-v2, or BENCH_RUN_V2) with smaller defaults (N=30,
# 10 x 3 parallel; BENCH_VM_TIMEOUT seconds, default 1500); output in $BUILD/bench-vm.
# Software-emulated: only its ratios mean something.
#
# Every container gets an absolute cgroupsPath /runc-go-bench/<id>: a relative or unset
# path would land under the caller's own cgroup (here the machine's process_api), which
# must never be touched. Everything made here (containers, cgroups, the temp dir, the
# helper mount namespace) is removed on exit.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
REPO=$PWD
BUILD=${1:-${BUILD:-build}}
[[ $BUILD == /* ]] || BUILD=$REPO/$BUILD
# RUNC_GO_BENCH_IN_VM is set by the BENCH_VM=1 pass for the run inside the VM.
IN_VM=${RUNC_GO_BENCH_IN_VM:-}
OUT=$BUILD/bench
[[ -n $IN_VM ]] && OUT=$BUILD/bench-vm
# The helpers are built in $BUILD/bench (on the host; the VM finds them there, fresh).
TIMER=$BUILD/bench/timer
FLOOR=$BUILD/bench/floor
RAW=$OUT/raw.txt
LOG=$OUT/bench.log

N=${BENCH_N:-200}
CONC=${BENCH_CONC:-20}
ROUNDS=${BENCH_ROUNDS:-5}
if [[ ${BENCH_VM:-} == 1 && -z $IN_VM ]]; then
	# ~30-50x slower for CPU work under TCG: keep the VM run within a few minutes
	N=${BENCH_N:-30}
	CONC=${BENCH_CONC:-10}
	ROUNDS=${BENCH_ROUNDS:-3}
fi
RUNC_GO=${BENCH_RUNC_GO:-$BUILD/runc-go}
RUNC=${BENCH_RUNC:-/usr/sbin/runc}
CRUN=${BENCH_CRUN:-/usr/bin/crun}
RUNTIMES=(runc-go runc crun)
CG_PARENT=runc-go-bench

die() {
	echo "bench: $*" >&2
	exit 1
}
progress() { echo "bench: $*" >&2; }

[[ $EUID -eq 0 ]] || die "must run as root (containers with cgroups)"
for v in N CONC ROUNDS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "BENCH_$v=${!v}: expected a positive integer"
done

# build_helper NAME: $BUILD/bench/NAME from bench/NAME.c, unless it is already newer
# (the VM finds the helpers the host built: gcc works there, but slowly)
build_helper() {
	local bin=$BUILD/bench/$1 src=$REPO/bench/$1.c
	[[ -x $bin && $bin -nt $src && $bin -nt $REPO/bench/bench-util.h ]] && return 0
	mkdir -p "$BUILD/bench" || exit 1
	gcc -O2 -Wall -Wextra -o "$bin" "$src" || die "cannot build $bin"
}

# A fresh Debian machine: install what is missing (runc, crun and the tools the bench
# uses) from Debian itself. Only commands and binaries that are missing, only outside the
# VM (no network there; it sees the host's packages).
install_missing() {
	local -A pkg=([gcc]=gcc [jq]=jq [unshare]=util-linux [nsenter]=util-linux
		[setpriv]=util-linux [readelf]=binutils [strip]=binutils [ldd]=libc-bin)
	local tool want=()
	for tool in "${!pkg[@]}"; do
		command -v "$tool" >/dev/null || want+=("${pkg[$tool]}")
	done
	[[ -x /bin/busybox ]] || want+=(busybox-static)
	[[ -z ${BENCH_RUNC:-} && ! -x $RUNC ]] && want+=(runc)
	[[ -z ${BENCH_CRUN:-} && ! -x $CRUN ]] && want+=(crun)
	[[ ${#want[@]} -gt 0 ]] || return 0
	[[ -z $IN_VM ]] || die "missing in the VM: ${want[*]} (install them on the host)"
	command -v apt-get >/dev/null || die "missing: ${want[*]}, and no apt-get to install them"
	mapfile -t want < <(printf '%s\n' "${want[@]}" | sort -u)
	progress "installing from Debian: ${want[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${want[@]}" >&2 || die "apt-get install ${want[*]} failed"
}

# Cgroup layout: pure v2 (cgroup2 at /sys/fs/cgroup), or v1/hybrid (memory controller in v1).
if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
	CG_MODE=v2
	LOCK_DIR=/sys/fs/cgroup/$CG_PARENT
elif [[ -d /sys/fs/cgroup/memory ]]; then
	CG_MODE=v1
	[[ -f /sys/fs/cgroup/unified/cgroup.controllers ]] && CG_MODE=hybrid
	LOCK_DIR=/sys/fs/cgroup/memory/$CG_PARENT
else
	die "no cgroup memory controller found under /sys/fs/cgroup"
fi

# First pass: build the timer, then run the rest under it as a child subreaper (container
# inits orphaned by create/run -d are reaped, as an engine's shim does, instead of piling
# up as zombies under PID 1) holding a lock so two benches never share /runc-go-bench.
if [[ -z ${RUNC_GO_BENCH_INNER:-} ]]; then
	install_missing
	for tool in gcc jq unshare nsenter setpriv readelf ldd strip; do
		command -v "$tool" >/dev/null || die "$tool not found (make deps installs it)"
	done
	[[ -x $RUNC_GO ]] || die "$RUNC_GO not found (make builds it)"
	build_helper timer
	build_helper floor
	if [[ ${BENCH_VM:-} == 1 && -z $IN_VM ]]; then
		# The same script in the pure cgroup v2 VM; the work tree is shared read-write
		# at the same path, so $BUILD must be inside it.
		RUN_V2=${BENCH_RUN_V2:-$REPO/../shared/vm/run-v2}
		[[ -x $RUN_V2 ]] || die "$RUN_V2 not found (BENCH_RUN_V2=path)"
		[[ $BUILD/ == "$REPO"/* && $RUNC_GO/ == "$REPO"/* ]] ||
			die "BENCH_VM: $BUILD and $RUNC_GO must be inside $REPO (the VM sees only it read-write)"
		progress "running the bench in the pure cgroup v2 VM ($RUN_V2): N=$N, $CONC x $ROUNDS parallel"
		host_load=$(cut -d' ' -f1 /proc/loadavg)
		"$RUN_V2" --timeout "${BENCH_VM_TIMEOUT:-1500}" -- env RUNC_GO_BENCH_IN_VM=1 \
			RUNC_GO_BENCH_HOST_LOAD="$host_load" BENCH_N="$N" BENCH_CONC="$CONC" \
			BENCH_ROUNDS="$ROUNDS" BENCH_RUNC_GO="$RUNC_GO" BENCH_RUNC="$RUNC" BENCH_CRUN="$CRUN" \
			"$REPO/bench/run.sh" "$BUILD"
		rc=$?
		echo "the VM run took $SECONDS s in all (boot included); host load average (1 min) $host_load" \
			"when it started, $(cut -d' ' -f1 /proc/loadavg) when it ended (exit status $rc)"
		exit "$rc"
	fi
	mkdir -p "$OUT" || exit 1
	mkdir -p "$LOCK_DIR" || die "cannot create $LOCK_DIR"
	export RUNC_GO_BENCH_INNER=1
	exec "$TIMER" reaper -L "$LOCK_DIR" -- "$REPO/bench/run.sh" "$BUILD"
fi

T0=$SECONDS
TMP=$(mktemp -d /tmp/runc-go-bench.XXXXXX) || exit 1
NS_PID=""
: >"$RAW"
: >"$LOG"

# ---------------------------------------------------------------- runtimes

# rt_cmd NAME: CMD=(the runtime's command line up to the subcommand)
rt_cmd() {
	case $1 in
	runc-go) CMD=("$RUNC_GO" --root "$TMP/root/runc-go") ;;
	runc) CMD=("$RUNC" --root "$TMP/root/runc") ;;
	crun) CMD=("${CRUN_WRAP[@]}" "$CRUN" --root "$TMP/root/crun") ;;
	esac
}

# timed LABEL ARGS...: run "${CMD[@]} ARGS" under the timer, record under LABEL
timed() {
	local label=$1
	shift
	"$TIMER" -o "$RAW" -l "$label" -- "${CMD[@]}" "$@"
}

# na RUNTIME PHASE REASON: this runtime has no numbers for PHASE ("all": any phase)
na() { echo "na $1 $2 ${*:3}" >>"$RAW"; }

# last_line FILE RC: the last non-empty line of FILE, shortened, or the exit status
last_line() {
	local line
	line=$(grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1)
	[[ -n $line ]] || line="exit status $2, no output"
	echo "${line:0:200}"
}

# Rotate the runtime order per iteration so that drift (cache, CPU frequency, other load on
# the machine) hits all of them equally: ORDER = ACTIVE rotated left by $1.
rotate() {
	local i=$1 k n=${#ACTIVE[@]}
	ORDER=()
	for ((k = 0; k < n; k++)); do
		ORDER+=("${ACTIVE[(i + k) % n]}")
	done
}

# ---------------------------------------------------------------- cleanup

# sweep: delete --force every container any runtime still has in its root
sweep() {
	local rt d
	for rt in "${RUNTIMES[@]}"; do
		rt_cmd "$rt"
		for d in "$TMP/root/$rt"/*/; do
			[[ -d $d ]] || continue
			"${CMD[@]}" delete --force "$(basename "$d")" </dev/null >>"$LOG" 2>&1
		done
	done
}

# cgroup_cleanup: remove /runc-go-bench in every hierarchy; processes still in one are
# ours (the lock says no other bench is running) and are killed first.
cgroup_cleanup() {
	local top sub pids
	for top in /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT"; do
		[[ -d $top ]] || continue
		while IFS= read -r sub; do
			pids=$(cat "$sub/cgroup.procs" 2>/dev/null)
			if [[ -n $pids ]]; then
				echo "bench: killing leftover processes in $sub: $pids" >>"$LOG"
				# shellcheck disable=SC2086
				kill -9 $pids 2>/dev/null
				sleep 0.2
			fi
			rmdir "$sub" 2>>"$LOG"
		done < <(find "$top" -mindepth 1 -depth -type d 2>/dev/null)
		rmdir "$top" 2>>"$LOG"
	done
}

cleanup() {
	trap - EXIT INT TERM HUP
	set +e
	sweep
	if [[ -n $NS_PID ]]; then
		kill "$NS_PID" 2>/dev/null
		wait "$NS_PID" 2>/dev/null
	fi
	cgroup_cleanup
	rm -rf --one-file-system "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Others rebuild $BUILD/runc-go while we run: measure a snapshot taken now.
RUNC_GO_SRC=$RUNC_GO
mkdir -p "$TMP/bin" || exit 1
cp "$RUNC_GO_SRC" "$TMP/bin/runc-go" || die "cannot copy $RUNC_GO_SRC"
RUNC_GO=$TMP/bin/runc-go

# ---------------------------------------------------------------- bundles

# One shared read-only busybox rootfs; per container only a config.json (from a template
# with the cgroup path filled in), so every runtime runs the very same bundle.
progress "making the busybox rootfs and config templates in $TMP"
spec_rt=$RUNC_GO
"$RUNC_GO" --version >/dev/null 2>&1 || spec_rt=$RUNC
./scripts/make-bundle.sh "$TMP/bundle" --runtime "$spec_rt" >>"$LOG" 2>&1 ||
	die "scripts/make-bundle.sh failed (see $LOG)"
# crun 1.8.1 refuses ociVersion 1.3.0 ("unknown version specified"): say 1.0.2-dev, what
# runc 1.1.5's own spec writes; all three accept it.
template() {
	jq -c --arg root "$TMP/bundle/rootfs" --argjson args "$1" '
		.ociVersion = "1.0.2-dev" | .process.terminal = false | .process.args = $args
		| .root.path = $root | .root.readonly = true
		| .linux.cgroupsPath = "@CGPATH@"' "$TMP/bundle/config.json"
}
CFG_TRUE=$(template '["true"]') || die "jq failed on $TMP/bundle/config.json"
CFG_SLEEP=$(template '["sleep", "1000"]') || die "jq failed"

# bundle ID TEMPLATE: B = a bundle dir for container ID, cgroupsPath /runc-go-bench/ID
bundle() {
	B=$TMP/c/$1
	mkdir -p "$B"
	printf '%s\n' "${2//@CGPATH@//$CG_PARENT/$1}" >"$B/config.json"
}

# ---------------------------------------------------------------- crun on a hybrid host

# crun 1.8.1 refuses a hybrid host; it runs if cgroup.controllers of the cgroup2 mount
# reads empty. One long-lived private mount namespace with an empty file bind-mounted
# there, and every crun call nsenter'ed into it (nsenter execs crun: same process, so the
# timer still sees crun's own rusage). The helper dies with us (pdeathsig).
CRUN_WRAP=()
if [[ $CG_MODE == hybrid ]]; then
	: >"$TMP/empty"
	# shellcheck disable=SC2016 # $1 is expanded by the inner sh
	setpriv --pdeathsig KILL unshare -m --propagation private sh -c \
		'mount --bind "$1" /sys/fs/cgroup/unified/cgroup.controllers && echo ready && exec sleep 1000000' \
		sh "$TMP/empty" </dev/null >"$TMP/ns.ready" 2>>"$LOG" &
	NS_PID=$!
	for _ in $(seq 100); do
		[[ -s $TMP/ns.ready ]] && break
		sleep 0.05
	done
	[[ -s $TMP/ns.ready ]] || die "cannot set up the mount namespace for crun (see $LOG)"
	CRUN_WRAP=("$(type -P nsenter)" "--mount=/proc/$NS_PID/ns/mnt")
fi

# ---------------------------------------------------------------- sanity probe

ACTIVE=()
for rt in "${RUNTIMES[@]}"; do
	rt_cmd "$rt"
	bundle "$rt-probe" "$CFG_TRUE"
	mkdir -p "$TMP/root/$rt"
	"${CMD[@]}" run --bundle "$B" "$rt-probe" </dev/null >"$TMP/probe.out" 2>&1
	rc=$?
	if [[ $rc -eq 0 ]]; then
		ACTIVE+=("$rt")
	else
		reason=$(last_line "$TMP/probe.out" "$rc")
		progress "$rt: run true failed, skipping it: $reason"
		na "$rt" all "run true failed: $reason"
		cat "$TMP/probe.out" >>"$LOG"
		"${CMD[@]}" delete --force "$rt-probe" </dev/null >>"$LOG" 2>&1
	fi
done
[[ ${#ACTIVE[@]} -gt 0 ]] || die "no runtime could run a container (see $LOG)"

step=$(((N + 4) / 5))
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)

# ---------------------------------------------------------------- the wrapper's own cost

if [[ ${#CRUN_WRAP[@]} -gt 0 ]]; then
	progress "wrapper overhead: nsenter true vs true, N=$N"
	true_bin=$(type -P true)
	for ((i = 0; i < N; i++)); do
		if ((i % 2)); then
			"$TIMER" -o "$RAW" -l "bare crun $i" -- "$true_bin"
			"$TIMER" -o "$RAW" -l "wrap crun $i" -- "${CRUN_WRAP[@]}" "$true_bin"
		else
			"$TIMER" -o "$RAW" -l "wrap crun $i" -- "${CRUN_WRAP[@]}" "$true_bin"
			"$TIMER" -o "$RAW" -l "bare crun $i" -- "$true_bin"
		fi
	done
fi

# ---------------------------------------------------------------- 1. run true

# The floor (bench/floor.c) takes part in the rotation as one more participant: one round
# of its four steps per iteration, on the same rootfs, under the same load.
"$FLOOR" -n 1 "$TMP/bundle/rootfs" >"$TMP/probe.out" 2>&1 ||
	progress "floor: a first round failed: $(last_line "$TMP/probe.out" 1)"
progress "run true, N=$N, runtimes: ${ACTIVE[*]}, and the floor"
for ((i = 0; i < N; i++)); do
	((i % step == 0)) && progress "  run $i/$N"
	RUN_ACTIVE=("${ACTIVE[@]}")
	ACTIVE+=(floor)
	rotate "$i"
	ACTIVE=("${RUN_ACTIVE[@]}")
	for rt in "${ORDER[@]}"; do
		if [[ $rt == floor ]]; then
			"$FLOOR" -o "$RAW" -i "$i" "$TMP/bundle/rootfs" </dev/null >>"$LOG" 2>&1
			continue
		fi
		rt_cmd "$rt"
		id=$rt-run-$i
		bundle "$id" "$CFG_TRUE"
		if ! timed "run $rt $i" run --bundle "$B" "$id" </dev/null >>"$LOG" 2>&1; then
			"${CMD[@]}" delete --force "$id" </dev/null >>"$LOG" 2>&1
		fi
	done
done

# ---------------------------------------------------------------- 2. create/start/wait/delete

# mem_file ID: where the container's peak memory is
mem_file() {
	if [[ $CG_MODE == v2 ]]; then
		echo "/sys/fs/cgroup/$CG_PARENT/$1/memory.peak"
	else
		echo "/sys/fs/cgroup/memory/$CG_PARENT/$1/memory.max_usage_in_bytes"
	fi
}

# lifecycle RT I: create, start (and the pidfd wait for the process to exit), state until
# stopped, read the cgroup's peak memory, delete
lifecycle() {
	local rt=$1 i=$2 id=$1-life-$2 try state mem
	rt_cmd "$rt"
	bundle "$id" "$CFG_TRUE"
	if ! timed "create $rt $i" create --bundle "$B" --pid-file "$B/pid" "$id" </dev/null >>"$LOG" 2>&1; then
		"${CMD[@]}" delete --force "$id" </dev/null >>"$LOG" 2>&1
		return
	fi
	if ! "$TIMER" -o "$RAW" -l "start $rt $i" -w "$B/pid" -e "exit $rt $i" -- \
		"${CMD[@]}" start "$id" </dev/null >>"$LOG" 2>&1; then
		"${CMD[@]}" delete --force "$id" </dev/null >>"$LOG" 2>&1
		return
	fi
	# The process has exited (pidfd); the state call that reports it is timed. A retry
	# (never seen here) adds the next call's time, not the 10 ms pause.
	for ((try = 0; try < 50; try++)); do
		timed "state $rt $i" state "$id" </dev/null >"$B/state" 2>>"$LOG" || break
		state=$(<"$B/state")
		[[ $state =~ \"status\":\ *\"stopped\" ]] && break
		sleep 0.01
	done
	[[ ${state:-} =~ \"status\":\ *\"stopped\" ]] || echo "state $rt $i 0 0 1 0" >>"$RAW"
	mem=$(mem_file "$id")
	if [[ -r $mem ]]; then
		echo "cgmem $rt $i $(<"$mem") 0 0 0" >>"$RAW"
	elif [[ -z ${NO_MEM[$rt]:-} ]]; then
		NO_MEM[$rt]=1
		na "$rt" cgmem "no $mem after start"
	fi
	if ! timed "delete $rt $i" delete "$id" </dev/null >>"$LOG" 2>&1; then
		"${CMD[@]}" delete --force "$id" </dev/null >>"$LOG" 2>&1
	fi
}

declare -A NO_MEM=()
progress "create / start / wait / delete, N=$N"
for ((i = 0; i < N; i++)); do
	((i % step == 0)) && progress "  lifecycle $i/$N"
	rotate "$i"
	for rt in "${ORDER[@]}"; do
		lifecycle "$rt" "$i"
	done
done

# ---------------------------------------------------------------- 3. exec true

progress "exec true into a running container, N=$N"
SAVED_ACTIVE=("${ACTIVE[@]}")
EXEC_ACTIVE=()
for rt in "${ACTIVE[@]}"; do
	rt_cmd "$rt"
	bundle "$rt-exec" "$CFG_SLEEP"
	"${CMD[@]}" run -d --bundle "$B" "$rt-exec" </dev/null >"$TMP/probe.out" 2>&1
	rc=$?
	if [[ $rc -ne 0 ]]; then
		na "$rt" exec "run -d failed: $(last_line "$TMP/probe.out" "$rc")"
		cat "$TMP/probe.out" >>"$LOG"
		"${CMD[@]}" delete --force "$rt-exec" </dev/null >>"$LOG" 2>&1
		continue
	fi
	"${CMD[@]}" exec "$rt-exec" true </dev/null >"$TMP/probe.out" 2>&1
	rc=$?
	if [[ $rc -ne 0 ]]; then
		reason=$(last_line "$TMP/probe.out" "$rc")
		progress "$rt: exec failed, no exec numbers for it: $reason"
		na "$rt" exec "exec failed: $reason"
		cat "$TMP/probe.out" >>"$LOG"
		"${CMD[@]}" delete --force "$rt-exec" </dev/null >>"$LOG" 2>&1
		continue
	fi
	EXEC_ACTIVE+=("$rt")
done
ACTIVE=("${EXEC_ACTIVE[@]}")
for ((i = 0; i < N && ${#ACTIVE[@]} > 0; i++)); do
	((i % step == 0)) && progress "  exec $i/$N"
	rotate "$i"
	for rt in "${ORDER[@]}"; do
		rt_cmd "$rt"
		timed "exec $rt $i" exec "$rt-exec" true </dev/null >>"$LOG" 2>&1
	done
done
for rt in "${ACTIVE[@]}"; do
	rt_cmd "$rt"
	"${CMD[@]}" delete --force "$rt-exec" </dev/null >>"$LOG" 2>&1
done
ACTIVE=("${SAVED_ACTIVE[@]}")

# ---------------------------------------------------------------- 4. concurrent run -d

progress "$CONC containers started at once (run -d), $ROUNDS rounds"
for ((r = 0; r < ROUNDS; r++)); do
	rotate "$r"
	for rt in "${ORDER[@]}"; do
		rt_cmd "$rt"
		for ((k = 0; k < CONC; k++)); do
			bundle "$rt-conc-$r-$k" "$CFG_SLEEP"
		done
		# %i is replaced by the copy's index 0..CONC-1 (bench/timer.c -j)
		"$TIMER" -o "$RAW" -l "conc $rt $r" -j "$CONC" -- \
			"${CMD[@]}" run -d --bundle "$TMP/c/$rt-conc-$r-%i" "$rt-conc-$r-%i" </dev/null >>"$LOG" 2>&1
		"$TIMER" -o "$RAW" -l "concdel $rt $r" -j "$CONC" -- \
			"${CMD[@]}" delete --force "$rt-conc-$r-%i" </dev/null >>"$LOG" 2>&1
	done
done
sweep

# Cgroups a runtime left behind after delete (removed on exit; reported as a finding).
LEFTOVER=$(find /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT" -mindepth 1 -type d 2>/dev/null)

# ---------------------------------------------------------------- 6. binaries

binary_info() {
	local rt=$1 bin=$2 shown=${3:-$2} size stripped needed loaded
	if [[ ! -x $bin ]]; then
		jq -n --arg rt "$rt" --arg path "$shown" '{($rt): {path: $path, missing: true}}'
		return
	fi
	size=$(stat -L -c %s "$bin")
	strip -o "$TMP/stripped" "$bin" 2>/dev/null && stripped=$(stat -c %s "$TMP/stripped") || stripped=$size
	needed=$(readelf -d "$bin" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | paste -sd ' ')
	loaded=$(ldd "$bin" 2>/dev/null | grep -c '=>\|ld-linux')
	jq -n --arg rt "$rt" --arg path "$shown" --argjson size "$size" --argjson stripped "$stripped" \
		--arg needed "$needed" --argjson loaded "$loaded" --arg version "$("$bin" --version 2>/dev/null | head -n 1)" \
		'{($rt): {path: $path, version: $version, size: $size, stripped_size: $stripped,
		  needed: ($needed | split(" ") | map(select(. != ""))), ldd_count: $loaded}}'
}
BIN_JSON=$({
	binary_info runc-go "$RUNC_GO" "$RUNC_GO_SRC"
	binary_info runc "$RUNC"
	binary_info crun "$CRUN"
} | jq -s 'add')

# ---------------------------------------------------------------- report

uname_r=$(uname -r)
LOAD_END=$(cut -d' ' -f1 /proc/loadavg)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
where=host
[[ -n $IN_VM ]] && where=vm
echo "runc-go bench $(date -u +%Y-%m-%dT%H:%M:%SZ): N=$N, $CONC x $ROUNDS parallel, $(nproc) CPUs ($cpu), kernel $uname_r, cgroup $CG_MODE"
if [[ -n $IN_VM ]]; then
	echo "IN THE VM (../shared/vm/run-v2, QEMU, pure cgroup v2): software-emulated, absolute times are"
	echo "not comparable with any host: read the ratios only"
fi
if [[ -n $IN_VM ]]; then
	echo "load average (1 min) in the VM $LOAD_START at start, $LOAD_END at end; on the host" \
		"${RUNC_GO_BENCH_HOST_LOAD:-?} when the VM started"
else
	echo "load average (1 min) $LOAD_START at start, $LOAD_END at end: other work on the machine inflates p90 most"
fi
echo "interleaved: the runtime order rotates every iteration; times in ms from fork to exit of the runtime command"
echo
wrapped=0
[[ ${#CRUN_WRAP[@]} -gt 0 ]] && wrapped=1
awk -v n="$N" -v conc="$CONC" -v rounds="$ROUNDS" -v wrapped="$wrapped" -v cgmode="$CG_MODE" \
	-v json="$TMP/rows.json" -f bench/report.awk "$RAW"

echo
echo "binaries"
printf '  %-8s %10s %10s %5s  %s\n' runtime "size" "stripped" "libs" "NEEDED"
jq -r 'to_entries[] | select(.value.missing | not) | [.key, (.value.size|tostring), (.value.stripped_size|tostring),
	(.value.ldd_count|tostring), (.value.needed|join(" "))] | @tsv' <<<"$BIN_JSON" |
	while IFS=$'\t' read -r rt size stripped libs needed; do
		[[ -n $needed ]] || needed="(static)"
		printf '  %-8s %10s %10s %5s  %s\n' "$rt" "$size" "$stripped" "$libs" "$needed"
	done
echo "  (size in bytes; stripped: a copy through strip; libs: shared objects ldd resolves, loader included)"

declare -A left_count=() left_example=()
while IFS= read -r dir; do
	[[ -n $dir ]] || continue
	case ${dir##*/} in
	runc-go-*) rt=runc-go ;;
	runc-*) rt=runc ;;
	crun-*) rt=crun ;;
	*) rt=other ;;
	esac
	left_count[$rt]=$((${left_count[$rt]:-0} + 1))
	left_example[$rt]=$dir
done <<<"$LEFTOVER"
LEFT_JSON={}
for rt in "${!left_count[@]}"; do
	echo "cgroups left behind after delete by $rt: ${left_count[$rt]} (e.g. ${left_example[$rt]}); removed"
	LEFT_JSON=$(jq -c --arg rt "$rt" --argjson n "${left_count[$rt]}" '. + {($rt): $n}' <<<"$LEFT_JSON")
done

jq -n --slurpfile rows "$TMP/rows.json" --argjson bins "$BIN_JSON" --argjson left "$LEFT_JSON" \
	--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg kernel "$uname_r" --arg cpu "$cpu" \
	--arg cgroup "$CG_MODE" --arg load "$LOAD_START $LOAD_END" --argjson n "$N" --argjson conc "$CONC" --argjson rounds "$ROUNDS" \
	--argjson cpus "$(nproc)" --arg commit "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)" \
	--arg where "$where" --argjson seconds "$((SECONDS - T0))" \
	'{meta: {date: $date, where: $where, kernel: $kernel, cpu: $cpu, cpus: $cpus, cgroup: $cgroup, n: $n,
	   concurrent: $conc, rounds: $rounds, commit: $commit, seconds: $seconds,
	   loadavg_start_end: ($load | split(" ") | map(tonumber)), unit_time: "ms", unit_memory: "MiB"}}
	 + $rows[0] + {binaries: $bins, leftover_cgroups: $left}' >"$OUT/results.json" || die "cannot write $OUT/results.json"
echo
echo "measured in $((SECONDS - T0)) s; results: $OUT/results.json (raw records: $RAW, runtime output: $LOG)"
