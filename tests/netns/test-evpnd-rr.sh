#!/usr/bin/env bash
# evpnd as route reflector (topologies/evpnd-rr.clab.yml): two FRR leaves and
# an evpnd leaf are its clients.  The FRR leaves learn each other's Type-3
# routes through it, with ORIGINATOR_ID and CLUSTER_LIST (RFC 4456); the
# evpnd leaf's Type-3 for its configured VNI reaches FRR with the expected
# RD, route target, encapsulation and PMSI tunnel; evpnd lists the routes;
# a withdrawn VNI and a lost leaf disappear everywhere.
. "$(dirname "$0")/lib.sh"
need_root
T=evpnd-rr

frr_route() { vtysh_node "$T" "$1" "show bgp l2vpn evpn route rd $2"; }
type3_count() { evpnctl_node "$T" "$1" -j show routes type 3 | json_eval "len(d) == $2"; }
reflected_attrs() {
  frr_route leaf1 10.255.0.12:2 | grep -q 'Originator: 10.255.0.12, Cluster list: 10.255.0.1'
}
rr_peer_down() {
  evpnctl_node "$T" rr -j show neighbors |
    json_eval "[n['state'] for n in d if n['address'] == '$1'] != ['Established']"
}
established_all() {
  evpnctl_node "$T" rr -j show neighbors |
    json_eval "len(d) == 3 and all(n['state'] == 'Established' for n in d)"
}

check "topology up" topo_up "$T"
check_eventually 30 "the three clients are Established on the evpnd RR" established_all
check_eventually 20 "leaf1 learns leaf2's Type-3 through evpnd" evpn_has_type3 "$T" leaf1 10.255.0.12 100
check_eventually 20 "leaf2 learns leaf1's Type-3 through evpnd" evpn_has_type3 "$T" leaf2 10.255.0.11 100
check "reflected route carries ORIGINATOR_ID leaf2, CLUSTER_LIST rr" reflected_attrs
check_eventually 20 "evpnd leaf3's VNI 200 Type-3 reaches FRR leaf1" evpn_has_type3 "$T" leaf1 10.255.0.13 200
out=$(frr_route leaf1 10.255.0.13:200)
check "RD router-id:VNI" grep -q "10.255.0.13:200:\[3\]:\[0\]:\[32\]:\[10.255.0.13\]" <<<"$out"
check "route target and VXLAN encapsulation" grep -q "Extended Community: RT:65000:200 ET:8" <<<"$out"
check "PMSI ingress replication with the VNI as label" \
  grep -q "PMSI Tunnel Type: Ingress Replication, label: 200" <<<"$out"
check "evpnd RR lists the three Type-3 routes" type3_count rr 3
check "evpnd leaf3 received the FRR leaves' routes" type3_count leaf3 3

# A VNI removed from the evpnd leaf's configuration is withdrawn everywhere.
dir3=$(node_dir "$T" leaf3)
sed -i 's/^  l2vnis:$/  l2vnis: []/; /- vni: 200/d' "$dir3/evpnd.yaml"
check "leaf3 reload without VNI 200" evpnctl_node "$T" leaf3 reload
gone() { ! evpn_has_type3 "$T" leaf1 10.255.0.13 200; }
check_eventually 10 "VNI 200 withdrawn from FRR leaf1" gone

# An FRR leaf that goes away: its route disappears from the other leaf.
kill -9 "$(cat "$(node_dir "$T" leaf2)/bgpd.pid")"
leaf2_gone() { ! evpn_has_type3 "$T" leaf1 10.255.0.12 100; }
check_eventually 20 "leaf2's route withdrawn from leaf1 after leaf2 died" leaf2_gone
check "evpnd RR's session to leaf2 is down" rr_peer_down 10.1.2.1
check_eventually 5 "evpnd RR dropped leaf2's route" type3_count rr 1
finish
