#!/usr/bin/env bash
# Benchmarks, one command:  tests/bench/run.sh [decode]
# Builds an optimised tree (build-bench/) and runs each benchmark; results
# are printed and written as JSON lines to build-bench/bench-results.json.
#   decode  UPDATE decode rate of the parser alone, one core (EVPN NLRI/s)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$src/build-bench
what=${1:-all}
"$src/.ci/install-deps.sh" >/dev/null
cmake -S "$src" -B "$out" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out" -j"$(nproc)" --target bench_decode >/dev/null
results=$out/bench-results.json
: >"$results"
if [ "$what" = all ] || [ "$what" = decode ]; then
  for n in 10000 100000 1000000; do
    "$out/tests/bench_decode" -n $n -r 5
    "$out/tests/bench_decode" -n $n -r 5 -i
    "$out/tests/bench_decode" -n $n -r 5 -j >>"$results"
    "$out/tests/bench_decode" -n $n -r 5 -i -j >>"$results"
  done
fi
echo "results: $results"
