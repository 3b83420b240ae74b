# shellcheck shell=bash
# Helpers for tests/integration/engine-*.sh: start a real engine (dockerd,
# containerd, podman) from Debian's packages on its own sockets and
# directories, drive runc-go through it, stop it, and remove what it made.
# Sourced after tests/lib.sh (which gives TEST_TMP, RUNTIME and reporting).
#
# Everything an engine writes goes under $ENGINE_DIR (inside TEST_TMP): data
# roots, state dirs, sockets, the runtime's --root (podman: see
# ENGINE_STATE_ROOTS), logs. Every container goes
# into the cgroup parent $ENGINE_CGROUP, an absolute path unique to this
# script, so it never lands in the host's own (process_api) cgroup and the
# cleanup knows which processes and cgroups are ours. Daemons are started in
# the background of the script's main shell and stopped by the pid recorded
# then: SIGTERM, then SIGKILL after a timeout. They also get a parent-death
# SIGTERM, so a script killed with SIGKILL does not leave them running.
#
# Every test runs twice in the same run, against the same engine: once with
# the runtime under test (RUNTIME, known to the engine as "runc-go"; result
# lines <script>/<test>) and once, as a control, with Debian's runc (RUNC,
# known to the engine as "runc-ref"; result lines
# <script>/control-runc/<test>). When the control fails too, the runtime's
# FAIL line says so; when the script lists the test in ENGINE_CONTROL_KNOWN
# (a failure of the engine on this host, whatever the runtime), both FAIL
# lines become SKIPs that give the reason and the failure. A test that
# fails with runc-go alone is a FAIL.
#
# Environment:
#   ENGINE_CONTROL  the control runtime (default $RUNC); empty: no control
#                   run (nor when it is RUNTIME itself)
#   ENGINE_TIMEOUT  seconds allowed for one engine command (default 60)
#   ENGINE_KEEP=1   copy the daemons' logs and configs to
#                   ${TMPDIR:-/tmp}/rgo-<script>-logs.<pid> before the
#                   test directory goes, for debugging

ENGINE_DIR=$TEST_TMP/e
ENGINE_OUTER_TMP=${TMPDIR:-/tmp}
ENGINE_CGROUP=/rgo-$SCRIPT_NAME-$$
ENGINE_TIMEOUT=${ENGINE_TIMEOUT:-60}
ENGINE_CONTROL=${ENGINE_CONTROL-$RUNC}
# the name the engine knows the runtime of the running test by: runc-go
# (RUNTIME) or runc-ref (ENGINE_CONTROL, in the control runs)
ENGINE_RT=runc-go
# test_<name> -> why the engine fails it here whatever the runtime: when
# the control fails it too, both results are SKIPs with this reason
declare -A ENGINE_CONTROL_KNOWN=()
ENGINE_PIDS=()
ENGINE_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# host paths the engines write whatever their flags say, shared by the
# engine scripts running at once (see engine_note_host_paths)
ENGINE_SHARED=$CACHE/engines
mkdir -p "$ENGINE_DIR"
chmod 755 "$ENGINE_DIR"

# ---------------------------------------------------------------- commands

# ecmd CMD...: run an engine command with a timeout; sets OUT, ERR, RC like
# lib.sh's rt. stdin is /dev/null; ecmd_in INPUT CMD... feeds INPUT instead.
ecmd() { ecmd_in "" "$@" </dev/null; }

ecmd_in() {
	local input=$1
	shift
	local out=$TEST_TMP/out.$BASHPID err=$TEST_TMP/err.$BASHPID
	if [[ -n $input ]]; then
		timeout -k 5 "$ENGINE_TIMEOUT" "$@" <<<"$input" >"$out" 2>"$err"
	else
		timeout -k 5 "$ENGINE_TIMEOUT" "$@" </dev/null >"$out" 2>"$err"
	fi
	RC=$?
	OUT=$(cat "$out")
	ERR=$(cat "$err")
	[[ $RC -eq 124 ]] && ERR="(timed out after ${ENGINE_TIMEOUT}s) $ERR"
	return 0
}

