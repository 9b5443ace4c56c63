#!/usr/bin/env bash
# Declarative devices (create: true), on topologies/devices (one evpnd leaf,
# a host behind it, a spine that only gives the underlay route):
#   l2   evpnd creates VNI 100 (vxlan100: id 100 local 10.255.0.11 dstport
#        4789 nolearning; br100 with MAC 02:00:00:00:01:00 and the SVI
#        172.16.0.254/24; vxlan100's port flags neigh_suppress on learning
#        off; access port eth2; source ports 49152-65535) and the default
#        VRF's L3VNI 5000 (vxlan5000, br5000 with the router MAC, no
#        master); h1 pings the SVI; the underlay MTU going down to 1400
#        makes evpnd warn (1500 + 50 > 1400); what is changed by hand (MTU,
#        port flags, a port leaving) is put back by a reload; a SIGTERM
#        restart keeps every device (same ifindex, no deletion seen
#        by a netlink monitor, nothing created); a VNI whose VXLAN device
#        name is taken by a bridge is refused with a clear error, the bridge
#        untouched, evpnd running; a reload without VNI 100 deletes vxlan100
#        and br100 (evpnd's) but not eth2 nor the foreign bridge.
#   vrf  evpnd creates VRF tenant1 (table 1001) with L3VNI 5001 (vxlan5001,
#        br5001 enslaved to tenant1) and VNI 300 whose bridge is enslaved to
#        tenant1; a reload without them deletes all three.  Needs the VRF
#        driver: without it this part re-runs itself in the test VM
#        (tests/vm/run-in-vm.sh), kept short (the VM is ~10x slower).
#
# Usage: tests/netns/test-devices.sh [all|l2|vrf]   (default all)
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
PART=${1:-all}
. "$HERE/../vm/need-kernel.sh"
if [ "$PART" = vrf ]; then
  vm_need_link_types vrf -- vrf
fi
. "$HERE/lib.sh"
need_root
T=devices

LEAF_NS=
# in the leaf's namespace, directly (the runner's exec is slow in the VM)
on_leaf() { ip netns exec "${LEAF_NS:=$(node_ns "$T" leaf)}" "$@"; }
leaf_log() { cat "$(node_dir "$T" leaf)/evpnd.log"; }
log_has() { leaf_log | grep -q -- "$1"; }
ifindex() { on_leaf cat "/sys/class/net/$1/ifindex"; }
link_d() { on_leaf ip -d link show "$1"; }
# link_has DEV REGEX: `ip -d link show DEV` matches the extended regex
link_has() { link_d "$1" | tr '\n' ' ' | grep -Eq -- "$2"; }
no_link() { ! on_leaf ip link show "$1" >/dev/null 2>&1; }
evpnd_pid() { cat "$(node_dir "$T" leaf)/evpnd.pid"; }
reload() { evpnctl_node "$T" leaf reload; }
# vni_reported VNI VXLAN-DEVICE: evpnd knows the VNI on that device (discovery)
vni_reported() {
  evpnctl_node "$T" leaf -j show vnis |
    json_eval "any(v['vni'] == $1 and v.get('vxlan-device') == '$2' for v in d)"
}
vni_gone() { ! evpnctl_node "$T" leaf -j show vnis | json_eval "any(v['vni'] == $1 for v in d)"; }
brport_flags_ok() {
  on_leaf bridge -d link show dev "$1" | tr '\n' ' ' | grep -E 'learning off' | grep -q 'neigh_suppress on'
}
marked() { link_d "$1" | grep -q "alias evpnd: $2"; }
has_addr() { on_leaf ip addr show dev "$1" | grep -q "inet6\? $2 "; }
master_of() { link_d "$1" | grep -q " master $2 "; }
no_master() { ! link_d "$1" | grep -q " master "; }
all_gone() { local d; for d in "$@"; do no_link "$d" || return 1; done; }
cfg() { printf '%s\n' "$1" >"$(node_dir "$T" leaf)/evpnd.yaml"; }

BASE='router:
  asn: 65000
  router-id: 10.255.0.11
neighbors:
  - address: 10.1.1.0
    remote-asn: 65000'
