#!/usr/bin/env bash
# Hitless restart and live reconfiguration (issue 6), the L3 side: VRF state
# on topologies/irb-default (VRF default = main table, L3VNI 5000; evpnd on
# leaf1 and leaf2, FRR 8.4 route reflector and border leaf3).  leaf2 also
# advertises 10.77.0.0/24 (a veth made here), so leaf1 holds Type-5 routes
# from an evpnd leaf and from FRR (leaf3's 0.0.0.0/0 and ::/0).
#  1 restart safety: evpnd on leaf1 restarted with SIGTERM, then SIGKILL,
#    while `ip monitor route`, `ip monitor neigh` and `bridge monitor fdb`
#    run in leaf1's namespace: none of leaf1's own evpnd entries (proto 181
#    host routes /32 /128, Type-5 routes, the default routes, br5000
#    neighbours, vxlan5000 router-MAC FDB entries) is deleted, the state is
#    the same afterwards, the post-End-of-RIB sweep removed nothing, the VRF
#    is active with its router MAC, h1 pings h2 (other subnet) again.  (The
#    FRR RR withdraws a restarting leaf's routes from the OTHER leaves; that
#    is expected and not checked.)
#  2 stale sweep: while evpnd on leaf1 is stopped, leaf2 withdraws
#    10.77.0.0/24 and leaf3 0.0.0.0/0; at start the leftovers stay until
#    End-of-RIB, then exactly those two routes are swept (monitor, counter),
#    everything else is untouched.
#  3 reload by difference (evpnctl reload of leaf1's evpnd.yaml in the
#    runner's state dir): an equivalent file (explicit l2vnis 100/200)
#    changes nothing; removing the VRF removes leaf1's VRF routes, br5000
#    neighbours and router-MAC FDB entries, withdraws its Type-5 routes and
#    re-advertises its MAC+IP routes with the L2 label only (FRR's view),
#    without resetting the session or touching VNI 100/200 entries; adding
#    it back restores routes and h1 <-> h2; another export route target
#    makes leaf2 and leaf3 (import 65000:5000) drop leaf1's Type-5 and host
#    routes while leaf1 still imports theirs.
#  4 audit: a route evpnd installed, deleted by hand, is put back at once
#    (kernel event); an extra proto-181 route is reported by `evpnctl audit`
#    (exit 1, text and JSON), removed by `audit repair`, and by the periodic
#    audit (audit-interval 5); audit exits 0 afterwards.
# LAB_PREFIX (lib.sh) names the namespaces.
. "$(dirname "$0")/lib.sh"
need_root
T=irb-default

# ---- helpers ---------------------------------------------------------------
ping_ok() { node_exec "$T" "$1" ping -c 1 -W 1 "$2" >/dev/null; }
fam_of() { case $1 in *:*) echo -6 ;; *) echo -4 ;; esac; }
# route_via NODE PREFIX GATEWAY: evpnd's (181) or FRR's (186) VRF route
route_via() {
  node_exec "$T" "$1" ip -N -o "$(fam_of "$3")" route show table main "$2" |
    grep -Eq "^$2 .*via $3 dev br5000 .*proto (186|181) .*metric 20 .*onlink"
}
no_route() { ! node_exec "$T" "$1" ip -o "$(fam_of "$2")" route show table main "$2" | grep -q .; }
neigh_rmac() { node_exec "$T" "$1" ip neigh show dev br5000 "$2" | grep -Eq "^$2 lladdr $3 .*extern_learn"; }
fdb_rmac() { node_exec "$T" "$1" bridge fdb show dev vxlan5000 | grep -Eq "^$2 dst $3 self .*extern_learn"; }
has_fdb() { node_exec "$T" leaf1 bridge fdb show dev "$1" | grep -q -- "$2"; }
# l1_state: leaf1's evpnd-made L3 state, sorted
l1_state() {
  {
    node_exec "$T" leaf1 ip -N -4 route show table main proto 181
    node_exec "$T" leaf1 ip -N -6 route show table main proto 181
    node_exec "$T" leaf1 ip neigh show dev br5000 | grep extern_learn
    node_exec "$T" leaf1 bridge fdb show dev vxlan5000 | grep 'self extern_learn'
  } | sort
}
l3_empty() { ! l1_state | grep -q .; }
n_routes() { { node_exec "$T" leaf1 ip -4 route show table main proto 181
               node_exec "$T" leaf1 ip -6 route show table main proto 181; } | grep -c .; }