# ecmd_ok WHAT CMD...: ecmd, fail the test unless it exits 0.
ecmd_ok() {
	local what=$1
	shift
	ecmd "$@"
	[[ $RC -eq 0 ]] || fail "$what exited $RC: $ERR $(engine_hint "$ERR")"
}

# runtime_has COMMAND: the runtime under test knows the subcommand.
runtime_has() { "$RUNTIME" "$1" --help >/dev/null 2>&1; }

# engine_hint ERROR: name the runtime feature an engine error points at,
# judged from the runtime itself, so the hint goes away when it lands.
engine_hint() {
	local e=$1 cmd
	for cmd in pause resume ps update; do
		if [[ $e =~ (^|[^a-z])$cmd([^a-z]|$) ]] && ! runtime_has "$cmd"; then
			echo "[runtime feature missing: $(basename "$RUNTIME") has no '$cmd' command]"
			return
		fi
	done
	if [[ $e == *console* || $e == *terminal* || $e == *tty* || $e == *pty* ]]; then
		echo "[runtime feature: terminal (--console-socket / process.terminal)]"
	fi
}

# ------------------------------------------------------- shared checks

# engine_it_session WHAT CMD...: CMD (an engine's `run -it ... sh` or
# `exec -it ... sh`) on a new pty, as a user at a terminal: wait for the
# shell's prompt, type a command and see its output (42-ok: only the shell
# can print that, the echo of the typed line says $((40+2))), type `exit 3`;
# fail unless CMD then exits 3.
engine_it_session() {
	local what=$1
	shift
	command -v python3 >/dev/null || skip "python3 is not installed (the pty driver needs it)"
	ecmd python3 "$ENGINE_HERE/pty-drive.py" --timeout 30 \
		'expect=[#$] ' 'send=echo $((40+2))-ok\r' 'expect=42-ok' 'send=exit 3\r' -- "$@"
	[[ $RC -ne 124 ]] || fail "$what through a pty: $ERR"
	[[ $RC -eq 3 ]] || fail "$what through a pty: expected exit 3 after 'exit 3', got $RC: $(tail -c 300 <<<"$OUT") $ERR $(engine_hint "$ERR $OUT")"
}

# engine_random_file FILE: 1 MiB of random bytes (every byte value).
engine_random_file() { head -c 1048576 /dev/urandom >"$1"; }

# engine_assert_same_bytes WHAT EXPECTED ACTUAL: the two files are equal.
engine_assert_same_bytes() {
	cmp -s "$2" "$3" ||
		fail "$1: not byte-exact: sent $(stat -c %s "$2") bytes ($(sha256_of "$2" | cut -c1-12)), got $(stat -c %s "$3" 2>/dev/null) ($(sha256_of "$3" 2>/dev/null | cut -c1-12))"
}

# engine_seccomp_profile FILE: a profile that allows everything but mkdir
# (EPERM). The same JSON is Docker's and podman's profile format and an OCI
# linux.seccomp object (ctr --seccomp-profile).
engine_seccomp_profile() {
	cat >"$1" <<-'EOF'
		{
		  "defaultAction": "SCMP_ACT_ALLOW",
		  "syscalls": [
		    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
		  ]
		}
	EOF
}

# The command a container runs for the pause checks: a counter in /tmp/n,
# read from the host through /proc/<pid>/root (works while frozen).
COUNTER_SH='i=0; while :; do i=$((i + 1)); echo $i >/tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.1; done'

counter_of() { cat "/proc/$1/root/tmp/n" 2>/dev/null; }

# engine_assert_counting WHAT PID: the counter of PID's container moves.
engine_assert_counting() {
	local a b i
	a=$(counter_of "$2")
	for ((i = 0; i < 30; i++)); do
		sleep 0.1
		b=$(counter_of "$2")
		[[ -n $b && $b != "$a" ]] && return 0
	done
	fail "$1: the container's counter stayed at '$b' for 3 s (expected it running)"
}

