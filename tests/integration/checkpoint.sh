#!/bin/bash
# checkpoint and restore on this host: its kernel (6.18) fails `criu check` with Debian's
# CRIU 3.17, so checkpoint must refuse with an error naming CRIU's check before anything is
# dumped, and leave the container running; the flag and input errors (runc's messages where
# runc has them) come before CRIU is asked and leave nothing behind. Real checkpoints and
# restores run in the VM (tests/vm/criu.sh, through vm-v2.sh and vm-systemd.sh).
source "$(dirname "$0")/../lib.sh"

criu_check_fails() { ! criu check >/dev/null 2>&1; }

started_sleeper() {
	new_container --shared-rootfs
	create_started sleep 1000
}

test_help_exits_zero() {
	# podman decides whether a runtime can checkpoint by `RUNTIME checkpoint --help`
	rt checkpoint --help
	expect_rc 0 "checkpoint --help"
	assert_contains "checkpoint --help" "$OUT" "--image-path"
	rt restore --help
	expect_rc 0 "restore --help"
	assert_contains "restore --help" "$OUT" "--console-socket"
}

test_checkpoint_fails_naming_criu_check() {
	command -v criu >/dev/null || skip "criu is not installed"
	criu_check_fails || skip "criu check passes on this host (the VM tests cover checkpointing)"
	started_sleeper
	local img=$TEST_TMP/img-$ID pid
	get_state
	pid=$(st pid)
	rt checkpoint --image-path "$img" --work-path "$TEST_TMP/work" "$ID"
	expect_nonzero "checkpoint on a host failing criu check"
	expect_err_contains "checkpoint: criu check failed on this host"
	expect_err_contains "CRIU 3."
	[[ $(grep -c . <<<"$ERR") -eq 1 ]] || fail "expected one line, got: $ERR"
	[[ ! -e $img && ! -e $TEST_TMP/work ]] || fail "checkpoint made $img or the work dir"
	get_state
	assert_eq "status after the refused checkpoint" running "$(st status)"
	assert_eq "init pid" "$pid" "$(st pid)"
	kill -0 "$pid" || fail "the init is gone"
	# --leave-running and --pre-dump are refused the same way
	rt checkpoint --pre-dump --image-path "$img" "$ID"
	expect_err_contains "criu check failed"
	[[ ! -e $img ]] || fail "pre-dump made $img"
}

test_checkpoint_missing_container() {
	rt checkpoint --image-path "$TEST_TMP/img" no-such-container
	expect_nonzero "checkpoint of a missing container"
	expect_err_contains "container does not exist"
	[[ ! -e $TEST_TMP/img ]] || fail "made the image dir"
}

test_checkpoint_created_and_stopped() {
	new_container --shared-rootfs
	set_args sleep 1000
	rt_ok create -b "$BUNDLE" "$ID"
	rt checkpoint --image-path "$TEST_TMP/img" "$ID"
	expect_nonzero "checkpoint of a created container"
	expect_err_contains "Container cannot be checkpointed in created state"
	rt_ok start "$ID"
	rt_ok kill "$ID" KILL
	wait_status stopped
	rt checkpoint --image-path "$TEST_TMP/img" "$ID"
	expect_nonzero "checkpoint of a stopped container"
	expect_err_contains "Container cannot be checkpointed in stopped state"
	[[ ! -e $TEST_TMP/img ]] || fail "made the image dir"
}

