#!/bin/bash
# Concurrency (issue 10, "nothing crashes"): 8 workers in parallel, each
# running 100 commands drawn at random (create, start, state, list, kill,
# delete --force, exec) on 4 container ids that share one --root. Afterwards:
# no torn state (every state.json left parses and `state` answers with JSON,
# `list` works), no runtime call hung, nothing leaked once each id is deleted
# with --force, and every failed command said one of the known clear messages
# that a lost race deserves (the list below, found by running it); any other
# text fails the test and is printed.
source "$(dirname "$0")/../lib.sh"

WORKERS=${CONC_WORKERS:-8}
COMMANDS=${CONC_COMMANDS:-100}
NIDS=4

# What a command may say when another worker got there first. One extended
# regex per line, matched against the whole of stderr (the runtime's
# "runc-go: " prefix included).
KNOWN_ERRORS=(
	'runc-go: container with given ID already exists: [^ ]+'
	'runc-go: container does not exist'
	'runc-go: container not running'
	'runc-go: cannot start a container that has stopped'
	'runc-go: cannot start an already running container'
	'runc-go: cannot delete container [^ ]+ that is not stopped: .*'
	'runc-go: exec failed: container does not exist'
	'runc-go: exec failed: cannot exec in a stopped container'
)

# worker N: COMMANDS random commands, one line each in $TEST_TMP/w.N:
#   <command> <id> <rc> <stderr on one line>
worker() {
	local n=$1 k id cmd log=$TEST_TMP/w.$1
	RANDOM=$((n * 7919 + $$))
	: >"$log"
	for ((k = 0; k < COMMANDS; k++)); do
		id=${IDS[RANDOM % NIDS]}
		case $((RANDOM % 7)) in
		0) cmd=(create -b "$TEST_TMP/b/$id" "$id") ;;
		1) cmd=(start "$id") ;;
		2) cmd=(state "$id") ;;
		3) cmd=(list) ;;
		4) cmd=(kill "$id" KILL) ;;
		5) cmd=(delete --force "$id") ;;
		6) cmd=(exec "$id" true) ;;
		esac
		rt "${cmd[@]}"
		# a state that answers must answer JSON, even mid-race
		if [[ ${cmd[0]} == state && $RC -eq 0 ]] && ! jq -e '.status' <<<"$OUT" >/dev/null 2>&1; then
			ERR="state printed no JSON: $OUT"
			RC=99
		fi
		printf '%s %s %s %s\n' "${cmd[0]}" "$id" "$RC" "$(one_line "$ERR")" >>"$log"
	done
}

known_error() { # known_error COMMAND RC STDERR
	# exec returns its process's status: `true` killed with the container
	# (its init died, so the kernel killed the whole pid namespace)
	[[ $1 == exec && $2 -eq 137 && -z $3 ]] && return 0
	local re
	for re in "${KNOWN_ERRORS[@]}"; do
		[[ $3 =~ ^($re)$ ]] && return 0
	done
	return 1
}

test_parallel_mixed_commands() {
	local i
	IDS=()
	for ((i = 0; i < NIDS; i++)); do
		new_container --shared-rootfs
		set_args sleep 1000
		IDS+=("$ID")
	done
	local pids=() t0=$SECONDS
	for ((i = 0; i < WORKERS; i++)); do
		worker "$i" &
		pids+=($!)
	done
	wait "${pids[@]}"
	echo "# $WORKERS workers x $COMMANDS commands in $((SECONDS - t0)) s"

	# what happened: per command, successes and failures
	cat "$TEST_TMP"/w.* | awk '{n[$1 " " ($3 == 0 ? "ok" : "failed")]++} END {for (k in n) print "#   " k ": " n[k]}' | sort
	local total
	total=$(cat "$TEST_TMP"/w.* | wc -l)
	[[ $total -eq $((WORKERS * COMMANDS)) ]] || fail "expected $((WORKERS * COMMANDS)) results, got $total"

	# failures: only the known messages (a timeout is never one); checked
	# last, so that the state and leftover checks run whatever they say
	local cmd id rc err unknown=()
	while read -r cmd id rc err; do
		[[ $rc -eq 0 ]] && continue
		known_error "$cmd" "$rc" "$err" || unknown+=("$cmd $id: exit $rc: $err")
	done < <(cat "$TEST_TMP"/w.*)
	[[ ${#unknown[@]} -gt 0 ]] && printf '# unexpected: %s\n' "${unknown[@]}" | sort | uniq -c

	# no torn state
	for id in "${IDS[@]}"; do
		if [[ -e $ROOT/$id/state.json ]]; then
			jq -e . "$ROOT/$id/state.json" >/dev/null 2>&1 ||
				fail "$ROOT/$id/state.json does not parse: $(head -c 300 "$ROOT/$id/state.json")"
			get_state "$id"
			echo "# $id: $(st status)"
		else
			rt state "$id"
			[[ $RC -ne 0 && $ERR == *"does not exist"* ]] ||
				fail "$id has no state.json but state says (exit $RC): $OUT $ERR"
			[[ ! -e $ROOT/$id ]] || echo "# $id: state dir without state.json: $(ls -A "$ROOT/$id" | tr '\n' ' ')"
		fi
	done
	rt_ok list
	rt_ok list --format json
	jq -e 'type == "array" or . == null' <<<"$OUT" >/dev/null || fail "list --format json: $OUT"

	# nothing leaked
	for id in "${IDS[@]}"; do
		rt delete --force "$id"
		[[ $RC -eq 0 || $ERR == *"does not exist"* ]] || fail "final delete --force $id exited $RC: $ERR"
		assert_no_leftovers "$id"
	done
	rt_ok list -q
	[[ -z $OUT ]] || fail "list after the final deletes: $OUT"
	[[ -z $(ls -A "$ROOT") ]] || fail "the root is not empty: $(ls -A "$ROOT")"

	[[ ${#unknown[@]} -eq 0 ]] ||
		fail "${#unknown[@]} commands failed with an unexpected message: $(printf '%s\n' "${unknown[@]}" | sed 's/^[a-z]* [^ ]*: //' | sort | uniq -c | sort -rn | head -3 | tr '\n' ';')"
}

run_tests
