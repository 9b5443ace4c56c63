#!/usr/bin/env bash
# Symmetric IRB (RFC 9135) and Type-5 prefix routes (RFC 9136) end to end:
#   5 inter-subnet routing: hosts in two subnets (L2VNIs 100 and 200) of one
#     VRF behind different leaves ping each other, IPv4 and IPv6, over the
#     L3VNI 5000 (host routes from Type-2 MAC+IP routes with two labels);
#   6 Type-5: leaf1's prefix 192.168.50.0/24 (+ 2001:db8:50::/64, host h5)
#     is reached from hosts behind leaf2 and leaf3; withdrawing it removes the
#     route on the other leaves, re-adding it brings it back;
#   border leaf: leaf3's 0.0.0.0/0 and ::/0 (towards ext) carry traffic from
#     hosts behind leaf1 and leaf2; withdrawn, the default route goes away;
# plus the kernel state on leaf1/leaf2 (host routes via the remote VTEP
# "dev br5000 onlink", metric 20; neighbour VTEP -> router MAC on br5000;
# FDB router MAC -> VTEP on vxlan5000) and FRR's JSON view of leaf1's routes
# (Type-2 with labels 100/5000 and the Rmac community, Type-5 with label 5000).
#
# Usage: tests/netns/test-irb.sh [irb-default|irb-vrf]     (or TOPO=...)
#   irb-default  (default) L3VNI in the default VRF: the main table, no VRF
#                device; runs on any kernel with bridge + VXLAN.
#   irb-vrf      L3VNI in VRF tenant1 (table 1001); needs the VRF driver, so
#                without it the script re-runs itself in the test VM
#                (tests/vm/run-in-vm.sh, via tests/vm/need-kernel.sh).
# Leaves: IRB_LEAVES=frr runs every leaf as FRR 8.4 (topologies/<topo>/
# frr-leaves.clab.yml): the fabric and these checks proven without evpnd.
# IRB_LEAVES=evpnd (the default) runs leaf1 and leaf2 as evpnd
# (topologies/<topo>.clab.yml): evpnd<->evpnd and evpnd<->FRR (leaf3).
# IRB_DUMP=1 prints leaf1's routes, br5000 neighbours and vxlan5000 FDB at the
# end.  LAB_PREFIX (lib.sh) names the namespaces.
#
# The kernel checks match the essential parts of a route (prefix, via VTEP,
# dev br5000, onlink, metric 20, protocol bgp (186, FRR) or 181 (evpnd),
# read with ip -N) and of neighbour/FDB entries (extern_learn), so that both
# FRR's and evpnd's forms (include/kernel.h) pass.
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
TOPO=${1:-${TOPO:-irb-default}}
IRB_LEAVES=${IRB_LEAVES:-evpnd}
case $TOPO in
  irb-default | irb-vrf) ;;
  *) echo "FAIL unknown topology '$TOPO' (irb-default or irb-vrf)"; echo "0 passed, 1 failed"; exit 1 ;;
esac
case $IRB_LEAVES in
  frr | evpnd) ;;
  *) echo "FAIL IRB_LEAVES=$IRB_LEAVES (frr or evpnd)"; echo "0 passed, 1 failed"; exit 1 ;;
esac
if [ "$TOPO" = irb-vrf ]; then
  # pass the selection into the VM (arguments and EVPND_* are passed anyway)
  export IRB_LEAVES VM_ENV="${VM_ENV:+$VM_ENV }IRB_LEAVES IRB_DUMP"
  . "$HERE/../vm/need-kernel.sh"
  vm_need_link_types "$TOPO" -- vrf
fi
. "$HERE/lib.sh"
need_root

if [ "$IRB_LEAVES" = frr ]; then
  T=$SRC/topologies/$TOPO/frr-leaves.clab.yml
else
  T=$SRC/topologies/$TOPO.clab.yml
fi
if [ "$TOPO" = irb-vrf ]; then TABLE=1001; else TABLE=main; fi
log "topology $T, leaves: $IRB_LEAVES, table $TABLE"

