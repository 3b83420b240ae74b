#!/bin/bash
# Docker's default bridge network on runc-go. dockerd configures a
# container's network from the OCI prestart hook it writes into config.json
# (`/proc/<dockerd>/exe libnetwork-setkey ...`, run by the runtime with the
# container's state on stdin), so this is the runtime's hooks as Docker
# uses them. The bridge, the veths and the iptables rules must not touch
# the host: this dockerd runs in a network namespace of its own (unshare
# -n; lo up), with Docker's network defaults (docker0, iptables, IP
# forwarding, masquerading, the userland proxy). Nothing outside that
# namespace sees them, and the namespace goes with the last process in it.
# Every test runs again with Debian's runc (--runtime runc-ref) as a
# control. See tests/engines/lib-docker.sh and docs/engines.md.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../engines/lib-engines.sh"
source "$(dirname "$0")/../engines/lib-docker.sh"

# Docker's defaults: the bridge network, iptables, the userland proxy
DOCKERD_NET_FLAGS=()
DOCKER_RUN_FLAGS=()
engine_select
# the published port, inside the private namespace only
PORT=18080

# in_netns CMD...: run CMD in dockerd's network namespace
in_netns() { nsenter --net="/proc/$DOCKERD_PID/ns/net" -- "$@"; }

# host_net_state: what a dockerd leaking into the host's network namespace
# would change there (a docker0 link, DOCKER chains)
host_net_state() {
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep -E '^docker0$|^br-' | sort
	if command -v iptables-save >/dev/null; then
		iptables-save 2>/dev/null | grep -E '^:DOCKER' | sort
	fi
}

start_network_docker() {
	ENGINE_SKIP=$(engine_require unshare nsenter ip)
	[[ -z $ENGINE_SKIP ]] || return 1
	HOST_NET_BEFORE=$(host_net_state)
	# dockerd (setpriv, unshare and sh exec it: same pid) in a new network
	# namespace, with lo up for the userland proxy's 127.0.0.1
	# shellcheck disable=SC2016
	start_docker unshare --net -- sh -c 'ip link set lo up && exec "$0" "$@"' || return 1
	DOCKERD_PID=$ENGINE_PID
	engine_hold_netns "$DOCKERD_PID" || { ENGINE_FAIL="dockerd $DOCKERD_PID is gone"; return 1; }
	[[ $ENGINE_NETNS != "$(readlink /proc/self/ns/net)" ]] ||
		{ ENGINE_FAIL="dockerd is in the host's network namespace"; return 1; }
	echo "# dockerd $DOCKERD_PID in $ENGINE_NETNS" >&2
}

# gateway: the default bridge's gateway, into GW: docker0's address in
# the namespace (`docker network inspect bridge` shows only the subnet)
gateway() {
	GW=$(in_netns ip -o -4 addr show docker0 2>&1 | awk '{print $4}' | cut -d/ -f1)
	[[ $GW =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
		fail "no address on docker0 in dockerd's namespace: $(in_netns ip -o addr 2>&1)"
}

# ------------------------------------------------------------------ tests

# a container on the bridge: eth0 with an address of the bridge's subnet,
# the gateway answers ping
test_bridge_gateway() {
	gateway
	dk_run_fg "$IMAGE" sh -c "ip -o -4 addr show eth0 | awk '{print \$4}'; ping -c 1 -W 5 $GW >/dev/null && echo gateway-answers"
	[[ $RC -eq 0 ]] || fail "docker run ping -c 1 $GW exited $RC: $ERR $OUT"
	local lines
	mapfile -t lines <<<"$OUT"
	[[ ${lines[0]} == "${GW%.*}".* ]] || fail "eth0's address '${lines[0]}' is not in the bridge's subnet (gateway $GW)"
	assert_eq "ping of the gateway $GW" gateway-answers "${lines[1]:-}"
}

# a server on a published port (-p), fetched from inside the namespace
# through the gateway address (iptables DNAT) and 127.0.0.1 (docker-proxy);
# its config.json carried dockerd's libnetwork-setkey prestart hook
test_published_port() {
	gateway
	start_detached rgo-web -p "$PORT:80" "$IMAGE" sh -c \
		'mkdir -p /www && echo "hello from $(hostname)" >/www/index.html && exec httpd -f -p 80 -h /www'
	wait_docker_status rgo-web running
	local hook
	hook=$(jq -c '[.hooks.prestart[]?.args[0]]' \
		"$ENGINE_DIR/exec/containerd/daemon/io.containerd.runtime.v2.task/moby/$CID/config.json" 2>&1)
	assert_eq "prestart hooks in config.json" '["libnetwork-setkey"]' "$hook"
	local url i got=""
	for url in "http://$GW:$PORT/" "http://127.0.0.1:$PORT/"; do
		for ((i = 0; i < 50; i++)); do
			got=$(in_netns timeout 5 /bin/busybox wget -q -O - "$url" 2>&1) && break
			sleep 0.1
		done
		assert_eq "GET $url from inside the namespace" "hello from ${CID:0:12}" "$got"
	done
	if command -v iptables-save >/dev/null; then
		in_netns iptables-save -t nat 2>&1 | grep -q -- "--dport $PORT .*DNAT" ||
			fail "no DNAT rule for port $PORT in the namespace's iptables: $(in_netns iptables-save -t nat 2>&1 | grep -i docker | head -n 5)"
	fi
}

# dockerd's network stays in its namespace: the host has no docker0 and
# no DOCKER iptables chains that it did not have before
test_host_network_untouched() {
	assert_eq "docker0 and DOCKER chains in the host's network namespace" "$HOST_NET_BEFORE" "$(host_net_state)"
}

engine_main start_network_docker