VNI100='    - vni: 100
      create: true
      svi-addresses: [172.16.0.254/24]
      svi-mac: 02:00:00:00:01:00
      access-ports: [eth2]
      source-port-range: { low: 49152, high: 65535 }'
VRFDEF='  vrfs:
    - name: default
      l3vni: 5000
      create: true
      router-mac: 02:00:00:00:50:00'

part_l2() {
  check "devices: vxlan100 id 100 local 10.255.0.11 dstport 4789 nolearning, in br100, up" \
    link_has vxlan100 'UP.* master br100 .*vxlan id 100 local 10\.255\.0\.11 .*dstport 4789 nolearning'
  check "devices: vxlan100 source ports 49152-65535" link_has vxlan100 'srcport 49152 65535 '
  check "devices: vxlan100 bridge port neigh_suppress on, learning off" brport_flags_ok vxlan100
  check "devices: vxlan100 marked as evpnd's" marked vxlan100 "vni 100"
  check "devices: br100 marked as evpnd's" marked br100 "vni 100"
  check "devices: br100 up with the anycast MAC 02:00:00:00:01:00" \
    link_has br100 'UP.*link/ether 02:00:00:00:01:00 .*bridge '
  check "devices: br100 holds the SVI 172.16.0.254/24" has_addr br100 172.16.0.254/24
  check "devices: access port eth2 in br100, up" link_has eth2 'UP.* master br100 '
  check "devices: vxlan5000 in br5000" master_of vxlan5000 br5000
  check "devices: br5000 has no master (VRF default)" no_master br5000
  check "devices: br5000's MAC is the router MAC" link_has br5000 'link/ether 02:00:00:00:50:00 '
  check_eventually 10 "devices: evpnd reports VNI 100 on vxlan100 (discovery)" vni_reported 100 vxlan100
  check_eventually 10 "devices: h1 pings the SVI 172.16.0.254" \
    node_exec "$T" h1 ping -c 1 -W 1 172.16.0.254
  check_fail "devices: no MTU warning with an underlay MTU of 9000" log_has "exceeds the underlay MTU"

  on_leaf ip link set eth1 mtu 1400
  check_eventually 10 "devices: underlay MTU 1400 < 1500 + 50: warning names both MTUs" \
    log_has "vni 100: MTU 1500 of vxlan100 + 50 bytes of VXLAN over IPv4 exceeds the underlay MTU 1400 (eth1, towards 10.1.1.0)"
  on_leaf ip link set eth1 mtu 9000

  # ---- drift is repaired on reload -------------------------------------
  on_leaf ip link set vxlan100 mtu 1400
  on_leaf bridge link set dev vxlan100 neigh_suppress off
  on_leaf ip link set eth2 nomaster
  check "devices: reload after changes by hand" reload
  check_eventually 10 "devices: vxlan100 MTU 1500 again" link_has vxlan100 ' mtu 1500 '
  check "devices: vxlan100 neigh_suppress on again" brport_flags_ok vxlan100
  check "devices: eth2 back in br100" master_of eth2 br100

  # ---- restart: adopt, never delete and recreate ------------------------
  local vx br l3 pid mon
  vx=$(ifindex vxlan100) br=$(ifindex br100) l3=$(ifindex vxlan5000) pid=$(evpnd_pid)
  mon=$(mktemp /tmp/devices-mon.XXXXXX)
  on_exit rm -f "$mon"
  on_leaf ip monitor link >"$mon" 2>&1 &
  local monpid=$!
  on_exit kill "$monpid" 2>/dev/null
  sleep 0.5
  check "devices: SIGTERM restart of evpnd" "$CLAB" --prefix "$LAB_PREFIX" restart "$T" leaf --signal TERM
  check_eventually 15 "devices: restarted evpnd reports VNI 100 again" vni_reported 100 vxlan100
  sleep 1
  kill "$monpid" 2>/dev/null
  check "devices: same ifindex for vxlan100, br100, vxlan5000 after the restart" \
    test "$(ifindex vxlan100) $(ifindex br100) $(ifindex vxlan5000)" = "$vx $br $l3"
  check_fail "devices: no link deleted during the restart (ip monitor link)" grep -q '^Deleted' "$mon"
  check "devices: restarted evpnd found them (created by evpnd, used as they are)" \
    log_has "VXLAN device vxlan100 exists (ifindex $vx, created by evpnd): used as it is"
  check "devices: still pinging the SVI after the restart" node_exec "$T" h1 ping -c 1 -W 1 172.16.0.254
  check "devices: a new evpnd process" test "$(evpnd_pid)" != "$pid"

  # ---- a device of the wrong type ----------------------------------------
  on_leaf ip link add blocker type bridge
  cfg "$BASE
evpn:
  l2vnis:
$VNI100
    - vni: 200
      create: true
      vxlan-device: blocker
$VRFDEF"
  check "devices: reload with VNI 200 on a name held by a bridge" reload
  check_eventually 10 "devices: clear error for VNI 200" \
    log_has "vni 200: cannot create blocker: File exists (not a VXLAN device)"
  check "devices: blocker is still a bridge" link_has blocker ' bridge forward_delay '
  check "devices: nothing of VNI 200 created (br200)" no_link br200
  check "devices: evpnd keeps running" pid_running "$(evpnd_pid)"

  # ---- reload removing VNI 100 -----------------------------------------
  cfg "$BASE
evpn:
$VRFDEF"
  check "devices: reload without VNI 100" reload
  check_eventually 10 "devices: vxlan100 and br100 deleted" all_gone vxlan100 br100
  check "devices: log says so" log_has "vni 100: deleted VXLAN device vxlan100 (not in the configuration any more)"
  check "devices: eth2 kept, released from the bridge" no_master eth2
  check "devices: the foreign bridge kept" on_leaf ip link show blocker
  check "devices: vxlan5000 untouched (same ifindex)" test "$(ifindex vxlan5000)" = "$l3"
  check_eventually 10 "devices: evpnd does not report VNI 100 any more" vni_gone 100
}

