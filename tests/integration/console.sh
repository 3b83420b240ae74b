#!/bin/bash
# Terminals: process.terminal / --console-socket / exec --tty. The pty is made
# inside the container; its master goes over --console-socket (SCM_RIGHTS,
# with runc's payload "/dev/ptmx") to tests/helpers/recvtty, or, in a
# foreground run/exec, to the runtime, which proxies it to its own stdio
# (checked in a tmux pane). runc 1.1.5's error texts for the detached and
# socket-without-terminal cases. The tests pass with RUNTIME=/usr/sbin/runc
# too, except those marked runc-go specific (runc refuses a foreground
# terminal without a terminal of its own: "open /dev/tty: no such device").
source "$(dirname "$0")/../lib.sh"

RECVTTY=$BUILD/tests/recvtty

# What a test started besides containers goes when it ends, whatever the way.
end_of_test() {
	local pid
	for pid in $(cat "$TEST_TMP/receivers.$BASHPID" 2>/dev/null); do
		kill "$pid" 2>/dev/null
	done
	rm -f "$TEST_TMP/receivers.$BASHPID"
	[[ -n ${TMUX_SOCK:-} ]] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	return 0
}

# The receiver is built once per script run, next to the unit tests.
build_recvtty() {
	local src=$REPO/tests/helpers/recvtty.c
	[[ -x $RECVTTY && $RECVTTY -nt $src ]] && return 0
	mkdir -p "$(dirname "$RECVTTY")"
	gcc -O2 -Wall -Wextra -Werror -o "$RECVTTY.tmp.$$" "$src" && mv "$RECVTTY.tmp.$$" "$RECVTTY"
}

# start_receiver NAME [RECVTTY FLAGS...]: recvtty listening on
# $TEST_TMP/NAME.sock (SOCK); what it reads from the master goes to NAME.out.
start_receiver() {
	local name=$1 i
	shift
	build_recvtty || fail "cannot build $RECVTTY"
	SOCK=$TEST_TMP/$name.sock
	RECV_NAME=$TEST_TMP/$name.name
	RECV_OUTFILE=$TEST_TMP/$name.out
	# an earlier test's socket must not pass for this one's
	rm -f "$SOCK" "$RECV_NAME"
	"$RECVTTY" -t 10 -n "$RECV_NAME" "$@" "$SOCK" </dev/null >"$RECV_OUTFILE" 2>"$TEST_TMP/$name.err" &
	RECV_PID=$!
	echo "$RECV_PID" >>"$TEST_TMP/receivers.$BASHPID"
	trap end_of_test EXIT
	for ((i = 0; i < 100; i++)); do
		[[ -S $SOCK ]] && return 0
		sleep 0.05
	done
	fail "recvtty did not listen on $SOCK: $(cat "$TEST_TMP/$name.err")"
}

# wait_receiver: wait until recvtty exits (EIO: the pty's last user is gone);
# RECV_OUT is what it read, carriage returns dropped.
wait_receiver() {
	local i
	for ((i = 0; i < 300; i++)); do
		kill -0 "$RECV_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$RECV_PID" 2>/dev/null && { kill "$RECV_PID"; fail "recvtty still running after 15 s"; }
	wait "$RECV_PID" || fail "recvtty failed: $(cat "$TEST_TMP"/*.err)"
	RECV_OUT=$(tr -d '\r' <"$RECV_OUTFILE")
}

# terminal_container [JQ FILTER]: a fresh container with process.terminal.
terminal_container() {
	new_container
	set_config '.process.terminal = true'
	[[ $# -gt 0 ]] && set_config "$1"
	return 0
}

# run_with_socket SCRIPT: `run -d --console-socket` of `sh -c SCRIPT` in the
# current container, RECV_OUT is the terminal's output once it exited.
run_with_socket() {
	set_args sh -c "$1"
	start_receiver tty
	rt_ok run -d --console-socket "$SOCK" -b "$BUNDLE" "$ID"
	wait_receiver
}

delete_and_check() {
	rt delete --force "$ID"
	assert_no_leftovers "$ID"
}

test_console_socket_receives_master() {
	terminal_container
	set_args sh -c 'tty; echo ok'
	start_receiver tty
	rt_ok create --console-socket "$SOCK" -b "$BUNDLE" "$ID"
	# the master arrives during create, before start
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -s $RECV_NAME ]] && break
		sleep 0.05
	done
	assert_eq "payload sent with the master (runc's)" /dev/ptmx "$(sed -n 1p "$RECV_NAME")"
	[[ $(sed -n 2p "$RECV_NAME") == "pty "[0-9]* ]] ||
		fail "the fd received is not a pty master: $(cat "$RECV_NAME")"
	rt_ok start "$ID"
	wait_receiver
	assert_contains "output" "$RECV_OUT" "/dev/pts/0"
	assert_contains "output" "$RECV_OUT" "ok"
	delete_and_check
}

