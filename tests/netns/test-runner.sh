#!/bin/bash
# tests/netns/test-runner.sh - the clab-netns runner itself.
#
# 1. frr-pair (topologies/frr-pair.clab.yml): FRR RR + FRR leaf come up in
#    namespaces, the iBGP EVPN session gets Established, the RR receives the
#    leaf's Type-3 route for VNI 100; exec/status/ns/dir work; a second `up`
#    is refused; `down` leaves no namespace, process or state dir behind.
# 2. a generated host + evpnd lab (a stand-in evpnd that only opens its
#    control socket): the evpnd role starts the binary from $EVPND with the
#    bound config and the socket in the state dir; links carry traffic;
#    `down` also kills processes started later inside the lab's namespaces.
# 3. l2-stretch with the stand-in evpnd: underlay, FRR RR and leaf3, VXLAN.
# 4. a generated lab whose exec line fails: `up` fails and cleans up after
#    itself; with --keep it leaves the wreck, which `down` then removes.
#
# Env: EVPND, EVPNCTL, SRC (from ctest); LAB_PREFIX to choose the prefix.
. "$(dirname "$(readlink -f "$0")")/lib.sh"
need_root
for f in /usr/lib/frr/zebra /usr/lib/frr/bgpd; do
    [ -x "$f" ] || { fail "FRR not installed ($f)"; finish; }
done
command -v vtysh >/dev/null || { fail "vtysh not installed"; finish; }

TMP=$(mktemp -d /tmp/clab-netns-test.XXXXXX)
on_exit "rm -rf '$TMP'"
T=frr-pair

# ---------------------------------------------------------------- frr-pair
log "frr-pair with prefix $LAB_PREFIX"
check "up $T" topo_up $T || finish
check "status reports the lab up" "$CLAB" status $T
check "status -j is JSON with up=true" bash -c "'$CLAB' status -j $T | $PYTHON -c 'import json,sys; sys.exit(not json.load(sys.stdin)[\"up\"])'"
rr_ns=$(node_ns $T rr)
check "namespace $rr_ns exists" test -e "/run/netns/$rr_ns"
check "namespace name is <prefix><lab>-<node>" test "$rr_ns" = "${LAB_PREFIX}frr-pair-rr"
check "rr eth1 carries 10.0.0.0/31" bash -c "ip -n '$rr_ns' -br addr show dev eth1 | grep -q 10.0.0.0/31"
check "lo is up in the leaf" bash -c "ip -n '$(node_ns $T leaf)' link show lo | grep -q 'UP'"

check_eventually 30 "RR: session to leaf Established" bgp_established $T rr 10.0.0.1
check_eventually 10 "leaf: session to RR Established" bgp_established $T leaf 10.0.0.0
check_eventually 20 "RR has the leaf's Type-3 route for VNI 100" \
    evpn_has_type3 $T rr 10.255.0.2 100
check_fail "RR has no Type-3 route for VNI 200" evpn_has_type3 $T rr 10.255.0.2 200

# exec: commands run inside the node, exit status comes back
check "exec: leaf has vxlan100 with VNI 100" \
    bash -c "'$CLAB' exec $T leaf -- ip -d link show vxlan100 | grep -q 'vxlan id 100'"
check "exec: leaf pings the RR loopback over eth1" node_exec $T leaf ping -c 1 -W 2 10.255.0.1
check "exec: vtysh gets the node's vty socket" \
    bash -c "'$CLAB' exec $T rr -- vtysh -c 'show bgp summary' | grep -q 'router identifier 10.255.0.1'"
check_fail "exec: exit status of the command is returned" node_exec $T rr false
check "dir: state dir holds the vty sockets" test -S "$(node_dir $T rr)/bgpd.vty"
check_fail "second up of a running lab is refused" "$CLAB" up $T

