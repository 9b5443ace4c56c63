#!/usr/bin/env bash
# evpnd and yanglint agree: the YANG modules pass yanglint, and for every
# golden configuration the JSON instance evpnd validates (yaml2json) gets the
# same verdict from yanglint, with yanglint's message among evpnd's.
set -u
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
EVPND=${EVPND:-build/evpnd}
YAML2JSON=${YAML2JSON:-build/tests/yaml2json}
pass=0 fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if yanglint -p "$SRC/yang" "$SRC/yang/evpnd.yang" "$SRC/yang/evpnd-types.yang" >"$work/lint" 2>&1 &&
   ! grep -qi 'warn\|err' "$work/lint"; then
  ok
else
  bad "yanglint rejects or warns about the modules: $(cat "$work/lint")"
fi

for yaml in "$SRC"/tests/config/golden/*.yaml; do
  name=$(basename "$yaml" .yaml)
  if ! "$YAML2JSON" "$yaml" >"$work/$name.json" 2>/dev/null; then
    continue # YAML-level error (syntax, anchors, documents): yanglint never sees such a file
  fi
  "$EVPND" --check -c "$yaml" >/dev/null 2>"$work/$name.evpnd"
  evpnd_rc=$?
  yanglint -t config -p "$SRC/yang" "$SRC/yang/evpnd.yang" "$work/$name.json" >"$work/$name.lint" 2>&1
  lint_rc=$?
  if [ $evpnd_rc -eq 0 ] && [ $lint_rc -eq 0 ]; then ok; continue; fi
  if [ $evpnd_rc -eq 0 ] || [ $lint_rc -eq 0 ]; then
    bad "$name: evpnd exit $evpnd_rc, yanglint exit $lint_rc"; continue
  fi
  # yanglint prints "libyang err : MESSAGE (Data location ...)"
  msg=$(sed -n 's/^libyang err : \(.*\) (\(Data\|Schema\) location.*/\1/p; s/^libyang err : \(.*\) (Line number.*/\1/p' \
        "$work/$name.lint" | head -1)
  if [ -n "$msg" ] && grep -qF -- "$msg" "$work/$name.evpnd"; then
    ok
  else
    bad "$name: yanglint said '$msg' (raw: $(head -1 "$work/$name.lint")); evpnd said: $(cat "$work/$name.evpnd")"
  fi
done
echo "yanglint: $pass passed, $fail failed"
[ $fail -eq 0 ]