# ---- helpers -------------------------------------------------------------
ping_ok() { node_exec "$T" "$1" ping -c 1 -W 1 "$2" >/dev/null; }
ping_fails() { ! node_exec "$T" "$1" ping -c 1 -W 1 "$2" >/dev/null; }
# a route of FRR's (186) or evpnd's (181) in the VRF's table:
# route_via NODE PREFIX VTEP-GATEWAY
route_via() {
  local fam=-4
  case $3 in *:*) fam=-6 ;; esac
  node_exec "$T" "$1" ip -N -o "$fam" route show table "$TABLE" "$2" |
    grep -Eq "^$2 .*via $3 dev br5000 .*proto (186|181) .*metric 20 .*onlink"
}
no_route() {
  local fam=-4
  case $2 in *:*) fam=-6 ;; esac
  ! node_exec "$T" "$1" ip -o "$fam" route show table "$TABLE" "$2" | grep -q .
}
# neigh_rmac NODE VTEP-GATEWAY RMAC: neighbour on the L3 SVI
neigh_rmac() {
  node_exec "$T" "$1" ip neigh show dev br5000 "$2" | grep -Eq "^$2 lladdr $3 .*extern_learn"
}
# fdb_rmac NODE RMAC VTEP: the router MAC behind the VTEP on the L3VNI device
fdb_rmac() {
  node_exec "$T" "$1" bridge fdb show dev vxlan5000 | grep -Eq "^$2 dst $3 self .*extern_learn"
}
# FRR's detailed JSON (one line per path) of the route reflector's routes
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
# rr_has TYPE PY-EXPR: some path (as `p`, with `ec` its extended communities
# and `nh` its next hops) satisfies the expression; rr_lacks: none does
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
# the two variants of a topology must describe the same fabric
same_fabric() {
  "$PYTHON" - "$SRC/topologies/$TOPO.clab.yml" "$SRC/topologies/$TOPO/frr-leaves.clab.yml" "$TOPO/" <<'EOF'
import sys, yaml
def norm(path, strip):
    t = yaml.safe_load(open(path))["topology"]
    nodes = {}
    for name, n in t["nodes"].items():
        n = {k: v for k, v in n.items() if k not in ("image", "labels")}
        n["binds"] = sorted(b[len(strip):] if strip and b.startswith(strip) else b
                            for b in n.get("binds", []))
        nodes[name] = n
    return nodes, t["links"]
a, b = norm(sys.argv[1], sys.argv[3]), norm(sys.argv[2], "")
for name in sorted(set(a[0]) | set(b[0])):
    if a[0].get(name) != b[0].get(name):
        print("node %s differs:\n %s\n %s" % (name, a[0].get(name), b[0].get(name)))
if a[1] != b[1]:
    print("links differ")
sys.exit(a != b)
EOF
}

# ---- fabric ----------------------------------------------------------------
check "$TOPO.clab.yml and $TOPO/frr-leaves.clab.yml describe the same fabric" same_fabric
check "topology up ($IRB_LEAVES leaves)" topo_up "$T"
for n in 1 2 3; do
  check_eventually 30 "leaf$n: BGP session to the RR" bgp_established "$T" rr "10.1.$n.1"
done
# hosts talk to their gateway (the anycast SVI) so leaves learn their MAC+IP
node_exec "$T" h1 ping -c 2 -W 1 172.16.0.254 >/dev/null
node_exec "$T" h1 ping -c 2 -W 1 2001:db8:100::254 >/dev/null
for h in h2 h3; do
  node_exec "$T" $h ping -c 2 -W 1 172.16.1.254 >/dev/null
  node_exec "$T" $h ping -c 2 -W 1 2001:db8:200::254 >/dev/null
done

# ---- 5: inter-subnet routing over the L3VNI ------------------------------
check_eventually 30 "scenario 5: h1 (172.16.0.0/24, leaf1) pings h2 (172.16.1.0/24, leaf2)" \
  ping_ok h1 172.16.1.2
check_eventually 30 "scenario 5: h1 pings h2 over IPv6" ping_ok h1 2001:db8:200::2
check "scenario 5: h2 pings h1 (IPv4)" ping_ok h2 172.16.0.1
check "scenario 5: h2 pings h1 (IPv6)" ping_ok h2 2001:db8:100::1
check_eventually 20 "h1 (leaf1) pings h3 (FRR leaf3, other subnet), IPv4" ping_ok h1 172.16.1.3
check_eventually 20 "h1 (leaf1) pings h3 (FRR leaf3, other subnet), IPv6" ping_ok h1 2001:db8:200::3
check "h3 (FRR leaf3) pings h1 over IPv6" ping_ok h3 2001:db8:100::1

