#!/usr/bin/env bash
# run-fuzzer.sh FUZZER SEED_DIR SECONDS: run a libFuzzer harness for SECONDS
# on a scratch copy of its seed corpus; a crash leaves its input beside the
# binary (crash-*) and fails the test.  For long runs see docs/testing.md.
set -euo pipefail
fuzzer=$1 seeds=$2 secs=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/evpnd-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$(dirname "$fuzzer")/" "$work" "$seeds"
