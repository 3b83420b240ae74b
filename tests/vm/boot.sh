#!/bin/bash
# Sourced by the tests/integration/vm-*.sh wrappers: boots the pure cgroup v2 VM
# (../shared/vm/run-v2) and runs test scripts of tests/vm/ inside it, so the parts of
# the suite that need pure v2, systemd as PID 1 or a kernel CRIU accepts run in
# `make check` too. The scripts inside print the usual PASS/FAIL/SKIP lines, which come
# back on the VM's stdout and are counted by tests/run.sh like any other script's.
#
#   vm_run [run-v2 options] -- SCRIPT...     SCRIPT: a tests/vm/<name>.sh without .sh
set -uo pipefail

VM_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM_WRAPPER=$(basename "$0" .sh)
RUN_V2=${RUN_V2:-$VM_REPO/../shared/vm/run-v2}

vm_run() {
	local opts=() names=()
	while [[ $# -gt 0 && $1 != -- ]]; do opts+=("$1"); shift; done
	shift
	names=("$@")
	if [[ $(id -u) -ne 0 ]]; then
		echo "SKIP $VM_WRAPPER: the VM needs root"
		return 0
	fi
	if [[ ! -x $RUN_V2 ]]; then
		echo "FAIL $VM_WRAPPER: $RUN_V2 is missing (the shared VM tool, ../shared/vm)"
		return 1
	fi
	local build=${BUILD:-build}
	[[ $build == /* ]] || build=$VM_REPO/$build
	# The bundle cache is made on the host: the VM sees the work tree read-write but has
	# no apt, and making it there is slow under emulation.
	if [[ ! -f $build/test-cache/bundle/config.json ]]; then
		mkdir -p "$build/test-cache"
		(
			flock 9
			[[ -f $build/test-cache/bundle/config.json ]] ||
				"$VM_REPO/scripts/make-bundle.sh" "$build/test-cache/bundle" \
					--runtime "${RUNC:-/usr/sbin/runc}" >/dev/null
		) 9>"$build/test-cache/.lock" || {
			echo "FAIL $VM_WRAPPER: cannot make the test bundle"
			return 1
		}
	fi
	cd "$VM_REPO" || return 1
	BUILD=$build "$RUN_V2" "${opts[@]}" -- tests/vm/inside.sh "${names[@]}"
	local rc=$?
	if [[ $rc -eq 124 ]]; then
		echo "FAIL $VM_WRAPPER: the VM timed out (run-v2 ${opts[*]})"
	elif [[ $rc -ne 0 && $rc -ne 1 ]]; then
		echo "FAIL $VM_WRAPPER: run-v2 exited with status $rc"
	fi
	return $rc
}
