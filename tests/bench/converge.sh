#!/usr/bin/env bash
# tests/bench/converge.sh - convergence benchmarks (issue 7): an evpnd leaf
# and an FRR leaf (bgpd + zebra) in the same position of one fabric
# (topologies/bench-leaf.clab.yml), and the kernel's own limit, measured in
# one run on this machine.  Called by tests/bench/run.sh (which builds the
# tools); see docs/performance.md for the method.
#
#   converge.sh [--smoke]
#
# Environment:
#   BENCH_N        route counts (default "10000 100000"; --smoke: 1000)
#   BENCH_OUT      results dir (default <repo>/build-bench); JSON lines are
#                  appended to $BENCH_OUT/bench-results.json
#   BENCH_TOOLS    dir with bgp_blast, nl_watch, nl_blast (default $BENCH_OUT/tools)
#   BENCH_SCENARIOS  "mac macip" (default) or one of them
#   BENCH_REPEAT   measurements per daemon, scenario and N (default 3, smoke 1);
#                  the table shows the median, memory comes from the first
#   BENCH_LOCAL    1 (default): also local learning and a MAC move
#   BENCH_KEEP     1: keep the work dir (pcaps, JSON pieces) for inspection
#   BENCH_PERF     1: perf record -g evpnd during its remote-install runs
#                  ($BENCH_OUT/perf-evpnd-SCENARIO-N.data, top symbols in .txt)
#                  and its local learning (perf-evpnd-local-N.data, .txt)
#   EVPND, EVPNCTL binaries (default $BENCH_OUT/evpnd, evpnctl)
#   LAB_PREFIX     namespace prefix (default hF-)
#
# Scenarios per N (each on a fresh lab):
#   mac    N Type-2 MAC routes from the route source via the FRR RR
#   macip  N Type-2 MAC+IP routes (FDB pairs + neighbours)
# and, in the mac lab, local learning of N MACs and one MAC move per leaf.
# Pass/fail never depends on a timing: the run fails only when something
# did not run or not all N entries/routes appeared.
set -uo pipefail
LAB_PREFIX=${LAB_PREFIX:-hF-}
. "$(dirname "$0")/lib.sh"
bench_init converge "${1:-}" bgp_blast nl_watch nl_blast
if [ $SMOKE = 1 ]; then NS_LIST=${BENCH_N:-1000}; else NS_LIST=${BENCH_N:-10000 100000}; fi
BENCH_LOCAL=${BENCH_LOCAL:-1}
T=bench-leaf
RR_E=10.1.1.1          # the RR's neighbour address of the evpnd leaf
RR_F=10.1.2.1          # ... of the FRR leaf
VTEP_GEN=10.255.0.100  # next hop of the generated routes
KNS=${LAB_PREFIX}bench-kernel
WORK=$(mktemp -d /tmp/hF-bench.XXXXXX)
chmod 755 "$WORK"      # tcpdump drops to its own user and writes here
[ "${BENCH_KEEP:-0}" = 1 ] || on_exit "rm -rf $WORK"
on_exit "ip netns del $KNS 2>/dev/null"

TMO=$([ $SMOKE = 1 ] && echo 30 || echo 120)
REPEAT=${BENCH_REPEAT:-$([ $SMOKE = 1 ] && echo 1 || echo 3)}

