#!/usr/bin/env bash
# tests/bench/scale.sh - scale simulation (issue 7 g): many evpnd leaves and
# many VNIs behind one FRR route reflector, in namespaces on this machine.
#
#   scale.sh [--smoke]
#
# The fabric (tests/bench/scale_topo.py): SCALE_LEAVES evpnd leaves, each
# creating SCALE_VNIS VNIs (create: true: vxlanN + brN), all iBGP clients of
# an FRR 8.4 route reflector, plus a route source (bgp_blast).  Phases:
#   1. flood lists: every leaf advertises a Type-3 route per VNI; done when
#      every leaf has SCALE_VNIS x (SCALE_LEAVES - 1) flood entries, checked
#      in each leaf's kernel (bridge fdb) at the end;
#   2. install under load: the source streams SCALE_ROUTES Type-2 MAC routes
#      of VNI 1, which the RR reflects to every leaf, so all leaves install
#      them at once on this machine's cores; done when every leaf has them
#      in its kernel.  Meanwhile every session must stay up (no hold timer
#      expiry: hold SCALE_HOLD s) and every leaf must keep sending its
#      keepalives (at least one per keepalive interval and a half, counted
#      from evpnd's own counters; no event-loop starvation).
# Prints times and memory, appends JSON lines to $BENCH_OUT/bench-results.json.
# As everywhere in the benchmarks, no timing decides pass/fail: the run
# fails only when an entry is missing, a session dropped or keepalives
# stopped.
#
# Environment: SCALE_LEAVES (32; --smoke 4), SCALE_VNIS (1000; --smoke 20),
# SCALE_ROUTES (100000; --smoke 2000), SCALE_HOLD (9), BENCH_OUT
# (<repo>/build-bench), BENCH_TOOLS ($BENCH_OUT/tools), EVPND, EVPNCTL,
# LAB_PREFIX (hS-), BENCH_KEEP=1 keeps the work dir.
set -uo pipefail
LAB_PREFIX=${LAB_PREFIX:-hS-}
. "$(dirname "$0")/lib.sh"
bench_init scale "${1:-}" bgp_blast
L=${SCALE_LEAVES:-$([ $SMOKE = 1 ] && echo 4 || echo 32)}
V=${SCALE_VNIS:-$([ $SMOKE = 1 ] && echo 20 || echo 1000)}
R=${SCALE_ROUTES:-$([ $SMOKE = 1 ] && echo 2000 || echo 100000)}
HOLD=${SCALE_HOLD:-9}
WORK=$(mktemp -d /tmp/hS-scale.XXXXXX)
[ "${BENCH_KEEP:-0}" = 1 ] || on_exit "rm -rf $WORK"
TOPO=$WORK/scale.clab.yml
LABDIR=${CLAB_NETNS_STATE:-/tmp/clab-netns}/${LAB_PREFIX}scale
nsof() { echo "${LAB_PREFIX}scale-$1"; }
rr() { local a args=(); for a in "$@"; do args+=(-c "$a"); done; vtysh --vty_socket "$LABDIR/rr" "${args[@]}"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
poll() { $BL scale-poll "$EVPNCTL" "$LABDIR" "$L" >"$WORK/poll.json"; }
# pv EXPR: evaluate a Python expression over the last poll (d), print it
pv() { json_eval "$1" <"$WORK/poll.json"; }
rss_total_kb() {
  local s=0 p
  for p in $(pv "' '.join(str(x) for x in d['pid'])"); do
    s=$((s + $(awk '/^VmRSS/ {print $2}' /proc/"$p"/status 2>/dev/null || echo 0)))
  done
  echo $s
}
rr_drops() { # total connectionsDropped over the RR's peers
  rr 'show bgp neighbors json' | $PY -c '
import json, sys
print(sum(v.get("connectionsDropped", 0) for v in json.load(sys.stdin).values()
          if isinstance(v, dict)))' 2>/dev/null || echo -1
}

log "scale: $L evpnd leaves x $V VNIs, $R routes under load, hold $HOLD s"
"$PY" "$SRC/tests/bench/scale_topo.py" "$WORK" "$L" "$V" "$HOLD" || exit 1
# A big lab just taken down is still being freed by the kernel (its netns
# cleanup holds the lock that creating a namespace needs): wait for that.
probe=${LAB_PREFIX}probe$$
timeout 900 ip netns add "$probe" && ip netns del "$probe"
t0=$(now)
check "lab up ($L leaves, $V VNIs each, $((L * V * 2)) devices)" topo_up "$TOPO" || { summary; exit 1; }
t_up=$(since "$t0")

# ---- 1. flood lists -------------------------------------------------------
want=$((V * (L - 1)))
flood_done() { poll && pv "min(d['flood']) >= $want and all(d['established'])" >/dev/null; }
TMO=$([ $SMOKE = 1 ] && echo 60 || echo 600)
check_eventually "$TMO" "every leaf has $want flood entries (evpnd's count)" flood_done
t_flood=$(since "$t0")
kernel_flood() { # kernel_flood I: flood entries to other leaves in leaf I's kernel
  ip netns exec "$(nsof "leaf$1")" bridge fdb show 2>/dev/null |
    grep -c '^00:00:00:00:00:00 dev vxlan[0-9]* dst 10\.255\.1\.[0-9]* self permanent'
}
bad=0
for i in $(seq "$L"); do
  n=$(kernel_flood "$i")
  [ "$n" -eq "$want" ] || { bad=$((bad + 1)); log "leaf$i: $n flood entries in the kernel, want $want"; }
done
check "every leaf's kernel has all $want flood entries" test $bad -eq 0
rss_flood=$(rss_total_kb)
log "flood lists complete in ${t_flood} s after the start (lab up ${t_up} s); evpnd RSS $((rss_flood / L)) kB per leaf"
emit benchmark=scale phase=flood leaves="$L" vnis="$V" flood_entries_per_leaf="$want" \
     lab_up_s="$t_up" complete_s="$t_flood" rss_kb_per_leaf=$((rss_flood / L))

# ---- 2. install under load ------------------------------------------------
poll
cp "$WORK/poll.json" "$WORK/before.json"
drops0=$(rr_drops)
rss0=$(rss_total_kb)
t1=$(now)
ip netns exec "$(nsof gen)" "$TOOLS/bgp_blast" -c 10.1.9.254 -l 10.1.9.1 -n "$R" -v 1 \
  -H "$HOLD" -q >"$WORK/blast.json" 2>"$WORK/blast.err" &
blast=$!
on_exit "kill $blast 2>/dev/null"
installed() { poll && pv "min(d['macs']) >= $R and max(d['queue']) == 0" >/dev/null; }
TMO=$([ $SMOKE = 1 ] && echo 60 || echo 900)
check_eventually "$TMO" "every leaf has the $R MACs (evpnd's count), kernel queues empty" installed
t_install=$(since "$t1")
# keepalives keep flowing for a while after the last entry too
sleep "$HOLD"
poll
t_window=$(since "$t1")
check "the route source's session stayed up" kill -0 "$blast"
bad=0
for i in $(seq "$L"); do
  n=$(ip netns exec "$(nsof "leaf$i")" bridge fdb show dev vxlan1 2>/dev/null | grep -c 'dst 10\.255\.0\.100 self')
  [ "$n" -ge "$R" ] || { bad=$((bad + 1)); log "leaf$i: $n of $R remote MACs in the kernel"; }
done
check "every leaf's kernel has the $R remote MACs" test $bad -eq 0
check "no session dropped at the RR" test "$(rr_drops)" = "$drops0"
check "every leaf's session stayed Established (never re-established)" \
  $PY -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sys.exit(0 if all(b["established"]) and a["est_count"] == b["est_count"] else 1)' \
  "$WORK/before.json" "$WORK/poll.json"
# keepalive interval: a third of the hold time; evpnd jitters it to 75-100 %
check "every leaf kept sending keepalives (>= one per 1.5 intervals over ${t_window} s)" \
  $PY -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
window, ka = float(sys.argv[3]), max(1, int(sys.argv[4]) // 3)
need = int(window / (1.5 * ka))
got = [y - x for x, y in zip(a["ka_sent"], b["ka_sent"])]
print("# keepalives sent per leaf: min %d, need %d" % (min(got), need), file=sys.stderr)
sys.exit(0 if min(got) >= need else 1)' "$WORK/before.json" "$WORK/poll.json" "$t_window" "$HOLD"
check "no kernel request refused on any leaf" pv "max(d['errors']) == 0"
rss1=$(rss_total_kb)
log "$R routes on $L leaves: installed everywhere in ${t_install} s; evpnd RSS +$(((rss1 - rss0) / L)) kB per leaf ($(( (rss1 - rss0) * 1024 / L / R )) B/route)"
emit benchmark=scale phase=install leaves="$L" vnis="$V" routes="$R" install_s="$t_install" \
     bytes_per_route=$(( (rss1 - rss0) * 1024 / L / R )) hold_s="$HOLD"
finish