# ---- kernel state on leaf1 and leaf2 -------------------------------------
check_eventually 10 "leaf1: host route 172.16.1.2/32 via 10.255.0.12 dev br5000 onlink" \
  route_via leaf1 172.16.1.2 10.255.0.12
check_eventually 10 "leaf1: host route 2001:db8:200::2/128 via ::ffff:10.255.0.12 dev br5000 onlink" \
  route_via leaf1 2001:db8:200::2 ::ffff:10.255.0.12
check "leaf1: host route to h3 via FRR leaf3 (10.255.0.13)" route_via leaf1 172.16.1.3 10.255.0.13
check "leaf1: IPv6 host route to h3 via ::ffff:10.255.0.13" route_via leaf1 2001:db8:200::3 ::ffff:10.255.0.13
check "leaf2: host route 172.16.0.1/32 via 10.255.0.11 dev br5000 onlink" \
  route_via leaf2 172.16.0.1 10.255.0.11
check "leaf2: host route 2001:db8:100::1/128 via ::ffff:10.255.0.11" \
  route_via leaf2 2001:db8:100::1 ::ffff:10.255.0.11
check "leaf1: neighbour 10.255.0.12 -> RMAC 02:bb:00:00:00:12 on br5000" \
  neigh_rmac leaf1 10.255.0.12 02:bb:00:00:00:12
check "leaf1: neighbour ::ffff:10.255.0.12 -> RMAC 02:bb:00:00:00:12 on br5000" \
  neigh_rmac leaf1 ::ffff:10.255.0.12 02:bb:00:00:00:12
check "leaf1: neighbour 10.255.0.13 (FRR) -> RMAC 02:bb:00:00:00:13" \
  neigh_rmac leaf1 10.255.0.13 02:bb:00:00:00:13
check "leaf2: neighbour 10.255.0.11 -> RMAC 02:bb:00:00:00:11 on br5000" \
  neigh_rmac leaf2 10.255.0.11 02:bb:00:00:00:11
check "leaf2: neighbour ::ffff:10.255.0.11 -> RMAC 02:bb:00:00:00:11 on br5000" \
  neigh_rmac leaf2 ::ffff:10.255.0.11 02:bb:00:00:00:11
check "leaf1: FDB RMAC 02:bb:00:00:00:12 -> 10.255.0.12 on vxlan5000" \
  fdb_rmac leaf1 02:bb:00:00:00:12 10.255.0.12
check "leaf1: FDB RMAC 02:bb:00:00:00:13 -> 10.255.0.13 on vxlan5000" \
  fdb_rmac leaf1 02:bb:00:00:00:13 10.255.0.13
check "leaf2: FDB RMAC 02:bb:00:00:00:11 -> 10.255.0.11 on vxlan5000" \
  fdb_rmac leaf2 02:bb:00:00:00:11 10.255.0.11
check "leaf3 (FRR): host route to h1 via leaf1" route_via leaf3 172.16.0.1 10.255.0.11
check "leaf3 (FRR): FDB RMAC of leaf1 on vxlan5000" fdb_rmac leaf3 02:bb:00:00:00:11 10.255.0.11

# ---- FRR's view of leaf1's routes (on the RR) ----------------------------
check_eventually 10 "FRR: leaf1's Type-2 of h1 (IPv4) has labels 100/5000, RTs and Rmac" \
  rr_has macip "p.get('mac') == '02:aa:00:00:00:01' and p.get('ip') == '172.16.0.1'
    and p.get('vni') == '100/5000' and '10.255.0.11' in nh
    and 'RT:65000:100' in ec and 'RT:65000:5000' in ec and 'Rmac:02:bb:00:00:00:11' in ec"
check_eventually 10 "FRR: leaf1's Type-2 of h1 (IPv6) has labels 100/5000 and Rmac" \
  rr_has macip "p.get('mac') == '02:aa:00:00:00:01' and p.get('ip') == '2001:db8:100::1'
    and p.get('vni') == '100/5000' and 'Rmac:02:bb:00:00:00:11' in ec"
