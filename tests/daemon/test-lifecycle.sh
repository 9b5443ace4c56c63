#!/usr/bin/env bash
# Daemon lifecycle: start evpnd, query it with evpnctl (text and JSON), refuse
# a broken file on SIGHUP and on `evpnctl reload` while still serving the old
# configuration, apply a valid one, refuse a second instance on the same
# socket, and exit 0 on SIGTERM leaving no socket behind.
set -u
EVPND=${EVPND:-build/evpnd}
EVPNCTL=${EVPNCTL:-build/evpnctl}
work=$(mktemp -d "${TMPDIR:-/tmp}/evpnd-lifecycle.XXXXXX")
sock=$work/evpnd.sock
cfg=$work/evpnd.yaml
pid=
pass=0 fail=0

cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}

json_get() { # json_get KEY < json
  python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1" 2>/dev/null
}

wait_for() { # wait_for SECONDS COMMAND...
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}

# The neighbour is passive and nothing listens: this test sends no packet.
write_cfg() { # write_cfg ASN [EXTRA_YAML]
  cat >"$cfg" <<YAML
router:
  asn: $1
  router-id: 10.0.0.11
  listen-port: 0
${METRICS:-}
neighbors:
  - address: 10.0.0.1
    remote-asn: $1
    passive: true
${2:-}
YAML
}

write_cfg 65000
"$EVPND" -c "$cfg" -s "$sock" 2>"$work/log" &
pid=$!
check "control socket appears" wait_for 10 test -S "$sock"

out=$("$EVPNCTL" -s "$sock" -j show summary)
check "summary is JSON with router-id" test "$(json_get router-id <<<"$out")" = 10.0.0.11
check "summary has ASN" test "$(json_get asn <<<"$out")" = 65000
check "summary names the config file" test "$(json_get config-file <<<"$out")" = "$cfg"
detail=$("$EVPNCTL" -s "$sock" show neighbors 10.0.0.1)
check "show neighbors ADDR: a block for that neighbour" grep -q \
  "^BGP neighbor 10.0.0.1, remote AS 65000, " <<<"$detail"
check "show neighbors ADDR: nested counters" grep -q "^    update: 0$" <<<"$detail"
"$EVPNCTL" -s "$sock" show neighbors 10.9.9.9 >/dev/null 2>&1
check "show neighbors of an unknown address exits 1" test $? -eq 1
"$EVPNCTL" -s "$sock" show macs --vni abc >/dev/null 2>&1
check "show macs --vni with a bad VNI exits 1" test $? -eq 1
metrics=$("$EVPNCTL" -s "$sock" show metrics)
check "metrics: OpenMetrics text ending with # EOF" test "$(tail -n 1 <<<"$metrics")" = "# EOF"
check "metrics: the neighbour's session state" grep -q \
  '^evpnd_bgp_session_established{peer="10.0.0.1"} 0$' <<<"$metrics"
check "metrics: -j gives the structured families" test \
  "$("$EVPNCTL" -s "$sock" -j show metrics | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["name"])')" = evpnd_build
check "summary counts neighbors" test "$(json_get counts.neighbors <<<"$out")" = 1
check "text summary" bash -c "'$EVPNCTL' -s '$sock' show summary | grep -q 'router-id *10.0.0.11'"

# A broken file on SIGHUP: refused with line-numbered errors, old config kept.
write_cfg 0 "  - address: 10.0.0.2"
kill -HUP "$pid"
check "SIGHUP with a broken file is logged with FILE:LINE" \
  wait_for 5 grep -q "$cfg:2: /evpnd:router/asn: Unsatisfied range" "$work/log"
check "refusal is logged" grep -q "reload of $cfg refused" "$work/log"
out=$("$EVPNCTL" -s "$sock" -j show summary)
check "old ASN still served after refused SIGHUP" test "$(json_get asn <<<"$out")" = 65000
check "failed reload counted" test "$(json_get reloads-failed <<<"$out")" = 1
check "daemon still alive" kill -0 "$pid"

# evpnctl reload with the broken file: non-zero exit, errors shown.
"$EVPNCTL" -s "$sock" reload >"$work/reload.out" 2>&1
check "evpnctl reload of a broken file exits 1" test $? -eq 1
check "evpnctl reload prints the problem" grep -q "$cfg:2: /evpnd:router/asn" "$work/reload.out"
check "mandatory neighbour leaf reported" \
  grep -q "Mandatory node \"remote-asn\"" "$work/reload.out"

# A valid change is applied by evpnctl reload and by SIGHUP.
write_cfg 65001
check "evpnctl reload of a valid file" bash -c "'$EVPNCTL' -s '$sock' reload >/dev/null"
out=$("$EVPNCTL" -s "$sock" -j show summary)
check "new ASN served" test "$(json_get asn <<<"$out")" = 65001
mport=$((20000 + $$ % 20000))
METRICS="  metrics-port: $mport" write_cfg 65002
kill -HUP "$pid"
check "SIGHUP applies a valid file" wait_for 5 \
  bash -c "'$EVPNCTL' -s '$sock' -j show summary | grep -q '\"asn\": 65002'"

# The metrics endpoint (127.0.0.1 by default), opened by that reload.
http_get() { # http_get PATH: status line, then the body
  python3 - "$mport" "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=5)
    print(r.status, r.headers.get("Content-Type")); print(r.read().decode(), end="")
except urllib.error.HTTPError as e:
    print(e.code)
except OSError as e:
    print("refused", e)
PY
}
page=$(http_get /metrics)
check "GET /metrics: 200 with the OpenMetrics content type" \
  test "$(head -n 1 <<<"$page")" = "200 application/openmetrics-text; version=1.0.0; charset=utf-8"
check "GET /metrics: the samples, # EOF last" bash -c \
  'grep -q "^evpnd_bgp_session_established{peer=\"10.0.0.1\"} 0$" <<<"$1" && test "$(tail -n 1 <<<"$1")" = "# EOF"' \
  _ "$page"
check "GET of another path: 404" test "$(http_get /nothing | head -n 1)" = 404
write_cfg 65002
kill -HUP "$pid"
check "a reload without metrics-port closes the endpoint" wait_for 5 \
  bash -c "http_get() { python3 -c 'import socket,sys; socket.create_connection((\"127.0.0.1\", $mport), 1)' 2>/dev/null; }; ! http_get"

# Errors and refusals.
"$EVPNCTL" -s "$sock" show nonsense >/dev/null 2>&1
check "unknown command exits 1" test $? -eq 1
"$EVPND" -c "$cfg" -s "$sock" 2>"$work/second.log"
check "a second instance on the same socket is refused" test $? -eq 1
check "the refusal says why" grep -q "another evpnd is listening" "$work/second.log"
"$EVPNCTL" -s "$work/nowhere.sock" show summary >/dev/null 2>&1
check "evpnctl without a daemon exits 3" test $? -eq 3

# SIGTERM: clean exit, socket removed.
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
check "SIGTERM exits 0" test $rc -eq 0
check "socket removed on exit" test ! -e "$sock"

# Invalid file at start: exit 1 with the problems on stderr.
write_cfg 0
"$EVPND" -c "$cfg" -s "$sock" 2>"$work/bad.log"
check "invalid file at start exits 1" test $? -eq 1
check "invalid file at start is explained" grep -q "$cfg:2: /evpnd:router/asn" "$work/bad.log"
"$EVPND" -c "$work/missing.yaml" --check 2>/dev/null
check "--check of a missing file exits 1" test $? -eq 1

echo "lifecycle: $pass passed, $fail failed"
[ $fail -eq 0 ]
