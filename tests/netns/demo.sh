#!/usr/bin/env bash
# README's demo: installs what is missing, builds, brings up a fabric in
# network namespaces, shows what it learned, and tears it down.
#   DEMO_KEEP=1 leaves it running (take it down with: tests/netns/clab-netns down TOPO).
# Today the fabric is topologies/frr-pair (an FRR route reflector and an FRR
# leaf advertising VNI 100); it becomes topologies/l2-stretch (evpnd leaves,
# hosts pinging over VXLAN) once evpnd exchanges routes.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
"$src/.ci/install-deps.sh"
cmake -S "$src" -B "$src/build" >/dev/null
cmake --build "$src/build" -j"$(nproc)" >/dev/null
export LAB_PREFIX=${LAB_PREFIX:-demo-}
. "$src/tests/netns/lib.sh"
need_root
topo=frr-pair
if [ "${DEMO_KEEP:-0}" = 1 ]; then
  "$CLAB" up "$topo"
else
  topo_up "$topo"
fi
echo "== waiting for the BGP session and the leaf's Type-3 route"
wait_until 30 evpn_has_type3 "$topo" rr 10.255.0.2 100
echo "== route reflector: show bgp summary"
vtysh_node "$topo" rr "show bgp summary"
echo "== route reflector: show bgp l2vpn evpn"
vtysh_node "$topo" rr "show bgp l2vpn evpn"
echo "== demo fabric up and converged"
