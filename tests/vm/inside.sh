#!/bin/bash
# Runs inside the VM (see boot.sh): the kernel modules the tests need, then each named
# tests/vm/<name>.sh in turn. Exit 1 if any script failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
for mod in tun overlay veth br_netfilter; do modprobe "$mod" 2>/dev/null; done
echo "vm: kernel $(uname -r), PID 1 $(cat /proc/1/comm), $(nproc) cpus"
rc=0
for name in "$@"; do
	start=$(date +%s)
	# setsid: a session of its own (CRIU refuses a task whose sid is 0, as under the
	# plain VM's busybox PID 1)
	setsid -w bash "tests/vm/$name.sh" </dev/null || rc=1
	echo "vm: $name took $(($(date +%s) - start)) s"
done
exit $rc
