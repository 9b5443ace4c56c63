#!/usr/bin/env bash
# Malformed input over a real session (issue 8): a raw BGP peer
# (tests/tools/bgp_blast) announces three good EVPN routes, then crafted
# UPDATEs (tests/netns/bgp_craft.py), one case per RFC 7606 class that
# concerns EVPN plus public triggers (FRR CVEs); last, crafted OPENs sent
# instead of the peer's own (bgp_blast -O).  For each case: the action the RFC
# requires (counter and log line, looked for among the case's own lines), the
# good routes still installed in the kernel (unless the session is reset,
# which the NOTIFICATION shows), and the daemon alive.
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

# the log lines of the current case: those after the mark run_case sets
log_mark() { LOGMARK=$(wc -l <"$(node_dir "$T" dut)/evpnd.log"); }
case_log() { tail -n +$((LOGMARK + 1)) "$(node_dir "$T" dut)/evpnd.log"; }

# run_case CASE: good routes + the case's messages; the peer stays until
# case_end stops it (or the DUT resets the session)
run_case() {
  log_mark
  $CRAFT "$1" >"$work/$1.hex"
  ip netns exec "$(node_ns "$T" peer)" "$BGP_BLAST" -c 10.9.0.0 -l 10.9.0.1 -n 3 \
    -x "$work/$1.hex" -t 60 -q >"$work/$1.out" 2>&1 &
  BLAST=$!
  wait_until 10 grep -q '"event": "crafted"' "$work/$1.out"
  sleep 1
}
case_end() { kill "$BLAST" 2>/dev/null; wait "$BLAST" 2>/dev/null; wait_until 10 down; }
good_intact() { kernel_has 02:bb:00:00:00:00 && kernel_has 02:bb:00:00:00:02; }
alive() { evpnctl_node "$T" dut show summary >/dev/null; }
logged() { case_log | grep -q "$1"; }
not_logged() { ! case_log | grep -q "$1"; }
logged_n() { test "$(case_log | grep -c "$2")" -eq "$1"; }  # logged_n COUNT TEXT
errors() { evpnctl_node "$T" dut -j show neighbors | json_eval "d[0]['update-errors']"; }
flood_has() { kernel_has 00:00:00:00:00:00; }
notified() { grep -q "\"event\": \"notification\", \"code\": $1, \"subcode\": $2" "$work/$3.out"; }

check "topology up" topo_up "$T"
check "bgp_blast built" test -x "$BGP_BLAST"