test_input_reaches_the_container() {
	terminal_container
	set_args sh -c 'read line; echo "got-$line"'
	start_receiver tty -i 'hello\n'
	rt_ok run -d --console-socket "$SOCK" -b "$BUNDLE" "$ID"
	wait_receiver
	# the terminal echoes the input line, then the answer
	grep -qx 'got-hello' <<<"$RECV_OUT" || fail "no got-hello line in: $RECV_OUT"
	delete_and_check
}

test_stdio_is_the_pty_and_no_fd_leaks() {
	terminal_container
	run_with_socket 'for fd in 0 1 2; do readlink /proc/self/fd/$fd; done
		echo "self: $(ls /proc/self/fd | tr "\n" " ")"'
	assert_eq "fds 0-2" "$(printf '/dev/pts/0\n/dev/pts/0\n/dev/pts/0')" "$(head -3 <<<"$RECV_OUT")"
	# ls's own directory fd is 3; the master or a socket would show up too
	assert_eq "fds of a process" "self: 0 1 2 3 " "$(grep '^self:' <<<"$RECV_OUT")"
	delete_and_check
}

test_no_fd_leaks_into_the_init() {
	terminal_container
	set_args sleep 1000
	start_receiver tty
	rt_ok run -d --console-socket "$SOCK" -b "$BUNDLE" "$ID"
	get_state
	# seen from the host: the shell's own fds (a redirection, $(...)) would blur it inside
	assert_eq "fds of the running init" "0 1 2" "$(ls "/proc/$(st pid)/fd" | sort -n | tr "\n" " " | sed 's/ $//')"
	kill "$RECV_PID" 2>/dev/null
	delete_and_check
}

test_controlling_terminal_and_session() {
	terminal_container
	# field 7 of stat is tty_nr (136 << 8 | 0 = 34816 for /dev/pts/0); 6 is the session
	run_with_socket 'cut -d" " -f6,7 /proc/1/stat'
	assert_eq "session and controlling tty of the init" "1 34816" "$(tail -1 <<<"$RECV_OUT")"
	delete_and_check
}

test_console_size() {
	terminal_container '.process.consoleSize = {"height": 33, "width": 77}'
	run_with_socket 'stty size'
	assert_eq "stty size" "33 77" "$(tail -1 <<<"$RECV_OUT")"
	delete_and_check
}

test_dev_console_is_the_pty() {
	terminal_container
	run_with_socket 'stat -c "%t:%T" /dev/console /dev/pts/0 | tr "\n" " "'
	assert_eq "/dev/console and /dev/pts/0 (major:minor)" "88:0 88:0 " "$(tail -1 <<<"$RECV_OUT")"
	delete_and_check
}

test_pty_owned_by_the_user() {
	terminal_container '.process.user.uid = 1000'
	run_with_socket 'id -u; stat -c %u /dev/pts/0'
	assert_eq "uid, owner of the pty" "$(printf '1000\n1000')" "$(tail -2 <<<"$RECV_OUT")"
	delete_and_check
}

test_exec_tty_with_console_socket() {
	new_container
	create_started sleep 1000
	start_receiver exec
	rt_ok exec -t -d --console-socket "$SOCK" "$ID" sh -c 'tty; echo "fds: $(ls /proc/self/fd | tr "\n" " ")"; echo ok'
	wait_receiver
	assert_eq "payload" /dev/ptmx "$(sed -n 1p "$RECV_NAME")"
	assert_contains "output" "$RECV_OUT" "/dev/pts/0"
	assert_contains "fds of the exec'd process" "$RECV_OUT" "fds: 0 1 2 3 "
	assert_contains "output" "$RECV_OUT" "ok"
	delete_and_check
}

test_exec_tty_into_terminal_container() {
	terminal_container
	set_args sh -c 'read line'
	start_receiver init
	rt_ok run -d --console-socket "$SOCK" -b "$BUNDLE" "$ID"
	local init_pid=$RECV_PID
	start_receiver exec
	rt_ok exec -t -d --console-socket "$SOCK" "$ID" tty
	wait_receiver
	assert_contains "exec'd process's terminal" "$RECV_OUT" "/dev/pts/1"
	kill "$init_pid" 2>/dev/null
	delete_and_check
}

