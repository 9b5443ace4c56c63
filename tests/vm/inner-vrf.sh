#!/bin/bash
# tests/vm/inner-vrf.sh - run inside the test VM by tests/vm/test-vrf.sh: each
# VRF test in turn, their output as it comes, then one "N passed, N failed"
# line summing theirs (a test that printed none counts as one failure).
SRC=${SRC:-$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)}
passed=0 failed=0
run() {
  local out rc line
  out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
  rm -f "$out"
  if [ -z "$line" ]; then
    echo "FAIL $*: no result line (exit $rc)"
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + ${line%% passed*}))
  line=${line#*, }
  failed=$((failed + ${line%% failed}))
  [ "$rc" -eq 0 ] || { [ "${line%% failed}" -gt 0 ] || { echo "FAIL $*: exit $rc"; failed=$((failed + 1)); }; }
}
run "$SRC/tests/netns/test-irb.sh" irb-vrf
run "$SRC/tests/netns/test-devices.sh" vrf
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
