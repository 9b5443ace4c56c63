# shellcheck shell=bash disable=SC2034  # (variables are for the scripts that source this)
# tests/bench/lib.sh - what the fabric benchmarks (converge.sh, move.sh,
# scale.sh) share; sourced after `set -uo pipefail` with LAB_PREFIX set to
# the script's own namespace prefix (hF-, hV-, hS-).
#   bench_init NAME ARG1 TOOL...  root, SMOKE from the script's first
#                            argument ARG1, the tools checked, the results file
# Sets SRC, BENCH_OUT (<repo>/build-bench), EVPND, EVPNCTL, TOOLS
# (BENCH_TOOLS or $BENCH_OUT/tools), RESULTS, PY, BL (benchlib.py), SMOKE
# (1 when ARG1 is --smoke); defines emit (a JSON line
# to RESULTS from KEY=VALUE...) and wait_file FILE SECONDS.
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export SRC
BENCH_OUT=${BENCH_OUT:-$SRC/build-bench}
export EVPND=${EVPND:-$BENCH_OUT/evpnd}
export EVPNCTL=${EVPNCTL:-$BENCH_OUT/evpnctl}
. "$SRC/tests/netns/lib.sh"
TOOLS=${BENCH_TOOLS:-$BENCH_OUT/tools}
RESULTS=$BENCH_OUT/bench-results.json
PY=/usr/bin/python3
BL="$PY $SRC/tests/bench/benchlib.py"

emit() { $BL json "$@" | tee -a "$RESULTS" >/dev/null; }
wait_file() { wait_until "$2" test -e "$1"; }

bench_init() {
  local name=$1 arg=$2 t; shift 2
  need_root
  SMOKE=0
  [ "$arg" = --smoke ] && SMOKE=1
  for t in "$@"; do
    [ -x "$TOOLS/$t" ] || { echo "$name: $TOOLS/$t missing (run tests/bench/run.sh)"; exit 1; }
  done
  mkdir -p "$BENCH_OUT" && touch "$RESULTS"
}
