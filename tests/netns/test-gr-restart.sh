#!/usr/bin/env bash
# Hitless restart (issue 6 acceptance), h1 pinging h2 every 10 ms throughout:
#  - evpnd on leaf1 restarted with SIGTERM and with SIGKILL, through a route
#    reflector that helps graceful restart for EVPN: GoBGP 3.10, then evpnd
#    (topologies/gr-restart-{gobgp,evpnd}.clab.yml): no ping lost, and a
#    netlink monitor on both leaves sees no remote FDB, flood or neighbour
#    entry deleted;
#  - the route reflector itself restarted (GoBGP with its restart flag,
#    evpnd): the evpnd leaves keep its routes as stale, refresh them, and no
#    kernel entry flaps;
#  - an FRR 8.4 route reflector restarting gracefully (gr-restart-frr): helped,
#    also when it sends End-of-RIB before a late leaf is back (the sweep's
#    kernel deletions are held until that leaf's routes return);
#  - with an FRR 8.4 route reflector (topologies/l2-stretch), which drops a
#    restarting leaf's routes, the restarting evpnd leaf itself deletes none
#    of its own kernel entries.
. "$(dirname "$0")/lib.sh"
need_root

leaf_up() { # leaf_up TOPO NODE: Established and End-of-RIB received
  evpnctl_node "$1" "$2" -j show neighbors |
    json_eval "d[0]['state'] == 'Established' and d[0]['end-of-rib-received']"
}
has_fdb() { node_exec "$1" "$2" bridge fdb show dev vxlan100 | grep -q -- "$3"; }
MONS=()

# monitor TOPO NODE FILE: record RTM_NEWNEIGH/DELNEIGH (IP and bridge views) into FILE
monitor() {
  : >"$3" # both append: two writers with separate offsets would overwrite each other
  ip netns exec "$(node_ns "$1" "$2")" stdbuf -oL ip monitor neigh >>"$3" 2>&1 &
  MONS+=($!)
  ip netns exec "$(node_ns "$1" "$2")" stdbuf -oL bridge monitor fdb >>"$3" 2>&1 &
  MONS+=($!)
}
monitors_stop() { kill "${MONS[@]}" 2>/dev/null; wait "${MONS[@]}" 2>/dev/null; MONS=(); }
# no_deletion FILE REGEX: no deletion matching REGEX, the control MAC aside
# (a static MAC added and removed on leaf2 is also advertised to leaf1)
no_deletion() { ! grep -E "^Deleted.*($2)" "$1" | grep -v 02:bb:00:00:00:99; }

# converge TOPO: hosts known everywhere, leaf1 settled
converge() {
  local T=$1
  for n in 1 2; do node_exec "$T" h$n ping -c 2 -W 1 172.16.0.25$n >/dev/null; done
  check_eventually 30 "$T: h1 pings h2" node_exec "$T" h1 ping -c 1 -W 1 172.16.0.2
  check_eventually 20 "$T: leaf1 has h2's MAC" has_fdb "$T" leaf1 "02:aa:00:00:00:02 dst 10.255.0.12"
  check_eventually 20 "$T: leaf2 has h1's MAC" has_fdb "$T" leaf2 "02:aa:00:00:00:01 dst 10.255.0.11"
  check_eventually 20 "$T: leaf1 session up with End-of-RIB" leaf_up "$T" leaf1
}

# pinging TOPO OUTFILE: start h1 -> h2 every 10 ms; PINGER holds its pid
pinging() {
  ip netns exec "$(node_ns "$1" h1)" ping -i 0.01 -w 60 -c 5000 172.16.0.2 >"$2" 2>&1 &
  PINGER=$!
  sleep 2
}
ping_result() { # ping_result TOPO WHAT OUTFILE
  kill -INT "$PINGER" 2>/dev/null
  wait "$PINGER"
  local stats
  stats=$(grep -E "packets transmitted" "$3")
  log "$1 ($2): $stats"
  check "$1: $2: pings were sent throughout" test "$(awk '{print $1}' <<<"$stats")" -ge 200
  check "$1: $2: no ping lost" grep -q " 0% packet loss" <<<"$stats"
}

restart_leaf1() { # restart_leaf1 TOPO SIGNAL
  check "$1: evpnd on leaf1 restarted with SIG$2" "$CLAB" restart "$1" leaf1 --signal "$2" --delay 1
  check_eventually 30 "$1: leaf1 back (Established, End-of-RIB) after SIG$2" leaf_up "$1" leaf1
  sleep 3
}

# leaf restarts through a graceful-restart helper
leaf_restarts() {
  local T=$1 mon1 mon2 out
  mon1=$(mktemp) mon2=$(mktemp) out=$(mktemp)
  on_exit "rm -f $mon1 $mon2 $out"
  monitor "$T" leaf1 "$mon1"
  monitor "$T" leaf2 "$mon2"
  pinging "$T" "$out"
  restart_leaf1 "$T" TERM
  restart_leaf1 "$T" KILL
  ping_result "$T" "leaf1 restarts" "$out"
  node_exec "$T" leaf2 bridge fdb add 02:bb:00:00:00:99 dev eth2 master static
  node_exec "$T" leaf2 bridge fdb del 02:bb:00:00:00:99 dev eth2 master
  sleep 0.5
  monitors_stop
  check "$T: leaf1 saw no remote entry deleted" no_deletion "$mon1" "dst 10\\.255\\.0\\.|extern_learn|02:aa:00:00:00:02"
  check "$T: leaf2 saw no remote entry deleted" no_deletion "$mon2" "dst 10\\.255\\.0\\.|extern_learn|02:aa:00:00:00:01"
  check "$T: control: the monitor saw a deliberate deletion" grep -q "^Deleted 02:bb:00:00:00:99" "$mon2"
  check "$T: the restarted leaf1 kept its kernel entries" \
    has_fdb "$T" leaf1 "02:aa:00:00:00:02 dst 10.255.0.12 self extern_learn"
}