leaf1_up() {
  evpnctl_node "$T" leaf1 -j show neighbors |
    json_eval "d[0]['state'] == 'Established' and d[0]['end-of-rib-received']"
}
session_count() { evpnctl_node "$T" leaf1 -j show neighbors | json_eval "d[0]['established-count']"; }
vrf_is() { evpnctl_node "$T" leaf1 -j show vrfs | json_eval "$1"; }
swept() { evpnctl_node "$T" leaf1 show metrics | awk '/^evpnd_kernel_stale_swept_total / { print $2 }'; }
SWEEP_MSG="removing kernel entries of the previous run"
sweeps() { grep -c "$SWEEP_MSG" "$L1_LOG"; }
sweep_done() { [ "$(sweeps)" -gt "$1" ]; }

# monitors of leaf1's namespace into one file (all append)
MONS=()
MON=$(mktemp)
on_exit "rm -f $MON"
mon_start() {
  local ns
  ns=$(node_ns "$T" leaf1)
  : >"$MON"
  ip netns exec "$ns" stdbuf -oL ip monitor route >>"$MON" 2>&1 &
  MONS+=($!)
  ip netns exec "$ns" stdbuf -oL ip monitor neigh >>"$MON" 2>&1 &
  MONS+=($!)
  ip netns exec "$ns" stdbuf -oL bridge monitor fdb >>"$MON" 2>&1 &
  MONS+=($!)
  sleep 0.3
}
# mon_stop: a control route, neighbour and FDB entry (not evpnd's) added and
# deleted first, so a silent monitor is known to have been listening
mon_stop() {
  node_exec "$T" leaf1 ip route add 10.99.0.0/24 dev lo table 99
  node_exec "$T" leaf1 ip route del 10.99.0.0/24 dev lo table 99
  node_exec "$T" leaf1 ip neigh add 10.1.1.9 lladdr 02:bb:00:00:00:99 dev eth1
  node_exec "$T" leaf1 ip neigh del 10.1.1.9 dev eth1
  node_exec "$T" leaf1 bridge fdb add 02:bb:00:00:00:99 dev eth2 master static
  node_exec "$T" leaf1 bridge fdb del 02:bb:00:00:00:99 dev eth2 master
  sleep 0.5
  kill "${MONS[@]}" 2>/dev/null
  wait "${MONS[@]}" 2>/dev/null
  MONS=()
}
# shellcheck disable=SC2016 # expanded at exit
on_exit 'kill "${MONS[@]}"'
# evpnd's entries: proto 181 routes/neighbours, extern_learn FDB, anything on the L3VNI
OURS='proto 181|extern_learn|dev br5000|dev vxlan5000|dst 10\.255\.0\.'
deletions() { grep -E "^Deleted" "$MON" | grep -E "$OURS"; }
no_deletion() { ! deletions; }
mon_listened() {
  grep -q "^Deleted 10.99.0.0/24" "$MON" && grep -q "^Deleted 10.1.1.9" "$MON" &&
    grep -q "^Deleted 02:bb:00:00:00:99" "$MON"
}
# only_deleted REGEX: every deletion of evpnd's entries matches REGEX
only_deleted() { ! deletions | grep -Ev "$1"; }

