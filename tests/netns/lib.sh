# shellcheck shell=bash
# tests/netns/lib.sh - helpers for the network-namespace tests.
#
# Source it from a test script:   . "$(dirname "$0")/lib.sh"
#
# Environment (ctest sets the first three): EVPND, EVPNCTL, SRC (source dir);
# LAB_PREFIX (namespace/state prefix, default "t<pid>-", exported to the
# runner as CLAB_NETNS_PREFIX so parallel runs never collide);
# WAIT_INTERVAL (poll period of wait_until, default 0.2 s); PYTHON
# (default /usr/bin/python3) for the JSON helpers.
#
# Results:      pass MSG | fail MSG | check MSG CMD... | check_fail MSG CMD...
#               check_eventually TIMEOUT MSG CMD... | summary | finish
# Polling:      wait_until TIMEOUT CMD...
# Topologies:   topo_up TOPO [ARGS...] | topo_down TOPO | node_exec TOPO NODE CMD...
#               node_ns TOPO NODE | node_dir TOPO NODE | on_exit CMD...
# Daemons:      vtysh_node TOPO NODE CMD... | evpnctl_node TOPO NODE ARGS...
#               bgp_established TOPO NODE PEER | evpn_has_type3 TOPO NODE ORIG-IP [VNI]
#               evpn_count TOPO NODE TYPE | json_eval PY-EXPR
# Processes:    pid_running PID | lab_namespaces
# Misc:         need_root | log MSG
#
# Every function returns a status instead of exiting, except finish (and
# need_root, which exits when not root).  An EXIT trap (installed here)
# takes down every topology brought up with topo_up, then runs the on_exit
# commands in reverse order, even when the test is interrupted.

SRC=${SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CLAB=${CLAB:-$SRC/tests/netns/clab-netns}
LAB_PREFIX=${LAB_PREFIX:-t$$-}
export CLAB_NETNS_PREFIX=$LAB_PREFIX
export EVPND=${EVPND:-$SRC/build/evpnd}
export EVPNCTL=${EVPNCTL:-$SRC/build/evpnctl}
WAIT_INTERVAL=${WAIT_INTERVAL:-0.2}
PYTHON=${PYTHON:-/usr/bin/python3}     # Debian's, not whatever is first in PATH

PASSED=0
FAILED=0
_LIB_TOPOS=()
_LIB_CLEANUP=()
_LIB_OUT=$(mktemp /tmp/netns-test-out.XXXXXX)

log() { printf '# %s\n' "$*" >&2; }

# ---- results -------------------------------------------------------------

# pass MSG / fail MSG: count one result and print it (TAP-like).
pass() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$*"; }

# check MSG CMD...: run CMD (output shown only on failure); pass if it exits 0.
# CMD runs in this shell (not a subshell), so functions like topo_up keep
# their side effects.
check() {
    local msg=$1 rc; shift
    "$@" >"$_LIB_OUT" 2>&1; rc=$?
    if [ $rc -eq 0 ]; then pass "$msg"; return 0; fi
    fail "$msg (rc=$rc: $*)"
    sed 's/^/#   /' "$_LIB_OUT" | head -40
    return 1
}

# check_fail MSG CMD...: pass if CMD exits non-zero.
check_fail() {
    local msg=$1 rc; shift
    "$@" >/dev/null 2>&1; rc=$?
    if [ $rc -ne 0 ]; then pass "$msg"; return 0; fi
    fail "$msg (unexpectedly succeeded: $*)"; return 1
}

# check_eventually TIMEOUT MSG CMD...: pass if CMD succeeds within TIMEOUT s.
check_eventually() {
    local t=$1 msg=$2 start=$SECONDS; shift 2
    if wait_until "$t" "$@"; then pass "$msg ($((SECONDS - start))s)"; return 0; fi
    fail "$msg (not within ${t}s: $*)"
    "$@" 2>&1 | sed 's/^/#   /' | head -40
    return 1
}

# summary: print the final "N passed, N failed" line; non-zero on failures.
summary() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
}

# finish: summary, then exit 0 or 1 (the EXIT trap still cleans up).
finish() { if summary; then exit 0; else exit 1; fi; }

# ---- polling -------------------------------------------------------------

