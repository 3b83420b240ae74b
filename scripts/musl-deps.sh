#!/bin/bash
# musl-deps.sh DEST: yajl, libseccomp and libcap built as static musl libraries in DEST, for
# the default (static, musl) build of runc-go.
#
# Why musl: every start of a static glibc program runs glibc's CPU and cache detection,
# ~100 CPUID instructions; under virtualisation each one traps to the hypervisor (6.8 us
# on this kind of machine, nested), about 0.5 ms per start, more than half of what
# `runc-go state` costs. musl does no such thing. Debian ships no musl builds of the three
# libraries, so they are built here from Debian's own source packages (the versions and
# patches of the -dev packages, fetched with `apt-get source` from the host's mirror).
#
# Output: DEST/include (yajl/, seccomp.h, sys/capability.h), DEST/kernel-include (the
# kernel's headers, which musl-gcc does not search), DEST/lib/lib{yajl,seccomp,cap}.a.
# Needs musl-tools, gperf and dpkg-dev (`make deps`). Idempotent: DEST/.built marks a
# finished build.
set -euo pipefail

DEST=${1:?usage: musl-deps.sh DEST}
[[ -e $DEST/.built ]] && exit 0

die() {
	echo "musl-deps.sh: $*" >&2
	exit 1
}
for tool in musl-gcc gperf dpkg-source apt-get make ar; do
	command -v "$tool" >/dev/null ||
		die "$tool not found: run \`make deps\` first (or build with glibc: make LIBC=glibc)"
done

rm -rf "$DEST"
mkdir -p "$DEST"/{src,include/yajl,include/sys,lib,kernel-include,apt/lists/partial}
DEST=$(cd "$DEST" && pwd)

# musl-gcc searches musl's headers only; the kernel's come from the host's linux-libc-dev.
multiarch=$(gcc -print-multiarch)
ln -s /usr/include/linux "$DEST/kernel-include/linux"
ln -s /usr/include/asm-generic "$DEST/kernel-include/asm-generic"
ln -s "/usr/include/$multiarch/asm" "$DEST/kernel-include/asm"

# deb-src entries for the host's own Debian mirror and suite, in a private apt
# configuration: the host's sources stay as they are.
sources=$DEST/apt/sources.list
{
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -e $f ]] || continue
		awk '/^URIs:/ {u = $2} /^Suites:/ {s = $2} /^Components:/ {c = $0; sub(/^Components: */, "", c)}
			/^$/ {if (u && s) print "deb-src " u " " s " " c; u = s = ""}
			END {if (u && s) print "deb-src " u " " s " " c}' "$f"
	done
	if [[ -e /etc/apt/sources.list ]]; then
		sed -n 's/^deb \(\[[^]]*\] \)\?/deb-src \1/p' /etc/apt/sources.list
	fi
} | sort -u >"$sources"
[[ -s $sources ]] || die "no Debian mirror found in /etc/apt/sources.list{,.d}"
apt=(apt-get -q -o "Dir::Etc::SourceList=$sources" -o Dir::Etc::SourceParts=/nonexistent
	-o "Dir::State::Lists=$DEST/apt/lists" -o Debug::NoLocking=1)
"${apt[@]}" update >"$DEST/apt/update.log" 2>&1 || die "apt-get update failed: $(tail -3 "$DEST/apt/update.log")"
(cd "$DEST/src" && "${apt[@]}" source yajl libseccomp libcap2) >"$DEST/apt/source.log" 2>&1 ||
	die "apt-get source failed: $(tail -3 "$DEST/apt/source.log")"

cc=(musl-gcc -O2 -isystem "$DEST/kernel-include")

# yajl: the library's C files, no build system needed
yajl=$(echo "$DEST"/src/yajl-*/src)
cp "$yajl"/api/*.h "$DEST/include/yajl/"
sed -e 's/${YAJL_MAJOR}/2/; s/${YAJL_MINOR}/1/; s/${YAJL_MICRO}/0/' \
	"$yajl/api/yajl_version.h.cmake" >"$DEST/include/yajl/yajl_version.h"
mkdir -p "$DEST/obj/yajl"
for c in "$yajl"/yajl*.c; do
	"${cc[@]}" -I"$DEST/include" -c "$c" -o "$DEST/obj/yajl/$(basename "$c" .c).o"
done
ar rcs "$DEST/lib/libyajl.a" "$DEST"/obj/yajl/*.o

# libcap: its own Makefile, the static library only
libcap=$(echo "$DEST"/src/libcap2-*)
make -s -C "$libcap/libcap" CC="${cc[*]}" BUILD_CC=gcc SHARED=no PAM_CAP=no GOLANG=no libcap.a \
	>"$DEST/libcap.log" 2>&1 || die "libcap build failed: $(tail -3 "$DEST/libcap.log")"
cp "$libcap/libcap/libcap.a" "$DEST/lib/"
cp "$libcap/libcap/include/sys/capability.h" "$DEST/include/sys/"

# libseccomp: configure (gperf makes its syscall table), the library only
seccomp=$(echo "$DEST"/src/libseccomp-*)
(cd "$seccomp" && CC="${cc[*]}" ./configure --enable-static --disable-shared --disable-python &&
	make -C src libseccomp.la) >"$DEST/libseccomp.log" 2>&1 ||
	die "libseccomp build failed: $(tail -3 "$DEST/libseccomp.log")"
cp "$seccomp/src/.libs/libseccomp.a" "$DEST/lib/"
cp "$seccomp/include/seccomp.h" "$seccomp/include/seccomp-syscalls.h" "$DEST/include/"

touch "$DEST/.built"
