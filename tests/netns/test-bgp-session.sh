#!/usr/bin/env bash
# BGP sessions between evpnd and FRR 8.4 (topologies/bgp-session.clab.yml):
# Established with evpnd initiating and with FRR initiating, both with
# TCP-MD5 (a wrong key keeps the session down); EVPN routes from FRR arrive;
# a frozen peer (SIGSTOP) makes evpnd's hold timer fire and the session comes
# back after SIGCONT; a route refresh requested by FRR is answered; `evpnctl
# clear neighbor` resets the session.
. "$(dirname "$0")/lib.sh"
need_root
T=bgp-session

nb() { # nb NODE EXPR: evaluate EXPR on the node's first neighbour (JSON `n`)
  evpnctl_node "$T" "$1" -j show neighbors | json_eval "(lambda n: $2)(d[0])"
}
established() { nb "$1" "n['state'] == 'Established'"; }
not_established() { nb "$1" "n['state'] != 'Established'"; }

check "topology up" topo_up "$T"
check_eventually 30 "leaf1 (evpnd initiates, MD5) Established" established leaf1
check_eventually 30 "leaf2 (FRR initiates, MD5, GTSM: FRR needs TTL 255) Established" established leaf2
check "FRR sees leaf1 Established" bgp_established "$T" rr 10.1.1.1
check "FRR sees leaf2 Established" bgp_established "$T" rr 10.1.2.1
check "leaf1 connected out (remote port 179)" nb leaf1 "n['remote-port'] == 179"
check "leaf2 was connected to (local port 179)" nb leaf2 "n['local-port'] == 179"
check "EVPN capability negotiated" nb leaf1 "'l2vpn-evpn' in n['capabilities']"
check "negotiated hold time 9" nb leaf1 "n['hold-time'] == 9 and n['keepalive'] == 3"
check_eventually 30 "FRR leaf3's Type-3 route reaches leaf1" nb leaf1 "n['prefixes-received'] >= 1"
leaf3_listed() {
  evpnctl_node "$T" leaf1 -j show routes type 3 |
    json_eval "any(r['prefix'] == '[3]:[0]:[32]:[10.255.0.13]' and r['paths'][0]['from'] == '10.1.1.0' for r in d)"
}
check "evpnd lists the route FRR sent" leaf3_listed
check_eventually 20 "evpnd's own Type-3 (VNI 300) reaches FRR" evpn_has_type3 "$T" rr 10.255.0.11 300

# TCP-MD5 is enforced: a wrong key on leaf2 keeps the session down.
dir2=$(node_dir "$T" leaf2)
sed -i 's/password: s3cret/password: wrong/' "$dir2/evpnd.yaml"
check "reload with a wrong MD5 key" evpnctl_node "$T" leaf2 reload
check_eventually 10 "leaf2 leaves Established" not_established leaf2
sleep 6
check "leaf2 stays down with a wrong key" not_established leaf2
sed -i 's/password: wrong/password: s3cret/' "$dir2/evpnd.yaml"
check "reload with the right key" evpnctl_node "$T" leaf2 reload
check_eventually 30 "leaf2 Established again" established leaf2

# A frozen peer: evpnd's hold timer (9 s) fires, the session recovers after SIGCONT.
bgpd_pid=$(cat "$(node_dir "$T" rr)/bgpd.pid")
kill -STOP "$bgpd_pid"
on_exit "kill -CONT $bgpd_pid"
check_eventually 15 "hold timer expires on leaf1" nb leaf1 "n['state'] != 'Established'"
check "hold timer expiry sent NOTIFICATION 4/0" \
  nb leaf1 "n['last-error-sent']['code'] == 4"
check "hold timer expiry logged" grep -q "hold timer expired" "$(node_dir "$T" leaf1)/evpnd.log"
kill -CONT "$bgpd_pid"
check_eventually 40 "leaf1 Established after SIGCONT" established leaf1
check "flap counted" nb leaf1 "n['flaps'] >= 1"

# FRR asks for our routes again: evpnd answers (End-of-RIB at least).
before=$(nb leaf1 "n['messages-sent']['update']")
check "FRR requests a route refresh" vtysh_node "$T" rr "clear bgp l2vpn evpn 10.1.1.1 soft in"
check_eventually 10 "ROUTE-REFRESH received by leaf1" nb leaf1 "n['messages-received']['route-refresh'] >= 1"
check_eventually 10 "leaf1 answered with UPDATEs" nb leaf1 "n['messages-sent']['update'] > $before"

# Operator reset.
flaps=$(nb leaf1 "n['established-count']")
check "evpnctl clear neighbor" evpnctl_node "$T" leaf1 clear neighbor 10.1.1.0
check_eventually 30 "session re-established after clear" \
  nb leaf1 "n['state'] == 'Established' and n['established-count'] > $flaps"
check "Cease/administrative reset sent" \
  nb leaf1 "n['last-error-sent']['code'] == 6 and n['last-error-sent']['subcode'] == 4"
check_fail "clear of an unknown neighbor fails" evpnctl_node "$T" leaf1 clear neighbor 10.9.9.9
finish