# FRR's view (the RR): one JSON line per path of a route type
rr_paths() {
  vtysh_node "$T" rr "show bgp l2vpn evpn route detail type $1 json" | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
for rd, routes in d.items():
    if not isinstance(routes, dict):
        continue
    for pfx, r in routes.items():
        if not isinstance(r, dict) or "paths" not in r:
            continue
        for p in r["paths"]:
            for q in (p if isinstance(p, list) else [p]):
                q = dict(q); q["rd"] = rd; q["prefix"] = pfx
                for k in ("routeType", "mac", "ip", "ipLen"):
                    if k in r: q.setdefault(k, r[k])
                print(json.dumps(q))'
}
# rr_has TYPE PY-EXPR (path `p`, extended communities `ec`, next hops `nh`)
rr_has() { rr_paths "$1" | _rr_match "$2" 1; }
rr_lacks() { rr_paths "$1" | _rr_match "$2" 0; }
_rr_match() {
  "$PYTHON" -c '
import json, sys
expr, want = "(" + sys.argv[1] + ")", sys.argv[2] == "1"
found, n = False, 0
for line in sys.stdin:
    p = json.loads(line); n += 1
    ec = p.get("extendedCommunity", {}).get("string", "").split()
    nh = [x.get("ip") for x in p.get("nexthops", [])]
    if eval(expr):
        found = True
if n == 0 and not want:
    sys.exit(2)           # no routes at all: the query failed, not a withdrawal
sys.exit(0 if found == want else 1)' "$1" "$2"
}
H1_MACIP="p.get('mac') == '02:aa:00:00:00:01' and p.get('ip') == '172.16.0.1' and '10.255.0.11' in nh"
touch_gateways() {
  node_exec "$T" h1 ping -c 1 -W 1 172.16.0.254 >/dev/null
  node_exec "$T" h1 ping -c 1 -W 1 2001:db8:100::254 >/dev/null
  node_exec "$T" h2 ping -c 1 -W 1 172.16.1.254 >/dev/null
  node_exec "$T" h2 ping -c 1 -W 1 2001:db8:200::254 >/dev/null
  node_exec "$T" h3 ping -c 1 -W 1 172.16.1.254 >/dev/null
}
# converged: every L3 entry leaf1 should have
l1_complete() {
  route_via leaf1 172.16.1.2 10.255.0.12 && route_via leaf1 2001:db8:200::2 ::ffff:10.255.0.12 &&
    route_via leaf1 172.16.1.3 10.255.0.13 && route_via leaf1 10.77.0.0/24 10.255.0.12 &&
    route_via leaf1 default 10.255.0.13 && route_via leaf1 default ::ffff:10.255.0.13 &&
    neigh_rmac leaf1 10.255.0.12 02:bb:00:00:00:12 && neigh_rmac leaf1 ::ffff:10.255.0.12 02:bb:00:00:00:12 &&
    neigh_rmac leaf1 10.255.0.13 02:bb:00:00:00:13 && neigh_rmac leaf1 ::ffff:10.255.0.13 02:bb:00:00:00:13 &&
    fdb_rmac leaf1 02:bb:00:00:00:12 10.255.0.12 && fdb_rmac leaf1 02:bb:00:00:00:13 10.255.0.13
}

# ---- fabric ----------------------------------------------------------------
check "topology up" topo_up "$T" || finish
L1_DIR=$(node_dir "$T" leaf1)
L1_LOG=$L1_DIR/evpnd.log
CFG=$L1_DIR/evpnd.yaml
for n in 1 2 3; do
  check_eventually 30 "leaf$n: BGP session to the RR" bgp_established "$T" rr "10.1.$n.1"
done
# a Type-5 prefix of leaf2 (evpnd): 10.77.0.0/24 on a veth pair (no dummy driver needed)
node_exec "$T" leaf2 ip link add x77a type veth peer name x77b
node_exec "$T" leaf2 ip link set x77b up
node_exec "$T" leaf2 ip link set x77a up
node_exec "$T" leaf2 ip addr add 10.77.0.1/24 dev x77a
touch_gateways
check_eventually 30 "h1 pings h2 (other subnet, L3VNI)" ping_ok h1 172.16.1.2
check_eventually 20 "leaf1: host routes, Type-5 and default routes, RMAC neighbours and FDB" l1_complete
check_eventually 10 "leaf1: End-of-RIB received" leaf1_up
check_eventually 5 "leaf1: the first start's sweep is done" sweep_done 0
BEFORE=$(l1_state)
log "leaf1's L3 state: $(wc -l <<<"$BEFORE") entries"

# ---- 1: restart safety -----------------------------------------------------
mon_start
for sig in TERM KILL; do
  n=$(sweeps)
  check "SIG$sig: evpnd on leaf1 restarted" "$CLAB" restart "$T" leaf1 --signal $sig --delay 1
  check_eventually 20 "SIG$sig: leaf1 back (Established, End-of-RIB)" leaf1_up
  check_eventually 5 "SIG$sig: the post-End-of-RIB sweep ran" sweep_done "$n"
  check "SIG$sig: the sweep removed nothing (stale_swept 0)" test "$(swept)" = 0
  check "SIG$sig: leaf1's L3 state is unchanged" test "$(l1_state)" = "$BEFORE"
done
check "show vrfs: default active, L3VNI 5000, router MAC 02:bb:00:00:00:11, br5000/vxlan5000" \
  vrf_is "(len(d) == 1 and d[0]['name'] == 'default' and d[0]['active'] and d[0]['l3vni'] == 5000
          and d[0]['router-mac'] == '02:bb:00:00:00:11' and d[0]['svi'] == 'br5000'
          and d[0]['vxlan-device'] == 'vxlan5000')"
