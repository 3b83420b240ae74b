#!/bin/bash
# Idmapped bind mounts: mounts[].uidMappings/gidMappings, and the "idmap"
# option taking the container's own user namespace maps. The runtime makes
# the mount (it has CAP_SYS_ADMIN over the source's filesystem), the init only
# attaches it. runc 1.1.5 has none of this.
source "$(dirname "$0")/../lib.sh"

# idmap_source: a host directory with a root-owned and a 1000-owned file
idmap_source() {
	SRC=$TEST_TMP/idmap-src.$BASHPID
	mkdir -p "$SRC"
	chmod 777 "$SRC"
	echo root >"$SRC/by-root"
	echo user >"$SRC/by-1000"
	chown 1000:1000 "$SRC/by-1000"
}

# skip_unless_supported: a filesystem without idmapped mount support (tmpfs
# before Linux 6.3) gets the runtime's clear error, and the test is skipped
skip_unless_supported() {
	if [[ $RC -ne 0 && $ERR == *"must support idmapped mounts"* ]]; then
		skip "$(stat -fc %T "$SRC") cannot be idmapped on this kernel: $ERR"
	fi
}

test_mount_mappings_without_user_namespace() {
	require_runc_go
	idmap_source
	new_container
	set_config '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["bind"],
		uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
		gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}]' --arg s "$SRC"
	run_in sh -c 'stat -c "%n %u:%g" /data/by-root /data/by-1000'
	skip_unless_supported
	expect_rc 0 "run"
	# the maps' direction is the user namespace's: source id 0 shows as 1000;
	# 1000 is not mapped and shows as the overflow id
	assert_eq "owners through the idmapped mount" \
		"$(printf '/data/by-root 1000:1000\n/data/by-1000 65534:65534')" "$OUT"
	assert_eq "owners on the host" "0 1000" "$(stat -c %u "$SRC/by-root" "$SRC/by-1000" | tr '\n' ' ' | sed 's/ $//')"
}

# The common case: a container in a user namespace (0 -> 100000) shares a host
# directory; with "idmap" its files keep their host owners as seen inside, and
# what the container writes is owned by the same ids on the host.
test_idmap_option_with_user_namespace() {
	require_runc_go
	idmap_source
	new_container
	# the container's root (host 100000) can't make the mount point in the root-owned image
	mkdir -p "$BUNDLE/rootfs/data"
	set_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .mounts += [{destination: "/data", type: "bind", source: $s, options: ["bind", "idmap"]}]' \
		--arg s "$SRC"
	run_in sh -c 'id -u; stat -c "%n %u" /data/by-root /data/by-1000; echo x >/data/made && stat -c "%n %u" /data/made'
	skip_unless_supported
	expect_rc 0 "run"
	assert_eq "inside" "$(printf '0\n/data/by-root 0\n/data/by-1000 1000\n/data/made 0')" "$OUT"
	assert_eq "the new file's owner on the host" 0 "$(stat -c %u "$SRC/made")"
}

test_idmap_errors() {
	require_runc_go
	idmap_source
	new_container
	set_config '.mounts += [{destination: "/data", type: "bind", source: $s, options: ["bind", "idmap"]}]' \
		--arg s "$SRC"
	run_in true
	expect_nonzero "idmap without any maps"
	expect_err_contains "idmap needs uidMappings and gidMappings on the mount"
	assert_no_leftovers "$ID"
	new_container
	set_config '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["idmap"]}]'
	run_in true
	expect_nonzero "idmap of a tmpfs mount"
	expect_err_contains "only bind mounts can be idmapped"
	[[ $(grep -c . <<<"$ERR") -eq 1 ]] || fail "expected one line, got: $ERR"
	assert_no_leftovers "$ID"
}

run_tests
