# Sourced after lib.sh by the systemd driver's tests (tests/integration/systemd-host.sh on
# this host, tests/vm/systemd-cgroup.sh under systemd): a runtime that finds no systemd.

# no_bus_wrapper MODE: a script (path on stdout) that runs the runtime in a private
# mount namespace where /run/systemd and /run/dbus are empty tmpfs: no systemd socket,
# no system bus, while a running systemd goes on (so the test sees what was left):
#   none     and no /run/systemd/system: systemd looks not booted
#   marker   /run/systemd/system exists (what runc and sd_booted() look at)
#   stalled  besides, /run/systemd/private and /run/dbus/system_bus_socket accept
#            connections and never answer (python3 listens until the runtime exits)
no_bus_wrapper() {
	local w=$TEST_TMP/bus-$1
	cat >"$w" <<-EOF
		#!/bin/bash
		if [[ -z \${RGO_BUS_NS:-} ]]; then
			RGO_BUS_NS=1 exec unshare -m --propagation private "\$0" "\$@"
		fi
		mount -t tmpfs rgo-nobus /run/systemd || exit 99
		[[ -d /run/dbus ]] && { mount -t tmpfs rgo-nobus /run/dbus || exit 99; }
		mkdir -p /run/dbus
		[[ $1 == none ]] || mkdir /run/systemd/system
		if [[ $1 == stalled ]]; then
			python3 - /run/systemd/private /run/dbus/system_bus_socket <<-'PY' &
				import os, socket, sys, time
				socks = []
				for path in sys.argv[1:]:
				    s = socket.socket(socket.AF_UNIX)
				    s.bind(path)
				    s.listen(16)
				    socks.append(s)
				open("/run/systemd/.ready", "w").close()
				parent = os.getppid()
				while os.getppid() == parent:
				    time.sleep(0.2)
			PY
			for ((i = 0; i < 200; i++)); do
				[[ -e /run/systemd/.ready ]] && break
				sleep 0.1
			done
			[[ -e /run/systemd/.ready ]] || exit 98
		fi
		unset DBUS_SYSTEM_BUS_ADDRESS
		exec "$RUNTIME" "\$@"
	EOF
	chmod 755 "$w"
	echo "$w"
}
