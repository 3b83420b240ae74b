#!/bin/bash
# Install every package needed to build and test runc-go (Debian 12).
# Idempotent: packages already installed are skipped, `apt-get update` runs
# at most once and only when something is missing. Quiet unless it installs.
set -euo pipefail

PACKAGES=(
	gcc make pkg-config libyajl-dev libseccomp-dev libcap-dev
	busybox-static runc crun jq iproute2
	coreutils util-linux procps clang-format
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
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
