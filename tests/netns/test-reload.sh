#!/usr/bin/env bash
# Live reconfiguration (issue 6): SIGHUP / `evpnctl reload` applies only the
# difference.  On topologies/gr-restart-evpnd (evpnd RR, two evpnd leaves):
# adding and removing a neighbour, adding a VNI override with other route
# targets for a second VNI, removing and adding back a VNI (advertise-all-vni
# off, the l2vnis list), and refusing an invalid file leave the other
# session (never re-established) and the kernel entries of the untouched VNI
# (a netlink monitor sees no change to evpnd's entries) alone.
. "$(dirname "$0")/lib.sh"
need_root
T=gr-restart-evpnd

nb() { evpnctl_node "$T" leaf1 -j show neighbors | json_eval "$1"; }
session_count() { evpnctl_node "$T" leaf1 -j show neighbors |
  json_eval "[n['established-count'] for n in d if n['address'] == '10.1.1.0'][0]"; }
has_fdb() { node_exec "$T" "$1" bridge fdb show dev "$2" | grep -q -- "$3"; }

check "topology up" topo_up "$T"
for n in 1 2; do
  node_exec "$T" leaf$n ip link add br200 type bridge
  node_exec "$T" leaf$n ip link add vxlan200 type vxlan id 200 local 10.255.0.1$n dstport 4789 nolearning
  node_exec "$T" leaf$n ip link set vxlan200 master br200
  node_exec "$T" leaf$n bridge link set dev vxlan200 neigh_suppress on learning off
  node_exec "$T" leaf$n ip link set vxlan200 up
  node_exec "$T" leaf$n ip link set br200 up
  node_exec "$T" h$n ping -c 2 -W 1 172.16.0.25$n >/dev/null
done
check_eventually 30 "leaf1 Established" nb "d[0]['state'] == 'Established'"
check_eventually 20 "leaf1 has leaf2's VNI 100 flood entry" has_fdb leaf1 vxlan100 "dst 10.255.0.12 self permanent"
check_eventually 20 "leaf1 has leaf2's VNI 200 flood entry" has_fdb leaf1 vxlan200 "dst 10.255.0.12 self permanent"
check_eventually 20 "leaf1 has h2's MAC" has_fdb leaf1 vxlan100 "02:aa:00:00:00:02 dst 10.255.0.12"
before=$(session_count)
mon=$(mktemp)
on_exit "rm -f $mon"
ip netns exec "$(node_ns "$T" leaf1)" stdbuf -oL bridge monitor fdb >>"$mon" 2>&1 &
m1=$!
ip netns exec "$(node_ns "$T" leaf1)" stdbuf -oL ip monitor neigh >>"$mon" 2>&1 &
m2=$!
cfg="$(node_dir "$T" leaf1)/evpnd.yaml"
cp "$cfg" "$cfg.orig"

# 1. add a neighbour (passive: nobody there), by SIGHUP
cat >>"$cfg" <<YAML
  - address: 10.1.1.9
    remote-asn: 65000
    passive: true
YAML
kill -HUP "$(cat "$(node_dir "$T" leaf1)/evpnd.pid")"
check_eventually 5 "the new neighbour appears" nb "len(d) == 2"
check "the existing session was not reset" test "$(session_count)" = "$before"

# 2. a VNI override: VNI 200 with other route targets (its routes change, VNI 100's do not)
cat >>"$cfg" <<YAML
evpn:
  l2vnis:
    - vni: 200
      route-targets: { import: [65000:9200], export: [65000:9200] }
YAML
check "evpnctl reload with VNI 200's new route targets" evpnctl_node "$T" leaf1 reload
rts_changed() { evpnctl_node "$T" leaf1 -j show vnis |
  json_eval "[v['export-rts'] for v in d if v['vni'] == 200] == [['65000:9200']]"; }
check "VNI 200 now exports 65000:9200" rts_changed
vni200_gone() { ! has_fdb leaf1 vxlan200 "dst 10.255.0.12 self permanent"; }
check_eventually 10 "leaf2's VNI 200 routes (RT 65000:200) are no longer imported" vni200_gone

# 3. an invalid file is refused, nothing changes
printf 'router:\n  asn: 0\n' >"$cfg.bad"
cp "$cfg" "$cfg.good"
cp "$cfg.bad" "$cfg"
check_fail "an invalid file is refused" evpnctl_node "$T" leaf1 reload
cp "$cfg.good" "$cfg"

# 4. remove the neighbour again
cp "$cfg.orig" "$cfg"
cat >>"$cfg" <<YAML
evpn:
  l2vnis:
    - vni: 200
      route-targets: { import: [65000:9200], export: [65000:9200] }
YAML
check "evpnctl reload without the extra neighbour" evpnctl_node "$T" leaf1 reload
check "the extra neighbour is gone" nb "len(d) == 1"
check "the existing session was never reset" test "$(session_count)" = "$before"

# 5. remove a VNI: only VNI 100 is an instance (advertise-all-vni off)
cp "$cfg.orig" "$cfg"
cat >>"$cfg" <<YAML
evpn:
  advertise-all-vni: false
  l2vnis:
    - vni: 100
YAML
vni_active() { evpnctl_node "$T" leaf1 -j show vnis |
  json_eval "[v['active'] for v in d if v['vni'] == $1] == [$2]"; }
leaf2_floods_to_leaf1() { has_fdb leaf2 vxlan200 "dst 10.255.0.11 self permanent"; }
check "evpnctl reload without VNI 200" evpnctl_node "$T" leaf1 reload
check "VNI 200 is no longer an instance on leaf1" vni_active 200 False
check "VNI 100 still is" vni_active 100 True
leaf2_no_flood_to_leaf1() { ! leaf2_floods_to_leaf1; }
check_eventually 10 "leaf1's Type-3 for VNI 200 withdrawn: leaf2 floods VNI 200 no more to leaf1" \
  leaf2_no_flood_to_leaf1

# 6. add it back
cp "$cfg.orig" "$cfg"
cat >>"$cfg" <<YAML
evpn:
  advertise-all-vni: false
  l2vnis:
    - vni: 100
    - vni: 200
YAML
check "evpnctl reload with VNI 200 again" evpnctl_node "$T" leaf1 reload
check "VNI 200 is an instance again" vni_active 200 True
check_eventually 10 "leaf2 floods VNI 200 to leaf1 again (Type-3 re-advertised)" leaf2_floods_to_leaf1
check_eventually 10 "leaf1 imports leaf2's VNI 200 again" has_fdb leaf1 vxlan200 "dst 10.255.0.12 self permanent"
check "the session was never reset" test "$(session_count)" = "$before"
sleep 1
kill "$m1" "$m2" 2>/dev/null
wait "$m1" "$m2" 2>/dev/null
check "VNI 100's flood entry for leaf2 untouched" has_fdb leaf1 vxlan100 "dst 10.255.0.12 self permanent"
check "h2's MAC untouched" has_fdb leaf1 vxlan100 "02:aa:00:00:00:02 dst 10.255.0.12"
check "the monitor saw no change to VNI 100's remote entries" \
  bash -c "! grep -E 'vxlan100|br100' '$mon' | grep -Eq 'dst 10\\.255|extern_learn'"
check "the monitor saw VNI 200's flood entry go (it does watch)" \
  grep -Eq "^Deleted.*dev vxlan200.*dst 10.255.0.12" "$mon"
finish
