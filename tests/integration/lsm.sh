#!/bin/bash
# process.apparmorProfile, process.selinuxLabel and linux.mountLabel: applied
# where the host has the LSM, and where it hasn't, the behaviour of runc 1.1.5
# (which never silently runs a container without the label it was given):
# - apparmorProfile with AppArmor disabled: runc writes attr/exec anyway and
#   fails ("apparmor failed to apply profile: ... invalid argument");
# - selinuxLabel without SELinux: "selinux label is specified in config, but
#   selinux is disabled or not supported";
# - mountLabel without SELinux: the kernel refuses the mounts' context=.
# Each failure leaves nothing behind.
source "$(dirname "$0")/../lib.sh"

apparmor_enabled() { [[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) == Y* ]]; }
selinux_enabled() {
	[[ $(stat -fc %T /sys/fs/selinux 2>/dev/null) == selinux ]] &&
		[[ $(tr -d '\0' </proc/self/attr/current 2>/dev/null) != kernel ]]
}

# refused_by_run WHAT: `run` of the bundle must fail before the process runs
# and leave nothing behind
refused_by_run() {
	set_args sh -c 'echo ran'
	rt run -b "$BUNDLE" "$ID"
	expect_nonzero "run with $1"
	[[ $OUT == *ran* ]] && fail "the container ran with $1"
	assert_no_leftovers "$ID"
}

test_apparmor_profile_without_apparmor_fails() {
	apparmor_enabled && skip "AppArmor is enabled on this host"
	new_container
	set_config '.process.apparmorProfile = "docker-default"'
	refused_by_run "an AppArmor profile"
	expect_err_contains "apparmor failed to apply profile"
	[[ $(wc -l <<<"$ERR") -eq 1 ]] || fail "expected one line, got: $ERR"
}

test_apparmor_profile_without_apparmor_create() {
	apparmor_enabled && skip "AppArmor is enabled on this host"
	new_container
	set_config '.process.apparmorProfile = "docker-default"'
	rt create -b "$BUNDLE" "$ID"
	expect_nonzero "create with an AppArmor profile"
	expect_err_contains "apparmor failed to apply profile"
	rt state "$ID"
	expect_nonzero "state after a failed create"
	assert_no_leftovers "$ID"
}

test_empty_labels_are_ignored() {
	new_container
	set_config '.process.apparmorProfile = "" | .process.selinuxLabel = "" | .linux.mountLabel = ""'
	run_sh 'echo ran'
	assert_eq "output" ran "$OUT"
}

test_selinux_label_without_selinux_fails() {
	selinux_enabled && skip "SELinux is enabled on this host"
	new_container
	set_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	refused_by_run "an SELinux label"
	expect_err_contains "selinux label is specified in config, but selinux is disabled or not supported"
}

test_mount_label_without_selinux_fails() {
	selinux_enabled && skip "SELinux is enabled on this host"
	new_container
	set_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	refused_by_run "a mount label"
}

test_exec_apparmor_flag_without_apparmor_fails() {
	apparmor_enabled && skip "AppArmor is enabled on this host"
	new_container
	create_started sleep 100
	rt exec --apparmor docker-default "$ID" echo ran
	expect_nonzero "exec --apparmor"
	[[ $OUT == *ran* ]] && fail "the process ran"
	expect_err_contains "apparmor failed to apply profile"
}

test_exec_process_label_without_selinux_fails() {
	selinux_enabled && skip "SELinux is enabled on this host"
	new_container
	create_started sleep 100
	rt exec --process-label "system_u:system_r:container_t:s0" "$ID" echo ran
	expect_nonzero "exec --process-label"
	[[ $OUT == *ran* ]] && fail "the process ran"
	expect_err_contains "selinux label is specified in config, but selinux is disabled or not supported"
}

