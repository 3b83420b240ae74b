#!/bin/bash
# timeout: 1200
# In the pure cgroup v2 VM without systemd (`run-v2`): CRIU checkpoint/restore with the
# cgroupfs driver (tests/vm/criu.sh); this host's kernel fails `criu check`.
source "$(dirname "$0")/../vm/boot.sh"
vm_run --timeout 1100 -- criu