check "FRR: leaf1's MAC-only Type-2 of h1 has the L2VNI label only" \
  rr_has macip "p.get('mac') == '02:aa:00:00:00:01' and not p.get('ip') and p.get('vni') == '100'"
check_eventually 10 "FRR: leaf1's Type-5 192.168.50.0/24: label 5000, RT 65000:5000, Rmac" \
  rr_has prefix "p['prefix'] == '[5]:[0]:[24]:[192.168.50.0]' and p.get('vni') == '5000'
    and '10.255.0.11' in nh and 'RT:65000:5000' in ec and 'Rmac:02:bb:00:00:00:11' in ec"
check_eventually 10 "FRR: leaf1's Type-5 2001:db8:50::/64 with label 5000" \
  rr_has prefix "p['prefix'] == '[5]:[0]:[64]:[2001:db8:50::]' and p.get('vni') == '5000' and '10.255.0.11' in nh"

# ---- 6: a Type-5 prefix behind leaf1 --------------------------------------
check_eventually 20 "scenario 6: h2 (leaf2) reaches 192.168.50.1 (Type-5 from leaf1)" ping_ok h2 192.168.50.1
check_eventually 20 "scenario 6: h2 reaches 2001:db8:50::1 (IPv6 Type-5)" ping_ok h2 2001:db8:50::1
check_eventually 20 "scenario 6: h3 (FRR leaf3) reaches 192.168.50.1" ping_ok h3 192.168.50.1
check "leaf2: 192.168.50.0/24 via 10.255.0.11 dev br5000 onlink" route_via leaf2 192.168.50.0/24 10.255.0.11
check "leaf2: 2001:db8:50::/64 via ::ffff:10.255.0.11 dev br5000 onlink" \
  route_via leaf2 2001:db8:50::/64 ::ffff:10.255.0.11
check "leaf3 (FRR): 192.168.50.0/24 via leaf1" route_via leaf3 192.168.50.0/24 10.255.0.11
# withdraw: the prefix's connected routes go away on leaf1 (FRR: `network`
# with import check; evpnd: it advertises connected routes)
if [ "$TABLE" = main ]; then V=""; else V="vrf tenant1"; fi
node_exec "$T" leaf1 ip addr del 192.168.50.254/24 dev eth3
node_exec "$T" leaf1 ip addr del 2001:db8:50::254/64 dev eth3
check_eventually 20 "withdrawn on leaf1: 192.168.50.0/24 gone from leaf2" no_route leaf2 192.168.50.0/24
check_eventually 20 "withdrawn on leaf1: 2001:db8:50::/64 gone from leaf2" no_route leaf2 2001:db8:50::/64
check_eventually 20 "withdrawn on leaf1: 192.168.50.0/24 gone from FRR leaf3" no_route leaf3 192.168.50.0/24
check_eventually 10 "withdrawn on leaf1: the RR has no Type-5 192.168.50.0/24" \
  rr_lacks prefix "p['prefix'] == '[5]:[0]:[24]:[192.168.50.0]'"
check "withdrawn: h2 no longer reaches 192.168.50.1" ping_fails h2 192.168.50.1
node_exec "$T" leaf1 ip addr add 192.168.50.254/24 dev eth3
node_exec "$T" leaf1 ip addr add 2001:db8:50::254/64 dev eth3 nodad
check_eventually 20 "re-advertised: leaf2 has 192.168.50.0/24 again" route_via leaf2 192.168.50.0/24 10.255.0.11
check_eventually 20 "re-advertised: h2 reaches 192.168.50.1 again" ping_ok h2 192.168.50.1

