#!/usr/bin/env bash
# Bounded resources (issue "Robustness"): a neighbour that stops reading
# while evpnd has a large table to send it.  evpnd (route reflector) gets N
# routes from a raw peer (bgp_blast) and reflects them to a second one
# (tests/netns/slow_peer.py) that reads nothing after the handshake: UPDATE
# generation stops at the output bound (show neighbors: output-blocked,
# output-paused, output-queue-bytes/high-water within the limit), evpnd's
# memory stays flat and the other session is unaffected.  When the peer
# reads again it gets all N routes and End-of-RIB; when a stalled peer dies
# its queue goes and a new session gets the whole table.  Last, the other
# way round: a peer faster than evpnd (its whole stream of N routes waits in
# evpnd's socket while evpnd is stopped): evpnd stops reading at BGP_IN_HIGH
# (input-paused), handles BGP_IN_SLICE bytes per event-loop turn
# (input-slices), its input queue stays bounded and every route arrives.
#
# Namespaces ${LAB_PREFIX}dut and ${LAB_PREFIX}peer, made and removed here.
LAB_PREFIX=${LAB_PREFIX:-sp$$-}
. "$(dirname "$0")/lib.sh"
need_root
BGP_BLAST=${BGP_BLAST:-$SRC/build/tests/bgp_blast}
N=${SLOW_PEER_ROUTES:-100000}
DUT=${LAB_PREFIX}dut PEER=${LAB_PREFIX}peer
LIMIT=$((2 * 1024 * 1024))        # BGP_OUT_HIGH
MARGIN=$((3 * 65535 + 4096))      # the open UPDATEs, End-of-RIB, keepalives
work=$(mktemp -d)
on_exit "rm -rf $work"
on_exit "ip netns del $PEER"
on_exit "ip netns del $DUT"

ip netns add "$DUT" && ip netns add "$PEER" || exit 1
ip -n "$DUT" link add eth1 type veth peer name eth1 netns "$PEER" || exit 1
ip -n "$DUT" addr add 10.9.0.254/24 dev eth1
ip -n "$PEER" addr add 10.9.0.1/24 dev eth1
ip -n "$PEER" addr add 10.9.0.2/24 dev eth1
for ns in "$DUT" "$PEER"; do
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth1 up
done
# small socket buffers: what waits for the slow peer waits in evpnd, not in TCP
ip netns exec "$DUT" sysctl -qw net.ipv4.tcp_wmem="4096 16384 65536"
# a large receive window: a stopped evpnd gets a megabyte queued (case 4)
ip netns exec "$DUT" sysctl -qw net.ipv4.tcp_rmem="4096 1048576 6291456"

cat >"$work/evpnd.yaml" <<EOF
router:
  asn: 65000
  router-id: 10.9.0.254
  cluster-id: 10.9.0.254
neighbors:
  - address: 10.9.0.1
    remote-asn: 65000
    description: feeder
    passive: true
    route-reflector-client: true
  - address: 10.9.0.2
    remote-asn: 65000
    description: slow
    passive: true
    hold-time: 30
    route-reflector-client: true
evpn:
  advertise-all-vni: false