# the route reflector restarts: the leaves help (stale routes, then refreshed)
rr_restart() {
  local T=$1 mon1 mon2 out
  shift
  mon1=$(mktemp) mon2=$(mktemp) out=$(mktemp)
  on_exit "rm -f $mon1 $mon2 $out"
  monitor "$T" leaf1 "$mon1"
  monitor "$T" leaf2 "$mon2"
  pinging "$T" "$out"
  check "$T: route reflector restarted" "$CLAB" restart "$T" rr --signal KILL --delay 1 "$@"
  check_eventually 40 "$T: leaf1 back with the RR (End-of-RIB)" leaf_up "$T" leaf1
  check_eventually 20 "$T: leaf2 back with the RR (End-of-RIB)" leaf_up "$T" leaf2
  sleep 2
  ping_result "$T" "RR restart" "$out"
  monitors_stop
  check "$T: leaf1 kept the stale routes (no deletion)" no_deletion "$mon1" "dst 10\\.255\\.0\\.|extern_learn"
  check "$T: leaf2 kept the stale routes (no deletion)" no_deletion "$mon2" "dst 10\\.255\\.0\\.|extern_learn"
  helped() { evpnctl_node "$T" leaf1 -j show neighbors | json_eval "d[0]['graceful-restarts'] >= 1 and d[0]['graceful-restart-stale'] == 0"; }
  check "$T: leaf1 helped the RR's restart and swept nothing left stale" helped
}

T=gr-restart-gobgp
check "$T: topology up" topo_up "$T"
converge "$T"
leaf_restarts "$T"
rr_restart "$T" --arg=-r
topo_down "$T"

T=gr-restart-evpnd
check "$T: topology up" topo_up "$T"
converge "$T"
leaf_restarts "$T"
rr_restart "$T"
topo_down "$T"

# FRR 8.4 as a gracefully restarting route reflector (preserve-fw-state):
# helped like the others.  Then the case FRR gets wrong as a restarting
# speaker: leaf2 comes back late, FRR sends leaf1 End-of-RIB without leaf2's
# routes, leaf1 sweeps them (RFC 4724 4.2) — and holds the kernel deletions
# until leaf2's routes are back a few seconds later, so none leaves the kernel.
T=gr-restart-frr
check "$T: topology up" topo_up "$T"
converge "$T"
rr_restart "$T"
late_peer() {
  local mon1 swept0 swept1 pid2
  mon1=$(mktemp)
  on_exit "rm -f $mon1"
  swept() { grep -c "graceful restart done (End-of-RIB): [1-9]" "$(node_dir "$T" leaf1)/evpnd.log"; }
  swept0=$(swept)
  monitor "$T" leaf1 "$mon1"
  pid2=$(cat "$(node_dir "$T" leaf2)/evpnd.pid")
  kill -STOP "$pid2" # leaf2's evpnd cannot reconnect until SIGCONT
  check "$T: route reflector restarted while leaf2's evpnd is stopped" "$CLAB" restart "$T" rr --signal KILL --delay 1
  check_eventually 40 "$T: leaf1 back with the RR (End-of-RIB)" leaf_up "$T" leaf1
  swept1=$(swept)
  check "$T: leaf1 swept leaf2's stale routes at the RR's early End-of-RIB" test "$swept1" -gt "$swept0"
  kill -CONT "$pid2"
  check_eventually 40 "$T: leaf2 back with the RR" leaf_up "$T" leaf2
  check_eventually 20 "$T: leaf1 has leaf2's routes again" \
    bash -c "'$EVPNCTL' -s '$(node_dir "$T" leaf1)/evpnd.sock' -j show routes --rd 10.255.0.12:100 | grep -q 02:aa:00:00:00:02"
  sleep 1
  monitors_stop
  held() { evpnctl_node "$T" leaf1 -j show summary | json_eval "d['evpn']['kernel-stats']['held-cancelled'] >= 1"; }
  check "$T: the sweep's kernel deletions were held and cancelled" held
  check "$T: leaf1's kernel never lost leaf2's entries" no_deletion "$mon1" "dst 10\\.255\\.0\\.12|02:aa:00:00:00:02"
  check "$T: h1 pings h2" node_exec "$T" h1 ping -c 1 -W 1 172.16.0.2
}
late_peer
topo_down "$T"

# FRR 8.4 as route reflector drops the restarting leaf's routes (FIELD-NOTES);
# the restarting evpnd must still not delete any of its own entries.
T=l2-stretch
check "$T: topology up" topo_up "$T"
converge "$T"
mon=$(mktemp)
on_exit "rm -f $mon"
monitor "$T" leaf1 "$mon"
restart_leaf1 "$T" TERM
restart_leaf1 "$T" KILL
monitors_stop
check "$T (FRR RR): the restarting leaf1 deleted none of its entries" \
  no_deletion "$mon" "dst 10\\.255\\.0\\.|extern_learn"
check "$T (FRR RR): leaf1 forwards to h2 again" node_exec "$T" h1 ping -c 1 -W 1 172.16.0.2
topo_down "$T"
finish
