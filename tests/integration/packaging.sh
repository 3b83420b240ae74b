#!/bin/bash
# The Debian package (`make deb`, scripts/make-deb.sh): it is built from the runtime under test
# into a private directory, lists the binary, the man pages and the bash completion, has a
# proper control file; installed with apt-get it puts runc-go on PATH, its man page where man
# finds it and its completion where bash-completion loads it; purged, it leaves none of its
# files. The machine is left as it was found, also when a check fails.
source "$(dirname "$0")/../lib.sh"

PKG=runc-go
# outside TEST_TMP/b, which is emptied after each test: the package is built once per script
DEB_DIR=$TEST_TMP/deb

package_status() { dpkg-query -W -f='${db:Status-Status}' "$PKG" 2>/dev/null; }

# build_deb: make the package once (from a private BUILD holding a copy of the runtime under
# test; `make -o` packages that binary instead of rebuilding it); DEB is its path.
build_deb() {
	require_runc_go
	local tool
	for tool in dpkg-deb go-md2man; do
		command -v "$tool" >/dev/null || skip "$tool is not installed (make deps)"
	done
	DEB=$(ls "$DEB_DIR"/out/runc-go_*.deb 2>/dev/null | head -1)
	[[ -n $DEB ]] && return 0
	mkdir -p "$DEB_DIR/build"
	cp "$RUNTIME" "$DEB_DIR/build/runc-go"
	local out
	out=$(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$REPO" -o "$DEB_DIR/build/runc-go" \
		deb BUILD="$DEB_DIR/build" DEB_OUT="$DEB_DIR/out" 2>&1) || fail "make deb failed: $out"
	DEB=$(ls "$DEB_DIR"/out/runc-go_*.deb 2>/dev/null | head -1)
	[[ -n $DEB ]] || fail "make deb made no runc-go_*.deb in $DEB_DIR/out: $out"
	[[ ! -e $REPO/$(basename "$DEB") ]] || fail "make deb wrote into the repository"
}

# deb_files: the files and links the package holds, as absolute paths.
deb_files() { dpkg-deb --fsys-tarfile "$DEB" | tar -t | sed -n 's|^\./|/|; /[^/]$/p'; }

test_deb_contents() {
	build_deb
	local version arch files page
	version=$(sed -n 's/^VERSION := //p' "$REPO/Makefile")
	arch=$(dpkg --print-architecture)
	assert_eq "package file name" "runc-go_${version}_${arch}.deb" "$(basename "$DEB")"
	files=$(deb_files)
	for page in "$REPO"/docs/man/*.8.md; do
		page=$(basename "$page" .md)
		grep -qxF "/usr/share/man/man8/$page.gz" <<<"$files" || fail "no /usr/share/man/man8/$page.gz in: $files"
	done
	for f in /usr/sbin/runc-go /usr/share/bash-completion/completions/runc-go \
		/usr/share/doc/runc-go/copyright /usr/share/doc/runc-go/README.md; do
		grep -qxF "$f" <<<"$files" || fail "no $f in the package: $files"
	done
	local listing
	listing=$(dpkg-deb -c "$DEB") || fail "dpkg-deb -c $DEB failed"
	grep -qE '^-rwxr-xr-x root/root .* \./usr/sbin/runc-go$' <<<"$listing" ||
		fail "/usr/sbin/runc-go is not an executable owned by root: $(grep sbin <<<"$listing")"
	assert_eq "Package" runc-go "$(dpkg-deb -f "$DEB" Package)"
	assert_eq "Version" "$version" "$(dpkg-deb -f "$DEB" Version)"
	assert_eq "Architecture" "$arch" "$(dpkg-deb -f "$DEB" Architecture)"
	local depends lib
	depends=$(dpkg-deb -f "$DEB" Depends)
	# a dynamically linked runtime names its libraries; the static one (the default) none
	if ldd "$RUNTIME" >/dev/null 2>&1; then
		for lib in libyajl2 libseccomp2 libcap2 libc6; do
			[[ $depends =~ (^|, )$lib( |,|$) ]] || fail "Depends does not name $lib: $depends"
		done
	else
		assert_eq "Depends of a static binary" "" "$depends"
	fi
	[[ -n $(dpkg-deb -f "$DEB" Maintainer) && -n $(dpkg-deb -f "$DEB" Description) ]] ||
		fail "no Maintainer or Description: $(dpkg-deb -f "$DEB")"
}

# remove_package: purge what this test installed (its EXIT trap).
remove_package() {
	[[ $(package_status) == not-installed || -z $(package_status) ]] && return 0
	DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -q -o DPkg::Lock::Timeout=120 "$PKG" \
		>>"$TEST_TMP/apt.log" 2>&1 || dpkg --purge "$PKG" >>"$TEST_TMP/apt.log" 2>&1
}

test_install_and_purge() {
	local before
	before=$(package_status)
	[[ -z $before || $before == not-installed ]] ||
		skip "package $PKG is already on this machine (status: $before): not touching it"
	command -v apt-get >/dev/null || skip "apt-get is not available"
	build_deb
	trap remove_package EXIT
	trap 'exit 143' TERM INT
	local files log=$TEST_TMP/apt.log
	files=$(deb_files)

	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=120 "$DEB" >"$log" 2>&1 || fail "apt-get install $DEB failed: $(tail -5 "$log")"
	assert_eq "status after install" installed "$(package_status)"

	# on PATH as root has it, whatever else (a /usr/local/sbin/runc-go) is installed
	local found
	found=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v runc-go)
	assert_eq "runc-go on PATH" /usr/sbin/runc-go "$found"
	OUT=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin runc-go --version 2>&1)
	[[ $OUT =~ ^runc-go\ version\ $(dpkg-deb -f "$DEB" Version)$'\n' ]] || fail "runc-go --version: $OUT"
	PATH=/usr/sbin:/usr/bin:/sbin:/bin runc-go features | jq -e '.ociVersionMax' >/dev/null ||
		fail "the installed runc-go features does not print its JSON"

	if grep -qsE '^path-exclude=?/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
		sub_skip man "dpkg excludes /usr/share/man on this machine"
	else
		assert_eq "man -w runc-go" /usr/share/man/man8/runc-go.8.gz "$(man -w runc-go 2>&1)"
		assert_eq "man -w runc-go-exec" /usr/share/man/man8/runc-go-exec.8.gz "$(man -w runc-go-exec 2>&1)"
	fi
	# bash-completion finds the completion by the command's name
	[[ $(bash --norc --noprofile -c 'source /usr/share/bash-completion/bash_completion &&
		_completion_loader runc-go; complete -p runc-go' 2>&1) == *"-F _runc_go runc-go"* ]] ||
		fail "bash-completion does not load the installed completion for runc-go"

	DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -q -o DPkg::Lock::Timeout=120 "$PKG" \
		>"$log" 2>&1 || fail "apt-get remove --purge failed: $(tail -5 "$log")"
	local status left=() f
	status=$(package_status)
	[[ -z $status || $status == not-installed ]] || fail "status after purge: $status"
	for f in $files; do
		[[ -e $f || -L $f ]] && left+=("$f")
	done
	[[ ${#left[@]} -eq 0 ]] || fail "files left after purge: ${left[*]}"
	return 0
}

run_tests
