#!/usr/bin/env bash
# L2 EVPN end to end (topologies/l2-stretch.clab.yml): acceptance scenarios
#   1 L2 stretch: hosts behind two evpnd leaves ping through an FRR RR;
#   2 mixed fabric: an evpnd leaf and an FRR leaf learn each other's
#     Type-2/Type-3 routes and their hosts ping;
#   3 ARP suppression: h1's ARP for h2 is answered by leaf1 and never crosses
#     the underlay (capture on leaf1's uplink), while an ARP for an unknown
#     address does (the control);
#   4 MAC move: h2's MAC appears behind leaf1: sequence 1, the old location
#     is withdrawn, traffic recovers;
#   7 withdraw and failure: a host, a VNI, a leaf removed -> their entries
#     disappear everywhere;
# plus encoding parity: FRR's view of evpnd's Type-2/Type-3 routes.
. "$(dirname "$0")/lib.sh"
need_root
T=l2-stretch
H2B=${LAB_PREFIX}h2b

ping_ok() { node_exec "$T" "$1" ping -c 1 -W 1 "$2" >/dev/null; }
fdb() { node_exec "$T" "$1" bridge fdb show dev vxlan100; }
has_fdb() { fdb "$1" | grep -q -- "$2"; }
no_fdb() { ! fdb "$1" | grep -q -- "$2"; }
has_neigh() { node_exec "$T" "$1" ip neigh show dev br100 | grep -q -- "$2"; }
routes() { evpnctl_node "$T" "$1" -j show routes "${@:2}"; }
frr_rd() { vtysh_node "$T" "$1" "show bgp l2vpn evpn route rd $2"; }

check "topology up" topo_up "$T"
# hosts talk to their gateway (the SVI) so leaves learn their MAC+IP
for n in 1 2 3; do node_exec "$T" h$n ping -c 2 -W 1 172.16.0.25$n >/dev/null; done

# --- 1 and 2: stretch and mixed fabric ---------------------------------
check_eventually 30 "scenario 1: h1 (evpnd leaf1) pings h2 (evpnd leaf2)" ping_ok h1 172.16.0.2
check_eventually 30 "scenario 2: h1 (evpnd leaf1) pings h3 (FRR leaf3)" ping_ok h1 172.16.0.3
check "h3 (FRR leaf) pings h2 (evpnd leaf)" ping_ok h3 172.16.0.2
check "leaf1 flood list has leaf2" has_fdb leaf1 "00:00:00:00:00:00 dst 10.255.0.12 self permanent"
check "leaf1 flood list has leaf3 (FRR)" has_fdb leaf1 "00:00:00:00:00:00 dst 10.255.0.13 self permanent"
check "leaf1 remote MAC of h2: dst entry" has_fdb leaf1 "02:aa:00:00:00:02 dst 10.255.0.12 self extern_learn"
check "leaf1 remote MAC of h2: master entry" has_fdb leaf1 "02:aa:00:00:00:02 extern_learn master br100"
check "leaf1 remote MAC of h3 (from FRR)" has_fdb leaf1 "02:aa:00:00:00:03 dst 10.255.0.13 self extern_learn"
check_eventually 20 "leaf1 neighbour for h2 (ARP/ND suppression)" \
  has_neigh leaf1 "172.16.0.2 lladdr 02:aa:00:00:00:02 extern_learn"
check_eventually 20 "leaf1 neighbour for h3 (from FRR's MAC+IP)" \
  has_neigh leaf1 "172.16.0.3 lladdr 02:aa:00:00:00:03 extern_learn"
check_eventually 20 "FRR leaf3 has evpnd leaf1's Type-3" evpn_has_type3 "$T" leaf3 10.255.0.11 100
check_eventually 20 "FRR leaf3 installed h1's MAC towards leaf1" \
  has_fdb leaf3 "02:aa:00:00:00:01 dst 10.255.0.11 self extern_learn"

# --- encoding parity: FRR's view of evpnd's routes ----------------------
t2=$(frr_rd rr 10.255.0.11:100)
check "parity: Type-2 MAC+IP of h1 with RD 10.255.0.11:100" \
  grep -q "10.255.0.11:100:\[2\]:\[0\]:\[48\]:\[02:aa:00:00:00:01\]:\[32\]:\[172.16.0.1\]" <<<"$t2"
check "parity: Type-3 with PMSI ingress replication, label = VNI" \
  grep -q "PMSI Tunnel Type: Ingress Replication, label: 100" <<<"$t2"
check "parity: route target and VXLAN encapsulation" grep -q "RT:65000:100 ET:8" <<<"$t2"
check "parity: next hop is leaf1's VTEP" grep -q "10.255.0.11 from 10.1.1.1" <<<"$t2"
labels_ok() {
  vtysh_node "$T" rr "show bgp l2vpn evpn route rd 10.255.0.11:100 mac 02:aa:00:00:00:01 json" |
    json_eval "'\"vni\": \"100\"' in json.dumps(d) and '\"esi\"' not in json.dumps(d)"
}
check "parity: label = VNI 100 and no (zero) ESI in FRR's JSON" labels_ok

