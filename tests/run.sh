#!/bin/bash
# The single test entry (`make check`): every unit test binary
# $BUILD/tests/test_* and every tests/integration/*.sh. Result lines
#   PASS <name> | FAIL <name>: reason | SKIP <name>: reason
# are echoed and counted; the last line is `N passed, N failed, N skipped`.
# Exit 1 if anything failed, or if a test program exited non-zero without a
# FAIL line (counted as one failure named after it).
#
# Environment: BUILD (default build), SANITIZE=1 for a sanitizer build,
# RUNTIME (default $BUILD/runc-go), TEST_FILTER (regex on test names),
# ONLY (regex on program names, e.g. ONLY=lifecycle), JOBS (integration
# scripts run in parallel, default 4). Full output of each program goes to
# $BUILD/test-logs/<name>.log.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
REPO=$PWD
export BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD=$REPO/$BUILD
export RUNTIME=${RUNTIME:-$BUILD/runc-go}
export SANITIZE=${SANITIZE:-}
JOBS=${JOBS:-4}
export RGO_SUITE=1
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
SCRIPT_TIMEOUT=${SCRIPT_TIMEOUT:-240}

LOGS=${TEST_LOGS:-$BUILD/test-logs}
rm -rf "$LOGS"
mkdir -p "$LOGS"

if [[ $SANITIZE == 1 ]]; then
	# Reports go to files (so they never mix with the stderr a test checks)
	# and each one is a failure below.
	mkdir -p "$LOGS/sanitizer"
	export ASAN_OPTIONS=${ASAN_OPTIONS:-log_path=$LOGS/sanitizer/asan:abort_on_error=0:detect_leaks=1}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-log_path=$LOGS/sanitizer/ubsan:print_stacktrace=1:halt_on_error=1}
fi

passed=0
failed=0
skipped=0

# report NAME LOGFILE RC: echo and count the result lines of one program
report() {
	local name=$1 log=$2 rc=$3 line had_fail=0 had_result=0
	while IFS= read -r line; do
		case $line in
		"PASS "*) passed=$((passed + 1)) had_result=1 ;;
		"FAIL "*) failed=$((failed + 1)) had_fail=1 had_result=1 ;;
		"SKIP "*) skipped=$((skipped + 1)) had_result=1 ;;
		*) continue ;;
		esac
		echo "$line"
	done < <(grep -aE '^(PASS|FAIL|SKIP) ' "$log")
	if [[ $rc -ne 0 && $had_fail -eq 0 ]]; then
		if [[ $rc -eq 124 || $rc -eq 137 ]]; then
			echo "FAIL $name: timed out (log: $log)"
		else
			echo "FAIL $name: exited with status $rc without a FAIL line (log: $log)"
		fi
		tail -n 5 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	elif [[ $rc -eq 0 && $had_result -eq 0 ]]; then
		echo "FAIL $name: reported no results (log: $log)"
		failed=$((failed + 1))
	fi
}

# ------------------------------------------------------------------ style

# The code style check of STYLE.md (`make format-check`), counted like a test.
if command -v clang-format >/dev/null; then
	if make -s format-check >"$LOGS/format-check.log" 2>&1; then
		echo "PASS style/clang-format"
		passed=$((passed + 1))
	else
		echo "FAIL style/clang-format: files need \`make format\` (log: $LOGS/format-check.log)"
		failed=$((failed + 1))
	fi
else
	echo "SKIP style/clang-format: clang-format is not installed"
	skipped=$((skipped + 1))
fi

# ------------------------------------------------------------------ unit

shopt -s nullglob
for bin in "$BUILD"/tests/test_*; do
	[[ -f $bin && -x $bin ]] || continue
	name=unit/$(basename "$bin")
	[[ -n ${ONLY:-} && ! $name =~ $ONLY ]] && continue
	log=$LOGS/$(basename "$bin").log
	timeout -k 5 "$UNIT_TIMEOUT" "$bin" </dev/null >"$log" 2>&1
	report "$name" "$log" $?
done

# ----------------------------------------------------------- integration

# The busybox rootfs every integration script copies: made once, up front,
# so parallel scripts do not race to make it.
if [[ -n $(ls tests/integration/*.sh 2>/dev/null) && $(id -u) -eq 0 ]]; then
	spec_bin=/usr/sbin/runc
	[[ -x $spec_bin ]] || spec_bin=$RUNTIME
	if ! scripts/make-bundle.sh "$BUILD/test-cache/bundle" --runtime "$spec_bin" >"$LOGS/make-bundle.log" 2>&1; then
		echo "FAIL make-bundle: cannot make the test bundle (log: $LOGS/make-bundle.log)"
		failed=$((failed + 1))
	fi
fi

scripts=()
for script in tests/integration/*.sh; do
	name=integration/$(basename "$script" .sh)
	[[ -n ${ONLY:-} && ! $name =~ $ONLY ]] && continue
	scripts+=("$script")
done

run_script() { # run_script SCRIPT: output to its log, exit code to .rc
	local base limit
	base=$(basename "$1" .sh)
	# A script may ask for more time with a "# timeout: SECONDS" line (the VM ones).
	limit=$(sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' "$1" | head -1)
	timeout -k 10 "${limit:-$SCRIPT_TIMEOUT}" bash "$1" </dev/null >"$LOGS/$base.log" 2>&1
	echo $? >"$LOGS/$base.rc"
}

# Run up to JOBS scripts at once, report in file order as each finishes.
pids=()
next=0
for ((i = 0; i < ${#scripts[@]}; i++)); do
	while [[ $next -lt ${#scripts[@]} && $((next - i)) -lt $JOBS ]]; do
		run_script "${scripts[next]}" &
		pids[next]=$!
		next=$((next + 1))
	done
	wait "${pids[i]}"
	base=$(basename "${scripts[i]}" .sh)
	report "integration/$base" "$LOGS/$base.log" "$(cat "$LOGS/$base.rc" 2>/dev/null || echo 1)"
done

# The scripts leave the shared cgroup parent to the end (parallel runs):
# remove it (only that directory, in each hierarchy) once all are done.
for d in /sys/fs/cgroup/runc-go-test /sys/fs/cgroup/*/runc-go-test; do
	[[ -d $d ]] && rmdir "$d" 2>/dev/null
done

# ------------------------------------------------------------- sanitizers

if [[ $SANITIZE == 1 ]]; then
	for f in "$LOGS"/sanitizer/*; do
		echo "FAIL sanitizer/$(basename "$f"): $(grep -m1 -E 'ERROR|runtime error' "$f" || head -1 "$f")"
		failed=$((failed + 1))
	done
fi

echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