test_apparmor_profile_applied() {
	apparmor_enabled || skip "AppArmor is not enabled on this host"
	new_container
	# "unconfined" exists wherever AppArmor does
	set_config '.process.apparmorProfile = "unconfined"'
	run_sh 'cat /proc/self/attr/apparmor/current 2>/dev/null || cat /proc/self/attr/current'
	assert_contains "the process's profile" "$OUT" unconfined
}

# load_test_profile: a profile of the test's own that allows everything but
# reading /etc/hostname; removed at the end of the test.
load_test_profile() {
	apparmor_enabled || skip "AppArmor is not enabled on this host"
	command -v apparmor_parser >/dev/null || skip "no apparmor_parser (apt-get install apparmor)"
	[[ -w /sys/kernel/security/apparmor/.replace ]] || skip "AppArmor policy is not writable here"
	PROFILE=rgo-test-$BASHPID
	cat >"$TEST_TMP/profile" <<-EOF
		profile $PROFILE flags=(attach_disconnected,mediate_deleted) {
		  file,
		  capability,
		  network,
		  mount,
		  umount,
		  pivot_root,
		  signal,
		  ptrace,
		  unix,
		  deny /etc/hostname r,
		}
	EOF
	apparmor_parser -r "$TEST_TMP/profile" 2>"$TEST_TMP/parser.err" ||
		fail "apparmor_parser: $(cat "$TEST_TMP/parser.err")"
	trap 'apparmor_parser -R "$TEST_TMP/profile" 2>/dev/null' EXIT
}

# The profile is the process's, in enforce mode, and its deny rule holds.
test_apparmor_profile_enforced() {
	load_test_profile
	new_container
	set_config '.process.apparmorProfile = $p' --arg p "$PROFILE"
	run_in sh -c 'cat /proc/self/attr/apparmor/current 2>/dev/null || cat /proc/self/attr/current;
		cat /etc/hostname >/dev/null 2>&1 && echo read || echo denied'
	expect_rc 0 "run"
	assert_eq "profile and the denied read" "$(printf '%s (enforce)\ndenied' "$PROFILE")" "$OUT"
}

# exec --apparmor: the exec'd process gets the profile, the init keeps its own.
test_apparmor_exec_flag() {
	load_test_profile
	new_container
	create_started sleep 1000
	rt exec --apparmor "$PROFILE" "$ID" sh -c 'cat /proc/self/attr/current; cat /etc/hostname >/dev/null 2>&1 && echo read || echo denied'
	expect_rc 0 "exec --apparmor"
	assert_eq "exec'd profile and the denied read" "$(printf '%s (enforce)\ndenied' "$PROFILE")" "$OUT"
	rt exec "$ID" sh -c 'cat /proc/1/attr/current'
	assert_eq "the init's profile" "unconfined" "$OUT"
	rt_ok delete --force "$ID"
}

test_differential_refusals() {
	# runc 1.1.5 refuses all three on a host without the LSM, as we do
	[[ -x $RUNC ]] || skip "reference runtime $RUNC not installed"
	is_runc && skip "RUNTIME is runc itself: nothing to compare"
	apparmor_enabled && skip "AppArmor is enabled on this host"
	selinux_enabled && skip "SELinux is enabled on this host"
	local filter ref got
	for filter in '.process.apparmorProfile = "docker-default"' \
		'.process.selinuxLabel = "system_u:system_r:container_t:s0"' \
		'.linux.mountLabel = "system_u:object_r:container_file_t:s0"'; do
		new_container
		set_config "$filter"
		set_args true
		ROOT=$REF_ROOT rt_with "$RUNC" run -b "$BUNDLE" "$ID"
		ref="rc=$([[ $RC -ne 0 ]] && echo nonzero || echo 0)"
		rt run -b "$BUNDLE" "$ID"
		got="rc=$([[ $RC -ne 0 ]] && echo nonzero || echo 0)"
		assert_eq "$filter: exit (runc vs runc-go)" "$ref" "$got"
		[[ $filter == *selinuxLabel* ]] && expect_err_contains "selinux label is specified in config"
	done
	return 0
}

run_tests
