#!/bin/bash
# make-bundle.sh DIR [--runtime BIN]
# Make an OCI bundle at DIR: a busybox rootfs from Debian's busybox-static and
# a config.json from `BIN spec` with terminal=false and args ["sh"].
# Idempotent and fast: an existing rootfs is reused, config.json regenerated.
set -euo pipefail

usage() { echo "usage: $0 DIR [--runtime BIN]" >&2; exit 2; }

dir=""
runtime=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--runtime) [[ $# -ge 2 ]] || usage; runtime=$2; shift 2 ;;
	--runtime=*) runtime=${1#--runtime=}; shift ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) [[ -z $dir ]] || usage; dir=$1; shift ;;
	esac
done
[[ -n $dir ]] || usage

repo=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z $runtime ]]; then
	if [[ -x $repo/build/runc-go ]]; then
		runtime=$repo/build/runc-go
	else
		runtime=$(command -v runc || echo /usr/sbin/runc)
	fi
fi

# Debian's busybox-static installs a static /bin/busybox that runs in any rootfs.
busybox=/bin/busybox
[[ -x $busybox ]] || { echo "$0: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
rootfs=$dir/rootfs

if [[ ! -x $rootfs/bin/busybox || ! -e $rootfs/bin/sh ]]; then
	tmp=$dir/.rootfs.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"/{bin,etc,proc,sys,dev,tmp,root}
	chmod 1777 "$tmp/tmp"
	chmod 0700 "$tmp/root"
	cp "$busybox" "$tmp/bin/busybox"
	for applet in $("$busybox" --list); do
		[[ $applet == busybox ]] && continue
		ln -sf busybox "$tmp/bin/$applet"
	done
	cat >"$tmp/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
	cat >"$tmp/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
	rm -rf "$rootfs"
	mv "$tmp" "$rootfs"
fi

# `spec` refuses to overwrite an existing config.json: generate it elsewhere.
spec_dir=$(mktemp -d "${TMPDIR:-/tmp}/make-bundle.XXXXXX")
trap 'rm -rf "$spec_dir"' EXIT
(cd "$spec_dir" && "$runtime" spec)
jq '.process.terminal = false | .process.args = ["sh"]' "$spec_dir/config.json" >"$dir/config.json.tmp"
mv "$dir/config.json.tmp" "$dir/config.json"