test_exec_tty_refuses_a_fake_ptmx() {
	require_runc_go
	new_container
	create_started sleep 1000
	# the container controls its /dev: a FIFO must not hang exec, a file must not pass
	rt_ok exec "$ID" sh -c 'rm /dev/ptmx && mkfifo /dev/ptmx'
	start_receiver exec
	rt exec -t -d --console-socket "$SOCK" "$ID" true
	expect_rc 255 "exec -t with a FIFO as /dev/ptmx"
	expect_err_contains "/dev/ptmx is not the ptmx of a devpts instance"
	rt_ok exec "$ID" sh -c 'rm /dev/ptmx && ln -s /dev/null /dev/ptmx'
	wait "$RECV_PID" 2>/dev/null # it got a connection without an fd
	start_receiver exec
	rt exec -t -d --console-socket "$SOCK" "$ID" true
	expect_rc 255 "exec -t with /dev/ptmx -> /dev/null"
	expect_err_contains "/dev/ptmx is not the ptmx of a devpts instance"
	kill "$RECV_PID" 2>/dev/null
	delete_and_check
}

test_detached_without_socket_fails() {
	terminal_container
	rt create -b "$BUNDLE" "$ID"
	expect_rc 1 "create with terminal and no console socket"
	expect_err_contains "cannot allocate tty if runc will detach without setting console socket"
	assert_no_leftovers "$ID"
	rt run -d -b "$BUNDLE" "$ID"
	expect_rc 1 "run -d with terminal and no console socket"
	expect_err_contains "cannot allocate tty if runc will detach without setting console socket"
	assert_no_leftovers "$ID"
}

test_socket_without_terminal_fails() {
	new_container
	rt create --console-socket "$TEST_TMP/x.sock" -b "$BUNDLE" "$ID"
	expect_rc 1 "create --console-socket with terminal false"
	expect_err_contains "cannot use console socket if runc will not detach or allocate tty"
	assert_no_leftovers "$ID"
	set_config '.process.terminal = true'
	rt run --console-socket "$TEST_TMP/x.sock" -b "$BUNDLE" "$ID"
	expect_rc 1 "foreground run with --console-socket"
	expect_err_contains "cannot use console socket if runc will not detach or allocate tty"
	assert_no_leftovers "$ID"
}

test_missing_console_socket() {
	terminal_container
	rt create --console-socket "$TEST_TMP/missing.sock" -b "$BUNDLE" "$ID"
	expect_rc 1 "create with a missing console socket"
	expect_err_contains "dial unix $TEST_TMP/missing.sock: connect: no such file or directory"
	assert_no_leftovers "$ID"
}

test_foreground_run_without_user_terminal() {
	require_runc_go
	terminal_container
	# stdin /dev/null, stdout a file: the output still comes through the pty, with
	# "\n" line ends (ONLCR is cleared on the pty, as runc does)
	run_in sh -c 'tty; echo ok; exit 5'
	expect_rc 5 "foreground run with a terminal"
	assert_eq "output" "$(printf '/dev/pts/0\nok')" "$OUT"
	assert_no_leftovers "$ID"
}

test_foreground_exec_tty_without_user_terminal() {
	require_runc_go
	new_container
	create_started sleep 1000
	rt exec -t "$ID" sh -c 'tty; exit 6'
	expect_rc 6 "exec -t in the foreground"
	assert_eq "output" "/dev/pts/0" "$OUT"
	delete_and_check
}

test_signal_forwarded_through_the_proxy() {
	require_runc_go
	terminal_container
	set_args sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done'
	run_background
	wait_output ready
	kill -TERM "$RUN_PID"
	wait_background
	assert_eq "exit code after SIGTERM to the runtime" 7 "$RUN_RC"
	grep -qx got-term "$TEST_TMP/bg.out" || fail "no got-term line: $(cat "$TEST_TMP/bg.out")"
	assert_no_leftovers "$ID"
}

test_killed_container_exits_137() {
	require_runc_go
	terminal_container
	set_args sh -c 'echo ready; exec sleep 1000'
	run_background
	wait_output ready
	rt_ok kill "$ID" KILL
	wait_background
	assert_eq "exit code of a container killed with SIGKILL" 137 "$RUN_RC"
	assert_no_leftovers "$ID"
}

