#!/usr/bin/env bash
# README's demo: installs what is missing, builds, brings up the brief's
# fabric in network namespaces (topologies/l2-stretch: an FRR route
# reflector, two evpnd leaves and an FRR leaf, a host behind each), shows the
# hosts pinging each other over VXLAN and evpnd's view, then tears it down.
#   DEMO_KEEP=1 leaves it running; take it down with
#   LAB_PREFIX=demo- tests/netns/clab-netns down l2-stretch
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
"$src/.ci/install-deps.sh"
cmake -S "$src" -B "$src/build" >/dev/null
cmake --build "$src/build" -j"$(nproc)" >/dev/null
export LAB_PREFIX=${LAB_PREFIX:-demo-}
. "$src/tests/netns/lib.sh"
need_root
T=l2-stretch
if [ "${DEMO_KEEP:-0}" = 1 ]; then "$CLAB" up "$T"; else topo_up "$T"; fi

say() { printf '\n== %s\n' "$*"; }
say "hosts greet their gateways (leaves learn their MAC and IP)"
for n in 1 2 3; do node_exec "$T" h$n ping -c 1 -W 1 172.16.0.25$n >/dev/null || true; done
say "waiting for EVPN to converge"
wait_until 30 node_exec "$T" h1 ping -c 1 -W 1 172.16.0.2
say "h1 (behind evpnd leaf1) pings h2 (behind evpnd leaf2) over VXLAN"
node_exec "$T" h1 ping -c 3 172.16.0.2
say "h1 pings h3 (behind the FRR leaf)"
node_exec "$T" h1 ping -c 3 172.16.0.3
say "leaf1: evpnctl show neighbors"
evpnctl_node "$T" leaf1 show neighbors
say "leaf1: evpnctl show vnis"
evpnctl_node "$T" leaf1 show vnis
say "leaf1: evpnctl show routes"
evpnctl_node "$T" leaf1 show routes
say "leaf1: evpnctl show macs"
evpnctl_node "$T" leaf1 show macs
say "leaf1: what evpnd installed in the kernel"
node_exec "$T" leaf1 bridge fdb show dev vxlan100
node_exec "$T" leaf1 ip neigh show dev br100
say "demo done"