EOF
sock=$work/evpnd.sock
ip netns exec "$DUT" "$EVPND" -c "$work/evpnd.yaml" -s "$sock" >"$work/evpnd.log" 2>&1 &
evpnd=$!
on_exit "kill $evpnd"
ctl() { "$EVPNCTL" -s "$sock" "$@"; }
# nbr NAME EXPR / jq_slow EXPR: EXPR about n, that neighbour's JSON (now / saved)
pick() { json_eval "(lambda n: $2)([n for n in d if n['description'] == '$1'][0])"; }
nbr() { ctl -j show neighbors | pick "$1" "$2"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$evpnd/status"; }
slow_peer() { ip netns exec "$PEER" "$PYTHON" "$SRC/tests/netns/slow_peer.py" -c 10.9.0.254 \
  -l 10.9.0.2 -e "$N" -t 120 -p "$work/slow.pid" "$@"; }
slow_pid() { cat "$work/slow.pid"; }

check_eventually 10 "evpnd is up" test -S "$sock"
ip netns exec "$PEER" "$BGP_BLAST" -c 10.9.0.254 -l 10.9.0.1 -n "$N" -t 600 -q \
  >"$work/feeder.out" 2>&1 &
feeder=$!
on_exit "kill $feeder"
on_exit "test -s $work/slow.pid && kill -9 \$(cat $work/slow.pid)"
check_eventually 90 "evpnd holds the feeder's $N routes" \
  nbr feeder "n['prefixes-current'] == $N"
sleep 1
log "feeder input: $(nbr feeder "{k: n[k] for k in n if k.startswith('input-')}")"
rss0=$(rss_kb)
log "evpnd RSS with the table: ${rss0} kB"

# 1. a peer that stops reading: the output stops at the bound
slow_peer --stall >"$work/slow1.out" 2>&1 &
slow=$!
check_eventually 10 "the slow peer is Established" nbr slow "n['state'] == 'Established'"
check_eventually 20 "output to it is paused at the bound" \
  nbr slow "n['output-blocked']"
sleep 3
ctl -j show neighbors >"$work/paused.json"
jq_slow() { pick slow "$1" <"$work/paused.json"; }
check "output-paused counted" jq_slow "n['output-paused'] >= 1"
check "queued bytes within the limit" jq_slow "n['output-queue-bytes'] <= $LIMIT + $MARGIN"
check "high-water mark reached the limit, not more" \
  jq_slow "$LIMIT <= n['output-queue-high-water'] <= $LIMIT + $MARGIN"
check "not the whole table was generated" jq_slow "n['prefixes-sent'] < $N"
check "the session stays up (keepalives flow)" jq_slow "n['state'] == 'Established'"
rss1=$(rss_kb)
log "evpnd RSS with the peer stalled: ${rss1} kB (queue $(jq_slow "n['output-queue-bytes']") bytes)"
check "evpnd's memory stays bounded (< 16 MB more)" test $((rss1 - rss0)) -lt 16384
check "the feeder's session is unaffected" nbr feeder "n['state'] == 'Established'"

# 2. it reads again: the whole table and End-of-RIB, the queue empties
kill -USR1 "$(slow_pid)"
check_eventually 60 "the slow peer got all $N routes and End-of-RIB" \
  grep -q "\"event\": \"done\", \"routes\": $N" "$work/slow1.out"
wait "$slow"
check "the slow peer exited 0" test $? -eq 0
check "prefixes-sent counts the whole table" nbr slow "n['prefixes-sent'] == $N"
check_eventually 5 "its queue is empty" nbr slow "n['output-queue-bytes'] == 0"
check "output no longer blocked" nbr slow "n['output-blocked'] == False"
# A reflector's table sent once includes what it remembers of the sends
# (the RIB's sent bits, a side entry per route announced to someone):
# the baseline for the stalled queue of step 3.
rss_sent=$(rss_kb)
log "evpnd RSS with the table sent to the slow peer: ${rss_sent} kB"

# 3. a stalled peer dies: its queue goes, a new session gets everything
kill_slow() { kill -9 "$(slow_pid)"; wait "$1" 2>/dev/null; }
slow_peer --stall >"$work/slow2.out" 2>&1 &
slow=$!
check_eventually 20 "stalled again" nbr slow "n['output-blocked']"
kill_slow "$slow"
check_eventually 10 "the dead peer's session is down" nbr slow "n['state'] != 'Established'"
check "its queue is gone" nbr slow "n['output-queue-bytes'] == 0"
rss2=$(rss_kb)
log "evpnd RSS with the dead peer's session down: ${rss2} kB"
check "evpnd's memory is back within bounds" test $((rss2 - rss_sent)) -lt 16384
slow_peer >"$work/slow3.out" 2>&1
check "a new session of that peer gets all $N routes" \
  grep -q "\"event\": \"done\", \"routes\": $N" "$work/slow3.out"

check "the feeder's session never went down" nbr feeder "n['flaps'] == 0"

# 4. a peer faster than evpnd (the feeder again, with N other routes): they
# wait in the socket, then evpnd reads them at its own pace, in bounded slices
IN_HIGH=$((4 * 65535))  # BGP_IN_HIGH
kill "$feeder"
wait "$feeder" 2>/dev/null
check_eventually 20 "the feeder's session is down and its routes gone" \
  nbr feeder "n['state'] != 'Established' and n['prefixes-current'] == 0"
ip netns exec "$PEER" "$BGP_BLAST" -c 10.9.0.254 -l 10.9.0.1 -n "$N" -P 02:cc -W -t 600 -q \
  >"$work/burst.out" 2>&1 &
burst=$!
on_exit "kill $burst"
check_eventually 10 "the burst peer is Established" nbr feeder "n['state'] == 'Established'"
in0=$(nbr feeder "(n['input-slices'], n['input-paused'], n['flaps'])")
kill -STOP "$evpnd"
kill -USR1 "$burst"
sleep 2
recvq=$(ip netns exec "$DUT" ss -Htn state established src 10.9.0.254 dst 10.9.0.1 |
  awk '{ print $1 }')
log "with evpnd stopped, its socket holds ${recvq:-?} bytes of the burst"
check "more than BGP_IN_HIGH bytes wait in the socket" test "${recvq:-0}" -gt "$IN_HIGH"
kill -CONT "$evpnd"
check_eventually 90 "evpnd gets all $N routes of the burst" \
  nbr feeder "n['prefixes-current'] == $N"
log "burst input: $(nbr feeder "{k: n[k] for k in n if k.startswith('input-')}") (before: $in0)"
check "input handled in slices (input-slices counted)" \
  nbr feeder "n['input-slices'] > $in0[0]"
check "reading paused at the bound (input-paused counted)" \
  nbr feeder "n['input-paused'] > $in0[1]"
check "nothing refused for its length" nbr feeder "n['input-oversized'] == 0"
check_eventually 5 "the input queue is empty again" nbr feeder "n['input-queue-bytes'] == 0"
check "the burst session stayed up" nbr feeder "n['flaps'] == $in0[2]"
check "evpnd is still running" pid_running "$evpnd"
finish
