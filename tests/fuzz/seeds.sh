#!/bin/bash
# seeds.sh OUT: the seed corpora and dictionaries of the fuzz harnesses, made from the
# runtime-spec checkout (RUNTIME_SPEC_DIR, default ../shared/runtime-spec as the unit tests):
#   OUT/config     schema/test/config/{good,bad}/*.json and every ```json block of its docs,
#                  Docker's default seccomp profile converted to linux.seccomp
#   OUT/process    the .process object of each of those that has one
#   OUT/resources  the .linux.resources object of each, and the config-linux.md blocks
#   OUT/json.dict  every object key seen, as libFuzzer dictionary entries
# Nothing is fetched; a missing checkout leaves a minimal seed.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1
spec=${RUNTIME_SPEC_DIR:-../shared/runtime-spec}
rm -rf "$out"
mkdir -p "$out/config" "$out/process" "$out/resources"

n=0
add() { # add KIND FILE
	n=$((n + 1))
	cp "$2" "$out/$1/seed-$n.json"
}

if [[ -d $spec/schema/test/config ]]; then
	for f in "$spec"/schema/test/config/good/*.json "$spec"/schema/test/config/bad/*.json; do
		add config "$f"
	done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for md in "$spec"/config*.md; do
	[[ -f $md ]] || continue
	# each fenced ```json block to its own file
	awk -v dir="$tmp" -v base="$(basename "$md" .md)" '
		/^```json/ {inside = 1; k++; file = dir "/" base "-" k ".json"; next}
		/^```/ {inside = 0; next}
		inside {print > file}' "$md"
done
for f in "$tmp"/*.json; do
	[[ -f $f ]] || continue
	add config "$f"
	[[ $(basename "$f") == config-linux-* ]] && add resources "$f"
done
if [[ -f tests/fixtures/docker-default-seccomp.json ]] &&
	jq -f tests/fixtures/docker-seccomp-to-oci.jq tests/fixtures/docker-default-seccomp.json \
		>"$tmp/seccomp" 2>/dev/null; then
	jq '{ociVersion: "1.0.0", root: {path: "rootfs"}, linux: {seccomp: .}}' "$tmp/seccomp" \
		>"$tmp/with-seccomp.json" && add config "$tmp/with-seccomp.json"
fi

# the objects process.json and update --resources take, cut out of the configs
for f in "$out"/config/*.json; do
	jq -e '.process | objects' "$f" >"$tmp/p.json" 2>/dev/null && add process "$tmp/p.json"
	jq -e '.linux.resources | objects' "$f" >"$tmp/r.json" 2>/dev/null && add resources "$tmp/r.json"
done

for kind in config process resources; do
	[[ -n $(ls -A "$out/$kind") ]] || echo '{}' >"$out/$kind/seed-minimal.json"
done

# dictionary: the keys, and the JSON punctuation libFuzzer would otherwise guess at
{
	cat "$out"/*/*.json | grep -oE '"[A-Za-z_][A-Za-z0-9_.]*"[[:space:]]*:' |
		sed -E 's/"[[:space:]]*:$//; s/^"//' | sort -u | sed 's/.*/"\\"&\\""/'
	printf '%s\n' '"{"' '"}"' '"["' '"]"' '":"' '","' '"true"' '"false"' '"null"' \
		'"-1"' '"0"' '"18446744073709551615"' '"9223372036854775808"' '"1e400"' '"\\u0000"'
} >"$out/json.dict"