# every flag error comes before CRIU is asked: the same on any host
test_checkpoint_flag_errors() {
	started_sleeper
	: >"$TEST_TMP/a-file"
	local -a cases=(
		"--image-path $TEST_TMP/a-file|--image-path $TEST_TMP/a-file: not a directory"
		"--manage-cgroups-mode bogus|invalid manage-cgroups-mode value"
		"--empty-ns pid|--empty-ns: namespace \"pid\" is not supported"
		"--page-server nohost|use --page-server ADDRESS:PORT"
		"--page-server host:port|--page-server: invalid port number"
		"--parent-path /abs|--parent-path must be relative"
		"--parent-path missing|invalid --parent-path"
		"--status-fd 99|invalid --status-fd argument 99"
	)
	local c flags want
	for c in "${cases[@]}"; do
		flags=${c%%|*}
		want=${c#*|}
		# shellcheck disable=SC2086
		rt checkpoint --image-path "$TEST_TMP/img" $flags "$ID"
		expect_nonzero "checkpoint $flags"
		expect_err_contains "$want" "checkpoint $flags"
	done
	[[ ! -e $TEST_TMP/img ]] || fail "a refused checkpoint made the image dir"
	get_state
	assert_eq status running "$(st status)"
	rt checkpoint
	expect_nonzero "checkpoint without an id"
}

# an image directory that looks like a checkpoint (runc's descriptors.json)
fake_images() {
	mkdir -p "$1"
	echo '["pipe:[1]","pipe:[2]","pipe:[3]"]' >"$1/descriptors.json"
}

test_restore_bad_input_leaves_nothing() {
	new_container --shared-rootfs
	set_args sleep 1000
	rt restore -d -b "$BUNDLE" --image-path "$TEST_TMP/none" "$ID"
	expect_nonzero "restore from a missing image dir"
	expect_err_contains "--image-path $TEST_TMP/none: no such file or directory"
	assert_no_leftovers "$ID"
	mkdir -p "$TEST_TMP/empty"
	rt restore -d -b "$BUNDLE" --image-path "$TEST_TMP/empty" "$ID"
	expect_nonzero "restore from a dir without a checkpoint"
	expect_err_contains "descriptors.json"
	assert_no_leftovers "$ID"
	fake_images "$TEST_TMP/fake"
	rt restore -d -b "$TEST_TMP/no-bundle" --image-path "$TEST_TMP/fake" "$ID"
	expect_nonzero "restore with a missing bundle"
	expect_err_contains "bundle $TEST_TMP/no-bundle"
	assert_no_leftovers "$ID"
	rt restore -d --console-socket "$TEST_TMP/sock" -b "$BUNDLE" --image-path "$TEST_TMP/fake" "$ID"
	expect_nonzero "restore with --console-socket and no terminal"
	expect_err_contains "cannot use console socket if runc will not detach or allocate tty"
	rt restore -d --manage-cgroups-mode bogus -b "$BUNDLE" --image-path "$TEST_TMP/fake" "$ID"
	expect_nonzero "restore --manage-cgroups-mode bogus"
	expect_err_contains "invalid manage-cgroups-mode value"
	assert_no_leftovers "$ID"
}

# Where CRIU fails (here: its check), the state dir, cgroup and processes are gone again.
test_restore_criu_failure_leaves_nothing() {
	command -v criu >/dev/null || skip "criu is not installed"
	criu_check_fails || skip "criu check passes on this host (the VM tests cover restore)"
	new_container --shared-rootfs
	fake_images "$TEST_TMP/fake"
	rt restore -d -b "$BUNDLE" --image-path "$TEST_TMP/fake" "$ID"
	expect_nonzero "restore on a host failing criu check"
	expect_err_contains "restore: criu check failed on this host"
	assert_no_leftovers "$ID"
}

test_restore_existing_id() {
	started_sleeper
	fake_images "$TEST_TMP/fake"
	criu_check_fails || skip "criu check passes on this host (the VM tests cover restore)"
	rt restore -d -b "$BUNDLE" --image-path "$TEST_TMP/fake" "$ID"
	expect_nonzero "restore under the id of a running container"
	get_state
	assert_eq "the running container" running "$(st status)"
}

test_check_reports_criu() {
	require_runc_go
	rt check
	assert_contains "check output" "$OUT" "criu"
	if criu_check_fails; then
		assert_contains "check output" "$OUT$ERR" "criu check failed"
	fi
}

run_tests
