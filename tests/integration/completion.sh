#!/bin/bash
# The bash completion (contrib/completions/bash/runc-go): sourced in a bash with
# bash-completion loaded, its function is called with COMP_WORDS/COMP_CWORD as readline
# sets them, and the candidates are checked: commands, global and command flags, flag
# values, the ids of real containers under the --root given on the line, signals for kill.
source "$(dirname "$0")/../lib.sh"

COMPLETION=$REPO/contrib/completions/bash/runc-go
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
# the completed line starts with "runc-go", found on PATH as an installed one would be
mkdir -p "$TEST_TMP/bin"
ln -sf "$RUNTIME" "$TEST_TMP/bin/runc-go"

# complete WORDS...: run the completion for the line WORDS (the cursor at the end of the last
# word, "" for a new word); CANDIDATES gets the candidates, one per line.
complete_words() {
	require_runc_go
	[[ -f $BASH_COMPLETION ]] || skip "bash-completion is not installed (make deps)"
	local err=$TEST_TMP/complete.err
	CANDIDATES=$(PATH=$TEST_TMP/bin:$PATH bash --norc --noprofile -c '
		source "$1" || exit 90
		shift
		source "$1" || exit 91
		shift
		[[ $(complete -p runc-go) == *"-F _runc_go "* ]] || exit 92
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMP_TYPE=9
		COMP_KEY=9
		_runc_go || exit 93
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BASH_COMPLETION" "$COMPLETION" "$@" 2>"$err")
	local rc=$?
	[[ $rc -eq 0 ]] || fail "completing '$*' exited $rc (90/91: source failed, 92: not registered for runc-go): $(cat "$err")"
	[[ ! -s $err ]] || fail "completing '$*' wrote to stderr: $(cat "$err")"
}

has() { grep -qxF -- "$1" <<<"$CANDIDATES"; }

expect_candidates() { # expect_candidates WORD...: each WORD is a candidate
	local w
	for w in "$@"; do
		has "$w" || fail "expected '$w' among the candidates, got: $CANDIDATES"
	done
}

test_command_prefix() {
	complete_words runc-go ex
	assert_eq "candidates for 'runc-go ex'" exec "$CANDIDATES"
	complete_words runc-go --root "$ROOT" st
	assert_eq "candidates for 'runc-go --root X st'" "$(printf 'start\nstate')" "$(sort <<<"$CANDIDATES")"
}

test_every_command() {
	local cmd
	complete_words runc-go ""
	for cmd in $("$RUNTIME" --help | awk '/^COMMANDS:/ { on = 1; next } on && NF == 0 { on = 0 } on { print $1 }'); do
		has "$cmd" || fail "'runc-go <TAB>' does not offer $cmd: $CANDIDATES"
	done
	has --root && fail "'runc-go <TAB>' offers flags without a '-': $CANDIDATES"
	return 0
}

test_global_flags() {
	complete_words runc-go --
	expect_candidates --root --log --log-format --debug --systemd-cgroup --rootless --version --help
	complete_words runc-go --log-format ""
	assert_eq "values of --log-format" "$(printf 'text\njson')" "$CANDIDATES"
	# "--log-format=<TAB>": readline splits it into "--log-format" "=" ""
	complete_words runc-go --log-format = j
	assert_eq "values of --log-format=j" json "$CANDIDATES"
}

test_create_flags() {
	complete_words runc-go create --
	expect_candidates --bundle --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds
	# exactly the long flags of `create --help`
	local want
	want=$("$RUNTIME" create --help | sed -n 's/^   \(--[a-z0-9-]*\).*/\1/p' | sort)
	assert_eq "flags of create" "$want" "$(sort <<<"$CANDIDATES")"
	# flags stop at the first argument (runc's parsing): none after the id
	complete_words runc-go create myid --
	assert_eq "candidates after the id" "" "$CANDIDATES"
}

test_command_flag_values() {
	complete_words runc-go list --format ""
	assert_eq "values of list --format" "$(printf 'table\njson')" "$CANDIDATES"
	# -f is --format for ps but --force (no value) for delete
	complete_words runc-go ps -f j
	assert_eq "values of ps -f" json "$CANDIDATES"
	complete_words runc-go exec --cap CAP_SYS_AD
	assert_eq "values of exec --cap" CAP_SYS_ADMIN "$CANDIDATES"
}

test_container_ids() {
	new_container --shared-rootfs
	set_args sleep 1000
	rt_ok create -b "$BUNDLE" "$ID"
	local cmd
	for cmd in kill delete state start exec pause resume ps update events; do
		complete_words runc-go --root "$ROOT" "$cmd" ""
		has "$ID" || fail "'runc-go --root ROOT $cmd <TAB>' does not offer $ID: $CANDIDATES"
	done
	# --root=ROOT as readline splits it, and a flag of the command before the id
	complete_words runc-go --root = "$ROOT" --debug kill --all "${ID:0:8}"
	has "$ID" || fail "'runc-go --root=ROOT --debug kill --all PREFIX<TAB>' does not offer $ID: $CANDIDATES"
	# the ids are those of the --root on the line, not of another root
	complete_words runc-go --root "$TEST_TMP/other-root" kill ""
	has "$ID" && fail "'runc-go --root OTHER kill <TAB>' offers $ID of another root"
	# kill's second argument is a signal
	complete_words runc-go --root "$ROOT" kill "$ID" KI
	assert_eq "signals for kill" KILL "$CANDIDATES"
	rt_ok delete --force "$ID"
	complete_words runc-go --root "$ROOT" kill ""
	has "$ID" && fail "$ID still offered after delete"
	assert_no_leftovers "$ID"
}

run_tests