# cases the session survives: action counter +1, good routes intact
survives() { # survives CASE COUNTER EXPECT-KERNEL-MAC-OR-- LOGTEXT-OR-- [CHECK-MSG CMD...]
  local before after c=$1 mac=$3 text=$4
  before=$(counter "$2")
  run_case "$1"
  check "$c: session still Established" test "$(session_state)" = Established
  after=$(counter "$2")
  check "$c: $2 counted" test "$after" -gt "${before:-0}"
  check "$c: good routes still in the kernel" good_intact
  if [ "$mac" != - ]; then check "$c: crafted route installed as expected" kernel_has "$mac"; fi
  if [ "$text" != - ]; then
    check "$c: logged" logged "$text"
  else
    check "$c: no UPDATE error logged" not_logged "UPDATE error"
  fi
  shift 4
  if [ $# -gt 0 ]; then local m=$1; shift; check "$c: $m" "$@"; fi
  case_end
  check "$c: daemon alive" alive
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

# harmless CASE MAC: well-formed as far as evpnd can tell: no error counted,
# MAC (announced after the crafted part) installed, no UPDATE error logged
harmless() {
  local before
  before=$(errors)
  run_case "$1"
  check "$1: session still Established" test "$(session_state)" = Established
  check "$1: no UPDATE error counted" test "$(errors)" = "$before"
  check "$1: good routes still in the kernel" good_intact
  check "$1: route after it installed" kernel_has "$2"
  check "$1: no UPDATE error logged" not_logged "UPDATE error"
  case_end
  check "$1: daemon alive" alive
}
open_refused() { # open_refused CASE SUBCODE LOGTEXT: crafted OPEN, NOTIFICATION 2/SUBCODE
  log_mark
  $CRAFT "$1" >"$work/$1.hex"
  node_exec "$T" peer "$BGP_BLAST" -c 10.9.0.0 -l 10.9.0.1 -O "$work/$1.hex" -t 4 -q \
    >"$work/$1.out" 2>&1
  check "$1: NOTIFICATION 2/$2 received by the peer" notified 2 "$2" "$1"
  check "$1: never Established" test "$(session_state)" != Established
  check "$1: logged" logged "$3"
  check "$1: daemon alive" alive
}

withdrawn ecomm-len 02:cc:00:00:00:01 "UPDATE error: .*treat-as-withdraw"
survives aggregator attribute-discard 02:cc:00:00:00:02 "attribute-discard"
survives unknown-type unknown-route-type 02:cc:00:00:00:03 -   # 7606 5.4: no log
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
check "eor-other-af: only the peer's EVPN End-of-RIB counted (RFC 4724 2: per AFI/SAFI)" \
  logged_n 1 "End-of-RIB received"
case_end
survives t2-iplen33 malformed-nlri 02:cc:00:00:00:10 "bad IP address length): discarded"
check "t2-iplen33: the route with IP length 33 not installed" kernel_lacks 02:cc:00:00:00:0f
survives t3-short malformed-nlri 02:cc:00:00:00:11 "route length fits no layout): discarded" \
  "the good Type-3 after it installed (flood entry)" flood_has
before=$(counter malformed-nlri)
run_case t3-long
check "t3-long: malformed-nlri counted" test "$(counter malformed-nlri)" -gt "$before"
check "t3-long: session still Established" test "$(session_state)" = Established
check "t3-long: the Type-3 was treated as withdrawn (no flood entry)" kernel_lacks 00:00:00:00:00:00
check "t3-long: the route after it installed" kernel_has 02:cc:00:00:00:12
check "t3-long: good routes still in the kernel" good_intact
check "t3-long: logged" logged "route length fits no layout): treated as withdraw"
case_end
check "t3-long: daemon alive" alive
survives t5-len malformed-nlri 02:cc:00:00:00:13 "route length fits no layout): discarded" \
  "both Type-5 logged" logged_n 2 "route length fits no layout): discarded"
withdrawn pmsi-flags 02:cc:00:00:00:14 "attribute flags conflict (attribute 22): treat-as-withdraw"
# (evpnd then floods to the route's originator IP, as if the type were 6)
harmless pmsi-type 02:cc:00:00:00:15
withdrawn origin-flags 02:cc:00:00:00:16 "attribute flags conflict (attribute 1): treat-as-withdraw"
harmless tunnel-encap 02:cc:00:00:00:17
harmless no-mandatory 02:cc:00:00:00:19
withdrawn unreach-classic 02:cc:00:00:00:1a \
  "missing well-known mandatory attribute (attribute 1): treat-as-withdraw"
before=$(counter treat-as-withdraw)
run_case eor-bad-origin
check "eor-bad-origin: treat-as-withdraw counted" test "$(counter treat-as-withdraw)" -gt "$before"
check "eor-bad-origin: session still Established" test "$(session_state)" = Established
check "eor-bad-origin: good routes still in the kernel" good_intact
check "eor-bad-origin: route after it installed" kernel_has 02:cc:00:00:00:1b
check "eor-bad-origin: logged" logged "malformed ORIGIN (attribute 1): treat-as-withdraw"
check "eor-bad-origin: not taken as End-of-RIB (only the peer's own)" logged_n 1 "End-of-RIB received"
case_end
check "eor-bad-origin: daemon alive" alive
resets mp-reach-3 9 "malformed MP_REACH_NLRI (attribute 14): session reset"
resets mp-reach-nhlen 9 "malformed MP_REACH_NLRI (attribute 14): session reset"
resets nlri-overrun 9 "EVPN NLRI framing broken"
resets dup-mp-reach 1 "session reset"
resets nexthop-len 9 "session reset"
resets unreach-trunc 9 "session reset"
resets attr-overrun 1 "session reset"
# RFC 4271 6.1: a message longer than 4096 octets (no extended messages)
oversized() { evpnctl_node "$T" dut -j show neighbors | json_eval "d[0]['input-oversized']"; }
big0=$(oversized)
run_case msg-oversized
check_eventually 5 "msg-oversized: session reset" down
check "msg-oversized: NOTIFICATION 1/2 (Bad Message Length) sent" notified 1 2 msg-oversized
check "msg-oversized: input-oversized counted" test "$(oversized)" -eq $((big0 + 1))
check "msg-oversized: logged" logged "Bad Message Length"
case_end
check "msg-oversized: daemon alive" alive
# RFC 4271 6.2: a recognized but malformed optional parameter: subcode 0
open_refused open-cap-overrun 0 "OPEN refused: OPEN Message Error/Unspecific"
open_refused open-ext-overrun 0 "OPEN refused: OPEN Message Error/Unspecific"
open_refused open-len-octet 0 "OPEN refused: OPEN Message Error/Unspecific"
check "after all cases: evpnd still serves" alive
finish