# engine_assert_frozen WHAT PID: the counter stands still for 0.6 s and the
# freezer says FROZEN (v1 freezer.state; v2 cgroup.events "frozen 1").
engine_assert_frozen() {
	local a b file
	a=$(counter_of "$2")
	sleep 0.6
	b=$(counter_of "$2")
	[[ -n $a && $a == "$b" ]] || fail "$1: the container's counter moved from '$a' to '$b' (expected it frozen)"
	file=$(host_cgroup_file freezer freezer.state cgroup.events "$2")
	if [[ $file == */cgroup.events ]]; then
		grep -qx 'frozen 1' "$file" || fail "$1: $file: $(tr '\n' ' ' <"$file" 2>&1), expected 'frozen 1'"
	else
		assert_eq "$1: $file" FROZEN "$(cat "$file" 2>&1)"
	fi
}

# engine_assert_net_raw_only WHAT STATUS: STATUS (a container's
# /proc/self/status) has CapEff 0x2000 (CAP_NET_RAW alone), CapBnd too.
engine_assert_net_raw_only() {
	local eff bnd
	eff=$(sed -n 's/^CapEff:[[:space:]]*//p' <<<"$2")
	bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' <<<"$2")
	assert_eq "$1: CapEff (CAP_NET_RAW only)" 0000000000002000 "$eff"
	assert_eq "$1: CapBnd (CAP_NET_RAW only)" 0000000000002000 "$bnd"
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

# The command of the OOM checks: after a second (the engine watches the
# cgroup by then), busybox awk doubles a string until the memory limit
# kills it: pid 1 of the container, so its status is 137. It stops at
# 256 MiB (exit 0): a host with swap and no swap limit fails the test
# rather than swap.
OOM_ARGS=(sh -c 'sleep 1; exec awk "BEGIN { s = \"0123456789abcdef\"; while (length(s) < 268435456) s = s s }"')

# A command each test runs in the container to see its namespaces against
# the host's: "pid:[N] net:[N]".
NS_SH='echo $(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/net)'
host_ns() { readlink "/proc/self/ns/$1"; }

# --------------------------------------------------------------- install

# engine_require BINARY...: print what is missing (nothing if all are there).
engine_require() {
	local b missing=()
	for b in "$@"; do
		[[ -x $b ]] || command -v "$b" >/dev/null 2>&1 || missing+=("$b")
	done
	[[ ${#missing[@]} -eq 0 ]] || echo "not installed: ${missing[*]} (scripts/deps.sh installs them)"
}

# ------------------------------------------------------------------ images

# engine_image_rootfs DIR: a busybox rootfs from Debian's busybox-static, as
# a directory DIR/rootfs and a tar DIR/rootfs.tar (ownership root, mtime 0:
# the same bytes, so the same layer digest, every time).
engine_image_rootfs() {
	local dir=$1 busybox=/bin/busybox applet
	[[ -x $busybox ]] || { echo "$busybox missing (busybox-static)" >&2; return 1; }
	local r=$dir/rootfs
	mkdir -p "$r"/{bin,etc,proc,sys,dev,tmp,root,home/user} || return 1
	chmod 1777 "$r/tmp"
	chmod 700 "$r/root"
	cp "$busybox" "$r/bin/busybox" || return 1
	for applet in $("$busybox" --list); do
		[[ $applet == busybox ]] || ln -sf busybox "$r/bin/$applet"
	done
	cat >"$r/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		user:x:1000:1000:user:/home/user:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$r/etc/group" <<-'EOF'
		root:x:0:
		user:x:1000:
		nogroup:x:65534:
	EOF
	chown 1000:1000 "$r/home/user"
	tar -C "$r" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		-cf "$dir/rootfs.tar" . || return 1
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# engine_blob DIR FILE: move FILE into DIR/blobs/sha256/, print its digest.
engine_blob() {
	local digest
	digest=$(sha256_of "$2")
	mv "$2" "$1/blobs/sha256/$digest"
	echo "$digest"
}

# engine_image_oci DIR NAME: DIR/oci.tar, an OCI image layout archive of
# DIR/rootfs.tar for `ctr image import` (the image is named NAME by the
# io.containerd.image.name annotation); its manifest.json also lets
# `docker load` take it.
engine_image_oci() {
	local dir=$1 name=$2 lay=$1/oci arch
	arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
	case $arch in
	i386) arch=386 ;;
	armhf | armel) arch=arm ;;
	ppc64el) arch=ppc64le ;;
	esac
	rm -rf "$lay"
	mkdir -p "$lay/blobs/sha256"
	cp "$dir/rootfs.tar" "$lay/layer.tmp"
	local layer layer_size config config_size manifest manifest_size
	layer_size=$(stat -c %s "$lay/layer.tmp")
	layer=$(engine_blob "$lay" "$lay/layer.tmp")
	jq -n --arg arch "$arch" --arg diff "sha256:$layer" '{
		architecture: $arch, os: "linux",
		created: "1970-01-01T00:00:00Z",
		config: {
			Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
			Cmd: ["sh"], WorkingDir: "/"
		},
		rootfs: {type: "layers", diff_ids: [$diff]},
		history: [{created: "1970-01-01T00:00:00Z", created_by: "runc-go tests: busybox-static"}]
	}' >"$lay/config.tmp" || return 1
	config_size=$(stat -c %s "$lay/config.tmp")
	config=$(engine_blob "$lay" "$lay/config.tmp")
	jq -n --arg c "sha256:$config" --argjson cs "$config_size" \
		--arg l "sha256:$layer" --argjson ls "$layer_size" '{
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]
	}' >"$lay/manifest.tmp" || return 1
	manifest_size=$(stat -c %s "$lay/manifest.tmp")
	manifest=$(engine_blob "$lay" "$lay/manifest.tmp")
	jq -n --arg m "sha256:$manifest" --argjson ms "$manifest_size" \
		--arg name "$name" --arg arch "$arch" '{
		schemaVersion: 2,
		manifests: [{
			mediaType: "application/vnd.oci.image.manifest.v1+json",
			digest: $m, size: $ms,
			platform: {architecture: $arch, os: "linux"},
			annotations: {
				"io.containerd.image.name": $name,
				"org.opencontainers.image.ref.name": ($name | sub(".*:"; ""))
			}
		}]
	}' >"$lay/index.json" || return 1
	echo '{"imageLayoutVersion":"1.0.0"}' >"$lay/oci-layout"
	jq -n --arg c "blobs/sha256/$config" --arg l "blobs/sha256/$layer" --arg name "$name" \
		'[{Config: $c, RepoTags: [$name], Layers: [$l]}]' >"$lay/manifest.json" || return 1
	tar -C "$lay" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		-cf "$dir/oci.tar" oci-layout index.json manifest.json blobs
}

