#!/usr/bin/env bash
# Least privilege: evpnd started as root with -u/-g runs as that user with
# only CAP_NET_ADMIN and CAP_NET_BIND_SERVICE, its control socket is 0660 and
# belongs to the group; group members may read but not change state
# (SO_PEERCRED), others cannot connect.  Runs in its own network namespace;
# no packet leaves it.
set -u
EVPND=${EVPND:-build/evpnd}
EVPNCTL=${EVPNCTL:-build/evpnctl}
pass=0 fail=0
ns=evpriv$$
work=$(mktemp -d /tmp/evpnd-privs.XXXXXX)
chmod 755 "$work"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
check() { local w=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $w"; fi; }

if [ "$(id -u)" -ne 0 ]; then echo "needs root"; echo "0 passed, 1 failed"; exit 1; fi
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$work/evpnd.yaml" <<YAML
router:
  asn: 65000
  router-id: 10.0.0.1
neighbors:
  - address: 127.0.0.2
    remote-asn: 65000
    passive: true
YAML
chmod 644 "$work/evpnd.yaml"
ip netns exec "$ns" "$EVPND" -c "$work/evpnd.yaml" -s "$work/evpnd.sock" -u nobody -g nogroup \
  2>"$work/log" &
pid=$!
for _ in $(seq 50); do [ -S "$work/evpnd.sock" ] && break; sleep 0.1; done
sleep 0.3
status=/proc/$pid/status
check "runs as nobody" grep -Eq "^Uid:\s+65534\s+65534\s+65534" "$status"
check "group nogroup" grep -Eq "^Gid:\s+65534\s" "$status"
check "effective capabilities: NET_ADMIN + NET_BIND_SERVICE only" \
  grep -Eq "^CapEff:\s+0000000000001400$" "$status"
check "bounding set reduced to the same" grep -Eq "^CapBnd:\s+0000000000001400$" "$status"
# capabilities and ids belong to each thread: the netlink writer too
ntask=$(ls /proc/$pid/task | wc -l)
check "more than one thread (the netlink writer runs)" test "$ntask" -ge 2
check "every thread: nobody, NET_ADMIN + NET_BIND_SERVICE only" \
  bash -c "for t in /proc/$pid/task/*/status; do grep -Eq '^CapEff:\s+0000000000001400$' \$t &&
    grep -Eq '^CapPrm:\s+0000000000001400$' \$t && grep -Eq '^Uid:\s+65534\s' \$t || exit 1; done"
check "no_new_privs" grep -Eq "^NoNewPrivs:\s+1$" "$status"
check "BGP still listens on port 179" bash -c "ip netns exec $ns ss -ltn | grep -q ':179 '"
check "control socket mode 0660, group nogroup" \
  bash -c "[ \"\$(stat -c '%a %G' '$work/evpnd.sock')\" = '660 nogroup' ]"
check "root may query" bash -c "'$EVPNCTL' -s '$work/evpnd.sock' show summary >/dev/null"
check "root may reload" bash -c "'$EVPNCTL' -s '$work/evpnd.sock' reload >/dev/null"
asgroup() { setpriv --reuid=daemon --regid=nogroup --clear-groups "$@"; }
asother() { setpriv --reuid=daemon --regid=daemon --clear-groups "$@"; }
check "a group member may read" \
  bash -c "$(declare -f asgroup); asgroup '$EVPNCTL' -s '$work/evpnd.sock' show neighbors >/dev/null"
asgroup "$EVPNCTL" -s "$work/evpnd.sock" reload >"$work/out" 2>&1
check "a group member may not reload" grep -q "permission denied" "$work/out"
asgroup "$EVPNCTL" -s "$work/evpnd.sock" clear neighbor 127.0.0.2 >"$work/out" 2>&1
check "a group member may not clear a neighbor" grep -q "permission denied" "$work/out"
check "the refusal is logged with the caller" grep -q "reload refused to uid 1" "$work/log"
asother "$EVPNCTL" -s "$work/evpnd.sock" show summary >/dev/null 2>&1
check "others cannot connect" test $? -eq 3
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
check "SIGTERM exits 0 after dropping privileges" test $rc -eq 0
echo "privileges: $pass passed, $fail failed"
[ $fail -eq 0 ]