check "show vrfs: routes-installed matches the kernel" vrf_is "d[0]['routes-installed'] == $(n_routes)"
check_eventually 20 "after the restarts: h1 pings h2 (IPv4)" ping_ok h1 172.16.1.2
check_eventually 10 "after the restarts: h1 pings h2 (IPv6)" ping_ok h1 2001:db8:200::2
check_eventually 10 "after the restarts: h1 reaches ext via leaf3's default" ping_ok h1 198.51.100.1
mon_stop
check "monitor: control entries seen (it was listening)" mon_listened
check "monitor: leaf1 deleted none of its routes, neighbours or FDB entries" no_deletion

# ---- 2: stale sweep of what was withdrawn while evpnd was down ---------------
mon_start
n=$(sweeps)
kill -TERM "$(cat "$L1_DIR/evpnd.pid")"
stopped() { ! pid_running "$(cat "$L1_DIR/evpnd.pid")"; }
check_eventually 5 "evpnd on leaf1 stopped (SIGTERM)" stopped
node_exec "$T" leaf2 ip addr del 10.77.0.1/24 dev x77a
node_exec "$T" leaf3 ip route del default via 192.0.2.2
check_eventually 10 "RR: leaf2's 10.77.0.0/24 and leaf3's 0.0.0.0/0 withdrawn" \
  rr_lacks prefix "p['prefix'] in ('[5]:[0]:[24]:[10.77.0.0]', '[5]:[0]:[0]:[0.0.0.0]')"
check "while evpnd is down: leaf1 still has 10.77.0.0/24 and the default route" \
  eval 'route_via leaf1 10.77.0.0/24 10.255.0.12 && route_via leaf1 default 10.255.0.13'
check "evpnd on leaf1 started" "$CLAB" restart "$T" leaf1
check_eventually 20 "leaf1 back (Established, End-of-RIB)" leaf1_up
check_eventually 5 "the post-End-of-RIB sweep ran" sweep_done "$n"
check_eventually 5 "swept: 10.77.0.0/24 gone from leaf1" no_route leaf1 10.77.0.0/24
check_eventually 5 "swept: 0.0.0.0/0 gone from leaf1" no_route leaf1 default
check "stale_swept counts exactly those 2" test "$(swept)" = 2
EXPECT=$(grep -Ev '^(default via 10\.255\.0\.13|10\.77\.0\.0/24) ' <<<"$BEFORE")
check "everything else untouched (::/0, host routes, RMAC neighbours and FDB)" test "$(l1_state)" = "$EXPECT"
mon_stop
check "monitor: listening" mon_listened
check "monitor: the two withdrawn routes were deleted" \
  eval "grep -q '^Deleted 10.77.0.0/24 via 10.255.0.12 dev br5000' '$MON' && grep -q '^Deleted default via 10.255.0.13 dev br5000' '$MON'"
check "monitor: nothing else of evpnd's was deleted" \
  only_deleted '^Deleted (10\.77\.0\.0/24|default) via 10\.255\.0\.1[23] dev br5000'
node_exec "$T" leaf2 ip addr add 10.77.0.1/24 dev x77a
node_exec "$T" leaf3 ip route add default via 192.0.2.2
check_eventually 10 "re-advertised: leaf1 has 10.77.0.0/24 and the default route again" l1_complete

# ---- 3: reload by difference -----------------------------------------------
cp "$CFG" "$CFG.orig"
BASE=$(sed '/^evpn:/,$d' "$CFG.orig")
# write_cfg [VRF-EXPORT-RT|none]: leaf1's file, L2VNIs listed (vxlan5000 must
# not become an L2VNI once it has no VRF), with the VRF (auto or the given
# export RT) or without it
write_cfg() {
  printf '%s\nevpn:\n  advertise-all-vni: false\n  arp-nd-suppression: true\n' "$BASE"
  printf '  l2vnis:\n    - vni: 100\n    - vni: 200\n'
  [ "$1" = none ] && return
  printf '  vrfs:\n    - name: default\n      l3vni: 5000\n'
  printf '      advertise: [ipv4-unicast, ipv6-unicast]\n'
  [ "$1" = auto ] || printf '      route-targets: { export: [%s] }\n' "$1"
}
for v in auto none 65000:9999; do write_cfg $v >"$CFG.$v"; done
check "the three configuration variants are valid (evpnd --check)" \
  eval "'$EVPND' -c '$CFG.auto' --check && '$EVPND' -c '$CFG.none' --check && '$EVPND' -c '$CFG.65000:9999' --check"
