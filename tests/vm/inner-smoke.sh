#!/bin/bash
# tests/vm/inner-smoke.sh - runs INSIDE the test VM (started by
# tests/vm/test-vm-smoke.sh through tests/vm/run-in-vm.sh); refuses to run on
# the host.  Proves what the VRF tests rely on:
#   - Debian's kernel is running (uname -r differs from the host's, passed as
#     EVPND_VM_HOST_KERNEL), the default modules loaded;
#   - the overlay root is writable where tests write (/run, /var/run, /tmp,
#     /var/tmp), user frr exists;
#   - `ip link add vrf-t type vrf table 10`, `ip link add d0 type dummy`,
#     routes in the VRF's table;
#   - namespaces + veth + bridge + VXLAN carry traffic, also with the bridge
#     (SVI) enslaved to a VRF inside a namespace;
#   - FRR's zebra and bgpd start in namespaces (tests/netns/clab-netns with
#     topologies/frr-pair.clab.yml) and the EVPN session comes up.
# shellcheck source=../netns/lib.sh
. "$(dirname "$(readlink -f "$0")")/../netns/lib.sh"
need_root
if [ "${EVPND_IN_VM:-}" != 1 ]; then
    echo "inner-smoke.sh runs inside the VM: tests/vm/run-in-vm.sh $0"
    echo "0 passed, 1 failed"; exit 1
fi

# ------------------------------------------------------------- the kernel
log "guest kernel $(uname -r), host kernel ${EVPND_VM_HOST_KERNEL:-?}"
check "guest kernel differs from the host's (${EVPND_VM_HOST_KERNEL:-unset})" \
    test -n "${EVPND_VM_HOST_KERNEL:-}" -a "$(uname -r)" != "${EVPND_VM_HOST_KERNEL:-}"
check "guest kernel is Debian's 6.1 (linux-image-amd64)" \
    bash -c "uname -r | grep -q '^6\.1\..*-amd64$'"
check "all default modules loaded" bash -c "! grep -v '^ok ' /run/evpnd-vm/modules"
for m in vrf dummy bridge vxlan veth; do
    check "module $m is loaded" test -d "/sys/module/$m"
done

# ---------------------------------------------------- the root file system
for d in /run /var/run /tmp /var/tmp /etc; do
    check "$d is writable" bash -c "f=\$(mktemp -p $d) && rm -f \"\$f\""
done
check "user frr exists" id frr
check "the repository is there" test -f "$SRC/tests/netns/clab-netns"

# ------------------------------------------------------------ VRF, dummy
check "ip link add vrf-t type vrf table 10" ip link add vrf-t type vrf table 10
check "ip link add d0 type dummy" ip link add d0 type dummy
check "d0 enslaved to vrf-t" ip link set d0 master vrf-t
ip link set vrf-t up; ip link set d0 up
ip addr add 192.0.2.1/24 dev d0
check "connected route of d0 in table 10" bash -c "ip route show table 10 | grep -q '192.0.2.0/24 dev d0'"
check "no such route in the main table" bash -c "! ip route show table main | grep -q 192.0.2.0/24"
check "vrf-t listed by ip vrf" bash -c "ip vrf show | grep -q 'vrf-t *10'"
ip link del d0; ip link del vrf-t

# ------------------------------------ namespaces, veth, bridge, VXLAN, VRF
A=${LAB_PREFIX}vm-a B=${LAB_PREFIX}vm-b
on_exit "ip netns del $A; ip netns del $B"
check "two namespaces" bash -c "ip netns add $A && ip netns add $B"
check "veth between them" ip link add ua netns "$A" type veth peer name ub netns "$B"
setup_leaf() {   # NS UNDERLAY-IF LOCAL REMOTE SVI-IP
    ip -n "$1" link set lo up &&
    ip -n "$1" addr add "$3/24" dev "$2" && ip -n "$1" link set "$2" up &&
    ip -n "$1" link add br100 type bridge &&
    ip -n "$1" link add vxlan100 type vxlan id 100 local "$3" dstport 4789 nolearning &&
    ip -n "$1" link set vxlan100 master br100 &&
    bridge -n "$1" fdb append 00:00:00:00:00:00 dev vxlan100 dst "$4" self permanent &&
    ip -n "$1" link add t1 type vrf table 100 && ip -n "$1" link set t1 up &&
    ip -n "$1" link set br100 master t1 &&
    ip -n "$1" addr add "$5/24" dev br100 &&
    ip -n "$1" link set vxlan100 up && ip -n "$1" link set br100 up
}
check "leaf a: bridge + vxlan100 + VRF t1 with the SVI" setup_leaf "$A" ua 10.9.0.1 10.9.0.2 172.16.9.1
check "leaf b: bridge + vxlan100 + VRF t1 with the SVI" setup_leaf "$B" ub 10.9.0.2 10.9.0.1 172.16.9.2
check "underlay ping over the veth" ip netns exec "$A" ping -c 1 -W 2 10.9.0.2
check "SVI route in VRF t1's table 100" \
    bash -c "ip -n '$A' route show table 100 | grep -q '172.16.9.0/24 dev br100'"
check "overlay ping in VRF t1 over VXLAN" ip netns exec "$A" ping -c 2 -i 0.3 -W 2 -I t1 172.16.9.2
check "VXLAN FDB learned the remote MAC" \
    bash -c "bridge -n '$A' fdb show dev vxlan100 | grep -q 'dst 10.9.0.2'"

# --------------------------------------------------------- FRR in the VM
T=frr-pair
for f in /usr/lib/frr/zebra /usr/lib/frr/bgpd; do
    [ -x "$f" ] || { fail "FRR not installed ($f)"; finish; }
done
check "clab-netns up $T (zebra + bgpd in namespaces)" topo_up $T || finish
check "zebra and bgpd of both nodes run" bash -c \
    "for n in rr leaf; do for d in zebra bgpd; do kill -0 \$(cat $(dirname "$(node_dir $T rr)")/\$n/\$d.pid) || exit 1; done; done"
check_eventually 60 "RR: session to leaf Established" bgp_established $T rr 10.0.0.1
check_eventually 30 "leaf: session to RR Established" bgp_established $T leaf 10.0.0.0
check_eventually 30 "RR has the leaf's Type-3 route for VNI 100" evpn_has_type3 $T rr 10.255.0.2 100
check "down $T" topo_down $T

finish