# ---- border leaf: default route from leaf3 --------------------------------
check_eventually 20 "border: h1 (leaf1) reaches ext 198.51.100.1 via leaf3's 0.0.0.0/0" ping_ok h1 198.51.100.1
check_eventually 20 "border: h1 reaches ext 2001:db8:ffff::1 via leaf3's ::/0" ping_ok h1 2001:db8:ffff::1
check "border: h2 (leaf2) reaches ext 198.51.100.1" ping_ok h2 198.51.100.1
check "border: h2 reaches ext 2001:db8:ffff::1" ping_ok h2 2001:db8:ffff::1
check "leaf1: default via 10.255.0.13 dev br5000 onlink" route_via leaf1 default 10.255.0.13
check "leaf1: ::/0 via ::ffff:10.255.0.13 dev br5000 onlink" route_via leaf1 default ::ffff:10.255.0.13
check "leaf2: default via 10.255.0.13 dev br5000 onlink" route_via leaf2 default 10.255.0.13
check "FRR: leaf3's Type-5 0.0.0.0/0 with label 5000 and Rmac" \
  rr_has prefix "p['prefix'] == '[5]:[0]:[0]:[0.0.0.0]' and p.get('vni') == '5000' and 'Rmac:02:bb:00:00:00:13' in ec"
# shellcheck disable=SC2086
node_exec "$T" leaf3 ip route del default via 192.0.2.2 $V
check_eventually 20 "border withdrawn: leaf1's default route gone" no_route leaf1 default
check "border withdrawn: h1 no longer reaches ext" ping_fails h1 198.51.100.1
# shellcheck disable=SC2086
node_exec "$T" leaf3 ip route add default via 192.0.2.2 $V
check_eventually 20 "border restored: h1 reaches ext again" ping_ok h1 198.51.100.1

# ---- evpnctl's view of the L3 state (evpnd leaves) -----------------------
if [ "$IRB_LEAVES" = evpnd ]; then
  if [ "$TOPO" = irb-vrf ]; then VRF=tenant1 TBL=1001; else VRF=default TBL=254; fi
  ctl() { evpnctl_node "$T" leaf1 "$@"; }
  vrfs_ok() {
    ctl -j show vrfs | json_eval "[v for v in d if v['name'] == '$VRF' and v['active'] and
      v['l3vni'] == 5000 and v['svi'] == 'br5000' and v['table'] == $TBL and
      v['router-mac'] == '02:bb:00:00:00:11' and v['routes-installed'] > 0 and
      v['type5-advertised'] > 0] != []"
  }
  rmacs_ok() {
    ctl -j show rmacs | json_eval "any(x['router-mac'] == '02:bb:00:00:00:12' and
      x['vtep'] == '10.255.0.12' for x in d)"
  }
  nexthops_ok() {
    ctl -j show nexthops | json_eval "any(x['vtep'] == '10.255.0.13' and x['routes'] > 0 and
      x['installed'] for x in d)"
  }
  type5_ok() {
    ctl -j show routes --type 5 | json_eval "(all(r['type'] == 5 for r in d) and
      '[5]:[0]:[0]:[0.0.0.0]' in [r['prefix'] for r in d] and
      '[5]:[0]:[24]:[192.168.50.0]' in [r['prefix'] for r in d])"
  }
  text_ok() {
    ctl show vrfs | grep -q "^$VRF .* br5000 " &&
      ctl show rmacs | grep -q '02:bb:00:00:00:12 *10.255.0.12' &&
      ctl show nexthops | grep -q '10.255.0.13'
  }
  check "evpnctl show vrfs: $VRF active, L3VNI 5000 on br5000, table $TBL, router MAC" vrfs_ok
  check "evpnctl show rmacs: leaf2's router MAC behind 10.255.0.12" rmacs_ok
  check "evpnctl show nexthops: leaf3 (FRR) used by installed routes" nexthops_ok
  check "evpnctl show routes --type 5: leaf3's 0.0.0.0/0 and leaf1's 192.168.50.0/24" type5_ok
  check "evpnctl text tables: show vrfs, rmacs, nexthops" text_ok
fi

# IRB_DUMP=1: show what leaf1 installed (stderr), e.g. to compare FRR and evpnd
if [ "${IRB_DUMP:-0}" = 1 ]; then
  for c in "ip route show table $TABLE" "ip -6 route show table $TABLE" "ip neigh show dev br5000" \
           "bridge fdb show dev vxlan5000" "ip -d link show br5000"; do
    log "leaf1: $c"
    # shellcheck disable=SC2086
    node_exec "$T" leaf1 $c 2>&1 | sed 's/^/#   /' >&2
  done
fi
finish
