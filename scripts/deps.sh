#!/bin/bash
# Install every package needed to build and test runc-go (Debian 12).
# Idempotent: packages already installed are skipped, `apt-get update` runs
# at most once and only when something is missing. Quiet unless it installs.
set -euo pipefail

PACKAGES=(
	gcc make pkg-config libyajl-dev libseccomp-dev libcap-dev
	# the default static build links musl (scripts/musl-deps.sh builds the three libraries
	# from Debian's sources: apt-get source needs dpkg-dev, libseccomp's build gperf)
	musl-tools gperf dpkg-dev
	busybox-static runc crun jq iproute2 tmux python3-jsonschema
	coreutils util-linux procps clang-format strace
	# tests/engines/pty-drive.py (the engines' -it cases)
	python3
	# the fuzz harnesses (make fuzz, tests/integration/fuzz.sh): libFuzzer and the sanitizers
	clang
	# man pages, bash completion and the .deb (make man, make deb; tests man, completion, packaging)
	go-md2man man-db bash-completion dpkg-dev
	# engine tests (tests/integration/engine-*.sh start them privately):
	# root podman with netns "none" and native overlay needs neither
	# slirp4netns, fuse-overlayfs nor (for podman) uidmap
	docker.io containerd podman
	# rootless tests: newuidmap/newgidmap for subordinate ids
	uidmap
	# dockerd loads its default AppArmor profile wherever AppArmor is on (the v2 VM)
	apparmor
	# checkpoint/restore (runc-go talks to `criu swrk`; tests in the VM: tests/vm/criu.sh)
	criu
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[[ $status == installed ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "deps.sh: missing packages: ${missing[*]} (run as root to install)" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# docker.io, containerd and podman ship services: a policy-rc.d that says
# 101 keeps them from starting system-wide (the tests start their own)
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\n# deps.sh: no service starts during the install\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
