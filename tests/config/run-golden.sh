#!/usr/bin/env bash
# Golden configuration tests: every golden/NAME.yaml is checked with
# `evpnd --check --dump`; its exit status, stdout and stderr must equal
# golden/NAME.out byte for byte (a valid file dumps its normalised config, an
# invalid one prints "FILE:LINE: /yang/path: message" lines).
# UPDATE=1 rewrites the .out files (review the diff before committing).
set -u
EVPND=${EVPND:-build/evpnd}
dir=$(cd "$(dirname "$0")/golden" && pwd)
pass=0 fail=0
cd "$dir" || exit 1
for yaml in *.yaml; do
  name=${yaml%.yaml}
  actual=$( { "$EVPND" --check --dump -c "$yaml" 2>&1; echo "exit: $?"; } )
  if [ "${UPDATE:-0}" = 1 ]; then
    printf '%s\n' "$actual" > "$name.out"
  fi
  if [ -f "$name.out" ] && [ "$actual" = "$(cat "$name.out")" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $yaml"
    diff <(cat "$name.out" 2>/dev/null) <(printf '%s\n' "$actual") | head -20
  fi
done

echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 25 ]
