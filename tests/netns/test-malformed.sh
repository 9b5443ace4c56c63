#!/usr/bin/env bash
# Malformed input over a real session (issue 8): a raw BGP peer
# (tests/tools/bgp_blast) announces three good EVPN routes, then crafted
# UPDATEs (tests/netns/bgp_craft.py), one case per RFC 7606 class that
# concerns EVPN plus public triggers.  For each case: the action the RFC
# requires (counter and log line), the good routes still installed in the
# kernel (unless the session is reset, which the NOTIFICATION shows), and the
# daemon alive.
. "$(dirname "$0")/lib.sh"
need_root
T=malformed
BGP_BLAST=${BGP_BLAST:-$SRC/build/tests/bgp_blast}
CRAFT="$PYTHON $SRC/tests/netns/bgp_craft.py"
work=$(mktemp -d)
on_exit "rm -rf $work"

counter() { evpnctl_node "$T" dut -j show neighbors | json_eval "str(d[0]['update-errors']['$1'])"; }
session_state() { evpnctl_node "$T" dut -j show neighbors | json_eval "d[0]['state']"; }
kernel_has() { node_exec "$T" dut bridge fdb show dev vxlan100 | grep -q "$1 dst 10.255.0.100"; }
kernel_lacks() { ! kernel_has "$1"; }
down() { [ "$(session_state)" != Established ]; }

# run_case CASE: good routes + the case's messages; the peer stays 4 s
run_case() {
  $CRAFT "$1" >"$work/$1.hex"
  node_exec "$T" peer "$BGP_BLAST" -c 10.9.0.0 -l 10.9.0.1 -n 3 -x "$work/$1.hex" -t 4 -q \
    >"$work/$1.out" 2>&1 &
  BLAST=$!
  wait_until 10 grep -q '"event": "crafted"' "$work/$1.out"
  sleep 1
}
case_end() { wait "$BLAST" 2>/dev/null; wait_until 10 down; }
good_intact() { kernel_has 02:bb:00:00:00:00 && kernel_has 02:bb:00:00:00:02; }
alive() { evpnctl_node "$T" dut show summary >/dev/null; }
logged() { grep -q "$1" "$(node_dir "$T" dut)/evpnd.log"; }
notified() { grep -q "\"event\": \"notification\", \"code\": $1, \"subcode\": $2" "$work/$3.out"; }

check "topology up" topo_up "$T"
check "bgp_blast built" test -x "$BGP_BLAST"

# cases the session survives: action counter +1, good routes intact
survives() { # survives CASE COUNTER EXPECT-KERNEL-MAC-OR-- LOGTEXT
  local before after
  before=$(counter "$2")
  run_case "$1"
  check "$1: session still Established" test "$(session_state)" = Established
  after=$(counter "$2")
  check "$1: $2 counted" test "$after" -gt "${before:-0}"
  check "$1: good routes still in the kernel" good_intact
  if [ "$3" != - ]; then check "$1: crafted route installed as expected" kernel_has "$3"; fi
  check "$1: logged" logged "$4"
  case_end
  check "$1: daemon alive" alive
}
withdrawn() { # withdrawn CASE MAC LOGTEXT: treat-as-withdraw of a route announced just before
  local before after
  before=$(counter treat-as-withdraw)
  run_case "$1"
  after=$(counter treat-as-withdraw)
  check "$1: treat-as-withdraw counted" test "$after" -gt "$before"
  check "$1: session still Established" test "$(session_state)" = Established
  check "$1: the route was treated as withdrawn" kernel_lacks "$2"
  check "$1: good routes still in the kernel" good_intact
  check "$1: logged" logged "$3"
  case_end
  check "$1: daemon alive" alive
}
resets() { # resets CASE SUBCODE LOGTEXT: NOTIFICATION 3/SUBCODE, daemon alive
  run_case "$1"
  check_eventually 5 "$1: session reset" down
  check "$1: NOTIFICATION 3/$2 sent" notified 3 "$2" "$1"
  check "$1: logged" logged "$3"
  case_end
  check "$1: daemon alive" alive
}

withdrawn ecomm-len 02:cc:00:00:00:01 "UPDATE error: .*treat-as-withdraw"
survives aggregator attribute-discard 02:cc:00:00:00:02 "attribute-discard"
survives unknown-type unknown-route-type 02:cc:00:00:00:03 "UPDATE"
survives mac-len malformed-nlri - "malformed EVPN route"
survives t5-plen malformed-nlri - "malformed EVPN route"
withdrawn missing-wk 02:cc:00:00:00:05 "treat-as-withdraw"
withdrawn originator 02:cc:00:00:00:06 "treat-as-withdraw"
withdrawn cluster 02:cc:00:00:00:07 "treat-as-withdraw"
withdrawn pmsi 02:cc:00:00:00:08 "treat-as-withdraw"
survives short-nexthop attribute-discard 02:cc:00:00:00:09 "attribute-discard"
run_case ipv6-ecomm
check "ipv6-ecomm: session still Established, route installed" kernel_has 02:cc:00:00:00:0a
case_end
run_case several
check "several: strongest action (treat-as-withdraw) applied" kernel_lacks 02:cc:00:00:00:0b
check "several: session still Established" test "$(session_state)" = Established
case_end
run_case eor-other-af
check "eor-other-af: session still Established" test "$(session_state)" = Established
check "eor-other-af: good routes intact" good_intact
case_end
resets nlri-overrun 9 "EVPN NLRI framing broken"
resets dup-mp-reach 1 "session reset"
resets nexthop-len 9 "session reset"
resets unreach-trunc 9 "session reset"
resets attr-overrun 1 "session reset"
check "after all cases: evpnd still serves" alive
finish
