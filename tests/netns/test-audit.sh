#!/usr/bin/env bash
# evpnctl audit and the periodic repair (issue 6), on topologies/gr-restart-evpnd:
# no drift after convergence; a neighbour entry evpnd installed, deleted by
# hand, is reported (exit 1, JSON and text), and the periodic audit
# (router audit-interval) puts it back and logs the repair.
. "$(dirname "$0")/lib.sh"
need_root
T=gr-restart-evpnd

has_neigh() { node_exec "$T" leaf1 ip neigh show dev br100 | grep -q "$1"; }

check "topology up" topo_up "$T"
for n in 1 2; do node_exec "$T" h$n ping -c 2 -W 1 172.16.0.25$n >/dev/null; done
check_eventually 30 "h1 pings h2" node_exec "$T" h1 ping -c 1 -W 1 172.16.0.2
check_eventually 20 "leaf1 has h2's neighbour entry" has_neigh "172.16.0.2 lladdr 02:aa:00:00:00:02 extern_learn"
check "audit: no drift after convergence" evpnctl_node "$T" leaf1 audit
node_exec "$T" leaf1 ip neigh del 172.16.0.2 dev br100
out=$(evpnctl_node "$T" leaf1 audit); rc=$?
check "audit exits 1 on drift" test $rc -eq 1
check "audit names the missing neighbour" grep -Eq "neigh +missing +172.16.0.2 " <<<"$out"
json_drift() { evpnctl_node "$T" leaf1 -j audit |
  json_eval "any(x['kind'] == 'neigh' and x['problem'] == 'missing' and x['key'] == '172.16.0.2' for x in d['drift'])"; }
check "audit -j reports it too" json_drift
# the periodic audit, every 5 s from now on, repairs it
cfg="$(node_dir "$T" leaf1)/evpnd.yaml"
sed -i 's/^  router-id: 10.255.0.11$/  router-id: 10.255.0.11\n  audit-interval: 5/' "$cfg"
check "reload with audit-interval 5" evpnctl_node "$T" leaf1 reload
check_eventually 15 "the periodic audit put the neighbour back" \
  has_neigh "172.16.0.2 lladdr 02:aa:00:00:00:02 extern_learn"
check "the repair was logged" grep -q "audit: repaired missing neighbour 172.16.0.2" "$(node_dir "$T" leaf1)/evpnd.log"
check "audit: no drift after the repair" evpnctl_node "$T" leaf1 audit
finish
