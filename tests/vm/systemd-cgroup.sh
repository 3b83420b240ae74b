#!/bin/bash
# The systemd cgroup driver (`--systemd-cgroup`, cgroupsPath "slice:prefix:name") where
# systemd is PID 1 on the pure cgroup v2 hierarchy: the VM of `run-v2 --systemd`
# (tests/integration/vm-systemd.sh; by hand: BUILD=build ../shared/vm/run-v2 --systemd
# --mem 3G --timeout 1500 -- tests/vm/inside.sh systemd-cgroup).
#
# A container of cgroupsPath SLICE:PREFIX:NAME is the transient unit PREFIX-NAME.scope
# in SLICE (a NAME ending in .slice is a slice unit of that name), whose cgroup is
# /sys/fs/cgroup/<SLICE expanded: a-b.slice is /a.slice/a-b.slice>/<unit>. The tests
# check the unit's properties (systemctl show) and the cgroup files side by side,
# compare with Debian's runc on the same bundle, and check that nothing is left: no
# unit (LoadState=not-found), no cgroup directory, no state, no process.
#
# Every call passes the global --systemd-cgroup (rt is redefined below), as engines
# configured for systemd do. Some checks go beyond runc 1.1.5; with RUNTIME=runc they
# are SKIP sub-results that say what runc does (see beyond_runc).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../lib-nobus.sh"

CG=/sys/fs/cgroup
# the prefix of the units of the runtime under test, whatever it is: the unit's name
# comes from cgroupsPath, not from the runtime
PREFIX=runc-go
# a tag for the slices this script makes (no dash: a dash nests slices)
TAG=rgo$$
# memory, pids and cpu limits (page-aligned memory: systemd rounds down to pages)
LIMITS='{"memory": {"limit": 67108864}, "pids": {"limit": 20}, "cpu": {"shares": 512, "quota": 50000, "period": 100000}}'

rt() { rt_with "$RUNTIME" --systemd-cgroup "$@"; }

# ---------------------------------------------------------------- helpers

# slice_path SLICE: the cgroup path of a slice unit (a-b.slice: /a.slice/a-b.slice;
# -.slice: empty)
slice_path() {
	local name=${1%.slice} path="" prefix="" c
	[[ $name == - ]] && return 0
	local IFS=-
	for c in $name; do
		path+=/$prefix$c.slice
		prefix+=$c-
	done
	echo "$path"
}

# note_unit UNIT: stopped by the cleanup if a test leaves it (only units carrying
# this script's ids or tag: never system.slice or another unit of the VM)
note_unit() { echo "$1" >>"$TEST_TMP/units"; }

# sd_paths SLICE PREFIX NAME [JQ]: set cgroupsPath to SLICE:PREFIX:NAME (and apply the
# jq filter JQ in the same pass); UNIT and CGPATH (the unit's cgroup, relative to
# /sys/fs/cgroup) for it
sd_paths() {
	set_config ".linux.cgroupsPath = \$p | ${4:-.}" --arg p "$1:$2:$3"
	if [[ $3 == *.slice ]]; then
		UNIT=$3
	else
		UNIT=$2-$3.scope
	fi
	CGPATH=$(slice_path "${1:-system.slice}")/$UNIT
	note_unit "$UNIT"
}

# sd_container [--shared-rootfs] [SLICE [PREFIX [NAME]]]: a fresh container (args
# sleep 1000) in SLICE:PREFIX:NAME, by default system.slice:runc-go:ID
sd_container() {
	local shared=()
	[[ ${1:-} == --shared-rootfs ]] && { shared=(--shared-rootfs); shift; }
	new_container "${shared[@]}"
	# one jq pass: each costs a noticeable fraction of a second under emulation
	sd_paths "${1-system.slice}" "${2-$PREFIX}" "${3-$ID}" '.process.args = ["sleep", "1000"]'
}

# prop UNIT NAME: one property of a unit
prop() { systemctl show -p "$2" --value "$1" 2>/dev/null; }