touch_gateways
check_eventually 10 "leaf1 converged before the reloads" l1_complete
BEFORE=$(l1_state)
SESSIONS=$(session_count)
l2_state() {
  node_exec "$T" leaf1 bridge fdb show dev vxlan100 | grep -E 'dst 10\.255' | sort
  node_exec "$T" leaf1 bridge fdb show dev vxlan200 | grep -E 'dst 10\.255' | sort
  node_exec "$T" leaf1 ip neigh show dev br200 | grep extern_learn | sort
}
L2_BEFORE=$(l2_state)
check "L2 state present: h2's MAC on vxlan200, leaf2's flood entry on vxlan100" \
  eval "has_fdb vxlan200 '02:aa:00:00:00:02 dst 10.255.0.12 self extern_learn' && has_fdb vxlan100 '00:00:00:00:00:00 dst 10.255.0.12 self permanent'"
mon_start

# 3.0 the same configuration written differently changes nothing
cp "$CFG.auto" "$CFG"
check "reload: explicit l2vnis 100/200, same VRF" evpnctl_node "$T" leaf1 reload
sleep 1
check "  nothing changed in leaf1's L3 state" test "$(l1_state)" = "$BEFORE"
l2vnis_are() { evpnctl_node "$T" leaf1 -j show vnis | json_eval "sorted(v['vni'] for v in d) == [100, 200]"; }
check "  VNIs 100 and 200 active, 5000 is no L2VNI" l2vnis_are

# 3a remove the VRF
cp "$CFG.none" "$CFG"
check "reload: VRF default removed" evpnctl_node "$T" leaf1 reload
check_eventually 10 "  leaf1's VRF routes, br5000 neighbours and RMAC FDB entries are gone" l3_empty
check "  show vrfs is empty" vrf_is "d == []"
check_eventually 10 "  RR: leaf1's Type-5 routes withdrawn" rr_lacks prefix "'10.255.0.11' in nh"
check_eventually 10 "  RR: h1's MAC+IP re-advertised with label 100 only, no RT 65000:5000, no Rmac" \
  rr_has macip "$H1_MACIP and p.get('vni') == '100' and 'RT:65000:5000' not in ec
    and not any(e.startswith('Rmac:') for e in ec)"
check "  RR: no MAC+IP of leaf1's with labels 100/5000 left" rr_lacks macip "$H1_MACIP and p.get('vni') == '100/5000'"
check_fail "  RR: no Type-3 of leaf1 for VNI 5000" evpn_has_type3 "$T" rr 10.255.0.11 5000
check_eventually 10 "  leaf2: host route to h1 via leaf1 gone" no_route leaf2 172.16.0.1
check "  the session was not reset" test "$(session_count)" = "$SESSIONS"
check "  L2 entries (VNI 100/200 FDB, br200 neighbours) unchanged" test "$(l2_state)" = "$L2_BEFORE"

# 3b add it back
cp "$CFG.auto" "$CFG"
check "reload: VRF default added back" evpnctl_node "$T" leaf1 reload
check_eventually 10 "  show vrfs: active again with its router MAC" \
  vrf_is "len(d) == 1 and d[0]['active'] and d[0]['router-mac'] == '02:bb:00:00:00:11'"
check_eventually 15 "  leaf1's routes, RMAC neighbours and FDB entries are back" l1_complete
# shellcheck disable=SC2016 # eval-ed each try
check_eventually 10 "  leaf1's L3 state is as before" eval 'test "$(l1_state)" = "$BEFORE"'
check_eventually 10 "  RR: leaf1's Type-5 192.168.50.0/24 back with label 5000" \
  rr_has prefix "p['prefix'] == '[5]:[0]:[24]:[192.168.50.0]' and '10.255.0.11' in nh and p.get('vni') == '5000'"
check_eventually 10 "  RR: h1's MAC+IP has labels 100/5000 again" \
  rr_has macip "$H1_MACIP and p.get('vni') == '100/5000' and 'Rmac:02:bb:00:00:00:11' in ec"
check_eventually 15 "  h1 pings h2 again (IPv4)" ping_ok h1 172.16.1.2
check_eventually 10 "  h2 pings h1 again (IPv6)" ping_ok h2 2001:db8:100::1
check_eventually 10 "  leaf2: host route to h1 via leaf1 again" route_via leaf2 172.16.0.1 10.255.0.11
check "  the session was not reset" test "$(session_count)" = "$SESSIONS"