# node namespaces and state dirs by the runner's naming (topologies/README.md),
# without starting the runner (Python) for every lookup
STATE_BASE=${CLAB_NETNS_STATE:-/tmp/clab-netns}
nsof() { echo "${LAB_PREFIX}${T}-$1"; }
dirof() { echo "$STATE_BASE/${LAB_PREFIX}${T}/$1"; }
rr() { local a args=(); for a in "$@"; do args+=(-c "$a"); done; vtysh --vty_socket "$(dirof rr)" "${args[@]}"; }
rr_neigh() { # rr_neigh shut|unshut ADDR
  local no=; [ "$1" = unshut ] && no="no "
  rr 'configure terminal' 'router bgp 65000' "${no}neighbor $2 shutdown" >/dev/null
}
rr_peer() { rr 'show bgp l2vpn evpn summary json' | $BL frr-peer "$1" "$2"; }
rr_has() { [ "$(rr_peer pfxRcd "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
rr_sent() { [ "$(rr_peer pfxSnt "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
rr_state() { [ "$(rr_peer state "$1" 2>/dev/null)" = "$2" ]; }
rr_drops() {
  rr "show bgp neighbors $1 json" | $PY -c '
import json, sys
d = json.load(sys.stdin)
print(next(iter(d.values())).get("connectionsDropped", 0))' 2>/dev/null || echo -1
}
rss_kb() { local s=0 p; for p in "$@"; do s=$((s + $(awk '/^VmRSS/ {print $2}' /proc/"$p"/status))); done; echo $s; }
cpu_ticks() { local s=0 p; for p in "$@"; do s=$((s + $(awk '{ sub(/.*\) /, ""); print $12 + $13 }' /proc/"$p"/stat))); done; echo $s; }
# run-queue wait (runnable, not running) in ns, summed over PIDs (/proc/PID/schedstat)
rq_wait_ns() { local s=0 p; for p in "$@"; do s=$((s + $(awk '{print $2}' /proc/"$p"/schedstat))); done; echo $s; }
fdb_count() { ip netns exec "$(nsof "$1")" bridge fdb show dev vxlan100 2>/dev/null | grep -c "dst $VTEP_GEN"; }
fdb_empty() { [ "$(fdb_count "$1")" -le 1 ]; }   # a MAC that moved here may stay
fdb_full() { [ "$(fdb_count "$1")" -ge "$2" ]; }
daemon_pids() { # daemon_pids NODE
  local d; d=$(dirof "$1")
  if [ "$1" = leafe ]; then cat "$d/evpnd.pid"; else echo "$(cat "$d/bgpd.pid") $(cat "$d/zebra.pid")"; fi
}
bg_pids=()
stop_bg() { local p; for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done; for p in "${bg_pids[@]}"; do wait "$p" 2>/dev/null; done; bg_pids=(); }
on_exit 'stop_bg'

# ---- kernel limit --------------------------------------------------------
kernel_ns_up() {
  ip netns del "$KNS" 2>/dev/null
  ip netns add "$KNS" && ip -n "$KNS" link set lo up &&
  ip netns exec "$KNS" sh -e -c '
    ip link add br100 type bridge
    ip link add vxlan100 type vxlan id 100 local 10.255.0.11 dstport 4789 nolearning
    ip link set vxlan100 master br100
    bridge link set dev vxlan100 neigh_suppress on learning off
    ip link set vxlan100 up; ip link set br100 up
    ip addr add 172.16.0.251/12 dev br100'
}

# kernel_run SCENARIO N REP: the same entries by raw rtnetlink, observed and not
kernel_run() {
  local sc=$1 n=$2 r=$3 mode kinds w=$WORK/k-$1-$2-$3
  if [ "$sc" = mac ]; then mode=fdb; kinds=dst,master; else mode=macip; kinds=dst,master,neigh; fi
  check "kernel namespace for $sc N=$n" kernel_ns_up || return 1
  ip netns exec "$KNS" "$TOOLS/nl_watch" -n "$n" -k "$kinds" -V $VTEP_GEN -t "$TMO" \
      -r "$w.ready" -l kernel >"$w.watch" &
  local wp=$!
  wait_file "$w.ready" 5
  ip netns exec "$KNS" "$TOOLS/nl_blast" -m $mode -n "$n" -V $VTEP_GEN -l observed >"$w.blast"
  local brc=$?
  wait $wp; local wrc=$?
  check "kernel $sc N=$n observed: all entries seen, no request failed" test $brc -eq 0 -a $wrc -eq 0
  local t0 t1
  t0=$($BL field "$w.blast" t_first); t1=$($BL field "$w.watch" t_last)
  emit benchmark=kernel-insert scenario="$sc" n="$n" rep="$r" observed=true \
       seconds="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" \
       ok="$([ $brc -eq 0 ] && [ $wrc -eq 0 ] && echo true || echo false)" \
       "@$w.blast:blast_" "@$w.watch:watch_"
  kernel_ns_up || return 1
  ip netns exec "$KNS" "$TOOLS/nl_blast" -m $mode -n "$n" -V $VTEP_GEN -l unobserved >"$w.blast2"
  brc=$?
  check "kernel $sc N=$n unobserved" test $brc -eq 0
  emit benchmark=kernel-insert scenario="$sc" n="$n" rep="$r" observed=false \
       seconds="$($BL field "$w.blast2" seconds)" ok="$([ $brc -eq 0 ] && echo true || echo false)" \
       "@$w.blast2:blast_"
  ip netns del "$KNS"
}

# ---- remote routes: one leaf --------------------------------------------
# remote_run SCENARIO N NODE RR_NEIGHBOUR DAEMON REP
remote_run() {
  local sc=$1 n=$2 node=$3 peer=$4 daemon=$5 r=$6 ns kinds pids w=$WORK/r-$1-$2-$5-$6
  ns=$(nsof "$node")
  kinds=dst,master; [ "$sc" = macip ] && kinds=dst,master,neigh
  pids=$(daemon_pids "$node")
  local rss0 cpu0 rss1 cpu1
  # shellcheck disable=SC2086
  rss0=$(rss_kb $pids); cpu0=$(cpu_ticks $pids); local rq0 rq1; rq0=$(rq_wait_ns $pids)
  # shellcheck disable=SC2086
  $BL smaps $pids >"$w.smaps0"
  local drops0; drops0=$(rr_drops "$peer")
  ip netns exec "$ns" tcpdump -U -n -i eth1 -s 0 -w "$w.pcap" tcp port 179 2>"$w.tcpdump" &
  local tp=$!
  wait_until 5 grep -q listening "$w.tcpdump"
  ip netns exec "$ns" "$TOOLS/nl_watch" -n "$n" -k "$kinds" -V $VTEP_GEN -t "$TMO" \
      -r "$w.ready" -l "$daemon" >"$w.watch" &
  local wp=$!
  wait_file "$w.ready" 5
  local pp=
  if [ "${BENCH_PERF:-0}" = 1 ] && [ "$daemon" = evpnd ] && [ "$r" = 1 ]; then
    perf record -g -o "$BENCH_OUT/perf-evpnd-$sc-$n.data" -p "$pids" >/dev/null 2>&1 &
    pp=$!; sleep 0.5
  fi
  rr_neigh unshut "$peer"
  wait $wp; local wrc=$?
  if [ -n "$pp" ]; then
    kill -INT "$pp"; wait "$pp"
    perf report -i "$BENCH_OUT/perf-evpnd-$sc-$n.data" --no-children --sort symbol --stdio -g none \
      2>/dev/null | grep '%' | head -40 >"$BENCH_OUT/perf-evpnd-$sc-$n.txt"
  fi
  sleep 1    # let the daemons settle before reading memory
  # shellcheck disable=SC2086
  rss1=$(rss_kb $pids); cpu1=$(cpu_ticks $pids); rq1=$(rq_wait_ns $pids)
  # shellcheck disable=SC2086
  $BL smaps $pids >"$w.smaps"
  kill "$tp"; wait "$tp" 2>/dev/null
  $BL pcap "$w.pcap" "${peer%.1}.0" >"$w.bgp"
  local drops up; drops=$(( $(rr_drops "$peer") - drops0 ))
  up=$(rr_state "$peer" Established && echo true || echo false)
  check "$daemon leaf, $sc N=$n ($r): all entries in the kernel" test $wrc -eq 0
  check "$daemon leaf, $sc N=$n ($r): session stayed up (no hold timer expiry)" test "$drops" = 0 -a "$up" = true
  local tu te tl tk
  tu=$($BL field "$w.bgp" t_first_update); te=$($BL field "$w.bgp" t_keepalive)
  tl=$($BL field "$w.watch" t_last); tk=$($BL field "$w.bgp" t_last_data)
  emit benchmark=converge scenario="$sc" n="$n" daemon="$daemon" rep="$r" \
       from_first_update_s="$(awk -v a="$tu" -v b="$tl" 'BEGIN { printf "%.6f", b - a }')" \
       from_established_s="$(awk -v a="$te" -v b="$tl" 'BEGIN { printf "%.6f", b - a }')" \
       rr_stream_s="$(awk -v a="$tu" -v b="$tk" 'BEGIN { printf "%.6f", b - a }')" \
       rss_before_kb="$rss0" rss_after_kb="$rss1" \
       bytes_per_route="$(awk -v a="$rss0" -v b="$rss1" -v n="$n" 'BEGIN { printf "%.1f", (b - a) * 1024 / n }')" \
       cpu_s="$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')" \
       runqueue_wait_s="$(awk -v a="$rq0" -v b="$rq1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')" \
       session_drops="$drops" ok="$([ $wrc -eq 0 ] && [ "$drops" = 0 ] && echo true || echo false)" \
       "@$w.bgp:" "@$w.watch:watch_" "@$w.smaps0:mem_before_" "@$w.smaps:mem_after_"
  if [ "$daemon" = evpnd ] && [ "$r" = 1 ]; then audit_run "$sc" "$n" "$peer"; fi
}

# audit_run SCENARIO N PEER: `evpnctl audit` on the evpnd leaf holding N remote
# routes: how long until it answers, and meanwhile how long `show summary`
# takes at most (the event loop's responsiveness while the kernel is read),
# and whether a session dropped.
audit_run() {
  local sc=$1 n=$2 peer=$3 w=$WORK/a-$1-$2 drops0 t0 t1 rc ap s0 s1 smax=0 scount=0
  local sock; sock="$(dirof leafe)/evpnd.sock"
  drops0=$(rr_drops "$peer")
  t0=$(date +%s.%N)
  "$EVPNCTL" -s "$sock" -j audit >"$w.json" 2>"$w.err" &
  ap=$!
  while kill -0 "$ap" 2>/dev/null; do
    s0=$(date +%s.%N)
    "$EVPNCTL" -s "$sock" -j show summary >/dev/null 2>&1 || break
    s1=$(date +%s.%N)
    kill -0 "$ap" 2>/dev/null || break    # answered after the audit: not during it
    smax=$(awk -v a="$s0" -v b="$s1" -v m="$smax" 'BEGIN { d = b - a; printf "%.6f", (d > m ? d : m) }')
    scount=$((scount + 1))
  done
  wait "$ap"; rc=$?
  t1=$(date +%s.%N)
  check "evpnd leaf, $sc N=$n: audit ran, no drift" test $rc -eq 0
  emit benchmark=audit scenario="$sc" n="$n" daemon=evpnd \
       seconds="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" \
       checked="$($PY -c 'import json, sys; print(json.load(open(sys.argv[1])).get("checked", 0))' \
                 "$w.json" 2>/dev/null || echo 0)" \
       summary_max_s="$smax" summaries="$scount" \
       session_drops="$(( $(rr_drops "$peer") - drops0 ))" \
       ok="$([ $rc -eq 0 ] && echo true || echo false)"
}

# ---- local learning and MAC move: one leaf -------------------------------
# local_run N NODE HOST VTEP DAEMON PEER: the leaf's session is up, the other
# leaf's down; PEER is the leaf's address on its uplink
local_run() {
  local n=$1 node=$2 host=$3 vtep=$4 daemon=$5 peer=$6 ns hns gns w=$WORK/l-$1-$5
  ns=$(nsof "$node"); hns=$(nsof "$host"); gns=$(nsof gen)
  # MAC move: index 7 of the generated routes (remote, behind $VTEP_GEN) starts
  # talking behind this leaf; from the bridge learning it to the route
  # reflector reflecting the leaf's route for it (sequence number 1).  The
  # leaf's uplink capture splits it: the leaf's share (learned -> its UPDATE
  # on the wire) and the reflector's (-> the observer has it).
  local mvmac=02:bb:00:00:00:07
  ip netns exec "$hns" sh -c "ip link set eth1 down; ip link set eth1 address $mvmac; ip link set eth1 up"
  ip netns exec "$gns" "$TOOLS/bgp_blast" -q -c 10.1.9.254 -l 10.1.9.2 -M $mvmac -E "$vtep" \
      -t "$TMO" >"$w.mvobs" 2>&1 &
  local op=$!
  wait_until 30 rr_sent 10.1.9.2 "$n"; sleep 0.3
  ip netns exec "$ns" tcpdump -U --immediate-mode -n -i eth1 -s 0 -w "$w.mv.pcap" tcp port 179 2>"$w.mvtcpdump" &
  local tp=$!
  wait_until 5 grep -q listening "$w.mvtcpdump"
  ip netns exec "$ns" "$TOOLS/nl_watch" -n 1 -o 7 -k local -L eth2 -t "$TMO" -r "$w.mvready" \
      -l move >"$w.mvwatch" &
  local wp=$!
  wait_file "$w.mvready" 5
  ip netns exec "$hns" ping -c 1 -W 1 172.16.0.251 >/dev/null 2>&1   # the host talks: learned
  wait $op; local orc=$?
  wait $wp; local wrc=$?
  sleep 0.2; kill "$tp"; wait "$tp" 2>/dev/null
  $BL pcap-mac "$w.mv.pcap" "$peer" $mvmac >"$w.mvsent"
  check "$daemon leaf: MAC move learned and advertised" test $orc -eq 0 -a $wrc -eq 0
  local tm0 tm1 tms
  tm0=$($BL field "$w.mvwatch" t_first); tm1=$($BL field "$w.mvobs" t_done)
  tms=$($BL field "$w.mvsent" t_sent)
  local sent=false; awk -v t="$tms" 'BEGIN { exit !(t > 0) }' && sent=true
  check "$daemon leaf: its UPDATE for the moved MAC seen on the uplink" $sent
  emit benchmark=mac-move n="$n" daemon="$daemon" \
       seconds="$(awk -v a="$tm0" -v b="$tm1" 'BEGIN { printf "%.6f", b - a }')" \
       leaf_s="$(awk -v a="$tm0" -v b="$tms" 'BEGIN { printf "%.6f", b - a }')" \
       reflector_s="$(awk -v a="$tms" -v b="$tm1" 'BEGIN { printf "%.6f", b - a }')" \
       t_learned="$tm0" t_sent="$tms" t_reflected="$tm1" \
       ok="$([ $orc -eq 0 ] && [ $wrc -eq 0 ] && $sent && echo true || echo false)"

  # Local learning: N MACs (02:cc:...) on the access port, inserted by raw
  # rtnetlink (master dynamic), until the observer behind the RR has them all.
  ip netns exec "$gns" "$TOOLS/bgp_blast" -q -c 10.1.9.254 -l 10.1.9.2 -e "$n" -P 02:cc \
      -E "$vtep" -t "$TMO" >"$w.obs" 2>&1 &
  op=$!
  wait_until 30 rr_sent 10.1.9.2 "$n"; sleep 0.3
  local pp=
  if [ "${BENCH_PERF:-0}" = 1 ] && [ "$daemon" = evpnd ]; then
    perf record -g -o "$BENCH_OUT/perf-evpnd-local-$n.data" -p "$(daemon_pids "$node")" \
      >/dev/null 2>&1 &
    pp=$!; sleep 0.5
  fi
  ip netns exec "$ns" "$TOOLS/nl_blast" -m local -L eth2 -n "$n" -P 02:cc -l local >"$w.blast"
  local brc=$?
  wait $op; orc=$?
  if [ -n "$pp" ]; then
    kill -INT "$pp"; wait "$pp"
    perf report -i "$BENCH_OUT/perf-evpnd-local-$n.data" --no-children --sort symbol --stdio \
      -g none 2>/dev/null | grep '%' | head -40 >"$BENCH_OUT/perf-evpnd-local-$n.txt"
  fi
  check "$daemon leaf: $n local MACs reached the route reflector" test $orc -eq 0 -a $brc -eq 0
  local t0 t1
  t0=$($BL field "$w.blast" t_first); t1=$($BL field "$w.obs" t_done)
  emit benchmark=local-learning scenario=mac n="$n" daemon="$daemon" \
       seconds="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" \
       insert_s="$($BL field "$w.blast" seconds)" \
       ok="$([ $orc -eq 0 ] && [ $brc -eq 0 ] && echo true || echo false)" "@$w.obs:obs_"
}

# ---- one lab per scenario and N -------------------------------------------
lab_run() {
  local sc=$1 n=$2 ip=
  [ "$sc" = macip ] && ip=-i
  log "lab: $sc N=$n"
  check "lab up ($sc N=$n)" topo_up "$T" --reconfigure || return 1
  local gns; gns=$(nsof gen)
  # the route source: N routes into the RR before any leaf is released
  ip netns exec "$gns" "$TOOLS/bgp_blast" -q -c 10.1.9.254 -l 10.1.9.1 -n "$n" $ip \
      -N $VTEP_GEN -t 3600 >"$WORK/gen-$sc-$n.json" 2>&1 &
  bg_pids+=($!)
  check_eventually 60 "RR has the $n routes of the source ($sc)" rr_has 10.1.9.1 "$n" || return 1
  # each measurement starts from an empty leaf; the evpnd leaf leaves (and
  # empties its kernel) before the FRR leaf runs
  local r
  for r in $(seq 1 "$REPEAT"); do
    remote_run "$sc" "$n" leafe $RR_E evpnd "$r"
    rr_neigh shut $RR_E
    wait_until 60 fdb_empty leafe
  done
  for r in $(seq 1 "$REPEAT"); do
    remote_run "$sc" "$n" leaff $RR_F frr "$r"
    if [ "$r" -lt "$REPEAT" ]; then rr_neigh shut $RR_F; wait_until 60 fdb_empty leaff; fi
  done
  if [ "$sc" = mac ] && [ "$BENCH_LOCAL" = 1 ]; then
    local_run "$n" leaff hf 10.255.0.12 frr $RR_F
    rr_neigh shut $RR_F
    wait_until 60 fdb_empty leaff
    rr_neigh unshut $RR_E
    check_eventually 60 "evpnd leaf back with the $n remote MACs" fdb_full leafe "$n"
    local_run "$n" leafe he 10.255.0.11 evpnd $RR_E
  fi
  stop_bg
  topo_down "$T"
}

FRR_VER=$(/usr/lib/frr/bgpd --version 2>/dev/null | head -1 | awk '{print $3}')
emit benchmark=machine nproc="$(nproc)" \
     cpu="$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
     kernel="$(uname -r)" frr="$FRR_VER" evpnd="$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo ?)"
for n in $NS_LIST; do
  for sc in ${BENCH_SCENARIOS:-mac macip}; do
    for r in $(seq 1 "$REPEAT"); do kernel_run "$sc" "$n" "$r"; done
    lab_run "$sc" "$n"
  done
done
echo
$BL report "$RESULTS" "$BENCH_OUT/converge-table.md"
echo
finish