# ------------------------------------------------------------------ tmux

TMUX_SOCK=""
tm() { tmux -S "$TMUX_SOCK" "$@"; }

# wait_pane TEXT: poll the pane (5 s) until a line contains TEXT.
wait_pane() {
	local i pane
	for ((i = 0; i < 100; i++)); do
		pane=$(tm capture-pane -p -t rgo 2>/dev/null)
		[[ $pane == *"$1"* ]] && return 0
		sleep 0.05
	done
	fail "tmux pane never showed '$1'; pane: $pane"
}

# start_tmux COMMAND...: a private tmux server whose 100x30 pane runs the
# runtime with COMMAND; the pane's `stty -g` before and after go to files,
# the runtime's exit code to $TEST_TMP/tmux.rc.
start_tmux() {
	command -v tmux >/dev/null || skip "tmux is not installed (apt-get install tmux)"
	TMUX_SOCK=$TEST_TMP/tmux.sock
	rm -f "$TEST_TMP"/tmux.rc "$TEST_TMP"/stty.*
	local cmd
	cmd="stty -g >$TEST_TMP/stty.before; timeout --foreground 60 $RUNTIME --root $ROOT $*;"
	cmd+=" echo \$? >$TEST_TMP/tmux.rc.tmp; stty -g >$TEST_TMP/stty.after;"
	cmd+=" mv $TEST_TMP/tmux.rc.tmp $TEST_TMP/tmux.rc; sleep 30"
	tm -f /dev/null new-session -d -s rgo -x 100 -y 30 "$cmd" || fail "cannot start tmux"
	trap end_of_test EXIT
}

# wait_tmux_exit: the runtime's exit code into TMUX_RC.
wait_tmux_exit() {
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -f $TEST_TMP/tmux.rc ]] && break
		sleep 0.05
	done
	[[ -f $TEST_TMP/tmux.rc ]] || fail "the runtime did not exit; pane: $(tm capture-pane -p -t rgo)"
	TMUX_RC=$(cat "$TEST_TMP/tmux.rc")
	tm kill-server 2>/dev/null
}

# An interactive shell through the proxy: typing, the pane's size and its
# changes (SIGWINCH), Ctrl-C, the exit code, and the user's terminal restored.
test_foreground_run_in_tmux() {
	terminal_container
	set_args sh
	start_tmux run -b "$BUNDLE" "$ID"
	wait_pane "/ #"
	tm send-keys -t rgo 'echo hi-$((6*7))' Enter
	wait_pane "hi-42"
	local size
	size=$(tm display -p -t rgo '#{pane_height}x#{pane_width}')
	tm send-keys -t rgo 'echo size-$(stty size | tr " " x)' Enter
	wait_pane "size-$size"
	tm resize-window -t rgo -x 80 -y 20
	sleep 0.2
	tm send-keys -t rgo 'echo resized-$(stty size | tr " " x)' Enter
	wait_pane "resized-20x80"
	# Ctrl-C: the pty's line discipline turns it into SIGINT for the foreground job
	tm send-keys -t rgo 'sh -c "trap \"echo caught-\$((1+1))-INT; exit 0\" INT; while :; do sleep 1; done"' Enter
	sleep 0.5
	tm send-keys -t rgo C-c
	wait_pane "caught-2-INT"
	tm send-keys -t rgo 'exit 3' Enter
	wait_tmux_exit
	assert_eq "exit code of run" 3 "$TMUX_RC"
	assert_eq "terminal mode after run (stty -g)" "$(cat "$TEST_TMP/stty.before")" "$(cat "$TEST_TMP/stty.after")"
	assert_no_leftovers "$ID"
}

test_foreground_exec_tty_in_tmux() {
	new_container
	create_started sleep 1000
	start_tmux exec -t "$ID" sh
	wait_pane "/ #"
	tm send-keys -t rgo 'echo tty-$(tty)' Enter
	wait_pane "tty-/dev/pts/0"
	tm resize-window -t rgo -x 90 -y 25
	sleep 0.2
	tm send-keys -t rgo 'echo resized-$(stty size | tr " " x)' Enter
	wait_pane "resized-25x90"
	tm send-keys -t rgo 'exit 4' Enter
	wait_tmux_exit
	assert_eq "exit code of exec -t" 4 "$TMUX_RC"
	assert_eq "terminal mode after exec (stty -g)" "$(cat "$TEST_TMP/stty.before")" "$(cat "$TEST_TMP/stty.after")"
	delete_and_check
}

run_tests
