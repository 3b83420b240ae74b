#!/bin/bash
# The manual pages (docs/man/*.8.md, `make man`): every page builds with go-md2man and renders
# with man(1) without a warning; there is a page for runc-go and for every command of
# `runc-go --help`; each page's OPTIONS list exactly the flags of `runc-go [command] --help`,
# each with the description --help prints.
source "$(dirname "$0")/../lib.sh"

MAN_SRC=$REPO/docs/man
# a private build dir: `make man` here never races another script's make in $BUILD
MAN_BUILD=$TEST_TMP/build

# build_man: `make man` into MAN_BUILD (make itself skips pages already built).
build_man() {
	command -v go-md2man >/dev/null || skip "go-md2man is not installed (make deps)"
	local out
	out=$(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$REPO" man BUILD="$MAN_BUILD" 2>&1) ||
		fail "make man failed: $out"
}

# commands: the command names `runc-go --help` lists.
commands() {
	"$RUNTIME" --help | awk '/^COMMANDS:/ { on = 1; next } on && NF == 0 { on = 0 } on { print $1 }'
}

# help_options ARGS...: "FLAGS<TAB>DESCRIPTION" per line of the (GLOBAL) OPTIONS of
# `runc-go ARGS --help`, FLAGS as printed ("--bundle value, -b value").
help_options() {
	"$RUNTIME" "$@" --help | awk '
		/^(GLOBAL )?OPTIONS:/ { on = 1; next }
		on && !/^   -/ { on = 0 }
		on {
			sub(/^   /, "")
			flags = $0; sub(/  .*/, "", flags)
			usage = substr($0, length(flags) + 1); sub(/^ +/, "", usage)
			print flags "\t" usage
		}'
}

# flag_names: the --name and -n of "FLAGS<TAB>..." lines on stdin, sorted.
flag_names() { cut -f1 | grep -oE -- '(^|, )--?[A-Za-z0-9-]+' | sed 's/^, //' | sort; }

# man_flag_names PAGE.md: the flags named in the terms of its OPTIONS (or GLOBAL OPTIONS)
# section ("**--bundle** *value*, **-b** *value*"), sorted.
man_flag_names() {
	awk '/^# / { on = ($0 ~ /OPTIONS$/); next } on && /^\*\*-/' "$1" |
		grep -oE '\*\*--?[A-Za-z0-9-]+\*\*' | tr -d '*' | sort
}

# rendered PAGE: the text of the page as man shows it, on one line, blanks squeezed.
rendered() { LC_ALL=C MANWIDTH=4000 man -l "$1" 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g'; }

# check_options PAGE [COMMAND]: the OPTIONS of PAGE against `runc-go [COMMAND] --help`.
check_options() {
	local page=$1 cmd=${2:-} md=$MAN_SRC/$1.8.md
	local what="runc-go${cmd:+ $cmd} --help" help want got line usage text missing=()
	[[ -f $md ]] || fail "no page $md for '$what'"
	help=$(help_options ${cmd:+"$cmd"})
	[[ -n $help || -n $cmd ]] || fail "$what lists no options"
	want=$(flag_names <<<"$help")
	got=$(man_flag_names "$md")
	[[ $want == "$got" ]] ||
		fail "$page.8 OPTIONS: flags differ from '$what': only in --help: $(comm -23 \
			<(echo "$want") <(echo "$got") | tr '\n' ' ')only in the page: $(comm -13 \
			<(echo "$want") <(echo "$got") | tr '\n' ' ')"
	text=$(rendered "$MAN_BUILD/man/$page.8")
	while IFS=$'\t' read -r line usage; do
		[[ -n $line ]] || continue
		[[ -n $usage ]] || fail "$what: $line has no description"
		# the flags as --help prints them, then the description
		[[ $text == *" $line $(sed 's/  */ /g' <<<"$usage") "* ]] || missing+=("$line")
	done <<<"$help"
	[[ ${#missing[@]} -eq 0 ]] || fail "$page.8 does not show as --help does: ${missing[*]}"
}

test_make_man_builds_every_page() {
	require_runc_go
	build_man
	local md page cmd
	for md in "$MAN_SRC"/*.8.md; do
		page=$(basename "$md" .md)
		[[ -s $MAN_BUILD/man/$page ]] || fail "make man did not build $page"
		head -5 "$MAN_BUILD/man/$page" | grep -q "^\.TH $(basename "$page" .8) 8" ||
			fail "$page: no '.TH $(basename "$page" .8) 8' header"
	done
	[[ -f $MAN_SRC/runc-go.8.md ]] || fail "no docs/man/runc-go.8.md"
	for cmd in $(commands); do
		[[ -f $MAN_SRC/runc-go-$cmd.8.md ]] || fail "no man page docs/man/runc-go-$cmd.8.md for '$cmd'"
	done
	for md in "$MAN_SRC"/runc-go-*.8.md; do
		cmd=$(basename "$md" .8.md)
		cmd=${cmd#runc-go-}
		commands | grep -qxF "$cmd" || fail "$md documents '$cmd', which runc-go --help does not list"
	done
}

test_pages_render_without_warnings() {
	require_runc_go
	command -v man >/dev/null || skip "man is not installed (make deps)"
	build_man
	local page name out err=$TEST_TMP/man.err
	for page in "$MAN_BUILD"/man/*.8; do
		name=$(basename "$page" .8)
		out=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$page" 2>"$err")
		[[ $? -eq 0 ]] || fail "man -l $name.8 failed: $(cat "$err")"
		[[ ! -s $err ]] || fail "man -l $name.8 warns: $(cat "$err")"
		for section in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
			grep -qx "$section" <<<"$out" || fail "$name.8 has no $section section"
		done
		grep -qE "^ +$name +- +[^ ]" <<<"$out" || fail "$name.8: NAME is not '$name - ...': $(grep -A1 -x NAME <<<"$out")"
	done
}

test_command_options_match_help() {
	require_runc_go
	build_man
	local cmd
	for cmd in $(commands); do
		check_options "runc-go-$cmd" "$cmd"
	done
}

test_global_options_match_help() {
	require_runc_go
	build_man
	check_options runc-go
}

test_main_page_lists_every_command() {
	require_runc_go
	local cmd text
	text=$(awk '/^# COMMANDS/ { on = 1; next } /^# / { on = 0 } on' "$MAN_SRC/runc-go.8.md")
	[[ -n $text ]] || fail "runc-go.8 has no COMMANDS section"
	for cmd in $(commands); do
		grep -qxF "**$cmd**" <<<"$text" || fail "runc-go.8 COMMANDS does not list $cmd"
		grep -A3 '^# SEE ALSO' "$MAN_SRC/runc-go.8.md" | grep -qF "**runc-go-$cmd**(8)" ||
			fail "runc-go.8 SEE ALSO does not name runc-go-$cmd(8)"
	done
}

run_tests
