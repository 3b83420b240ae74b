#!/bin/bash
# A soft-RoCE RDMA device for the rdma cgroup tests in the pure v2 VM, whose
# kernel tree is pruned of the InfiniBand modules.
#   tests/vm/rdma-device.sh fetch DIR   (on the host) the modules of the VM's
#                                       kernel from Debian's package, into DIR
#   tests/vm/rdma-device.sh load DIR    (in the VM) insmod them and add rxe0
#                                       on a veth pair
set -euo pipefail
mode=${1:?fetch|load}
dir=${2:?DIR}
mods="net/ipv4/udp_tunnel.ko net/ipv6/ip6_udp_tunnel.ko drivers/infiniband/core/ib_core.ko
	drivers/infiniband/core/ib_uverbs.ko drivers/infiniband/sw/rxe/rdma_rxe.ko"

case $mode in
fetch)
	kver=$(basename "$(readlink -f /var/cache/run-v2/kernel/current)")
	mkdir -p "$dir"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download "linux-image-$kver" >/dev/null 2>&1)
	paths=()
	for m in $mods; do paths+=("./lib/modules/$kver/kernel/$m"); done
	dpkg-deb --fsys-tarfile "$tmp"/linux-image-*.deb | tar -x -C "$tmp" "${paths[@]}"
	for m in $mods; do cp "$tmp/lib/modules/$kver/kernel/$m" "$dir/"; done
	echo "$kver" >"$dir/kernel-version"
	;;
load)
	[[ $(cat "$dir/kernel-version") == "$(uname -r)" ]] || { echo "modules are for $(cat "$dir/kernel-version"), not $(uname -r)" >&2; exit 1; }
	for m in $mods; do insmod "$dir/$(basename "$m")" 2>/dev/null || grep -q "^$(basename "$m" .ko) " /proc/modules; done
	modprobe veth
	ip link add rgo-rxe0 type veth peer name rgo-rxe1
	ip link set rgo-rxe0 up
	ip link set rgo-rxe1 up
	rdma link add rxe0 type rxe netdev rgo-rxe0
	;;
*)
	echo "usage: $0 fetch|load DIR" >&2
	exit 2
	;;
esac