part_vrf() {
  cfg "$BASE
evpn:
  l2vnis:
    - vni: 300
      create: true
      svi-addresses: [172.16.30.1/24]
      vrf: tenant1
  vrfs:
    - name: tenant1
      l3vni: 5001
      create: true
      table: 1001"
  check "vrf: reload with VRF tenant1 (table 1001) and VNI 300 in it" reload
  check_eventually 40 "vrf: tenant1 is a VRF device with table 1001, up" \
    link_has tenant1 'UP.*vrf table 1001'
  check "vrf: br5001 (the L3 SVI) enslaved to tenant1" master_of br5001 tenant1
  check "vrf: br300 enslaved to tenant1" master_of br300 tenant1
  check "vrf: vxlan5001 in br5001" master_of vxlan5001 br5001
  check_eventually 10 "vrf: the SVI's subnet is in table 1001" \
    sh -c "ip -n '$(node_ns "$T" leaf)' route show table 1001 | grep -q '^172.16.30.0/24 dev br300'"
  cfg "$BASE"
  check "vrf: reload without them" reload
  check_eventually 40 "vrf: tenant1, br5001, vxlan5001, br300, vxlan300 deleted" \
    all_gone tenant1 br5001 vxlan5001 br300 vxlan300
}

check "topology up" topo_up "$T"
case $PART in
  l2) part_l2 ;;
  vrf) part_vrf ;;
  all)
    part_l2
    if vm_link_type_ok vrf; then
      part_vrf
    elif [ "${DEVICES_VM:-0}" = 1 ]; then
      log "no VRF driver in $(uname -r): the vrf part runs in the test VM"
      check "vrf part in the test VM (tests/vm/run-in-vm.sh $0 vrf)" "$HERE/../vm/run-in-vm.sh" "$0" vrf
    else
      # CI runs it in the VM with the other VRF tests (tests/vm/test-vrf.sh), one boot
      log "no VRF driver in $(uname -r): vrf part skipped here (DEVICES_VM=1 runs it in the VM)"
    fi ;;
  *) fail "unknown part '$PART' (all, l2 or vrf)" ;;
esac
finish
