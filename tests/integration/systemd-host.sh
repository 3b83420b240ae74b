#!/bin/bash
# The systemd cgroup driver (`--systemd-cgroup`, cgroupsPath "slice:prefix:name") on a
# host where systemd is not PID 1 and there is no systemd or system bus socket (this
# machine): every create must fail fast, with one line that names the driver and says
# systemd is not there, or names linux.cgroupsPath when the path is malformed, and
# leave nothing behind. The driver's real work is checked in the systemd VM
# (tests/vm/systemd-cgroup.sh, tests/integration/vm-systemd.sh).
#
# Never run a systemd-form path without --systemd-cgroup here: the cgroupfs driver
# would take it as a relative path, under the caller's own (the host's process_api)
# cgroup.
#
# Some checks go beyond runc 1.1.5 (it looks at the slice name only after it has found
# systemd, and waits forever on a bus that never answers); with RUNTIME=runc those
# are SKIP sub-results that say what runc does (see beyond_runc).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-nobus.sh"

# seconds a refusal may take: it should not need more than a few syscalls
FAST_S=5

# rt with the driver flag, as engines configured for systemd pass it (a global flag,
# before the subcommand)
sd() { rt --systemd-cgroup "$@"; }

# ---------------------------------------------------------------- helpers

# sd_container [CGROUPS_PATH]: a fresh container (shared rootfs: nothing should ever
# start) whose process is `true` and whose cgroupsPath is CGROUPS_PATH, by default
# system.slice:runc-go:ID
sd_container() {
	new_container --shared-rootfs
	set_config '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "${1-system.slice:runc-go:$ID}"
}

# timed_sd ARGS...: sd, and the time it took in MS
timed_sd() {
	local t0=${EPOCHREALTIME/./}
	sd "$@"
	MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
}

# Cgroup directories whose name contains ID, in any hierarchy (a scope would be
# <prefix>-ID.scope); the host's own process_api cgroups are pruned, never walked.
cgroup_dirs_named() {
	local root
	for root in $(cgroup_roots); do
		find "$root" -maxdepth 6 \( -name process_api -prune \) -o \
			\( -type d -name "*$1*" -print \) 2>/dev/null
	done
}

# assert_nothing_left ID: no state dir, mount, process (lib.sh's check) and no cgroup
# directory anywhere that carries the id
assert_nothing_left() {
	assert_no_leftovers "$1"
	local cgs
	cgs=$(cgroup_dirs_named "$1" | tr '\n' ' ')
	[[ -z $cgs ]] || fail "cgroup directories left for $1: $cgs"
}

# A buggy runtime might make <slice>/<prefix>-ID.scope by hand: remove what carries
# one of this script's ids (deepest first) before lib.sh's cleanup.
eval "lib_$(declare -f cleanup_containers)"
cleanup_containers() {
	local id d
	for id in $(sort -u "$TEST_TMP/ids" 2>/dev/null); do
		timeout -k 2 10 "$RUNTIME" --root "$ROOT" --systemd-cgroup delete --force "$id" </dev/null >/dev/null 2>&1
		for d in $(cgroup_dirs_named "$id" | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-); do
			rmdir "$d" 2>/dev/null
		done
	done
	lib_cleanup_containers
}

# beyond_runc NAME WHY: a sub-check that runc 1.1.5 is known to fail (WHY says how);
# call it when the check failed. A FAIL sub-result for any other runtime, a SKIP that
# says what runc does for runc itself.
beyond_runc() {
	if is_runc; then
		sub_skip "$1" "runc 1.1.5 differs: $2"
	else
		sub_fail "$1" "$2"
	fi
}

# names_no_systemd: stderr says it is the systemd cgroup driver that cannot work and
# that systemd is not there: "systemd", "cgroup", and "not running", "bus" or
# "connect" (case-insensitive)
names_no_systemd() {
	local e=${ERR,,}
	[[ $e == *systemd* && $e == *cgroup* ]] &&
		[[ $e == *"not running"* || $e == *bus* || $e == *connect* ]]
}

# one_error_line: stderr is a single non-empty line
one_error_line() { [[ $(grep -c . <<<"$ERR") -eq 1 ]]; }

require_no_systemd() {
	[[ ! -d /run/systemd/system && ! -S /run/systemd/private && ! -S /run/dbus/system_bus_socket ]] ||
		skip "systemd or a system bus runs on this host: the VM tests (vm-systemd) cover the driver"
}

# ------------------------------------------------------------------ tests

# create, run and run -d with a well-formed path: each refused at once, one line that
# names the driver and says systemd is not running, nothing left
test_no_systemd_fails_fast() {
	require_no_systemd
	local how
	for how in run run-d create; do
		sd_container
		case $how in
		run) timed_sd run -b "$BUNDLE" "$ID" ;;
		run-d) timed_sd run -d -b "$BUNDLE" "$ID" ;;
		create) timed_sd create -b "$BUNDLE" "$ID" ;;
		esac
		expect_nonzero "--systemd-cgroup $how without systemd"
		[[ $MS -lt $((FAST_S * 1000)) ]] || fail "$how: took $MS ms to refuse (limit ${FAST_S} s)"
		names_no_systemd || fail "$how: the error should name the systemd cgroup driver and say systemd is not running / not on the bus, got: $ERR"
		one_error_line || fail "$how: expected one line on stderr, got $(grep -c . <<<"$ERR"): $ERR"
		assert_nothing_left "$ID"
	done
}

