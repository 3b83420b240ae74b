#!/bin/bash
# demo.sh BUILD_DIR: run a real container with BUILD_DIR/runc-go: a busybox
# bundle at BUILD_DIR/bundle, placed in the cgroup /runc-go-demo (absolute:
# a relative path would land under this shell's own cgroup).
set -euo pipefail

build=${1:-build}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build"
build=$(cd "$build" && pwd)
runtime=$build/runc-go
[[ -x $runtime ]] || { echo "demo: $runtime not built (run make)" >&2; exit 1; }

bundle=$build/bundle
"$repo/scripts/make-bundle.sh" "$bundle" --runtime "$runtime"
jq '.process.args = ["sh", "-c", "echo hello from runc-go in $(hostname); id; cat /proc/self/cgroup | head -3"]
	| .linux.cgroupsPath = "/runc-go-demo"' "$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

id=demo-$$
cmd=("$runtime" run "$id")
echo "+ cd $bundle && ${cmd[*]}"
set +e
(cd "$bundle" && "${cmd[@]}")
rc=$?
set -e
echo "exit code: $rc"
# leave nothing behind if the runtime did not clean up
"$runtime" delete --force "$id" >/dev/null 2>&1 || true
for d in /sys/fs/cgroup/*/runc-go-demo /sys/fs/cgroup/runc-go-demo; do
	[[ -d $d ]] && rmdir "$d" 2>/dev/null || true
done
exit $rc