# wait_until TIMEOUT CMD...: run CMD (quietly) every WAIT_INTERVAL seconds
# until it exits 0 (return 0) or TIMEOUT seconds (may be fractional) pass
# (return 1).
wait_until() {
    local timeout=$1 now end; shift
    now=${EPOCHREALTIME//[^0-9]/}
    end=$((now + $(awk -v t="$timeout" 'BEGIN { printf "%d", t * 1000000 }')))
    while :; do
        "$@" >/dev/null 2>&1 && return 0
        now=${EPOCHREALTIME//[^0-9]/}
        [ "$now" -ge "$end" ] && return 1
        sleep "$WAIT_INTERVAL"
    done
}

# ---- topologies ----------------------------------------------------------

_lib_cleanup() {
    local rc=$? i
    trap - EXIT INT TERM
    for ((i = ${#_LIB_TOPOS[@]} - 1; i >= 0; i--)); do
        "$CLAB" down "${_LIB_TOPOS[$i]}" >&2 || log "cleanup: down ${_LIB_TOPOS[$i]} failed"
    done
    for ((i = ${#_LIB_CLEANUP[@]} - 1; i >= 0; i--)); do
        eval "${_LIB_CLEANUP[$i]}" >/dev/null 2>&1
    done
    rm -f "$_LIB_OUT"
    exit $rc
}
trap _lib_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# on_exit CMD...: run CMD (a shell string) at exit, after the topologies
# brought up with topo_up went down (last registered runs first).
on_exit() { _LIB_CLEANUP+=("$*"); }

# topo_up TOPO [ARGS...]: bring TOPO (name in $SRC/topologies or a path) up
# with $LAB_PREFIX and arrange for it to be taken down at exit.
topo_up() {
    local topo=$1; shift
    _LIB_TOPOS+=("$topo")
    "$CLAB" up "$topo" "$@"
}

# topo_down TOPO: take TOPO down now (idempotent).
topo_down() {
    local topo=$1 i
    for i in "${!_LIB_TOPOS[@]}"; do
        [ "${_LIB_TOPOS[$i]}" = "$topo" ] && unset '_LIB_TOPOS[i]'
    done
    _LIB_TOPOS=("${_LIB_TOPOS[@]}")
    "$CLAB" down "$topo"
}

# node_exec TOPO NODE CMD...: run CMD in NODE's namespace (vtysh and
# evpnctl get the node's sockets automatically).
node_exec() { local t=$1 n=$2; shift 2; "$CLAB" exec "$t" "$n" -- "$@"; }

# node_ns TOPO NODE / node_dir TOPO NODE: print the namespace / state dir.
node_ns() { "$CLAB" ns "$1" "$2"; }
node_dir() { "$CLAB" dir "$1" "$2"; }

# lab_namespaces: list the namespaces of this test run (prefix $LAB_PREFIX).
lab_namespaces() { ip netns list | awk -v p="$LAB_PREFIX" 'index($1, p) == 1 { print $1 }'; }

# pid_running PID: true if PID exists and is not a zombie.
pid_running() {
    local st
    st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# ---- daemons -------------------------------------------------------------

# vtysh_node TOPO NODE CMD...: each CMD is one vtysh -c command, run against
# the node's FRR (vty sockets in its state dir).
vtysh_node() {
    local t=$1 n=$2 dir a; shift 2
    dir=$(node_dir "$t" "$n") || return 1
    local args=()
    for a in "$@"; do args+=(-c "$a"); done
    vtysh --vty_socket "$dir" "${args[@]}"
}

# evpnctl_node TOPO NODE ARGS...: evpnctl against the node's evpnd socket.
evpnctl_node() {
    local t=$1 n=$2 dir; shift 2
    dir=$(node_dir "$t" "$n") || return 1
    "$EVPNCTL" -s "$dir/evpnd.sock" "$@"
}

# json_eval PY-EXPR: read JSON from stdin into `d`, evaluate the Python
# expression, print the value; exit 0 if it is truthy.
json_eval() {
    "$PYTHON" -c '
import json, re, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(2)
r = eval(sys.argv[1])
print(r if not isinstance(r, (dict, list)) else json.dumps(r))
sys.exit(0 if r else 1)' "$1"
}

# bgp_established TOPO NODE PEER: the FRR node's session to PEER (address)
# is Established in some address family.
bgp_established() {
    vtysh_node "$1" "$2" 'show bgp summary json' | json_eval \
        "any(af.get('peers', {}).get('$3', {}).get('state') == 'Established'
             for af in d.values() if isinstance(af, dict))" >/dev/null
}

# _evpn_paths: print one JSON line per path of 'show bgp l2vpn evpn json'.
_evpn_paths() {
    vtysh_node "$1" "$2" 'show bgp l2vpn evpn json' | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
for rd, routes in d.items():
    if not isinstance(routes, dict) or "rd" not in routes:
        continue
    for pfx, r in routes.items():
        if isinstance(r, dict):
            for p in r.get("paths", []):
                p = dict(p); p["rd"] = rd; p["prefix"] = pfx
                print(json.dumps(p))'
}

# evpn_has_type3 TOPO NODE ORIG-IP [VNI]: the FRR node has a Type-3 route
# from ORIG-IP (with route target *:VNI when VNI is given).
evpn_has_type3() {
    _evpn_paths "$1" "$2" | "$PYTHON" -c '
import json, re, sys
ip, vni = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    p = json.loads(line)
    if p.get("routeType") != 3 or p.get("ip") != ip:
        continue
    ec = p.get("extendedCommunity", {}).get("string", "")
    if not vni or re.search(r"RT:[0-9.]+:%s\b" % vni, ec):
        sys.exit(0)
sys.exit(1)' "$3" "${4:-}"
}

# evpn_count TOPO NODE TYPE: print the number of paths of route type TYPE.
evpn_count() {
    _evpn_paths "$1" "$2" | "$PYTHON" -c '
import json, sys
print(sum(1 for l in sys.stdin if json.loads(l).get("routeType") == int(sys.argv[1])))' "$3"
}

# need_root: exit (failing) unless running as root.
need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "needs root (network namespaces)"; echo "0 passed, 1 failed"; exit 1
    fi
}
