#!/bin/bash
# Build runc-go_<version>_<arch>.deb from `make install DESTDIR=<staging> PREFIX=/usr` of an
# existing build: the binary (stripped), the man pages (gzipped), the bash completion, the
# README and design notes with a copyright file, and DEBIAN/control whose Depends come from
# dpkg-shlibdeps (libc6, libyajl2, libseccomp2, libcap2).
#
#   scripts/make-deb.sh [--build DIR] [--version X.Y.Z] [--out DIR]
#
# Called by `make deb`. The build is not redone: `make -o` takes $BUILD/runc-go as it is.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=build
VERSION=
OUT=
while [[ $# -gt 0 ]]; do
	case $1 in
	--build) BUILD=$2; shift 2 ;;
	--version) VERSION=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	*) echo "make-deb.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ $BUILD == /* ]] || BUILD=$REPO/$BUILD
OUT=${OUT:-$BUILD}
[[ $OUT == /* ]] || OUT=$PWD/$OUT
[[ -n $VERSION ]] || VERSION=$(sed -n 's/^VERSION := //p' "$REPO/Makefile")
[[ -x $BUILD/runc-go ]] || { echo "make-deb.sh: $BUILD/runc-go is not built" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "make-deb.sh: dpkg-deb is not installed" >&2; exit 1; }

ARCH=$(dpkg --print-architecture)
MAINTAINER=${DEB_MAINTAINER:-runc-go maintainers <runc-go@localhost>}
DEB=$OUT/runc-go_${VERSION}_${ARCH}.deb
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/runc-go-deb.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/root
DOC=$ROOT/usr/share/doc/runc-go

make -s -C "$REPO" -o "$BUILD/runc-go" install BUILD="$BUILD" DESTDIR="$ROOT" PREFIX=/usr >/dev/null
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$ROOT/usr/sbin/runc-go"
gzip -9n "$ROOT"/usr/share/man/man8/*.8

cat >"$DOC/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: runc-go
Comment: An OCI container runtime in C, a drop-in replacement for runc.

Files: *
Copyright: the runc-go authors
License: unspecified
 No license has been chosen for runc-go yet.
EOF
printf 'runc-go (%s) unstable; urgency=medium\n\n  * Package built from %s.\n\n -- %s  %s\n' \
	"$VERSION" "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'a source tree')" \
	"$MAINTAINER" "$(date -R)" |
	gzip -9n >"$DOC/changelog.Debian.gz"
find "$ROOT" -type d -exec chmod 0755 {} +
find "$ROOT" -type f ! -path '*/sbin/*' -exec chmod 0644 {} +

# Depends: what dpkg-shlibdeps finds for the binary's libraries (it wants a debian/control).
depends=
if command -v dpkg-shlibdeps >/dev/null; then
	mkdir -p "$STAGE/src/debian"
	: >"$STAGE/src/debian/control"
	depends=$(cd "$STAGE/src" && dpkg-shlibdeps -O "$ROOT/usr/sbin/runc-go" 2>/dev/null |
		sed -n 's/^shlibs:Depends=//p')
fi
# A static binary (the default build) depends on nothing.
if ldd "$ROOT/usr/sbin/runc-go" >/dev/null 2>&1; then
	depends=${depends:-libc6, libcap2, libseccomp2, libyajl2}
fi

mkdir -p "$ROOT/DEBIAN"
cat >"$ROOT/DEBIAN/control" <<EOF
Package: runc-go
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
${depends:+Depends: $depends
}Section: admin
Priority: optional
Description: Open Container Initiative runtime, a drop-in replacement for runc
 runc-go runs containers from OCI bundles (runtime-spec 1.3.0) with runc's
 command line, state and log formats, so Docker, containerd and Podman can
 use it unchanged. It is written in C on yajl, libseccomp and libcap.
 .
 This package has the runc-go binary, its manual pages and bash completion.
EOF
(cd "$ROOT" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) \
	>"$ROOT/DEBIAN/md5sums"

mkdir -p "$OUT"
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null
echo "$DEB"
