# Helpers sourced by every tests/integration/*.sh script.
#
# A script defines functions named test_* and ends with `run_tests`. Each test
# runs in its own subshell and reports one line on stdout:
#   PASS <script>/<name>
#   FAIL <script>/<name>: reason
#   SKIP <script>/<name>: reason
# Every runtime call goes through `rt`, which passes the script's private
# `--root "$ROOT"` and a timeout so a hung runtime fails a test instead of the
# suite. Every container gets an absolute cgroupsPath /runc-go-test/<id>: a
# relative or missing one would land under the caller's own cgroup, which on
# this machine is the host's process_api cgroup that must never be written.
#
# Environment:
#   BUILD        build dir (default build), holds runc-go and test-cache/
#   RUNTIME      runtime under test (default $BUILD/runc-go); RUNTIME=/usr/sbin/runc
#                checks the tests themselves against the reference runtime
#   RUNC         reference runtime for differential tests (default /usr/sbin/runc)
#   TEST_FILTER  extended regex: run only tests whose name matches
#   TEST_TIMEOUT seconds allowed for one runtime call (default 20)

set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD=$REPO/$BUILD
RUNTIME=${RUNTIME:-$BUILD/runc-go}
if [[ $RUNTIME != */* ]]; then
	RUNTIME=$(command -v "$RUNTIME" || echo "$RUNTIME")
elif [[ $RUNTIME != /* ]]; then
	RUNTIME=$PWD/$RUNTIME
fi
RUNC=${RUNC:-/usr/sbin/runc}
TEST_TIMEOUT=${TEST_TIMEOUT:-20}
SCRIPT_NAME=$(basename "$0" .sh)
CACHE=$BUILD/test-cache
CGROUP_PARENT=/runc-go-test

FAIL_RC=101
SKIP_RC=102

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rgo-$SCRIPT_NAME.XXXXXX")
# world-traversable: a container in a user namespace must reach its rootfs
chmod 755 "$TEST_TMP"
ROOT=$TEST_TMP/root
REF_ROOT=$TEST_TMP/root-ref
mkdir -p "$ROOT" "$TEST_TMP/b"
: >"$TEST_TMP/ids"
ID_SEQ=0

# ---------------------------------------------------------------- reporting

one_line() { tr '\n\t' '  ' <<<"$*" | sed 's/  */ /g; s/ $//' | cut -c1-600; }

fail() {
	echo "FAIL $TEST_NAME: $(one_line "$*")"
	exit $FAIL_RC
}

skip() {
	echo "SKIP $TEST_NAME: $(one_line "$*")"
	exit $SKIP_RC
}

# Extra results inside one test, named <test>/<suffix>: they let a test report
# a runtime-specific check separately from the part every runtime must pass.
sub_pass() { echo "PASS $TEST_NAME/$1"; }
sub_fail() { echo "FAIL $TEST_NAME/$1: $(one_line "${*:2}")"; SUB_FAILED=1; }
sub_skip() { echo "SKIP $TEST_NAME/$1: $(one_line "${*:2}")"; }

is_runc_go() { [[ $(basename "$RUNTIME") == runc-go* ]]; }
is_runc() { [[ $(basename "$RUNTIME") == runc ]]; }
require_runc_go() { is_runc_go || skip "runc-go specific (RUNTIME is $(basename "$RUNTIME"))"; }

# ------------------------------------------------------------ runtime calls

# rt ARGS...: run the runtime with the script's root; sets OUT, ERR, RC.
# stdin is /dev/null and stdout/stderr go to files, so a detached container
# that inherits them never holds a pipe of the test runner open.
rt() { rt_with "$RUNTIME" "$@"; }

rt_with() {
	local bin=$1
	shift
	local out=$TEST_TMP/out.$BASHPID err=$TEST_TMP/err.$BASHPID
	timeout -k 5 "$TEST_TIMEOUT" "$bin" --root "$ROOT" "$@" </dev/null >"$out" 2>"$err"
	RC=$?
	OUT=$(cat "$out")
	ERR=$(cat "$err")
	[[ $RC -eq 124 ]] && ERR="(timed out after ${TEST_TIMEOUT}s) $ERR"
	return 0
}

# rt_ok ARGS...: like rt, and fail the test unless it exits 0.
rt_ok() {
	rt "$@"
	[[ $RC -eq 0 ]] || fail "$(basename "$RUNTIME") $* exited $RC: $ERR"
}

expect_rc() { # expect_rc N CONTEXT
	[[ $RC -eq $1 ]] || fail "${2:-runtime}: expected exit $1, got $RC (stderr: $ERR)"
}

expect_nonzero() { # expect_nonzero CONTEXT
	[[ $RC -ne 0 ]] || fail "${1:-runtime}: expected a non-zero exit, got 0"
	[[ $RC -ne 124 ]] || fail "${1:-runtime}: timed out"
}

expect_err_contains() { # expect_err_contains SUBSTRING [CONTEXT]
	[[ $ERR == *"$1"* ]] || fail "${2:-stderr}: expected '$1' in stderr, got: $ERR"
}

assert_eq() { # assert_eq WHAT EXPECTED ACTUAL
	[[ $2 == "$3" ]] || fail "$1: expected '$2', got '$3'"
}

assert_ne() { # assert_ne WHAT UNEXPECTED ACTUAL
	[[ $2 != "$3" ]] || fail "$1: expected something other than '$2'"
}

assert_contains() { # assert_contains WHAT HAYSTACK NEEDLE
	[[ $2 == *"$3"* ]] || fail "$1: expected '$3' in '$2'"
}

# ------------------------------------------------------------------ bundles

# The busybox rootfs and runc's default config are made once per run (the
# lock serialises scripts started in parallel); tests copy from it.
ensure_cache() {
	[[ -f $CACHE/bundle/config.json && -x $CACHE/bundle/rootfs/bin/busybox ]] && return 0
	mkdir -p "$CACHE"
	local spec_bin=$RUNC
	[[ -x $spec_bin ]] || spec_bin=$RUNTIME
	(
		flock 9
		[[ -f $CACHE/bundle/config.json && -x $CACHE/bundle/rootfs/bin/busybox ]] ||
			"$REPO/scripts/make-bundle.sh" "$CACHE/bundle" --runtime "$spec_bin" >/dev/null
	) 9>"$CACHE/.lock"
}

# new_id: a fresh container id, recorded for the cleanup.
new_id() {
	ID_SEQ=$((ID_SEQ + 1))
	# fixed width: no id is a prefix of another (-1 vs -10)
	local id
	id=$(printf 'rgt-%s-%s-%03d' "$SCRIPT_NAME" "$BASHPID" "$ID_SEQ")
	echo "$id" >>"$TEST_TMP/ids"
	echo "$id"
}

# make_bundle [--shared-rootfs] ID: make $TEST_TMP/b/ID, set BUNDLE to it.
# The default config is runc's `spec` with terminal=false, args ["sh"] and the
# cgroupsPath /runc-go-test/ID. The rootfs is a private copy (2 MB, ~10 ms) so
# leftovers are attributable to one container; --shared-rootfs instead points
# root.path at the cached rootfs by absolute path (read-only root: unchanged).
make_bundle() {
	local shared=0
	[[ ${1:-} == --shared-rootfs ]] && { shared=1; shift; }
	local id=$1
	ensure_cache || fail "cannot make the cached busybox bundle"
	BUNDLE=$TEST_TMP/b/$id
	mkdir -p "$BUNDLE"
	if [[ $shared -eq 1 ]]; then
		jq --arg id "$id" --arg rootfs "$CACHE/bundle/rootfs" \
			'.linux.cgroupsPath = "'$CGROUP_PARENT'/" + $id | .root.path = $rootfs' \
			"$CACHE/bundle/config.json" >"$BUNDLE/config.json"
	else
		cp -a "$CACHE/bundle/rootfs" "$BUNDLE/rootfs"
		jq --arg id "$id" '.linux.cgroupsPath = "'$CGROUP_PARENT'/" + $id' \
			"$CACHE/bundle/config.json" >"$BUNDLE/config.json"
	fi
}

# new_container [--shared-rootfs]: set ID and BUNDLE for a fresh container.
new_container() {
	ID=$(new_id)
	make_bundle "$@" "$ID"
}

# set_config 'JQ FILTER' [JQ ARGS...]: edit $BUNDLE/config.json in place.
set_config() {
	local filter=$1
	shift
	jq "$filter" "$@" <"$BUNDLE/config.json" >"$BUNDLE/config.json.new" ||
		fail "set_config: jq failed on: $filter"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# json_array ARGS...: the arguments as a JSON array of strings. (jq's --args
# would take an argument like -c as its own option.)
json_array() {
	local a out="" sep=""
	for a in "$@"; do
		out+=$sep$(jq -n --arg a "$a" '$a')
		sep=,
	done
	echo "[$out]"
}

# set_args ARGS...: set process.args.
set_args() { set_config '.process.args = $a' --argjson a "$(json_array "$@")"; }

# run_in ARGS...: set process.args and `run` the container in the foreground.
run_in() {
	set_args "$@"
	rt run -b "$BUNDLE" "$ID"
}

# run_sh 'SCRIPT': run `sh -c SCRIPT`, fail unless it exits 0; OUT is stdout.
run_sh() {
	run_in sh -c "$1"
	[[ $RC -eq 0 ]] || fail "run sh -c '$1' exited $RC: $ERR $OUT"
}

# get_state [ID]: `state` into STATE, fail unless it succeeds with JSON.
# (Not meant for $(...): fail must run in the test's own subshell.)
get_state() {
	rt state "${1:-$ID}"
	[[ $RC -eq 0 ]] || fail "state ${1:-$ID} exited $RC: $ERR"
	jq -e 'type == "object"' <<<"$OUT" >/dev/null 2>&1 || fail "state output is not a JSON object: $OUT"
	STATE=$OUT
}

# st FIELD: one field of the last get_state.
st() { jq -r ".$1" <<<"$STATE"; }

# wait_status STATUS [ID]: poll `state` until status is STATUS (5 s).
wait_status() {
	local id=${2:-$ID} i status=""
	for ((i = 0; i < 100; i++)); do
		rt state "$id"
		status=$(jq -r .status <<<"$OUT" 2>/dev/null)
		[[ $status == "$1" ]] && return 0
		sleep 0.05
	done
	fail "$id: status stayed '$status' (rc $RC: $ERR), expected '$1'"
}

# signal_when_running ID SIGNAL [DELAY]: (run it in the background) wait
# until ID is running, sleep DELAY (time for a trap to be set), send SIGNAL
signal_when_running() {
	local i
	for ((i = 0; i < 200; i++)); do
		if timeout 10 "$RUNTIME" --root "$ROOT" state "$1" </dev/null 2>/dev/null | grep -q '"status": *"running"'; then
			sleep "${3:-0}"
			timeout 10 "$RUNTIME" --root "$ROOT" kill "$1" "$2" </dev/null >/dev/null 2>&1
			return
		fi
		sleep 0.05
	done
}

# create_started ARGS...: create and start $ID running ARGS (default: sleep).
create_started() {
	[[ $# -gt 0 ]] && set_args "$@"
	rt_ok create -b "$BUNDLE" "$ID"
	rt_ok start "$ID"
}

# run_background [RUN FLAGS...]: the runtime's foreground `run` of the current
# container as a background job (stdin /dev/null, output to $TEST_TMP/bg.out);
# RUN_PID.
run_background() {
	"$RUNTIME" --root "$ROOT" run "$@" -b "$BUNDLE" "$ID" </dev/null >"$TEST_TMP/bg.out" 2>"$TEST_TMP/bg.err" &
	RUN_PID=$!
}

# wait_background: its exit code into RUN_RC (10 s, then it is killed).
wait_background() {
	local i
	for ((i = 0; i < 200; i++)); do
		kill -0 "$RUN_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$RUN_PID" 2>/dev/null; then
		kill -9 "$RUN_PID"
		fail "the runtime did not exit; output: $(cat "$TEST_TMP/bg.out" "$TEST_TMP/bg.err")"
	fi
	wait "$RUN_PID"
	RUN_RC=$?
}

# wait_output TEXT: poll bg.out (5 s) for TEXT.
wait_output() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -qF "$1" "$TEST_TMP/bg.out" 2>/dev/null && return 0
		sleep 0.05
	done
	kill -9 "$RUN_PID" 2>/dev/null
	fail "no '$1' in the output: $(cat "$TEST_TMP/bg.out" "$TEST_TMP/bg.err")"
}

# wait_dead PID: wait up to 2 s until PID is gone or a zombie (its reaper
# may be slow: the runtime's children are reparented to the host's init).
wait_dead() {
	local i s
	for ((i = 0; i < 40; i++)); do
		s=$(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 0
		[[ -z $s || $s == Z ]] && return 0
		sleep 0.05
	done
	fail "process $1 still alive"
}

# ------------------------------------------------------------- leftovers

cgroup_roots() {
	if [[ $(stat -fc %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then
		echo /sys/fs/cgroup
		return
	fi
	local d
	for d in /sys/fs/cgroup/*/; do
		d=${d%/}
		[[ -e $d/cgroup.procs ]] && echo "$d"
	done
}

# Directories named ID in any cgroup hierarchy. The host's own process_api
# cgroups are pruned: never even walk into them.
cgroup_dirs_of() {
	local root
	for root in $(cgroup_roots); do
		find "$root" -maxdepth 4 \( -name process_api -prune \) -o \
			\( -type d -name "$1" -print \) 2>/dev/null
	done
}

# Processes that belong to container ID or point into BUNDLE: an argument
# naming the bundle or equal to the id, cwd or root inside the bundle, or
# membership of the container's cgroup. Patterns go through files so that the
# grep processes themselves never match.
processes_of() { # processes_of ID BUNDLE
	local id=$1 bundle=$2 pat=$TEST_TMP/pat.$BASHPID
	printf '%s\n' "$bundle" >"$pat.bundle"
	printf '%s\n' "$id" >"$pat.id"
	printf ':%s\n' "$CGROUP_PARENT/$id" >"$pat.cgroup"
	{
		grep -lazF -f "$pat.bundle" /proc/[0-9]*/cmdline
		grep -lazxF -f "$pat.id" /proc/[0-9]*/cmdline
		grep -HF -f "$pat.cgroup" /proc/[0-9]*/cgroup |
			awk -v s=":$CGROUP_PARENT/$id" 'substr($0, length($0) - length(s) + 1) == s'
		find /proc/[0-9]*/ -maxdepth 1 \( -name cwd -o -name root \) -printf '%h/x %l\n' 2>/dev/null |
			awk -v b="$bundle" '$2 == b || index($2, b "/") == 1 {print $1}'
	} 2>/dev/null | sed -n 's|^/proc/\([0-9]*\)/.*|\1|p' | sort -un |
		grep -vxF -e "$$" -e "$BASHPID" | while read -r pid; do
		# a zombie holds nothing but its pid; its reaper (the host's init
		# after reparenting) may be slow
		[[ $(sed -n 's/.*) \(.\).*/\1/p' "/proc/$pid/stat" 2>/dev/null) == [^ZX] ]] && echo "$pid"
	done
	rm -f "$pat".*
}

# leftovers_of ID [BUNDLE]: print what the container left behind.
leftovers_of() {
	local id=$1 bundle=${2:-$TEST_TMP/b/$1} what=()
	[[ -e $ROOT/$id ]] && what+=("state dir $ROOT/$id")
	local mounts
	mounts=$(grep -F -e "$bundle" -e "$id" /proc/self/mountinfo | awk '{print $5}' | tr '\n' ' ')
	[[ -n $mounts ]] && what+=("mounts: $mounts")
	local cgs
	cgs=$(cgroup_dirs_of "$id" | tr '\n' ' ')
	[[ -n $cgs ]] && what+=("cgroups: $cgs")
	local procs
	procs=$(processes_of "$id" "$bundle" | tr '\n' ' ')
	[[ -n $procs ]] && what+=("processes: $procs")
	[[ ${#what[@]} -gt 0 ]] && echo "${what[*]}"
	return 0
}

# assert_no_leftovers ID [BUNDLE]: no state dir, mount, cgroup or process.
# Right after a delete the kernel may still be reaping: retry for a second.
assert_no_leftovers() {
	local left i
	for ((i = 0; i < 20; i++)); do
		left=$(leftovers_of "$@")
		[[ -z $left ]] && return 0
		sleep 0.05
	done
	fail "leftovers of $1: $left"
}

# ------------------------------------------------------------------ cleanup

# Delete every container this script made, then remove by hand whatever a
# buggy runtime left: processes (only those in the container's own cgroup or
# rootfs, which this script started), mounts under TEST_TMP, cgroup dirs
# under /runc-go-test. Runs after each test and at exit.
cleanup_containers() {
	local id ids
	ids=$(sort -u "$TEST_TMP/ids" 2>/dev/null)
	for id in $ids; do
		timeout -k 2 10 "$RUNTIME" --root "$ROOT" delete --force "$id" </dev/null >/dev/null 2>&1
		# differential tests run the reference runtime with its own root
		[[ -d $REF_ROOT ]] &&
			timeout -k 2 10 "$RUNC" --root "$REF_ROOT" delete --force "$id" </dev/null >/dev/null 2>&1
	done
	for id in $ids; do
		local pids
		pids=$(processes_of "$id" "$TEST_TMP/b/$id")
		[[ -n $pids ]] && kill -9 $pids 2>/dev/null
	done
	local m
	for m in $(awk -v t="$TEST_TMP" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	local root
	for root in $(cgroup_roots); do
		for id in $ids; do
			[[ -d $root$CGROUP_PARENT/$id ]] || continue
			find "$root$CGROUP_PARENT/$id" -depth -type d -exec rmdir {} + 2>/dev/null
		done
	done
	: >"$TEST_TMP/ids"
}

# The shared parent /runc-go-test goes too, unless run.sh runs scripts in
# parallel (RGO_SUITE=1): another script's runtime may be creating a child of
# it right now; run.sh removes it at the end.
remove_cgroup_parent() {
	local root
	for root in $(cgroup_roots); do
		[[ -d $root$CGROUP_PARENT ]] && rmdir "$root$CGROUP_PARENT" 2>/dev/null
	done
	return 0
}

cleanup_all() {
	cleanup_containers
	[[ -z ${RGO_SUITE:-} ]] && remove_cgroup_parent
	rm -rf --one-file-system "$TEST_TMP"
}
trap cleanup_all EXIT
# a script killed by run.sh's timeout still cleans up
trap 'exit 143' TERM
trap 'exit 130' INT

# --------------------------------------------------------------- the runner

# run_tests: run every test_* function of the calling script, in file order,
# each in a subshell; exit 1 if any failed.
run_tests() {
	local failed=0 fn name rc
	if [[ $(id -u) -ne 0 ]]; then
		echo "SKIP $SCRIPT_NAME: integration tests need root"
		return 0
	fi
	if [[ ! -x $RUNTIME ]]; then
		echo "FAIL $SCRIPT_NAME: runtime $RUNTIME is not an executable (set RUNTIME or build it)"
		exit 1
	fi
	ensure_cache || { echo "FAIL $SCRIPT_NAME: cannot make the busybox bundle cache"; exit 1; }
	for fn in $(grep -oE '^test_[A-Za-z0-9_]+' "$0"); do
		name=$SCRIPT_NAME/${fn#test_}
		if [[ -n ${TEST_FILTER:-} && ! $name =~ $TEST_FILTER ]]; then
			continue
		fi
		(
			TEST_NAME=$name
			SUB_FAILED=0
			"$fn"
			[[ $SUB_FAILED -eq 0 ]] || exit $FAIL_RC
		)
		rc=$?
		case $rc in
		0) echo "PASS $name" ;;
		"$SKIP_RC") ;;
		"$FAIL_RC") failed=1 ;;
		*)
			echo "FAIL $name: test exited with status $rc"
			failed=1
			;;
		esac
		cleanup_containers
		rm -rf --one-file-system "$TEST_TMP"/b/* "$TEST_TMP"/out.* "$TEST_TMP"/err.*
	done
	return $failed
}