pids=$(cat "$(node_dir $T rr)"/*.pid "$(node_dir $T leaf)"/*.pid 2>/dev/null)
check "4 FRR daemons recorded" test "$(echo "$pids" | wc -w)" -eq 4
state=$(dirname "$(node_dir $T rr)")
check "down $T" topo_down $T
left=$(lab_namespaces)
check "no namespace of the lab remains" test -z "$left"
alive=""
for p in $pids; do pid_running "$p" && alive="$alive $p"; done
check "no daemon of the lab remains" test -z "$alive"
check "state dir removed" test ! -e "$state"
check "down is idempotent" "$CLAB" down $T
check_fail "status of a lab that is down fails" "$CLAB" status $T

# ------------------------------------------------------ host + evpnd role
cat >"$TMP/fake-evpnd" <<'EOF'
#!/usr/bin/python3
# stand-in for evpnd: checks -c FILE, opens the -s control socket, waits
import os, signal, socket, sys, time
a = sys.argv[1:]
conf, sock = a[a.index("-c") + 1], a[a.index("-s") + 1]
open(conf).read()
s = socket.socket(socket.AF_UNIX); s.bind(sock); s.listen(1)
print("fake evpnd up", conf, sock, file=sys.stderr, flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(60)
EOF
chmod +x "$TMP/fake-evpnd"
mkdir -p "$TMP/mini"
echo "router: {asn: 65000, router-id: 10.0.0.2}" >"$TMP/mini/evpnd.yaml"
cat >"$TMP/mini.clab.yml" <<'EOF'
name: mini
topology:
  nodes:
    h:
      kind: linux
      image: alpine:3
      exec:
        - ip addr add 10.0.0.1/31 dev eth1
    e:
      kind: linux
      image: evpnd:latest
      binds:
        - mini/evpnd.yaml:/etc/evpnd/evpnd.yaml
      exec:
        - ip addr add 10.0.0.0/31 dev eth1
        - ip addr add 192.168.9.1/24 dev a-rather-long15
  links:
    - endpoints: ["h:eth1", "e:eth1"]
    - endpoints: ["h:a-rather-long15", "e:a-rather-long15"]
      mtu: 1500
EOF
M=$TMP/mini.clab.yml
real_evpnd=$EVPND
export EVPND=$TMP/fake-evpnd
check "up mini (evpnd role by image name)" topo_up "$M"
export EVPND=$real_evpnd
edir=$(node_dir "$M" e)
check "evpnd control socket in the state dir" test -S "$edir/evpnd.sock"
check "evpnd got the bound config" grep -q "evpnd.yaml" "$edir/evpnd.log"
epid=$(cat "$edir/evpnd.pid")
check "evpnd runs inside the node's namespace" \
    test "$(readlink "/proc/$epid/ns/net")" = "$(ip netns exec "$(node_ns "$M" e)" readlink /proc/self/ns/net)"
check "15-char interface names on both ends" node_exec "$M" h ip link show a-rather-long15
check "link MTU defaults to 9500 (containerlab)" bash -c "ip -n '$(node_ns "$M" h)' link show eth1 | grep -q 'mtu 9500'"
check "h pings e over the link" node_exec "$M" h ping -c 1 -W 2 10.0.0.0
"$CLAB" exec "$M" h -- sleep 300 >/dev/null 2>&1 &
bgjob=$!
wait_until 5 bash -c "ip netns pids '$(node_ns "$M" h)' | grep -q ."
check "down mini" topo_down "$M"
wait "$bgjob" 2>/dev/null
check_fail "evpnd stopped" pid_running "$epid"
check_fail "background process in the lab was killed" pid_running "$bgjob"
check "no namespace remains" test -z "$(lab_namespaces)"

# ------------------------------------- l2-stretch with a stand-in evpnd
# evpnd does not speak BGP yet: check what the topology itself provides
# (underlay, FRR RR + FRR leaf3, VXLAN data plane with hand-made flood
# entries standing in for what evpnd will install).
L=l2-stretch
export EVPND=$TMP/fake-evpnd
check "up $L (stand-in evpnd)" topo_up $L
export EVPND=$real_evpnd
check "7 namespaces" test "$(lab_namespaces | wc -l)" -eq 7
check "leaf1 and leaf2 have their evpnd control sockets" \
    test -S "$(node_dir $L leaf1)/evpnd.sock" -a -S "$(node_dir $L leaf2)/evpnd.sock"
check "VTEP leaf1 reaches VTEP leaf2 through the RR" node_exec $L leaf1 ping -c 1 -W 2 10.255.0.12
check "VTEP leaf1 reaches VTEP leaf3 from its VTEP address" \
    node_exec $L leaf1 ping -c 1 -W 2 -I 10.255.0.11 10.255.0.13
check "vxlan100 on leaf1: VNI 100, local VTEP, port 4789, nolearning" bash -c \
    "ip -n '$(node_ns $L leaf1)' -d link show vxlan100 | grep -E 'id 100 .*local 10.255.0.11 .*dstport 4789.* nolearning'"
check "neigh_suppress on vxlan100" bash -c \
    "ip -n '$(node_ns $L leaf2)' -d link show vxlan100 | grep -q 'neigh_suppress on'"
check_eventually 30 "RR: session to FRR leaf3 Established" bgp_established $L rr 10.1.3.1
check_eventually 20 "RR has leaf3's Type-3 route for VNI 100" evpn_has_type3 $L rr 10.255.0.13 100
node_exec $L leaf1 bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 10.255.0.13 self permanent
node_exec $L leaf3 bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 10.255.0.11 self permanent
check "h1 pings h3 over VXLAN (hand-made flood entries), 1400 bytes, DF" \
    node_exec $L h1 ping -c 2 -i 0.2 -W 2 -s 1400 -M "do" 172.16.0.3
check "down $L" topo_down $L
check "no namespace remains" test -z "$(lab_namespaces)"

# -------------------------------------------------------- failing up
cat >"$TMP/broken.clab.yml" <<'EOF'
name: broken
topology:
  nodes:
    a: {kind: linux, image: alpine:3}
    b: {kind: linux, image: alpine:3, exec: ["ip link set no-such-dev up"]}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
EOF
B=$TMP/broken.clab.yml
check_fail "up with a failing exec line fails" topo_up "$B"
check "... and cleans up after itself" test -z "$(lab_namespaces)"
check_fail "up --keep fails too" topo_up "$B" --keep
check "... and leaves the namespaces" test -n "$(lab_namespaces)"
mv "$B" "$B.gone"
check "down cleans up after a failed up, even without the file" "$CLAB" down "$B"
check "no namespace remains" test -z "$(lab_namespaces)"
check "no temporary veth left in the root namespace" \
    bash -c "! ip -br link | grep -q '^cn[0-9a-f]\{9\}[ab]'"

finish