# assert_props UNIT NAME=VALUE...: the unit's properties, in one systemctl call
assert_props() {
	local unit=$1 names="" kv shown got
	shift
	for kv in "$@"; do names+=${names:+,}${kv%%=*}; done
	shown=$(systemctl show -p "$names" "$unit" 2>&1)
	for kv in "$@"; do
		got=$(grep -m1 "^${kv%%=*}=" <<<"$shown")
		got=${got#*=}
		[[ $got == "${kv#*=}" ]] || fail "$unit: ${kv%%=*}: expected '${kv#*=}', got '$got'"
	done
}

# cg FILE: the content of a file of the unit's cgroup
cg() { cat "$CG$CGPATH/$1" 2>&1; }

# assert_cg FILE VALUE...
assert_cg() {
	local f=$1
	shift
	assert_eq "$CGPATH/$f" "$*" "$(cg "$f")"
}

# assert_in_unit PID...: the processes are in the unit's cgroup, and the cgroup holds
# nothing else
assert_in_unit() {
	local pid
	for pid in "$@"; do
		assert_eq "/proc/$pid/cgroup" "0::$CGPATH" "$(cat "/proc/$pid/cgroup" 2>&1)"
	done
	assert_eq "$CGPATH/cgroup.procs" "$(printf '%s\n' "$@" | sort -n)" "$(sort -n "$CG$CGPATH/cgroup.procs" 2>&1)"
}

# unit_gone UNIT CGPATH: systemd no longer knows the unit and its cgroup is gone. A
# slice is different: systemd loads any well-formed slice name on demand (`systemctl
# show` of one that never existed says LoadState=loaded), so a slice is gone when it
# is inactive, not failed, and its cgroup is gone.
unit_gone() {
	if [[ $1 == *.slice ]]; then
		[[ $(prop "$1" ActiveState) == inactive && ! -e $CG$2 ]]
		return
	fi
	[[ $(prop "$1" LoadState) == not-found ]] &&
		[[ -z $(systemctl list-units --all --plain --no-legend "$1" 2>/dev/null) ]] &&
		[[ ! -e $CG$2 ]]
}

# assert_gone [UNIT CGPATH [ID]]: nothing left of the container (default: the current
# one): no unit, no cgroup, and lib.sh's check (state dir, mounts, processes). Systemd
# stops an empty scope asynchronously: allow it 5 s.
assert_gone() {
	local unit=${1:-$UNIT} path=${2:-$CGPATH} id=${3:-$ID} i
	for ((i = 0; i < 50; i++)); do
		unit_gone "$unit" "$path" && break
		sleep 0.1
	done
	unit_gone "$unit" "$path" ||
		fail "left: unit $unit (LoadState=$(prop "$unit" LoadState) ActiveState=$(prop "$unit" ActiveState)), cgroup $CG$path: $([[ -e $CG$path ]] && echo present || echo gone)"
	assert_no_leftovers "$id"
}

# run_d: `run -d` the current container and set PID to its init
run_d() {
	rt_ok run -d -b "$BUNDLE" "$ID"
	get_state
	PID=$(st pid)
}

# beyond_runc NAME WHY: a sub-check that runc 1.1.5 is known to fail (WHY says how),
# called when it failed: a FAIL sub-result for any other runtime, a SKIP that says
# what runc does for runc itself.
beyond_runc() {
	if is_runc; then
		sub_skip "$1" "runc 1.1.5 differs: $2"
	else
		sub_fail "$1" "$2"
	fi
}

# Before lib.sh's cleanup (which deletes without the flag): delete with it, with both
# runtimes, stop the units a test left (last noted first), remove cgroup directories
# a runtime made by hand.
eval "lib_$(declare -f cleanup_containers)"
cleanup_containers() {
	local id u
	for id in $(sort -u "$TEST_TMP/ids" 2>/dev/null); do
		timeout -k 2 10 "$RUNTIME" --root "$ROOT" --systemd-cgroup delete --force "$id" </dev/null >/dev/null 2>&1
		[[ -d $REF_ROOT ]] &&
			timeout -k 2 10 "$RUNC" --root "$REF_ROOT" --systemd-cgroup delete --force "$id" </dev/null >/dev/null 2>&1
	done
	if [[ -s $TEST_TMP/units ]]; then
		tac "$TEST_TMP/units" | while read -r u; do
			[[ $u == *rgt-* || $u == *"$TAG"* ]] || continue
			[[ $(prop "$u" LoadState) == not-found ]] && continue
			timeout -k 2 20 systemctl stop "$u" >/dev/null 2>&1
			systemctl reset-failed "$u" >/dev/null 2>&1
		done
		: >"$TEST_TMP/units"
	fi
	local d
	for d in $(find "$CG" -maxdepth 4 -type d \( -name "*rgt-$SCRIPT_NAME-$$-*" -o -name "*$TAG*" \) 2>/dev/null |
		awk '{print length, $0}' | sort -rn | cut -d' ' -f2-); do
		rmdir "$d" 2>/dev/null
	done
	lib_cleanup_containers
}

# ------------------------------------------- criterion 1: run makes the scope

# run -d with memory, pids and cpu limits: PREFIX-ID.scope in system.slice, active,
# delegated, its properties and the cgroup files carry the limits, the container's
# process is in it; after the container stops and is deleted nothing is left
test_run_creates_scope() {
	sd_container
	set_config ".linux.resources += $LIMITS"
	run_d
	assert_props "$UNIT" LoadState=loaded ActiveState=active SubState=running \
		Slice=system.slice ControlGroup="$CGPATH" Delegate=yes \
		MemoryMax=67108864 TasksMax=20 CPUWeight=20 CPUQuotaPerSecUSec=500ms
	assert_cg memory.max 67108864
	assert_cg pids.max 20
	# shares 512 -> weight 1 + (512 - 2) * 9999 / 262142
	assert_cg cpu.weight 20
	assert_cg cpu.max 50000 100000
	assert_in_unit "$PID"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt_ok delete "$ID"
	assert_gone
}

# a foreground run: the process sees its scope; when it exits, run deletes the
# container and the unit goes with it
test_foreground_run() {
	sd_container
	run_sh 'cat /proc/self/cgroup'
	assert_eq "/proc/self/cgroup in the container" "0::$CGPATH" "$OUT"
	assert_gone
}

# -------------------------------------- criterion 2: update, pause, kill --all

# update changes the unit's properties and the cgroup files together
test_update() {
	sd_container
	set_config ".linux.resources += $LIMITS"
	run_d
	rt_ok update --memory 134217728 "$ID"
	assert_props "$UNIT" MemoryMax=134217728
	assert_cg memory.max 134217728
	rt_ok update --pids-limit 30 --cpu-quota 20000 --cpu-period 100000 "$ID"
	assert_props "$UNIT" TasksMax=30 CPUQuotaPerSecUSec=200ms MemoryMax=134217728
	assert_cg pids.max 30
	assert_cg cpu.max 20000 100000
	# docker's form: the resources as JSON
	echo '{"memory": {"limit": 100663296}}' >"$TEST_TMP/res.json"
	rt_ok update --resources "$TEST_TMP/res.json" "$ID"
	assert_props "$UNIT" MemoryMax=100663296 TasksMax=30
	assert_cg memory.max 100663296
	assert_in_unit "$PID"
}

# the counter of a container: it moves while running, stands still while frozen
COUNTER_SH='i=0; while :; do i=$((i + 1)); echo $i >/tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.1; done'
counter() { cat "/proc/$PID/root/tmp/n" 2>/dev/null; }

assert_counting() {
	local a b i
	a=$(counter)
	for ((i = 0; i < 50; i++)); do
		sleep 0.1
		b=$(counter)
		[[ -n $b && $b != "$a" ]] && return 0
	done
	fail "$1: the counter stayed at '$b' for 5 s"
}

test_pause_resume() {
	sd_container
	# the counter's file is in the rootfs
	set_config '.root.readonly = false'
	set_args sh -c "$COUNTER_SH"
	run_d
	assert_counting "after run -d"
	rt_ok pause "$ID"
	wait_status paused
	grep -qx 'frozen 1' "$CG$CGPATH/cgroup.events" ||
		fail "paused: $CGPATH/cgroup.events: $(tr '\n' ' ' <"$CG$CGPATH/cgroup.events")"
	local a b
	a=$(counter)
	sleep 1
	b=$(counter)
	[[ -n $a && $a == "$b" ]] || fail "paused: the counter moved from '$a' to '$b'"
	assert_props "$UNIT" ActiveState=active
	rt_ok resume "$ID"
	wait_status running
	grep -qx 'frozen 0' "$CG$CGPATH/cgroup.events" ||
		fail "resumed: $CGPATH/cgroup.events: $(tr '\n' ' ' <"$CG$CGPATH/cgroup.events")"
	assert_counting "after resume"
}

# kill --all reaches the init and the exec'd processes (one ignoring SIGTERM); then
# delete without the flag (runc keeps the driver in its state) removes the unit
test_kill_all() {
	sd_container
	run_d
	rt_ok exec -d --pid-file "$TEST_TMP/e1.pid" "$ID" sleep 999
	# an ignored signal stays ignored across exec: the pid file names the sleep
	rt_ok exec -d --pid-file "$TEST_TMP/e2.pid" "$ID" sh -c 'trap "" TERM; exec sleep 998'
	local pids=("$PID" "$(cat "$TEST_TMP/e1.pid")" "$(cat "$TEST_TMP/e2.pid")") p
	assert_in_unit "${pids[@]}"
	rt_ok kill --all "$ID" KILL
	for p in "${pids[@]}"; do wait_dead "$p"; done
	wait_status stopped
	rt_with "$RUNTIME" delete "$ID"
	if [[ $RC -ne 0 ]]; then
		sub_fail delete-without-flag "delete without --systemd-cgroup exited $RC: $ERR (runc 1.1.5 takes the driver from its state)"
		rt_ok delete "$ID"
	fi
	assert_gone
}

# --------------------------------------------- criterion 3: the same as runc

# The same config under runc (cgroupsPath system.slice:runc:ID1) and the runtime
# under test (system.slice:runc-go:ID2): the units' properties and the cgroups' files
# must be the same, with the unit names and ids replaced by <unit> and <id>. The
# properties that carry limits are the test's result; the others (description,
# device rules, accounting, kill and collect modes) are sub-results.
CORE_PROPS=(LoadState ActiveState SubState Slice ControlGroup Delegate DefaultDependencies
	MemoryMax TasksMax CPUWeight CPUQuotaPerSecUSec CPUQuotaPeriodUSec MemoryLow MemoryHigh
	MemorySwapMax AllowedCPUs AllowedMemoryNodes IOWeight)
SOFT_PROPS=(
	"description|Description"
	"devices|DevicePolicy DeviceAllow"
	"accounting|CPUAccounting MemoryAccounting IOAccounting TasksAccounting"
	"dependencies|Requires Wants After Before Conflicts"
	"stop|KillMode SendSIGKILL TimeoutStopUSec CollectMode"
)
CG_FILES=(cgroup.type cgroup.subtree_control cgroup.max.depth cgroup.max.descendants
	memory.max memory.high memory.low memory.min memory.swap.max memory.oom.group
	pids.max cpu.weight cpu.max cpuset.cpus cpuset.mems io.weight io.max)

# props_of UNIT ID NAME...: "NAME=VALUE" lines (DeviceAllow sorted), UNIT and ID
# replaced
props_of() {
	local unit=$1 id=$2 names
	shift 2
	names=$(tr ' ' ',' <<<"$*")
	systemctl show -p "$names" "$unit" 2>&1 | sed "s|$unit|<unit>|g; s|$id|<id>|g" | sort
}

cg_files_of() { # cg_files_of CGPATH
	local f
	for f in "${CG_FILES[@]}"; do
		echo "$f: $(tr '\n' ' ' <"$CG$1/$f" 2>&1)"
	done
}

# differs REF GOT: the lines that differ, "runc [..] vs test [..]"
differs() {
	diff <(echo "$1") <(echo "$2") | awk '/^</ {r = r " [" substr($0, 3) "]"} /^>/ {g = g " [" substr($0, 3) "]"}
		END {if (r != "" || g != "") printf "runc%s vs test%s", r, g}'
}

test_same_as_runc() {
	[[ -x $RUNC ]] || skip "reference runtime $RUNC is not installed"
	sd_container
	set_config ".linux.resources += $LIMITS | .linux.resources.cpu.cpus = \"0\" | .linux.resources.cpu.mems = \"0\""
	local id=$ID unit=$UNIT path=$CGPATH bundle=$BUNDLE
	local ref_id ref_unit ref_path
	ref_id=$(new_id)
	make_bundle "$ref_id"
	cp "$bundle/config.json" "$BUNDLE/config.json"
	sd_paths system.slice runc "$ref_id"
	ref_unit=$UNIT ref_path=$CGPATH
	[[ $ref_unit == "runc-$ref_id.scope" && $unit == "$PREFIX-$id.scope" ]] ||
		fail "unit names: $ref_unit, $unit"
	mkdir -p "$REF_ROOT"
	ROOT=$REF_ROOT rt_with "$RUNC" --systemd-cgroup run -d -b "$BUNDLE" "$ref_id"
	[[ $RC -eq 0 ]] || fail "runc --systemd-cgroup run -d exited $RC: $ERR"
	rt_ok run -d -b "$bundle" "$id"
	local ref got d
	ref=$(props_of "$ref_unit" "$ref_id" "${CORE_PROPS[@]}")
	got=$(props_of "$unit" "$id" "${CORE_PROPS[@]}")
	d=$(differs "$ref" "$got")
	[[ -z $d ]] || fail "unit properties differ from runc's: $d"
	d=$(differs "$(cg_files_of "$ref_path")" "$(cg_files_of "$path")")
	[[ -z $d ]] || fail "cgroup files differ from runc's: $d"
	local s label names
	for s in "${SOFT_PROPS[@]}"; do
		IFS='|' read -r label names <<<"$s"
		# shellcheck disable=SC2086 # names: a list
		d=$(differs "$(props_of "$ref_unit" "$ref_id" $names)" "$(props_of "$unit" "$id" $names)")
		if [[ -z $d ]]; then
			sub_pass "$label"
		else
			sub_fail "$label" "$names differ from runc's: $d"
		fi
	done
	ROOT=$REF_ROOT rt_with "$RUNC" --systemd-cgroup delete --force "$ref_id"
	rt_ok delete --force "$id"
	assert_gone "$ref_unit" "$ref_path" "$ref_id"
	assert_gone "$unit" "$path" "$id"
}

# -------------------------------------------------- criterion 5: bad input

# LABEL|cgroupsPath|what the message must quote (the name part "@" is the id). The
# slice must end in .slice, with dash-separated non-empty components (systemd's rule)
# and no '/'; an empty name is refused too (runc 1.1.5 makes "<prefix>-.scope").
BAD_PATHS=(
	"two-fields|system.slice:runc-go|system.slice:runc-go"
	"four-fields|system.slice:runc-go:@:x|system.slice:runc-go:@:x"
	"empty-name|system.slice:runc-go:|system.slice:runc-go:"
	"slice-without-suffix|system:runc-go:@|system"
	"slice-leading-dash|-a.slice:runc-go:@|-a.slice"
	"slice-double-dash|a--b.slice:runc-go:@|a--b.slice"
	"slice-with-slash|a/b.slice:runc-go:@|a/b.slice"
	"bare-suffix|.slice:runc-go:@|.slice"
)

# each malformed path, with systemd running: refused, the message names cgroupsPath
# and quotes the bad part, nothing left (no unit of that name, no cgroup, no state)
test_malformed_cgroups_path() {
	local c label path bad
	for c in "${BAD_PATHS[@]}"; do
		IFS='|' read -r label path bad <<<"$c"
		new_container --shared-rootfs
		path=${path//@/$ID} bad=${bad//@/$ID}
		set_config '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "$path"
		note_unit "runc-go-$ID.scope"
		rt run -b "$BUNDLE" "$ID"
		if [[ $RC -eq 0 ]]; then
			beyond_runc "$label" "cgroupsPath '$path' was accepted"
		elif [[ $RC -eq 124 ]]; then
			sub_fail "$label" "cgroupsPath '$path': timed out"
		elif [[ $ERR != *cgroupsPath* || $ERR != *"$bad"* ]]; then
			beyond_runc "$label" "cgroupsPath '$path': expected an error naming (linux.)cgroupsPath and quoting '$bad', got: $ERR"
		else
			sub_pass "$label"
		fi
		rt delete --force "$ID"
		local u
		for u in $(systemctl list-units --all --plain --no-legend 2>/dev/null | awk -v id="$ID" 'index($1, id) || $1 ~ /^runc-go-\.scope$/ {print $1}'); do
			sub_fail "$label" "unit $u left"
			note_unit "$u"
		done
		[[ -z $(find "$CG" -maxdepth 4 -name "*$ID*" 2>/dev/null) ]] ||
			sub_fail "$label" "cgroup left: $(find "$CG" -maxdepth 4 -name "*$ID*" | tr '\n' ' ')"
		assert_no_leftovers "$ID"
	done
}

# LABEL|annotation key|value|what the message must quote: a value whose GVariant type
# is unknown, a string without its quotes, a property systemd does not have
BAD_PROPERTIES=(
	"unknown-type|org.systemd.property.TimeoutStopUSec|foo 12|TimeoutStopUSec"
	"unquoted-string|org.systemd.property.CollectMode|inactive-or-failed|CollectMode"
	"unknown-property|org.systemd.property.NoSuchProperty|true|NoSuchProperty"
)

test_bad_systemd_property() {
	local c label key value quote
	for c in "${BAD_PROPERTIES[@]}"; do
		IFS='|' read -r label key value quote <<<"$c"
		sd_container --shared-rootfs
		set_config '.annotations[$k] = $v' --arg k "$key" --arg v "$value"
		rt run -d -b "$BUNDLE" "$ID"
		if [[ $RC -eq 0 || $RC -eq 124 ]]; then
			sub_fail "$label" "annotation $key=$value: exited $RC: $ERR"
		elif [[ $ERR != *"$quote"* ]]; then
			sub_fail "$label" "annotation $key=$value: expected an error naming $quote, got: $ERR"
		else
			sub_pass "$label"
		fi
		assert_gone
	done
}

# names_no_systemd: stderr says it is the systemd cgroup driver that cannot work and
# that systemd is not there: "systemd", "cgroup", and "not running", "bus" or
# "connect" (case-insensitive)
names_no_systemd() {
	local e=${ERR,,}
	[[ $e == *systemd* && $e == *cgroup* ]] &&
		[[ $e == *"not running"* || $e == *bus* || $e == *connect* ]]
}

# systemd unreachable, three ways: refused within 10 s (a silent bus: 45 s, on the
# runtime's own timeout), one clear line for the plain case, nothing left in the real
# systemd or cgroup tree
test_no_systemd() {
	local mode w t0 ms limit
	for mode in none marker stalled; do
		if [[ $mode == stalled ]] && ! command -v python3 >/dev/null; then
			sub_skip "$mode" "python3 is not installed (it plays the silent bus)"
			continue
		fi
		w=$(no_bus_wrapper "$mode")
		sd_container --shared-rootfs
		limit=10
		[[ $mode == stalled ]] && limit=45
		t0=${EPOCHREALTIME/./}
		TEST_TIMEOUT=$limit rt_with "$w" --systemd-cgroup run -d -b "$BUNDLE" "$ID"
		ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
		echo "# no_systemd/$mode: exit $RC after $ms ms: $ERR" >&2
		if [[ $RC -eq 98 || $RC -eq 99 ]]; then
			sub_fail "$mode" "cannot hide the bus in a private mount namespace ($RC): $ERR"
		elif [[ $RC -eq 124 || $RC -eq 137 ]]; then
			if [[ $mode == stalled ]]; then
				beyond_runc "$mode" "hung on a bus that never answers (killed after $limit s)"
			else
				sub_fail "$mode" "hung (killed after $limit s)"
			fi
		elif [[ $RC -eq 0 ]]; then
			sub_fail "$mode" "run -d succeeded without systemd"
		elif [[ $mode != stalled ]] && ! names_no_systemd; then
			sub_fail "$mode" "the error should name the systemd cgroup driver and say systemd is not running / not on the bus, got: $ERR"
		elif [[ $mode == stalled && ${ERR,,} != *systemd* ]]; then
			sub_fail "$mode" "the error should name systemd, got: $ERR"
		elif [[ $mode == none ]] && [[ $(grep -c . <<<"$ERR") -ne 1 ]]; then
			sub_fail "$mode" "expected one line on stderr: $ERR"
		else
			sub_pass "$mode"
		fi
		assert_gone
	done
}

# a failed create (the process's binary is missing): no unit, no cgroup, no state
test_failed_create() {
	sd_container --shared-rootfs
	set_args /no/such/binary
	rt create -b "$BUNDLE" "$ID"
	expect_nonzero "create with a missing binary"
	expect_err_contains "no such file or directory"
	assert_gone
}

# --------------------------------------------------------------- the extras

# an empty slice is system.slice
test_default_slice() {
	sd_container ""
	run_d
	assert_props "$UNIT" ActiveState=active Slice=system.slice ControlGroup="/system.slice/$UNIT"
	assert_in_unit "$PID"
	rt_ok delete --force "$ID"
	assert_gone
}

# no cgroupsPath at all: runc makes system.slice:runc:ID; a drop-in may use its own
# prefix, so any <prefix>-ID.scope in system.slice will do
test_no_cgroups_path() {
	sd_container
	set_config 'del(.linux.cgroupsPath)'
	run_d
	local path
	path=$(sed -n 's/^0:://p' "/proc/$PID/cgroup")
	[[ $path =~ ^/system.slice/[^/]+-$ID\.scope$ ]] || fail "without cgroupsPath the container is in $path"
	UNIT=${path##*/} CGPATH=$path
	note_unit "$UNIT"
	echo "# no cgroupsPath: unit $UNIT" >&2
	assert_props "$UNIT" ActiveState=active Slice=system.slice
	rt_ok delete --force "$ID"
	assert_gone
}

# a nested slice TAG-x.slice: the scope's cgroup is under /TAG.slice/TAG-x.slice
test_nested_slice() {
	sd_container "$TAG-x.slice"
	note_unit "$TAG.slice"
	note_unit "$TAG-x.slice"
	# noted after the slices: stopped before them
	note_unit "$UNIT"
	run_d
	assert_eq "cgroup path" "/$TAG.slice/$TAG-x.slice/$UNIT" "$CGPATH"
	assert_props "$UNIT" ActiveState=active Slice="$TAG-x.slice" ControlGroup="$CGPATH"
	assert_in_unit "$PID"
	rt_ok delete --force "$ID"
	assert_gone
}

# a name ending in .slice makes a slice unit (named as a child of the parent slice,
# so its cgroup is the same either way) that holds the container's process; runc
# 1.1.5 asks systemd for a slice with PIDs, which it refuses
test_slice_unit() {
	# a name of its own without a dash: the container id's pid part
	local n
	n=$(new_id)
	n=${n%-*}
	sd_container system.slice "$PREFIX" "system-${TAG}s${n##*-}.slice"
	set_config '.linux.resources.memory = {"limit": 67108864}'
	rt run -d -b "$BUNDLE" "$ID"
	if [[ $RC -ne 0 ]]; then
		is_runc && skip "runc 1.1.5 differs: it fails to make a slice unit: $ERR"
		fail "run -d with a name ending in .slice exited $RC: $ERR"
	fi
	get_state
	PID=$(st pid)
	assert_eq "cgroup path" "/system.slice/$UNIT" "$CGPATH"
	assert_props "$UNIT" LoadState=loaded ActiveState=active ControlGroup="$CGPATH" MemoryMax=67108864
	assert_cg memory.max 67108864
	assert_in_unit "$PID"
	rt_ok delete --force "$ID"
	assert_gone
}

# org.systemd.property.* annotations reach the unit: a string and a uint64
test_systemd_properties() {
	sd_container
	set_config '.annotations["org.systemd.property.CollectMode"] = "'"'inactive-or-failed'"'"
		| .annotations["org.systemd.property.TimeoutStopUSec"] = "uint64 123456789"'
	run_d
	assert_props "$UNIT" ActiveState=active CollectMode=inactive-or-failed \
		TimeoutStopUSec="2min 3.456789s"
	rt_ok delete --force "$ID"
	assert_gone
}

# cpu quota with its period, cpuset, io weight
test_cpu_cpuset_io() {
	sd_container
	set_config '.linux.resources.cpu = {"quota": 30000, "period": 60000, "cpus": "0", "mems": "0"}
		| .linux.resources.blockIO = {"weight": 500}'
	run_d
	assert_props "$UNIT" CPUQuotaPerSecUSec=500ms CPUQuotaPeriodUSec=60ms AllowedCPUs=0 AllowedMemoryNodes=0
	assert_cg cpu.max 30000 60000
	assert_cg cpuset.cpus 0
	assert_cg cpuset.mems 0
	assert_eq "Cpus_allowed_list" 0 "$(awk '/^Cpus_allowed_list/ {print $2}' "/proc/$PID/status")"
	# blkio weight 500 -> io weight 1 + (500 - 10) * 9999 / 990 (runc's conversion)
	assert_cg io.weight default 4950
	local w
	w=$(prop "$UNIT" IOWeight)
	[[ $w == 4950 ]] || beyond_runc io-weight-property "IOWeight: expected 4950, got '$w' (io.weight is $(cg io.weight | tr '\n' ' '))"
}

# device rules: DevicePolicy=strict with the allowed devices (runc's defaults, and
# /dev/kmsg write-only, which can then be opened for writing). (Reading /dev/kmsg
# needs CAP_SYSLOG under dmesg_restrict: no use for a check of the device rules.)
test_devices() {
	sd_container
	set_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]
		| .linux.resources.devices = [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	run_d
	assert_props "$UNIT" DevicePolicy=strict
	local allow want
	allow=$(systemctl show -p DeviceAllow "$UNIT")
	for want in "/dev/char/1:11 w" "/dev/char/1:3 rwm" "char-pts rwm"; do
		grep -qxF "DeviceAllow=$want" <<<"$allow" || fail "DeviceAllow=$want missing: $(tr '\n' ' ' <<<"$allow")"
	done
	rt_ok exec "$ID" sh -c ': >/dev/kmsg && echo write-ok'
	assert_eq "open /dev/kmsg for writing" write-ok "$OUT"
}

# ps, events --stats and exec see the scope: exec'd processes join it
test_ps_events_exec() {
	sd_container
	set_config ".linux.resources += $LIMITS"
	run_d
	rt_ok exec "$ID" cat /proc/self/cgroup
	assert_eq "exec: /proc/self/cgroup" "0::$CGPATH" "$OUT"
	rt_ok exec -d --pid-file "$TEST_TMP/e.pid" "$ID" sleep 999
	local epid
	epid=$(cat "$TEST_TMP/e.pid")
	assert_in_unit "$PID" "$epid"
	rt_ok ps --format json "$ID"
	assert_eq "ps --format json" "[$PID,$epid]" "$(jq -c 'sort' <<<"$OUT")"
	rt_ok events --stats "$ID"
	assert_eq "events --stats: memory limit" 67108864 "$(jq -r .data.memory.usage.limit <<<"$OUT")"
	assert_eq "events --stats: pids" "2 20" "$(jq -r '"\(.data.pids.current) \(.data.pids.limit)"' <<<"$OUT")"
}

# delete --force of a running container stops it and removes the unit
test_delete_force_running() {
	sd_container
	run_d
	assert_props "$UNIT" ActiveState=active
	rt_ok delete --force "$ID"
	wait_dead "$PID"
	assert_gone
}

if [[ $(cat /proc/1/comm) != systemd || ! -d /run/systemd/system ]]; then
	echo "SKIP $SCRIPT_NAME: needs systemd as PID 1 (run it in the VM: run-v2 --systemd)"
	exit 0
fi
if [[ $(stat -fc %T "$CG") != cgroup2fs ]]; then
	echo "SKIP $SCRIPT_NAME: needs the pure cgroup v2 hierarchy (run-v2)"
	exit 0
fi
run_tests