# The malformed cgroupsPath cases: LABEL|PATH|what the message must quote. The
# slice must end in .slice, with dash-separated non-empty components (systemd's
# rule; a-b.slice is /a.slice/a-b.slice) and no '/'.
BAD_PATHS=(
	"two-fields|system.slice:runc-go|system.slice:runc-go"
	"four-fields|system.slice:runc-go:x:y|system.slice:runc-go:x:y"
	"absolute-path|/runc-go-test/x|/runc-go-test/x"
	"empty-name|system.slice:runc-go:|system.slice:runc-go:"
	"slice-without-suffix|system:runc-go:x|system"
	"slice-leading-dash|-a.slice:runc-go:x|-a.slice"
	"slice-double-dash|a--b.slice:runc-go:x|a--b.slice"
	"slice-trailing-dash|a-.slice:runc-go:x|a-.slice"
	"slice-with-slash|a/b.slice:runc-go:x|a/b.slice"
	"bare-suffix|.slice:runc-go:x|.slice"
)

# each malformed path: refused before anything is made (here, before systemd is even
# looked for: the config is wrong whatever the host), the message names cgroupsPath
# and quotes the bad part, nothing left. runc 1.1.5 checks only the number of fields
# before it looks for systemd.
test_malformed_cgroups_path() {
	local c label path bad
	for c in "${BAD_PATHS[@]}"; do
		IFS='|' read -r label path bad <<<"$c"
		sd_container "$path"
		timed_sd run -b "$BUNDLE" "$ID"
		if [[ $RC -eq 0 ]]; then
			sub_fail "$label" "cgroupsPath '$path' was accepted"
		elif [[ $RC -eq 124 ]]; then
			sub_fail "$label" "cgroupsPath '$path': timed out"
		elif [[ $MS -ge $((FAST_S * 1000)) ]]; then
			sub_fail "$label" "cgroupsPath '$path': took $MS ms to refuse"
		elif [[ $ERR != *cgroupsPath* || $ERR != *"$bad"* ]]; then
			beyond_runc "$label" "cgroupsPath '$path': expected an error naming (linux.)cgroupsPath and quoting '$bad', got: $ERR"
		elif ! one_error_line; then
			sub_fail "$label" "cgroupsPath '$path': expected one line on stderr: $ERR"
		else
			sub_pass "$label"
		fi
		assert_nothing_left "$ID"
	done
}

# /run/systemd/system exists but nothing listens: the connection fails at once, and
# the message says so
test_no_bus_socket() {
	require_no_systemd
	local w
	w=$(no_bus_wrapper marker)
	sd_container
	local t0=${EPOCHREALTIME/./}
	rt_with "$w" --systemd-cgroup run -d -b "$BUNDLE" "$ID"
	MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	[[ $RC -ne 99 && $RC -ne 98 ]] || skip "cannot hide the bus in a private mount namespace ($RC): $ERR"
	expect_nonzero "--systemd-cgroup run -d with no bus socket"
	[[ $MS -lt $((FAST_S * 1000)) ]] || fail "took $MS ms to refuse (limit ${FAST_S} s)"
	names_no_systemd || fail "the error should name the systemd cgroup driver and say it cannot reach systemd on the bus, got: $ERR"
	one_error_line || beyond_runc one-line "expected one line on stderr, got $(grep -c . <<<"$ERR"): $ERR"
	assert_nothing_left "$ID"
}

# The sockets accept but nobody answers: the runtime gives up by itself (not killed
# by the test's timeout) with an error naming systemd. runc 1.1.5 waits forever.
test_stalled_bus() {
	require_no_systemd
	command -v python3 >/dev/null || skip "python3 is not installed (it plays the silent bus)"
	local w
	w=$(no_bus_wrapper stalled)
	sd_container
	local t0=${EPOCHREALTIME/./}
	TEST_TIMEOUT=45 rt_with "$w" --systemd-cgroup run -d -b "$BUNDLE" "$ID"
	MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
	[[ $RC -ne 99 && $RC -ne 98 ]] || skip "cannot set up the silent bus in a private mount namespace ($RC): $ERR"
	# 137: it ignored the SIGTERM and needed the SIGKILL
	if [[ $RC -eq 124 || $RC -eq 137 ]]; then
		is_runc && skip "runc 1.1.5 differs: it waits on a silent bus until killed (45 s here)"
		fail "hung on a bus that never answers (killed after 45 s)"
	fi
	expect_nonzero "--systemd-cgroup run -d on a silent bus"
	echo "# stalled bus: refused after $MS ms: $ERR" >&2
	[[ ${ERR,,} == *systemd* ]] || fail "the error should name systemd, got: $ERR"
	assert_nothing_left "$ID"
}

# The commands that need no cgroup manager work as without the flag, systemd or not:
# list, and the "does not exist" errors engines match on (not a systemd error).
test_commands_without_driver() {
	rt_with "$RUNTIME" --systemd-cgroup list
	expect_rc 0 "--systemd-cgroup list"
	local cmd
	for cmd in state delete kill; do
		rt_with "$RUNTIME" --systemd-cgroup "$cmd" rgt-no-such-container
		expect_nonzero "--systemd-cgroup $cmd of a missing container"
		expect_err_contains "does not exist" "--systemd-cgroup $cmd of a missing container"
	done
	rt_with "$RUNTIME" --systemd-cgroup delete --force rgt-no-such-container
	expect_rc 0 "--systemd-cgroup delete --force of a missing container"
}

run_tests