# ----------------------------------------------------------------- daemons

# engine_note_host_paths PATH...: the engine writes these paths outside
# ENGINE_DIR whatever its flags say. Those that do not exist yet are listed
# in a file shared with the other engine scripts, and this script registers
# as a user; the last user to finish removes them (a directory only if
# empty). Per script it would race: docker's and containerd's shims share
# /run/containerd/s, and whichever script saw it missing may finish first.
engine_note_host_paths() {
	mkdir -p "$ENGINE_SHARED/users" || return 0
	(
		flock 9
		touch "$ENGINE_SHARED/users/$$"
		local p
		for p in "$@"; do
			[[ -e $p ]] || echo "$p" >>"$ENGINE_SHARED/created"
		done
	) 9>"$ENGINE_SHARED/.lock"
	ENGINE_HOST_REGISTERED=1
}

# engine_remove_host_paths: unregister; the last user removes the listed
# paths, deepest first. Users whose pid is gone (a script killed before
# its cleanup) do not count.
engine_remove_host_paths() {
	[[ -n ${ENGINE_HOST_REGISTERED:-} ]] || return 0
	(
		flock 9
		rm -f "$ENGINE_SHARED/users/$$"
		local u p
		for u in "$ENGINE_SHARED"/users/*; do
			[[ -e $u ]] || continue
			kill -0 "$(basename "$u")" 2>/dev/null || rm -f "$u"
		done
		[[ -z $(ls -A "$ENGINE_SHARED/users") ]] || exit 0
		[[ -f $ENGINE_SHARED/created ]] || exit 0
		sort -u "$ENGINE_SHARED/created" | awk '{print length, $0}' | sort -rn | cut -d' ' -f2- |
			while read -r p; do
				if [[ -d $p && ! -L $p ]]; then
					rmdir "$p" 2>/dev/null
				elif [[ -e $p || -L $p ]]; then
					rm -f "$p"
				fi
			done
		rm -f "$ENGINE_SHARED/created"
	) 9>"$ENGINE_SHARED/.lock"
	ENGINE_HOST_REGISTERED=""
}

# engine_spawn LOG CMD...: start daemon CMD in the background of the main
# shell (call it there, not in $(...) or a test's subshell), output to LOG;
# sets ENGINE_PID. setpriv gives it SIGTERM when this shell dies.
engine_spawn() {
	local log=$1
	shift
	# TMPDIR: the shims write their process files and console sockets there
	mkdir -p "$ENGINE_DIR/tmp"
	if command -v setpriv >/dev/null 2>&1; then
		TMPDIR=$ENGINE_DIR/tmp setpriv --pdeathsig TERM -- "$@" </dev/null >>"$log" 2>&1 &
	else
		TMPDIR=$ENGINE_DIR/tmp "$@" </dev/null >>"$log" 2>&1 &
	fi
	ENGINE_PID=$!
	ENGINE_PIDS+=("$ENGINE_PID")
}

# engine_wait_ready SECONDS PID CMD...: wait until CMD succeeds; fail (1) if
# PID exits first (ENGINE_WHY says with which status) or the time runs out.
engine_wait_ready() {
	local deadline=$((SECONDS + $1)) pid=$2 status
	shift 2
	ENGINE_WHY=""
	while ! timeout -k 2 10 "$@" </dev/null >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			status=$?
			ENGINE_WHY="exited with status $status"
			return 1
		fi
		if [[ $SECONDS -ge $deadline ]]; then
			ENGINE_WHY="not ready after $1 s"
			return 1
		fi
		sleep 0.1
	done
}

# engine_log_errors LOG: the last error lines of a daemon's log (its last
# lines if none says error), for a SKIP or FAIL message.
engine_log_errors() {
	local lines
	lines=$(grep -aE 'level=(fatal|error)|^Error|failed to start' "$1" 2>/dev/null | tail -n 2)
	[[ -n $lines ]] || lines=$(grep -av '^===' "$1" 2>/dev/null | tail -n 2)
	echo "$lines"
}

# engine_stop PID [SECONDS]: SIGTERM, SIGKILL after SECONDS (default 15),
# then reap. Only ever a pid this script started.
engine_stop() {
	local pid=$1 secs=${2:-15} i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# Processes that are ours though this shell did not fork them: those whose
# command line names a path in ENGINE_DIR (a daemon's own children such as
# dockerd's containerd, the shims, conmon, podman's exit commands: they all
# carry our private paths), and those in a cgroup under ENGINE_CGROUP (the
# containers), and those in the script's private network namespace
# ENGINE_NETNS ("net:[inode]", if it made one). Never this shell. (The
# pattern files' own path must not contain ENGINE_DIR/, or the grep would
# find itself.)
engine_leftover_pids() {
	local pat=$TEST_TMP/pat-engine.$BASHPID
	printf '%s/\n' "$ENGINE_DIR" >"$pat.dir"
	printf ':%s/\n' "$ENGINE_CGROUP" >"$pat.cg"
	{
		grep -lazF -f "$pat.dir" /proc/[0-9]*/cmdline
		grep -lF -f "$pat.cg" /proc/[0-9]*/cgroup
		if [[ -n ${ENGINE_NETNS:-} ]]; then
			local glob=${ENGINE_NETNS//[/\\[}
			find /proc/[0-9]*/ns -maxdepth 1 -name net -lname "${glob//]/\\]}" -printf '%h\n'
		fi
	} 2>/dev/null | sed -n 's|^/proc/\([0-9]*\)/.*|\1|p' | sort -un |
		grep -vxF -e "$$" -e "$BASHPID" | while read -r pid; do
		# a zombie holds nothing but its pid; its reaper (the host's
		# init after reparenting) may be slow
		[[ $(sed -n 's/.*) \(.\).*/\1/p' "/proc/$pid/stat" 2>/dev/null) == [^ZX] ]] && echo "$pid"
	done
	rm -f "$pat".*
}

# engine_hold_netns PID: PID's network namespace is the script's own
# (ENGINE_NETNS): its processes are the script's, for the cleanup and its
# check. This shell holds it open until the check is done: a namespace
# freed earlier could give its inode number to another one (another
# script's container) before the check.
engine_hold_netns() {
	ENGINE_NETNS=$(readlink "/proc/$1/ns/net") || return 1
	exec {ENGINE_NETNS_FD}<"/proc/$1/ns/net"
}

# Cgroup directories of ENGINE_CGROUP in every hierarchy.
engine_cgroup_dirs() {
	local root
	for root in $(cgroup_roots); do
		[[ -d $root$ENGINE_CGROUP ]] && echo "$root$ENGINE_CGROUP"
	done
}

# Mount points at or under ENGINE_DIR in this mount namespace, deepest first.
engine_mounts() {
	awk -v t="$ENGINE_DIR" '$5 == t || index($5, t "/") == 1 {print $5}' /proc/self/mountinfo |
		sort -r
}

# engine_cleanup: stop the daemons (last started first), kill what they left
# (only processes found by engine_leftover_pids), unmount everything under
# ENGINE_DIR, remove the cgroups and the host paths the engines created.
# Runs at exit; the engine scripts set ENGINE_PRE_STOP to a function that
# removes their containers through the engine first.
engine_cleanup() {
	local i pids m d
	[[ -n ${ENGINE_CLEANED:-} ]] && return 0
	ENGINE_CLEANED=1
	if [[ -n ${ENGINE_PRE_STOP:-} && ${#ENGINE_PIDS[@]} -gt 0 ]]; then
		"$ENGINE_PRE_STOP" >/dev/null 2>&1
	fi
	for ((i = ${#ENGINE_PIDS[@]} - 1; i >= 0; i--)); do
		engine_stop "${ENGINE_PIDS[i]}" 15
	done
	ENGINE_PIDS=()
	for i in 1 2 3; do
		pids=$(engine_leftover_pids)
		[[ -z $pids ]] && break
		# shims and conmon first get a chance to clean up after themselves
		[[ $i -eq 1 ]] && { kill -TERM $pids 2>/dev/null; sleep 1; continue; }
		kill -KILL $pids 2>/dev/null
		sleep 0.2
	done
	for m in $(engine_mounts); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	for d in $(engine_cgroup_dirs); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	# state the engine left in roots outside ENGINE_DIR: noted for the
	# cleanup check, then removed (before the roots may go with the host
	# paths)
	ENGINE_STATE_LEFT=$(engine_state_dirs | tr '\n' ' ')
	engine_purge_state
	engine_remove_host_paths
	if [[ ${ENGINE_KEEP:-} == 1 && -d $ENGINE_DIR ]]; then
		local keep=$ENGINE_OUTER_TMP/rgo-$SCRIPT_NAME-logs.$$
		mkdir -p "$keep"
		find "$ENGINE_DIR" -maxdepth 3 \( -name '*.log' -o -name 'log.json' -o -name '*.toml' -o -name '*.conf' -o -name '*.json' \) \
			-size -10M -exec cp --parents {} "$keep" \; 2>/dev/null
		echo "engine logs kept in $keep" >&2
	fi
}

# engine_reap_stale_cgroups: the cgroup parents of engine scripts that were
# killed before their cleanup (/rgo-engine-<engine>-<pid>, pid gone), if
# empty. Named by this file only, so nothing else is touched.
engine_reap_stale_cgroups() {
	local root d pid
	for root in $(cgroup_roots); do
		for d in "$root"/rgo-engine-*-[0-9]*; do
			[[ -d $d ]] || continue
			pid=${d##*-}
			kill -0 "$pid" 2>/dev/null && continue
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		done
	done
	return 0
}

# engine_leftovers: what the cleanup could not remove (empty if clean).
engine_leftovers() {
	local what=() x
	local pid
	x=$(for pid in $(engine_leftover_pids); do
		echo "$pid($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80))"
	done | tr '\n' ' ')
	[[ -n $x ]] && what+=("processes: $x")
	x=$(engine_mounts | tr '\n' ' ')
	[[ -n $x ]] && what+=("mounts: $x")
	x=$(engine_cgroup_dirs | tr '\n' ' ')
	[[ -n $x ]] && what+=("cgroups: $x")
	[[ -n ${ENGINE_STATE_LEFT:-} ]] && what+=("runtime state: $ENGINE_STATE_LEFT(removed)")
	[[ ${#what[@]} -gt 0 ]] && echo "${what[*]}"
	return 0
}

# ENGINE_STATE_ROOTS: runtime roots outside ENGINE_DIR that the engine
# uses (podman: the runtimes' default roots), "RUNTIME_PATH ROOT" each.
ENGINE_STATE_ROOTS=()

# engine_state_dirs [ENTRY...]: the state dirs in ENGINE_STATE_ROOTS (or
# the ENTRYs given) of this script's containers (a file in them names a path
# in ENGINE_DIR: the bundle, the rootfs), "ROOT/ID" each.
engine_state_dirs() {
	local e root d
	[[ $# -gt 0 ]] || set -- "${ENGINE_STATE_ROOTS[@]}"
	for e in "$@"; do
		root=${e#* }
		for d in "$root"/*/; do
			[[ -d $d ]] || continue
			grep -lqsF "$ENGINE_DIR/" "$d"* 2>/dev/null && echo "${d%/}"
		done
	done
}

# engine_purge_state: delete what engine_state_dirs finds, with its
# runtime's delete --force, then by hand.
engine_purge_state() {
	local e rt root d
	for e in "${ENGINE_STATE_ROOTS[@]}"; do
		rt=${e%% *} root=${e#* }
		for d in $(engine_state_dirs "$e"); do
			timeout -k 2 10 "$rt" --root "$root" delete --force "$(basename "$d")" </dev/null >/dev/null 2>&1
			[[ -d $d ]] && rm -rf --one-file-system "$d"
		done
	done
	return 0
}

trap 'engine_cleanup; cleanup_all' EXIT

# ------------------------------------------------------------------ runner

# engine_has_control: the control runtime is there and is not RUNTIME.
engine_has_control() {
	[[ -n $ENGINE_CONTROL && -x $ENGINE_CONTROL && ! $ENGINE_CONTROL -ef $RUNTIME ]]
}

# engine_run_one KIND FUNCTION NAME: run one test in a subshell with the
# runtime of KIND (test or control); its result lines on stdout.
engine_run_one() {
	local kind=$1 fn=$2 name=$3 rc
	(
		TEST_NAME=$name
		SUB_FAILED=0
		if [[ $kind == control ]]; then
			RUNTIME=$ENGINE_CONTROL
			ENGINE_RT=runc-ref
		fi
		# the script's hook that rebuilds its command lines for ENGINE_RT
		if declare -F engine_select >/dev/null; then engine_select; fi
		"$fn"
		[[ $SUB_FAILED -eq 0 ]] || exit $FAIL_RC
	)
	rc=$?
	case $rc in
	0) echo "PASS $name" ;;
	"$SKIP_RC" | "$FAIL_RC") ;;
	*) echo "FAIL $name: test exited with status $rc" ;;
	esac
	# what the test left running goes before the next one (names are reused)
	[[ -n ${ENGINE_PRE_STOP:-} ]] && "$ENGINE_PRE_STOP" >/dev/null 2>&1
	rm -rf --one-file-system "$TEST_TMP"/out.* "$TEST_TMP"/err.*
	return 0
}

# engine_run_tests: every test_* function of the script, in file order,
# with the runtime under test and then with the control; exit status 1 if
# a result line is a FAIL.
engine_run_tests() {
	local fn base name kinds=(test) t0 res_test res_ctl known failed=0
	engine_has_control && kinds+=(control)
	echo "# $SCRIPT_NAME: runtime $RUNTIME, control ${ENGINE_CONTROL:-none}$(engine_has_control || echo ' (not run)')" >&2
	[[ -z $ENGINE_CONTROL || -x $ENGINE_CONTROL ]] ||
		echo "SKIP $SCRIPT_NAME/control-runc: no control run: $ENGINE_CONTROL is not installed (runc; scripts/deps.sh installs it)"
	for fn in $(grep -oE '^test_[A-Za-z0-9_]+' "$0"); do
		base=${fn#test_}
		[[ -z ${TEST_FILTER:-} || $SCRIPT_NAME/$base =~ $TEST_FILTER ]] || continue
		t0=$SECONDS
		res_test=$(engine_run_one test "$fn" "$SCRIPT_NAME/$base")
		res_ctl=""
		if [[ ${#kinds[@]} -eq 2 ]]; then
			res_ctl=$(engine_run_one control "$fn" "$SCRIPT_NAME/control-runc/$base")
			known=${ENGINE_CONTROL_KNOWN[$fn]:-}
			if grep -q '^FAIL ' <<<"$res_ctl" && [[ -n $known ]]; then
				res_ctl=$(sed -E "s|^FAIL ([^:]*): |SKIP \1: fails with runc too, $known: |" <<<"$res_ctl")
				res_test=$(sed -E "s|^FAIL ([^:]*): |SKIP \1: fails with runc too, $known: |" <<<"$res_test")
			elif grep -q '^FAIL ' <<<"$res_ctl"; then
				res_test=$(sed -E '/^FAIL /s|$| [the runc control fails this too]|' <<<"$res_test")
			fi
		fi
		echo "# $SCRIPT_NAME/$base: $((SECONDS - t0)) s" >&2
		printf '%s\n' "$res_test" ${res_ctl:+"$res_ctl"}
		grep -q '^FAIL ' <<<"$res_test"$'\n'"$res_ctl" && failed=1
	done
	return $failed
}

# engine_main START_FUNCTION: run the script's tests against an engine that
# START_FUNCTION starts (in this shell). If it returns non-zero: one SKIP
# line with the reason it sets in ENGINE_SKIP (the engine cannot run here),
# or one FAIL line if it sets ENGINE_FAIL instead (it ran, but the setup
# after it, such as importing the image, failed). A last check,
# <script>/cleanup, fails if stopping the engine left anything behind.
engine_main() {
	local start=$1 fn any=0 t0=$SECONDS
	if [[ $(id -u) -ne 0 ]]; then
		echo "SKIP $SCRIPT_NAME: engine tests need root"
		return 0
	fi
	if [[ ! -x $RUNTIME ]]; then
		echo "FAIL $SCRIPT_NAME: runtime $RUNTIME is not an executable (set RUNTIME or build it)"
		exit 1
	fi
	for fn in $(grep -oE '^test_[A-Za-z0-9_]+' "$0"); do
		[[ -z ${TEST_FILTER:-} || $SCRIPT_NAME/${fn#test_} =~ $TEST_FILTER ]] && any=1
	done
	[[ $any -eq 1 ]] || return 0
	engine_reap_stale_cgroups
	ENGINE_SKIP=""
	ENGINE_FAIL=""
	if ! "$start"; then
		if [[ -n $ENGINE_FAIL ]]; then
			echo "FAIL $SCRIPT_NAME/setup: $(one_line "$ENGINE_FAIL")"
			return 1
		fi
		echo "SKIP $SCRIPT_NAME: $(one_line "${ENGINE_SKIP:-the engine did not start}")"
		return 0
	fi
	echo "# $SCRIPT_NAME: engine ready in $((SECONDS - t0)) s" >&2
	local rc=0
	engine_run_tests || rc=1
	echo "# $SCRIPT_NAME: tests done at $((SECONDS - t0)) s" >&2
	engine_cleanup
	local left
	left=$(engine_leftovers)
	if [[ -n $left ]]; then
		echo "FAIL $SCRIPT_NAME/cleanup: the engine left $left"
		rc=1
	else
		echo "PASS $SCRIPT_NAME/cleanup"
	fi
	echo "# $SCRIPT_NAME: engine stopped at $((SECONDS - t0)) s" >&2
	# the namespace goes with the last reference
	[[ -z ${ENGINE_NETNS_FD:-} ]] || exec {ENGINE_NETNS_FD}<&-
	return $rc
}