# 3c another export route target: leaf2 and leaf3 (import 65000:5000) stop importing
cp "$CFG.65000:9999" "$CFG"
check "reload: VRF export RT 65000:9999" evpnctl_node "$T" leaf1 reload
check "  show vrfs: export 65000:9999, import still 65000:5000" \
  vrf_is "d[0]['export-rts'] == ['65000:9999'] and d[0]['import-rts'] == ['65000:5000']"
check_eventually 10 "  RR: leaf1's Type-5 192.168.50.0/24 carries RT 65000:9999 only" \
  rr_has prefix "p['prefix'] == '[5]:[0]:[24]:[192.168.50.0]' and '10.255.0.11' in nh
    and 'RT:65000:9999' in ec and 'RT:65000:5000' not in ec"
check_eventually 10 "  leaf2 (evpnd) no longer imports 192.168.50.0/24" no_route leaf2 192.168.50.0/24
check_eventually 10 "  leaf2 no longer imports h1's host route" no_route leaf2 172.16.0.1
check_eventually 10 "  leaf3 (FRR) no longer imports 192.168.50.0/24" no_route leaf3 192.168.50.0/24
check "  leaf1 still imports the others' routes (import RT unchanged)" \
  eval 'route_via leaf1 172.16.1.2 10.255.0.12 && route_via leaf1 default 10.255.0.13'
check "  the session was not reset" test "$(session_count)" = "$SESSIONS"
cp "$CFG.auto" "$CFG"
check "reload: export RT back to auto" evpnctl_node "$T" leaf1 reload
check_eventually 10 "  leaf2 imports 192.168.50.0/24 again" route_via leaf2 192.168.50.0/24 10.255.0.11
check_eventually 10 "  leaf3 imports 192.168.50.0/24 again" route_via leaf3 192.168.50.0/24 10.255.0.11
mon_stop
check "monitor: listening" mon_listened
check "monitor: no L2 entry of VNI 100/200 was deleted by the reloads" \
  eval "! grep -E '^Deleted' '$MON' | grep -E 'vxlan100|vxlan200|br100|br200' | grep -Eq 'dst 10\\.255|extern_learn'"
check "the session was never reset by the reloads" test "$(session_count)" = "$SESSIONS"

# ---- 4: audit ----------------------------------------------------------------
check_eventually 10 "audit: no drift" evpnctl_node "$T" leaf1 audit
node_exec "$T" leaf1 ip route del 172.16.1.2/32 table main proto 181
check_eventually 5 "a hand-deleted VRF route is put back" route_via leaf1 172.16.1.2 10.255.0.12
check "  and logged" grep -q "route 172.16.1.2/32 table 254 via 10.255.0.12: removed by someone else" "$L1_LOG"
check "audit: no drift after that" evpnctl_node "$T" leaf1 audit
node_exec "$T" leaf1 ip route add 10.88.0.0/24 via 10.255.0.12 dev br5000 onlink proto 181 metric 20
out=$(evpnctl_node "$T" leaf1 audit); rc=$?
check "audit exits 1 on an extra proto-181 route" test $rc -eq 1
check "audit names it: route extra 10.88.0.0/24" grep -Eq "^5000 +route +extra +10\.88\.0\.0/24 " <<<"$out"
json_drift() { evpnctl_node "$T" leaf1 -j audit | json_eval \
  "any(x['kind'] == 'route' and x['problem'] == 'extra' and x['key'] == '10.88.0.0/24' and x['vni'] == 5000 for x in d['drift'])"; }
check "audit -j reports it too" json_drift
evpnctl_node "$T" leaf1 audit repair >/dev/null
check_eventually 5 "audit repair removed it" no_route leaf1 10.88.0.0/24
check "audit: no drift after the repair" evpnctl_node "$T" leaf1 audit
# the periodic audit (every 5 s from now on) removes an extra IPv6 route
sed -i 's/^  router-id: 10.255.0.11$/  router-id: 10.255.0.11\n  audit-interval: 5/' "$CFG"
check "reload with audit-interval 5" evpnctl_node "$T" leaf1 reload
node_exec "$T" leaf1 ip -6 route add 2001:db8:88::/64 via ::ffff:10.255.0.12 dev br5000 onlink proto 181 metric 20
check_eventually 12 "the periodic audit removed the extra IPv6 route" no_route leaf1 2001:db8:88::/64
check "  and logged the repair" grep -q "audit: removed extra route 2001:db8:88::/64" "$L1_LOG"
check "audit: no drift at the end" evpnctl_node "$T" leaf1 audit
check "the session was never reset" test "$(session_count)" = "$SESSIONS"
check "h1 pings h2 at the end" ping_ok h1 172.16.1.2
finish
