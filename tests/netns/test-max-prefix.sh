#!/usr/bin/env bash
# max-prefix (issue 8): a neighbour sending more routes than its max-prefix
# gets Cease/Maximum Number of Prefixes Reached (RFC 4486, with AFI/SAFI and
# the limit as data), its routes go, and the session comes back by itself
# after the idle hold time (topologies/malformed.clab.yml, raw test peer).
. "$(dirname "$0")/lib.sh"
need_root
T=malformed
BGP_BLAST=${BGP_BLAST:-$SRC/build/tests/bgp_blast}
work=$(mktemp -d)
on_exit "rm -rf $work"

state() { evpnctl_node "$T" dut -j show neighbors | json_eval "d[0]['state']"; }
kernel_has() { node_exec "$T" dut bridge fdb show dev vxlan100 | grep -q "$1 dst 10.255.0.100"; }
kernel_lacks() { ! kernel_has "$1"; }
established() { [ "$(state)" = Established ]; }

check "topology up" topo_up "$T"
cfg="$(node_dir "$T" dut)/evpnd.yaml"
echo "    max-prefix: 3" >>"$cfg"
check "reload with max-prefix 3" evpnctl_node "$T" dut reload
node_exec "$T" peer "$BGP_BLAST" -c 10.9.0.0 -l 10.9.0.1 -n 5 -t 4 -q >"$work/over.out" 2>&1
check "the peer got Cease/1 (max prefixes)" \
  grep -q '"event": "notification", "code": 6, "subcode": 1' "$work/over.out"
check "the overflow was logged" grep -q "exceed max-prefix 3" "$(node_dir "$T" dut)/evpnd.log"
check "none of the peer's routes stayed" kernel_lacks 02:bb:00:00:00:00
sent_cease() { evpnctl_node "$T" dut -j show neighbors |
  json_eval "d[0]['last-error-sent']['code'] == 6 and d[0]['last-error-sent']['subcode'] == 1"; }
check "show neighbors records the Cease sent" sent_cease
# within the limit the session comes back and stays (after the idle hold time)
node_exec "$T" peer "$BGP_BLAST" -c 10.9.0.0 -l 10.9.0.1 -n 3 -t 8 -q >"$work/ok.out" 2>&1 &
blast=$!
check_eventually 10 "a peer within the limit is Established again" established
check_eventually 5 "its routes are installed" kernel_has 02:bb:00:00:00:02
wait "$blast"
finish
