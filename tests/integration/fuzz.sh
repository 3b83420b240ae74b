#!/bin/bash
# Fuzz (issue 10, "nothing crashes"): builds the libFuzzer harnesses of
# tests/fuzz (`make fuzz`: clang, ASan+UBSan, in build-fuzz) and runs each for
# FUZZ_SECONDS (default 10; three harnesses, 30 s in all) from the seed corpus
# tests/fuzz/seeds.sh makes out of the runtime-spec examples, plus the corpus
# earlier runs grew in build-fuzz/corpus/<harness>. One line per harness:
#   PASS fuzz/<harness> | FAIL fuzz/<harness>: crash, leak, timeout or OOM
# -timeout=5 (one input) and -rss_limit_mb=2048. A failing input is kept in
# build-fuzz/artifacts/; reproduce with build-fuzz/fuzz_<harness> FILE.
# Needs no root. FUZZ_BUILD (default build-fuzz) is locked while in use: two
# suites on one checkout share it.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

FUZZ_SECONDS=${FUZZ_SECONDS:-10}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
LOG_DIR=$FUZZ_BUILD/logs

if ! command -v clang >/dev/null; then
	echo "SKIP fuzz: clang is not installed (make deps installs it)"
	exit 0
fi
mkdir -p "$FUZZ_BUILD"
exec 9>"$FUZZ_BUILD/.lock"
flock 9

mkdir -p "$LOG_DIR" "$FUZZ_BUILD/artifacts"
if ! make -s -j2 fuzz FUZZ_BUILD="$FUZZ_BUILD" >"$LOG_DIR/build.log" 2>&1; then
	echo "FAIL fuzz/build: make fuzz failed: $(grep -m1 -E 'error|Error' "$LOG_DIR/build.log")"
	tail -n 20 "$LOG_DIR/build.log"
	exit 1
fi
if ! tests/fuzz/seeds.sh "$FUZZ_BUILD/seeds" >"$LOG_DIR/seeds.log" 2>&1; then
	echo "FAIL fuzz/seeds: tests/fuzz/seeds.sh failed: $(tail -n 1 "$LOG_DIR/seeds.log")"
	exit 1
fi

# The suite's SANITIZE=1 options send reports to files: the fuzzers' own go to
# their output, where libFuzzer reads them.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=0
for bin in "$FUZZ_BUILD"/fuzz_*; do
	[[ -x $bin && $bin != *.d ]] || continue
	name=${bin##*/fuzz_}
	log=$LOG_DIR/$name.log
	mkdir -p "$FUZZ_BUILD/corpus/$name"
	timeout -k 5 $((FUZZ_SECONDS + 60)) "$bin" \
		-max_total_time="$FUZZ_SECONDS" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
		-dict="$FUZZ_BUILD/seeds/json.dict" -artifact_prefix="$FUZZ_BUILD/artifacts/$name-" \
		"$FUZZ_BUILD/corpus/$name" "$FUZZ_BUILD/seeds/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1)
	echo "# $name: rc $rc, ${execs:-?} executions in ${FUZZ_SECONDS} s, ${cov:-no coverage line}"
	if [[ $rc -eq 0 && -n $execs ]]; then
		echo "PASS fuzz/$name"
		continue
	fi
	failed=1
	artifact=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -n 1)
	what=$(grep -m1 -E '^==[0-9]+==ERROR|runtime error|SUMMARY|ERROR: libFuzzer' "$log")
	[[ $rc -eq 124 || $rc -eq 137 ]] && what="the fuzzer itself hung (killed after $((FUZZ_SECONDS + 60)) s)"
	echo "FAIL fuzz/$name: ${what:-exited $rc} (input: ${artifact:-none}; log: $log)"
	# the report, for the suite's log
	grep -A 25 -m1 -E '^==[0-9]+==ERROR|runtime error' "$log" | sed 's/^/    /'
done
exit $failed
