#!/usr/bin/env bash
# Hitless restart (issue 6 acceptance): h1 pings h2 every 10 ms while evpnd
# on leaf1 is restarted with SIGTERM and again with SIGKILL, through a route
# reflector that helps graceful restart for EVPN — GoBGP 3.10, then evpnd
# itself (topologies/gr-restart-{gobgp,evpnd}.clab.yml).  Asserted: no ping
# lost, and a netlink monitor on both leaves sees no remote FDB, flood or
# neighbour entry deleted; the restarted evpnd finds its entries again and
# removes nothing that BGP confirms.
. "$(dirname "$0")/lib.sh"
need_root

leaf_up() { # leaf_up TOPO NODE: Established and End-of-RIB received
  evpnctl_node "$1" "$2" -j show neighbors |
    json_eval "d[0]['state'] == 'Established' and d[0]['end-of-rib-received']"
}
has_fdb() { node_exec "$1" "$2" bridge fdb show dev vxlan100 | grep -q -- "$3"; }

run_topology() {
  local T=$1 mon1 mon2 pingout
  check "$T: topology up" topo_up "$T"
  for n in 1 2; do node_exec "$T" h$n ping -c 2 -W 1 172.16.0.25$n >/dev/null; done
  check_eventually 30 "$T: h1 pings h2" node_exec "$T" h1 ping -c 1 -W 1 172.16.0.2
  check_eventually 20 "$T: leaf1 has h2's MAC" has_fdb "$T" leaf1 "02:aa:00:00:00:02 dst 10.255.0.12"
  check_eventually 20 "$T: leaf2 has h1's MAC" has_fdb "$T" leaf2 "02:aa:00:00:00:01 dst 10.255.0.11"
  check_eventually 20 "$T: leaf1 session up with End-of-RIB" leaf_up "$T" leaf1
  mon1=$(mktemp) mon2=$(mktemp) pingout=$(mktemp)
  on_exit "rm -f $mon1 $mon2 $pingout"
  # both views of RTM_DELNEIGH: IP neighbours and bridge FDB entries
  ip netns exec "$(node_ns "$T" leaf1)" ip monitor neigh >"$mon1" 2>&1 &
  local m1=$!
  ip netns exec "$(node_ns "$T" leaf1)" bridge monitor fdb >>"$mon1" 2>&1 &
  local m1b=$!
  ip netns exec "$(node_ns "$T" leaf2)" ip monitor neigh >"$mon2" 2>&1 &
  local m2=$!
  ip netns exec "$(node_ns "$T" leaf2)" bridge monitor fdb >>"$mon2" 2>&1 &
  local m2b=$!
  ip netns exec "$(node_ns "$T" h1)" ping -i 0.01 -w 40 -c 3000 172.16.0.2 >"$pingout" 2>&1 &
  local pinger=$!
  sleep 2
  check "$T: evpnd on leaf1 stopped by SIGTERM and started" \
    "$CLAB" restart "$T" leaf1 --signal TERM --delay 1
  check_eventually 30 "$T: leaf1 back (Established, End-of-RIB)" leaf_up "$T" leaf1
  sleep 3
  check "$T: evpnd on leaf1 killed (SIGKILL) and started" \
    "$CLAB" restart "$T" leaf1 --signal KILL --delay 1
  check_eventually 30 "$T: leaf1 back after SIGKILL" leaf_up "$T" leaf1
  sleep 3
  kill -INT "$pinger" 2>/dev/null
  wait "$pinger"
  # control: the monitors do see a deletion
  node_exec "$T" leaf2 bridge fdb add 02:bb:00:00:00:99 dev eth2 master static
  node_exec "$T" leaf2 bridge fdb del 02:bb:00:00:00:99 dev eth2 master
  sleep 0.5
  kill "$m1" "$m1b" "$m2" "$m2b" 2>/dev/null
  wait "$m1" "$m1b" "$m2" "$m2b" 2>/dev/null
  local stats
  stats=$(grep -E "packets transmitted" "$pingout")
  log "$T: $stats"
  check "$T: pings were sent throughout" bash -c "[ \$(awk '{print \$1}' <<<'$stats') -ge 500 ]"
  check "$T: no ping lost across both restarts" grep -q " 0% packet loss" <<<"$stats"
  check "$T: leaf1 saw no remote entry deleted" \
    bash -c "! grep -E '^Deleted.*(dst 10\\.255\\.0\\.|extern_learn|02:aa:00:00:00:02)' '$mon1'"
  check "$T: leaf2 saw no remote entry deleted" \
    bash -c "! grep -E '^Deleted.*(dst 10\\.255\\.0\\.|extern_learn|02:aa:00:00:00:01)' '$mon2'"
  check "$T: leaf1's restarted evpnd kept the kernel entries" \
    has_fdb "$T" leaf1 "02:aa:00:00:00:02 dst 10.255.0.12 self extern_learn"
  check "$T: the restarted leaf1 received End-of-RIB" \
    grep -q "End-of-RIB received" "$(node_dir "$T" leaf1)/evpnd.log"
  check "$T: control: leaf2's monitor saw a deliberate deletion" \
    grep -q "^Deleted 02:bb:00:00:00:99" "$mon2"
  topo_down "$T"
}

run_topology gr-restart-gobgp
run_topology gr-restart-evpnd
finish