# --- 3: ARP suppression proven on the underlay ---------------------------
cap=$(mktemp /tmp/l2evpn-arp.XXXXXX.pcap)
on_exit "rm -f $cap"
node_exec "$T" h1 ip neigh flush dev eth1
node_exec "$T" leaf1 timeout 8 tcpdump -q -ni eth1 -w "$cap" udp port 4789 >/dev/null 2>&1 &
capture=$!
sleep 1.5
check "h1 resolves h2 and pings it" ping_ok h1 172.16.0.2
node_exec "$T" h1 ping -c 1 -W 1 172.16.0.99 >/dev/null 2>&1 # unknown address: flooded
wait $capture
arps() { tshark -r "$cap" -d udp.port==4789,vxlan -Y "arp.opcode == 1 && arp.dst.proto_ipv4 == $1" 2>/dev/null | wc -l; }
check "scenario 3: no ARP request for h2 on the underlay" test "$(arps 172.16.0.2)" -eq 0
check "control: the ARP for an unknown address crossed the underlay" test "$(arps 172.16.0.99)" -ge 1
check "h1 learned h2's MAC from leaf1's answer" \
  bash -c "ip netns exec '$(node_ns "$T" h1)' ip neigh show 172.16.0.2 | grep -q 02:aa:00:00:00:02"

# --- 4: MAC move: h2's MAC and IP appear behind leaf1 -------------------
ip netns add "$H2B"
on_exit "ip netns del $H2B"
ip link add "${LAB_PREFIX}mv" type veth peer name mvp netns "$H2B"
ip link set "${LAB_PREFIX}mv" netns "$(node_ns "$T" leaf1)"
node_exec "$T" leaf1 ip link set "${LAB_PREFIX}mv" master br100 up
ip netns exec "$H2B" ip link set mvp address 02:aa:00:00:00:02 mtu 1450 up
ip netns exec "$H2B" ip addr add 172.16.0.2/24 dev mvp
node_exec "$T" h2 ip link set eth1 down # the host left leaf2
moved_ping() { ip netns exec "$H2B" ping -c 1 -W 1 172.16.0.3 >/dev/null; }
check_eventually 30 "scenario 4: traffic recovers from the new location (h2 -> h3)" moved_ping
seq_is() {
  routes "$1" mac 02:aa:00:00:00:02 type 2 |
    json_eval "any(p['from'] == 'local' and p.get('mac-mobility-seq') == $2 for r in d for p in r['paths'])"
}
check_eventually 10 "leaf1 advertises h2's MAC with sequence 1" seq_is leaf1 1
leaf2_withdrew() {
  routes leaf2 mac 02:aa:00:00:00:02 type 2 | json_eval "not any(p['from'] == 'local' for r in d for p in r['paths'])"
}
check_eventually 10 "leaf2 withdrew its route for the moved MAC" leaf2_withdrew
check_eventually 10 "leaf2 now sends h2's MAC to leaf1" \
  has_fdb leaf2 "02:aa:00:00:00:02 dst 10.255.0.11 self extern_learn"
frr_mm() {
  vtysh_node "$T" leaf3 "show bgp l2vpn evpn route type macip" |
    grep -A4 "\[02:aa:00:00:00:02\]" | grep -q "MM:1"
}
check_eventually 10 "FRR leaf3 sees the move (MM:1)" frr_mm
check_eventually 10 "FRR leaf3 forwards h2's MAC to leaf1" \
  has_fdb leaf3 "02:aa:00:00:00:02 dst 10.255.0.11 self extern_learn"

# --- 7: withdraw and failure ---------------------------------------------
node_exec "$T" leaf3 bridge fdb del 02:aa:00:00:00:03 dev eth2 master 2>/dev/null
node_exec "$T" h3 ip link set eth1 down
check_eventually 30 "host removed: h3's MAC gone from leaf1" no_fdb leaf1 "02:aa:00:00:00:03"
node_exec "$T" leaf2 ip link del vxlan100
check_eventually 20 "VNI removed on leaf2: leaf1's flood entry for leaf2 gone" \
  no_fdb leaf1 "dst 10.255.0.12 self permanent"
check_eventually 20 "VNI removed on leaf2: FRR leaf3's flood entry for leaf2 gone" \
  no_fdb leaf3 "dst 10.255.0.12 self permanent"
kill -9 "$(pgrep -f "evpnd -c $(node_dir "$T" leaf1)/" | head -1)"
check_eventually 30 "leaf removed: FRR leaf3's flood entry for leaf1 gone" \
  no_fdb leaf3 "dst 10.255.0.11 self permanent"
check_eventually 10 "leaf removed: FRR leaf3's MAC entries towards leaf1 gone" \
  no_fdb leaf3 "dst 10.255.0.11"
finish
