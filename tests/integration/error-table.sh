#!/bin/bash
# Broken configs, one row each: create must fail with ONE line that names
# config.json, the JSON path of the field and, where there is a known fix,
# says it; and leave nothing behind. (errors.sh checks the parser's cases one
# by one; this table is the catalogue a user meets, docs/troubleshooting.md.)
source "$(dirname "$0")/../lib.sh"

# Each row: FIELD|FIX (- when none)|JQ FILTER. A row whose FIELD starts with
# "?" names a host fact the row needs (see host_allows).
ROWS=$(
	cat <<'ROWS'
ociVersion|-|.ociVersion = 5
process.args|must not be empty|.process.args = []
process.cwd|absolute path|.process.cwd = "tmp"
process.env[2]|expected NAME=VALUE|.process.env += ["NOEQUALS"]
process.user.umask|expected 0 to 0777|.process.user.umask = 9999
process.user.uid|-|.process.user.uid = -1
process.rlimits[0].type|getrlimit(2)|.process.rlimits = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]
process.rlimits[0].soft|greater than hard limit|.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 10, "hard": 5}]
process.capabilities.bounding[3]|capabilities(7)|.process.capabilities.bounding += ["CAP_FOO"]
process.scheduler.policy|expected SCHED_OTHER|.process.scheduler = {"policy": "SCHED_FOO"}
process.ioPriority.class|expected IOPRIO_CLASS_RT|.process.ioPriority = {"class": "IOPRIO_CLASS_FOO", "priority": 1}
process.oomScoreAdj|expected -1000 to 1000|.process.oomScoreAdj = 5000
root.path|no such file or directory|.root.path = "no-such-rootfs"
hooks.prestart[0].path|absolute path|.hooks.prestart = [{"path": "relative/hook"}]
mounts[7]|/proc/filesystems|.mounts += [{"destination": "/x", "type": "rgofoofs", "source": "none"}]
mounts[7]|no such file or directory|.mounts += [{"destination": "/x", "type": "bind", "source": "/no/such/src", "options": ["bind"]}]
linux.namespaces[NEXT].type|expected mount, pid|.linux.namespaces += [{"type": "foo"}]
linux.namespaces[NEXT].type|duplicate|.linux.namespaces += [{"type": "pid"}]
linux.namespaces[1].path|no such file or directory|(.linux.namespaces[] | select(.type == "network")) |= {"type": "network", "path": "/no/such/ns"}
linux.uidMappings[1]|containerID range overlaps|.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 100}, {"containerID": 50, "hostID": 300000, "size": 100}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
linux.gidMappings[1]|hostID range overlaps|.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 100}, {"containerID": 500, "hostID": 100050, "size": 10}]
linux.uidMappings[0].size|greater than zero|.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 0}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
hooks.prestart[0].timeout|greater than zero|.hooks.prestart = [{"path": "/bin/true", "timeout": -1}]
linux.uidMappings|requires a user namespace|.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]
linux.timeOffsets|requires a new time namespace|.linux.timeOffsets = {"monotonic": {"secs": 10}}
linux.sysctl["kernel.core_pattern"]|only net.*|.linux.sysctl = {"kernel.core_pattern": "x"}
linux.sysctl["net.ipv4.ip_forward"]|requires a network namespace|.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))
linux.sysctl["net.ipv4.ip_forward"]|use a new network namespace|(.linux.namespaces[] | select(.type == "network")) |= {"type": "network", "path": $hostnet} | .linux.sysctl = {"net.ipv4.ip_forward": "1"}
linux.maskedPaths[0]|absolute path|.linux.maskedPaths = ["relative"]
linux.rootfsPropagation|expected private|.linux.rootfsPropagation = "foo"
linux.personality.domain|expected LINUX or LINUX32|.linux.personality = {"domain": "LINUX64"}
linux.resources.memory.limit|expected integer|.linux.resources.memory = {"limit": "x"}
linux.resources.memory.swap|at least the limit, or -1|.linux.resources.memory = {"limit": 200000000, "swap": 100000000}
linux.resources.cpu.period|1000 to 1000000|.linux.resources.cpu = {"quota": 1000, "period": 10}
linux.resources.cpu.quota|at least 1000|.linux.resources.cpu = {"quota": 10, "period": 100000}
linux.resources.cpu.shares|minimum allowed cpu-shares is 2|.linux.resources.cpu = {"shares": 1}
linux.resources.cpu.cpus|/sys/devices/system/cpu/online|.linux.resources.cpu = {"cpus": "0-999"}
linux.resources.devices[1].type|expected a, b or c|.linux.resources.devices += [{"allow": true, "type": "x", "access": "r"}]
linux.resources.pids.limit|expected integer|.linux.resources.pids = {"limit": "x"}
linux.resources.hugepageLimits|-|.linux.resources.hugepageLimits = [{"pageSize": "3MB", "limit": 4194304}]
linux.seccomp.defaultAction|runc-go features|.linux.seccomp = {"defaultAction": "SCMP_ACT_FOO"}
linux.seccomp.architectures[0]|runc-go features|.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_FOO"]}
linux.seccomp.listenerPath|-|.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}
?noapparmor process.apparmorProfile|apparmor=1|.process.apparmorProfile = "docker-default"
?noselinux process.selinuxLabel|selinux is disabled|.process.selinuxLabel = "system_u:system_r:container_t:s0"
?noresctrl linux.intelRdt|mount -t resctrl|.linux.intelRdt = {"closID": "rgo"}
ROWS
)

host_allows() {
	case $1 in
	noapparmor) [[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) != Y* ]] ;;
	noselinux) [[ $(stat -fc %T /sys/fs/selinux 2>/dev/null) != selinuxfs ]] ;;
	noresctrl) [[ $(stat -fc %t /sys/fs/resctrl 2>/dev/null) != 7655821 ]] ;;
	esac
}

test_broken_configs() {
	require_runc_go
	local field fix filter need rows=0 line next
	# the index of an appended namespace: runc's spec adds a cgroup one on pure v2
	ensure_cache
	next=$(jq '.linux.namespaces | length' "$CACHE/bundle/config.json")
	while IFS='|' read -r field fix filter; do
		need=""
		if [[ $field == \?* ]]; then
			need=${field%% *}
			need=${need#\?}
			field=${field#* }
			host_allows "$need" || { sub_skip "$field" "this host has what the row lacks ($need)"; continue; }
		fi
		field=${field//NEXT/$next}
		rows=$((rows + 1))
		new_container
		set_args true
		set_config "$filter" --arg hostnet "/proc/$$/ns/net"
		rt create -b "$BUNDLE" "$ID"
		if [[ $RC -eq 0 || $RC -eq 124 ]]; then
			sub_fail "$field" "create exited $RC with: $filter"
			rt delete --force "$ID"
			continue
		fi
		line="$ERR"
		if [[ $(grep -c . <<<"$line") -ne 1 ]]; then
			sub_fail "$field" "expected one line, got: $line"
		elif [[ $line != *"config.json: "*"$field"* ]]; then
			sub_fail "$field" "no 'config.json: ... $field' in: $line"
		elif [[ $fix != - && $line != *"$fix"* ]]; then
			sub_fail "$field" "no fix '$fix' in: $line"
		elif [[ -n $(leftovers_of "$ID") ]]; then
			sub_fail "$field" "left behind: $(leftovers_of "$ID")"
		else
			sub_pass "$field"
		fi
	done <<<"$ROWS"
	[[ $rows -ge 30 ]] || fail "only $rows rows ran"
}

run_tests
