#!/bin/bash
# `check`: the host report states what the test computes itself from the kernel's files
# (the cgroup mode, the v1 controllers of /proc/self/mountinfo, the v2 root's
# cgroup.controllers and cgroup.subtree_control, namespaces, LSMs, ...), the JSON
# report has the same facts, and a bundle is judged as `run` judges it: the default one
# passes (and runs), one asking for a controller the host lacks or for an AppArmor
# profile without AppArmor fails naming the field (and `run` refuses it too), a broken
# config.json fails naming the file and the field. check never leaves anything behind.
source "$(dirname "$0")/../lib.sh"

# check ARGS...: `runc-go check ARGS` (a runc-go command: runc has none).
check() {
	require_runc_go
	rt check "$@"
}

# check_json ARGS...: `check --format json ARGS` into JSON, fail unless it is an object.
check_json() {
	check --format json "$@"
	JSON=$OUT
	jq -e 'type == "object"' <<<"$JSON" >/dev/null 2>&1 || fail "check --format json is not a JSON object: $JSON"
}

# line PREFIX: the line of the text report starting with "PREFIX: ", without the prefix.
line() { sed -n "s/^$1: //p" <<<"$OUT" | head -1; }

sorted() { tr ', ' '\n\n' | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# --------------------------------------------------------- what the host has, computed here

# cgroup_mode: as the kernel's filesystem types under /sys/fs/cgroup tell it.
cgroup_mode() {
	if [[ $(stat -fc %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then
		echo v2
	elif [[ $(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
		echo hybrid
	else
		echo v1
	fi
}

v2_mountpoint() {
	case $(cgroup_mode) in
	v2) echo /sys/fs/cgroup ;;
	hybrid) echo /sys/fs/cgroup/unified ;;
	esac
}

# v1_controllers: the controllers of the mounted v1 hierarchies: the super options of each
# "cgroup" mount in /proc/self/mountinfo that /proc/cgroups names as a subsystem.
v1_controllers() {
	[[ $(cgroup_mode) == v2 ]] && return
	local subsystems
	subsystems=$(awk '!/^#/ { print $1 }' /proc/cgroups)
	awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup") print $(i + 3); break } }' \
		/proc/self/mountinfo | tr ',' '\n' | grep -xF -f <(echo "$subsystems") | sort -u | tr '\n' ' ' |
		sed 's/ $//'
}

v2_file() { # v2_file FILE: the words of the v2 root's FILE, sorted
	local mnt
	mnt=$(v2_mountpoint)
	[[ -n $mnt ]] && sorted <"$mnt/$1"
}

# usable CONTROLLER: a container's cgroup can have it (as the runtime sets cgroups up: v1
# hierarchies; on a hybrid host hugetlb also from the unified root when delegated; on v2
# the root's controllers, which create enables down the tree).
usable() {
	case $(cgroup_mode) in
	v2) [[ " $(v2_file cgroup.controllers) " == *" $1 "* ]] ;;
	hybrid)
		[[ " $(v1_controllers) " == *" $1 "* ]] ||
			[[ $1 == hugetlb && " $(v2_file cgroup.subtree_control) " == *" hugetlb "* ]]
		;;
	*) [[ " $(v1_controllers) " == *" $1 "* ]] ;;
	esac
}

apparmor_enabled() { [[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) == Y* ]]; }

yes_no() { if "$@"; then echo yes; else echo no; fi; }

# ------------------------------------------------------------------------------ the host

test_cgroup_mode_and_controllers() {
	check
	expect_rc 0 "check"
	local cgroup mode v1 v2 mnt
	cgroup=$(line cgroup)
	[[ -n $cgroup ]] || fail "no 'cgroup:' line in: $OUT"
	mode=$(cgroup_mode)
	assert_eq "cgroup mode" "$mode" "${cgroup%% *}"
	if [[ $mode != v2 ]]; then
		v1=$(sed -nE 's/.*\(v1: ([^ ;)]*).*/\1/p' <<<"$cgroup" | sorted)
		[[ -n $(v1_controllers) ]] || fail "the test found no v1 controller on a $mode host"
		assert_eq "v1 controllers" "$(v1_controllers)" "$v1"
	else
		[[ $cgroup != *"v1:"* ]] || fail "v1 controllers reported on a v2 host: $cgroup"
	fi
	mnt=$(v2_mountpoint)
	if [[ -n $mnt ]]; then
		[[ $cgroup == *"v2 at $mnt: "* ]] || fail "no 'v2 at $mnt' in: $cgroup"
		v2=$(sed -nE 's/.*v2 at [^:]*: ([^)]*)\)$/\1/p' <<<"$cgroup" | sed 's/^none$//' | sorted)
		assert_eq "v2 controllers" "$(v2_file cgroup.controllers)" "$v2"
		assert_eq "v2 delegated" "$(v2_file cgroup.subtree_control)" "$(line 'cgroup v2 delegated' | sed 's/^none$//' | sorted)"
	else
		[[ $cgroup != *"v2 at"* ]] || fail "a v2 hierarchy reported on a v1 host: $cgroup"
	fi
}

test_host_facts() {
	check
	expect_rc 0 "check"
	assert_eq "kernel" "$(uname -r) ($(uname -m))" "$(line kernel)"
	assert_eq "time namespace" "$(yes_no test -e /proc/self/ns/time)" "$(line 'time namespace')"
	assert_eq "apparmor" "$(yes_no apparmor_enabled)" "$(line apparmor)"
	assert_eq "overlayfs" "$(yes_no grep -qw overlay /proc/filesystems)" "$(line overlayfs)"
	assert_eq "intel rdt" "$(yes_no test "$(stat -fc %t /sys/fs/resctrl 2>/dev/null)" = 7655821)" \
		"$(line 'intel rdt (resctrl)' | cut -d' ' -f1)"
	assert_eq "capabilities" "$(($(cat /proc/sys/kernel/cap_last_cap) + 1))" "$(line capabilities)"
	[[ $(line 'user namespaces') == *"max_user_namespaces $(cat /proc/sys/user/max_user_namespaces)"* ]] ||
		fail "user namespaces: expected max_user_namespaces $(cat /proc/sys/user/max_user_namespaces): $(line 'user namespaces')"
	local want
	want=$(awk -F: -v u="$(id -un)" -v n="$(id -u)" '($1 == u || $1 == n) { print $2 ":" $3 }' /etc/subuid 2>/dev/null | paste -sd, -)
	assert_eq "subuid" "${want:-none}" "$(line "subuid of $(id -un)")"
	# swap accounting on v1: the memory root's memsw file
	local memory
	memory=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup" && $(i + 3) ~ /(^|,)memory(,|$)/) print $5; break } }' /proc/self/mountinfo | head -1)
	if [[ $(cgroup_mode) != v2 && -n $memory ]]; then
		assert_eq "swap accounting" "$(yes_no test -e "$memory/memory.memsw.limit_in_bytes")" \
			"$(line 'swap accounting' | cut -d' ' -f1)"
	fi
}

# The caller's ranges of /etc/subuid and /etc/subgid, named by user name or uid: files of
# the test's own, bind-mounted over them in a private mount namespace.
test_subordinate_id_ranges() {
	require_runc_go
	command -v unshare >/dev/null || skip "no unshare(1)"
	[[ -e /etc/subuid && -e /etc/subgid ]] || skip "no /etc/subuid or /etc/subgid to mount a test file over"
	local me
	me=$(id -un)
	printf '%s:100000:65536\nsomeone:200000:65536\n%s:300000:10\n' "$me" "$(id -u)" >"$TEST_TMP/subuid"
	printf 'someone:200000:65536\n' >"$TEST_TMP/subgid"
	OUT=$(timeout 20 unshare -m sh -c 'mount --bind "$2/subuid" /etc/subuid && mount --bind "$2/subgid" /etc/subgid &&
		exec "$0" --root "$1" check' "$RUNTIME" "$ROOT" "$TEST_TMP" </dev/null 2>&1) ||
		fail "check with bind-mounted /etc/subuid failed: $OUT"
	assert_eq "subuid" "100000:65536,300000:10" "$(line "subuid of $me")"
	assert_eq "subgid" "none" "$(line "subgid of $me")"
	touch "$TEST_TMP/subgid"
	OUT=$(timeout 20 unshare -m sh -c 'mount --bind "$2/subuid" /etc/subuid && mount --bind "$2/subgid" /etc/subgid &&
		exec "$0" --root "$1" check --format json' "$RUNTIME" "$ROOT" "$TEST_TMP" </dev/null 2>&1) ||
		fail "check --format json with bind-mounted /etc/subuid failed: $OUT"
	assert_eq "json subuid" '[{"start":100000,"count":65536},{"start":300000,"count":10}]' \
		"$(jq -c .userNamespaces.subuid <<<"$OUT")"
	assert_eq "json user" "$me" "$(jq -r .userNamespaces.user <<<"$OUT")"
}

test_json_has_the_same_facts() {
	check
	expect_rc 0 "check"
	local text=$OUT
	check_json
	OUT=$text
	local cgroup mode
	cgroup=$(line cgroup)
	mode=$(jq -r .cgroup.mode <<<"$JSON")
	assert_eq "json cgroup.mode" "$(cgroup_mode)" "$mode"
	assert_eq "json kernel" "$(uname -r)" "$(jq -r .kernel <<<"$JSON")"
	if [[ $mode != v2 ]]; then
		assert_eq "json v1 controllers" "$(v1_controllers)" "$(jq -r '.cgroup.v1.controllers[]' <<<"$JSON" | sorted)"
	else
		assert_eq "json v1 on v2" null "$(jq -c .cgroup.v1 <<<"$JSON")"
	fi
	if [[ -n $(v2_mountpoint) ]]; then
		assert_eq "json v2 mountpoint" "$(v2_mountpoint)" "$(jq -r .cgroup.v2.mountpoint <<<"$JSON")"
		assert_eq "json v2 controllers" "$(v2_file cgroup.controllers)" "$(jq -r '.cgroup.v2.controllers[]' <<<"$JSON" | sorted)"
		assert_eq "json v2 delegated" "$(v2_file cgroup.subtree_control)" "$(jq -r '.cgroup.v2.delegated[]' <<<"$JSON" | sorted)"
	fi
	# every yes/no line of the text is the same boolean in the JSON
	local pair name path
	for pair in "apparmor:.apparmor" "selinux:.selinux" "overlayfs:.overlayfs" \
		"time namespace:.timeNamespace" "intel rdt (resctrl):.intelRdt" \
		"idmapped mounts:.idmappedMounts" "pidfd_open:.syscalls.pidfd_open" \
		"clone3:.syscalls.clone3" "openat2:.syscalls.openat2" \
		"new mount api (fsopen):.syscalls.fsopen" "seccomp:.seccomp.enabled" \
		"user namespaces:.userNamespaces.enabled"; do
		name=${pair%%:*} path=${pair#*:}
		local yn
		yn=$(line "$name" | cut -d' ' -f1)
		[[ $yn == yes || $yn == no ]] || fail "text '$name': expected yes or no, got '$yn'"
		assert_eq "json $path as text '$name'" "$([[ $yn == yes ]] && echo true || echo false)" "$(jq -r "$path" <<<"$JSON")"
	done
	assert_eq "json capabilities" "$(line capabilities)" "$(jq -r .capabilities <<<"$JSON")"
	[[ $(line seccomp) == *"notify: $(jq -r 'if .seccomp.notify then "yes" else "no" end' <<<"$JSON")"* ]] ||
		fail "seccomp notify differs: $(line seccomp) vs $(jq -c .seccomp <<<"$JSON")"
	jq -e 'has("bundle") | not' <<<"$JSON" >/dev/null || fail "a bundle section without --bundle"
}

test_cli_errors() {
	check --format xml
	expect_rc 1 "check --format xml"
	expect_err_contains "invalid format"
	check extra
	expect_nonzero "check with an argument"
	check --help
	expect_rc 0 "check --help"
	[[ $OUT == *--bundle* && $OUT == *--format* ]] || fail "check --help: $OUT"
}

# complete WORDS...: the candidates of the bash completion (contrib/completions/bash) for the
# line WORDS, the cursor at the end of the last word; one per line.
complete_line() {
	local completion=$REPO/contrib/completions/bash/runc-go bc=/usr/share/bash-completion/bash_completion
	[[ -f $bc ]] || skip "bash-completion is not installed (make deps)"
	mkdir -p "$TEST_TMP/bin"
	ln -sf "$RUNTIME" "$TEST_TMP/bin/runc-go"
	PATH=$TEST_TMP/bin:$PATH bash --norc --noprofile -c '
		source "$1" && source "$2" || exit 90
		shift 2
		COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_runc_go || exit 91
		printf "%s\n" "${COMPREPLY[@]}"' _ "$bc" "$completion" "$@" 2>&1 ||
		fail "completing '$*' failed"
}

test_bash_completion() {
	require_runc_go
	local got
	got=$(complete_line runc-go ch)
	assert_eq "'runc-go ch<TAB>'" "check checkpoint" "$(paste -sd' ' - <<<"$got")"
	got=$(complete_line runc-go check --)
	assert_eq "'runc-go check --<TAB>'" "--bundle --format" "$(sort <<<"$got" | paste -sd' ' -)"
	assert_eq "'check --format <TAB>'" "$(printf 'text\njson')" "$(complete_line runc-go check --format "")"
	assert_eq "'list --format <TAB>' (unchanged)" "$(printf 'table\njson')" "$(complete_line runc-go list --format "")"
	mkdir -p "$TEST_TMP/bundle-dir"
	got=$(cd "$TEST_TMP" && complete_line runc-go check --bundle bundle-)
	[[ $got == bundle-dir* ]] || fail "'check --bundle bundle-<TAB>' does not offer the directory: $got"
}

# ----------------------------------------------------------------------------- bundles

# assert_untouched: check left nothing behind: no state dir, cgroup, mount or process of
# the container, and the state root is still empty.
assert_untouched() {
	assert_no_leftovers "$ID" "$BUNDLE"
	[[ -z $(ls -A "$ROOT") ]] || fail "check wrote under --root: $(ls -A "$ROOT")"
}

test_default_bundle_passes_and_runs() {
	new_container
	check --bundle "$BUNDLE"
	expect_rc 0 "check of the default bundle (output: $OUT)"
	[[ $OUT == *"bundle $BUNDLE: 0 problem(s)"* ]] || fail "expected 'bundle $BUNDLE: 0 problem(s)' in: $OUT"
	check_json --bundle "$BUNDLE"
	expect_rc 0 "check --format json of the default bundle"
	assert_eq "bundle.runnable" true "$(jq -r .bundle.runnable <<<"$JSON")"
	assert_eq "bundle.problems" "[]" "$(jq -c .bundle.problems <<<"$JSON")"
	assert_eq "bundle.path" "$BUNDLE" "$(jq -r .bundle.path <<<"$JSON")"
	assert_untouched
	# the verdict holds: it runs
	run_in true
	expect_rc 0 "run of the bundle check passed"
}

# missing_controller_config: set the config to ask for a controller the host can't give a
# container; FIELD and CONTROLLER say which. Skips when the host has them all.
missing_controller_config() {
	local size
	size=$(ls /sys/kernel/mm/hugepages 2>/dev/null | sed -n 's/^hugepages-\([0-9]*\)kB$/\1/p' | sort -n | head -1)
	if ! usable hugetlb && [[ -n $size ]]; then
		FIELD=linux.resources.hugepageLimits CONTROLLER=hugetlb
		set_config '.linux.resources.hugepageLimits = [{pageSize: $s, limit: 4194304}]' \
			--arg s "$((size / 1024))MB"
	elif ! usable rdma; then
		FIELD=linux.resources.rdma CONTROLLER=rdma
		set_config '.linux.resources.rdma = {"rgo_test_dev": {hcaHandles: 1}}'
	elif [[ $(cgroup_mode) == v2 ]]; then
		# every real one is there (the VM): a controller no kernel has, through unified
		FIELD='linux.resources.unified["rgonope.max"]' CONTROLLER=rgonope
		set_config '.linux.resources.unified = {"rgonope.max": "1"}'
	else
		skip "this host has hugetlb and rdma for containers, and no unified to ask for another"
	fi
}

test_missing_controller_fails() {
	new_container
	missing_controller_config
	check --bundle "$BUNDLE"
	expect_rc 1 "check of a bundle needing $CONTROLLER (output: $OUT)"
	[[ $OUT == *"bundle $BUNDLE: "[1-9]*" problem(s)"* ]] || fail "no problem count in: $OUT"
	grep -qF "  $FIELD: no $CONTROLLER controller" <<<"$OUT" ||
		fail "expected '  $FIELD: no $CONTROLLER controller...' in: $OUT"
	check_json --bundle "$BUNDLE"
	expect_rc 1 "check --format json"
	assert_eq "bundle.runnable" false "$(jq -r .bundle.runnable <<<"$JSON")"
	jq -e --arg f "$FIELD" '.bundle.problems | any(.field == $f and (.reason | length > 0))' <<<"$JSON" >/dev/null ||
		fail "no problem for $FIELD in: $(jq -c .bundle <<<"$JSON")"
	assert_untouched
	# the verdict holds: run refuses it
	run_in true
	expect_nonzero "run of a bundle check refused"
}

test_apparmor_profile() {
	new_container
	set_config '.process.apparmorProfile = "rgo-check-profile"'
	check --bundle "$BUNDLE"
	if apparmor_enabled; then
		expect_rc 0 "check with AppArmor enabled (output: $OUT)"
		[[ $OUT != *process.apparmorProfile* ]] || fail "apparmorProfile reported with AppArmor enabled: $OUT"
	else
		expect_rc 1 "check of an apparmorProfile without AppArmor (output: $OUT)"
		grep -q '^  process.apparmorProfile: .*apparmor is not enabled' <<<"$OUT" ||
			fail "expected a process.apparmorProfile line in: $OUT"
		check_json --bundle "$BUNDLE"
		jq -e '.bundle.problems | any(.field == "process.apparmorProfile")' <<<"$JSON" >/dev/null ||
			fail "no process.apparmorProfile problem in: $(jq -c .bundle <<<"$JSON")"
	fi
	assert_untouched
}

test_broken_config_names_file_and_field() {
	new_container
	set_config '.process.args = 5'
	check --bundle "$BUNDLE"
	expect_rc 1 "check of a config with process.args = 5"
	grep -qF "  $BUNDLE/config.json: process.args: " <<<"$OUT" ||
		fail "expected '$BUNDLE/config.json: process.args: ...' in: $OUT"
	check_json --bundle "$BUNDLE"
	expect_rc 1 "check --format json of a broken config"
	jq -e --arg f "$BUNDLE/config.json: process.args" \
		'.bundle.problems | any(.field == "config.json" and (.reason | startswith($f)))' <<<"$JSON" >/dev/null ||
		fail "no config.json problem naming process.args in: $(jq -c .bundle <<<"$JSON")"
	# not JSON at all, then no config.json
	echo '{"ociVersion": ' >"$BUNDLE/config.json"
	check --bundle "$BUNDLE"
	expect_rc 1 "check of a truncated config.json"
	[[ $OUT == *"$BUNDLE/config.json: invalid JSON"* ]] || fail "expected '$BUNDLE/config.json: invalid JSON' in: $OUT"
	rm "$BUNDLE/config.json"
	check --bundle "$BUNDLE"
	expect_rc 1 "check of a bundle without config.json"
	[[ $OUT == *"$BUNDLE/config.json"* ]] || fail "the missing file is not named: $OUT"
	assert_untouched
}

test_several_problems_one_line_each() {
	new_container
	set_config '.process.capabilities.bounding += ["CAP_RGO_NOPE"] | .mounts += [{destination: "/x", type: "bind", source: "/tmp", options: ["bind", "idmap"]}]'
	check --bundle "$BUNDLE"
	expect_rc 1 "check (output: $OUT)"
	local n
	n=$(jq '.process.capabilities.bounding | length - 1' "$BUNDLE/config.json")
	grep -qF "  process.capabilities.bounding[$n]: unknown capability \"CAP_RGO_NOPE\"" <<<"$OUT" ||
		fail "no line for the unknown capability in: $OUT"
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	grep -qF "  mounts[$n]: idmap needs uidMappings and gidMappings on the mount" <<<"$OUT" ||
		fail "no line for the idmap mount in: $OUT"
	[[ $OUT == *"bundle $BUNDLE: 2 problem(s)"* ]] || fail "expected 2 problems: $OUT"
	assert_untouched
}

run_tests
