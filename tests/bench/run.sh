#!/usr/bin/env bash
# Benchmarks, one command:  tests/bench/run.sh [all|decode|rib|converge|move|scale|smoke]
# Builds an optimised tree (build-bench/) and the benchmark tools, runs each
# benchmark; results are printed and written as JSON lines to
# build-bench/bench-results.json (the converge table also as Markdown to
# build-bench/converge-table.md).  See docs/performance.md.
#   decode    UPDATE decode rate of the parser alone, one core (EVPN NLRI/s)
#   rib       RIB insert / best path rate and bytes per route (bench_rib)
#   converge  (needs root) an evpnd leaf and an FRR leaf installing N remote
#             MACs / MAC+IPs from an FRR route reflector, the kernel's own
#             limit (raw rtnetlink), memory per route, local learning and a
#             MAC move, how long `evpnctl audit` holds evpnd's event loop;
#             N = 10k and 100k (BENCH_N="..." to change)
#   move      (needs root) a MAC moving between two evpnd leaves, kernel to
#             kernel, through an evpnd and through an FRR route reflector
#             (MOVE_REPEAT, MOVE_RR; tests/bench/move.sh)
#   scale     (needs root) many evpnd leaves (32) with many VNIs (1,000)
#             behind one FRR route reflector: flood lists complete, then
#             100k routes installed on every leaf at once with every
#             session and its keepalives kept (SCALE_LEAVES, SCALE_VNIS,
#             SCALE_ROUTES to change; tests/bench/scale.sh)
#   all       (default) decode, rib, converge, move and scale
#   smoke     everything once with a tiny N (CI): checks only that it all
#             ran and every entry appeared, never a timing
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${BENCH_OUT:-$src/build-bench}
what=${1:-all}
case $what in all|decode|rib|converge|move|scale|smoke) ;; *)
  echo "usage: tests/bench/run.sh [all|decode|rib|converge|move|scale|smoke]" >&2; exit 2 ;;
esac
"$src/.ci/install-deps.sh" >/dev/null
cmake -S "$src" -B "$out" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out" -j"$(nproc)" --target evpnd_core evpnd evpnctl bench_decode >/dev/null

# The tools (tests/tools/) and bench_rib: the CMake targets when they exist,
# else built here against the project's static library.
mkdir -p "$out/tools"
build_tool() { # build_tool NAME SOURCE
  if cmake --build "$out" -j"$(nproc)" --target "$1" >/dev/null 2>&1; then
    cp "$out/tests/$1" "$out/tools/$1" 2>/dev/null || cp "$out/$1" "$out/tools/$1"
  else
    cc -O2 -g -std=gnu11 -Wall -Wextra -I "$src/include" -o "$out/tools/$1" "$2" \
       "$out/libevpnd_core.a"
  fi
}
build_tool bgp_blast "$src/tests/tools/bgp_blast.c"
build_tool nl_watch "$src/tests/tools/nl_watch.c"
build_tool nl_blast "$src/tests/tools/nl_blast.c"
build_tool bench_rib "$src/tests/bench/bench_rib.c"

results=$out/bench-results.json
: >"$results"
export BENCH_OUT=$out BENCH_TOOLS=$out/tools EVPND=$out/evpnd EVPNCTL=$out/evpnctl
rc=0
if [ "$what" = all ] || [ "$what" = decode ]; then
  for n in 10000 100000 1000000; do
    "$out/tests/bench_decode" -n $n -r 5
    "$out/tests/bench_decode" -n $n -r 5 -i
    "$out/tests/bench_decode" -n $n -r 5 -j >>"$results"
    "$out/tests/bench_decode" -n $n -r 5 -i -j >>"$results"
  done
fi
if [ "$what" = all ] || [ "$what" = rib ]; then
  for n in 10000 100000 1000000; do
    "$out/tools/bench_rib" -n $n -r 3
    "$out/tools/bench_rib" -n $n -r 3 -i -j >>"$results"
    "$out/tools/bench_rib" -n $n -r 3 -j >>"$results"
  done
fi
if [ "$what" = smoke ]; then
  "$out/tests/bench_decode" -n 2000 -r 1 -j >>"$results"
  "$out/tools/bench_rib" -n 2000 -r 1 -j >>"$results"
  "$src/tests/bench/converge.sh" --smoke || rc=1
  "$src/tests/bench/move.sh" --smoke || rc=1
  "$src/tests/bench/scale.sh" --smoke || rc=1
fi
if [ "$what" = all ] || [ "$what" = converge ]; then
  "$src/tests/bench/converge.sh" || rc=1
fi
if [ "$what" = all ] || [ "$what" = move ]; then
  "$src/tests/bench/move.sh" || rc=1
fi
if [ "$what" = all ] || [ "$what" = scale ]; then
  "$src/tests/bench/scale.sh" || rc=1
fi
echo "results: $results"
exit $rc
