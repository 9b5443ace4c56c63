#!/usr/bin/env bash
# Soak (issue "Robustness"): SOAK_ROUNDS session flaps with SOAK_ROUTES
# Type-2 routes (topologies/soak.clab.yml: evpnd `dut` facing the raw test
# peer tests/tools/bgp_blast).  Each round flaps the session one way, in
# turn:
#   kill   bgp_blast killed with SIGKILL (kernel closes the TCP connection)
#   clear  `evpnctl clear neighbor` (evpnd sends Cease/Administrative Reset)
#   link   eth1 set down (alternately on the dut and on the peer) until the
#          hold timer (3 s) expires, then up again; the peer then exits
#          on the reset of its stale connection
#   term   bgp_blast stopped with SIGTERM (closes without a NOTIFICATION)
# then restarts the peer.  bgp_blast does not advertise graceful restart, so
# evpnd keeps nothing of a peer that went: each round has two well-defined
# states, both asserted:
#   down: session not Established, 0 paths from the peer, 0 EVPN MACs,
#         0 remote FDB entries (`dst ... self extern_learn`), `evpnctl audit`
#         exit 0;
#   up:   Established, SOAK_ROUTES paths, MACs and FDB entries, nothing
#         queued for the kernel, `evpnctl audit` exit 0;
# and the flap counter went up by exactly one, with the reason the method
# implies (TcpConnectionFails, Cease sent, HoldTimer_Expires).  After each
# round evpnd's VmRSS is sampled; after SOAK_WARMUP rounds it must stay
# within SOAK_RSS_SLACK_KB of the warm-up value, and its open file
# descriptors within two of the warm-up count.  At the end evpnd gets
# SIGTERM and must exit with no sanitizer report (LeakSanitizer in an
# EVPND_SANITIZE build: ASAN_OPTIONS log_path into the work dir).
#
# Environment: SOAK_ROUNDS (default 12: three of each method, ~25 s plain,
# ~35 s ASan), SOAK_ROUTES (10000), SOAK_WARMUP (rounds before the RSS
# baseline; default ROUNDS/4, at least 3, at most 20), SOAK_RSS_SLACK_KB (4096),
# SOAK_MAX_FAIL (failed rounds before giving up, 3), SOAK_LOGDIR (keep
# evpnd.log, the sanitizer logs and the RSS series there), BGP_BLAST.
# Under ASan the quarantine is limited to 16 MB (quarantine_size_mb) so that
# RSS settles; set ASAN_OPTIONS to override.
#
# By hand, 1000 rounds against the sanitizer build (~40-50 min):
#   cmake -S . -B /tmp/soak-asan -DEVPND_WERROR=ON -DEVPND_SANITIZE=ON \
#         -DCMAKE_BUILD_TYPE=Debug && cmake --build /tmp/soak-asan -j2
#   sudo SOAK_ROUNDS=1000 SOAK_LOGDIR=/tmp/soak-logs EVPND=/tmp/soak-asan/evpnd \
#        EVPNCTL=/tmp/soak-asan/evpnctl BGP_BLAST=/tmp/soak-asan/tests/bgp_blast \
#        tests/netns/test-soak.sh
LAB_PREFIX=${LAB_PREFIX:-sk$$-}
. "$(dirname "$0")/lib.sh"
need_root
T=soak
PEER=10.9.0.1
BGP_BLAST=${BGP_BLAST:-$SRC/build/tests/bgp_blast}
ROUNDS=${SOAK_ROUNDS:-12}
N=${SOAK_ROUTES:-10000}
WARMUP=${SOAK_WARMUP:-$((ROUNDS / 4 > 20 ? 20 : ROUNDS / 4))}
[ "$WARMUP" -ge 3 ] || WARMUP=3 # ASan's quarantine (16 MB) fills in ~2 rounds
SLACK_KB=${SOAK_RSS_SLACK_KB:-4096}
MAX_FAIL=${SOAK_MAX_FAIL:-3}
HOLD=3
work=$(mktemp -d /tmp/soak.XXXXXX)
on_exit "rm -rf $work"
BLAST_PID=
# shellcheck disable=SC2016 # expanded at exit
on_exit '[ -n "$BLAST_PID" ] && kill -KILL "$BLAST_PID"'

sanitized=false
if ldd "$EVPND" 2>/dev/null | grep -q libasan || grep -qa __asan_init "$EVPND"; then
  sanitized=true
fi
# evpnd's sanitizer reports go to files in the work dir (the runner's state
# dir, where its stderr goes, is removed by `down`); ours after the caller's
SAN_OPTS="detect_leaks=1:log_path=$work/san"
case ${ASAN_OPTIONS:-} in *quarantine_size_mb*) ;; *) SAN_OPTS+=":quarantine_size_mb=16" ;; esac
EVPND_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}$SAN_OPTS"
EVPND_UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$work/san"

# ---- observation ----------------------------------------------------------

fdb_count() {
  node_exec "$T" dut bridge fdb show dev vxlan100 | grep -c 'dst .* self extern_learn'
}
# dut_state: one line "state current macs kernel-queue flaps established-count
# last-reset kernel-errors" from show neighbors + show summary
dut_state() {
  { evpnctl_node "$T" dut -j show neighbors && evpnctl_node "$T" dut -j show summary; } |
    "$PYTHON" -c '
import json, sys
s = sys.stdin.read(); dec = json.JSONDecoder()
nb, i = dec.raw_decode(s); sm, _ = dec.raw_decode(s[i:].lstrip())
p = [x for x in nb if x["address"] == sys.argv[1]][0]
k = sm["evpn"]["kernel-stats"]
print(p["state"], p["prefixes-current"], sm["evpn"]["macs"], k["queue-depth"],
      p["flaps"], p["established-count"], p["last-reset"] or "-", k["errors"])' "$PEER"
}
ST=()
read_state() { local l; l=$(dut_state) || return 1; read -ra ST <<<"$l"; }
is_down() {
  read_state && [ "${ST[0]}" != Established ] && [ "${ST[1]}" = 0 ] && [ "${ST[2]}" = 0 ] &&
    [ "${ST[3]}" = 0 ] && [ "$(fdb_count)" = 0 ]
}
is_up() {
  read_state && [ "${ST[0]}" = Established ] && [ "${ST[1]}" = "$N" ] && [ "${ST[2]}" = "$N" ] &&
    [ "${ST[3]}" = 0 ] && [ "$(fdb_count)" = "$N" ]
}
audit_clean() { evpnctl_node "$T" dut audit >"$work/audit.out" 2>&1; }
evpnd_pid() { cat "$(node_dir "$T" dut)/evpnd.pid"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$EVPND_PID/status"; }
fd_count() { find "/proc/$EVPND_PID/fd" -mindepth 1 -maxdepth 1 | wc -l; }
alive() { pid_running "$EVPND_PID" && evpnctl_node "$T" dut show summary >/dev/null; }
not_grep() { ! grep "$@"; }
pid_gone() { ! pid_running "$1"; }
# no_san_report: no sanitizer log file of evpnd's with a report in it
no_san_report() {
  local f bad=0
  for f in "$work"/san.*; do
    [ -e "$f" ] || continue
    if grep -Eq 'ERROR|WARNING|runtime error|LeakSanitizer' "$f"; then
      echo "== $f"; head -60 "$f"; bad=1
    fi
  done
  [ $bad -eq 0 ]
}
secs_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

# ---- the peer -------------------------------------------------------------

blast_start() {
  ASAN_OPTIONS=detect_leaks=0 ip netns exec "$(node_ns "$T" peer)" "$BGP_BLAST" \
    -c 10.9.0.0 -l "$PEER" -n "$N" -H "$HOLD" -q >"$work/blast.out" 2>&1 &
  BLAST_PID=$!
  disown "$BLAST_PID" # no "Killed" job report; pid_running sees its zombie as gone
}
blast_gone() { ! pid_running "$BLAST_PID"; }
blast_reap() { BLAST_PID=; }

# ---- one round ------------------------------------------------------------

METHODS=(kill clear link term)
LINK_SIDE=dut
ERR=()
round_fail() { ERR+=("$*"); }

# flap METHOD: take the session down; expected last-reset in $WANT_RESET
flap() {
  case $1 in
  kill) kill -KILL "$BLAST_PID"; WANT_RESET=TcpConnectionFails ;;
  term) kill -TERM "$BLAST_PID"; WANT_RESET=TcpConnectionFails ;;
  clear)
    evpnctl_node "$T" dut clear neighbor "$PEER" >/dev/null || round_fail "clear neighbor failed"
    WANT_RESET=- ;; # evpnd sent the Cease: checked on the peer's side
  link)
    node_exec "$T" "$LINK_SIDE" ip link set eth1 down || round_fail "link down failed"
    WANT_RESET=HoldTimer_Expires ;;
  esac
}

# round R METHOD: one flap, both states asserted; sets RSS_NOW
round() {
  local r=$1 m=$2 t0 t_down t_up before_flaps before_est
  ERR=()
  read_state || { round_fail "no state before the flap"; return 1; }
  before_flaps=${ST[4]} before_est=${ST[5]}
  t0=$EPOCHREALTIME
  flap "$m"
  if wait_until $((HOLD + 10)) is_down; then t_down=$(secs_since "$t0")
  else round_fail "not down within $((HOLD + 10))s: state ${ST[*]}, fdb $(fdb_count)"; fi
  if [ "$m" = link ]; then
    node_exec "$T" "$LINK_SIDE" ip link set eth1 up || round_fail "link up failed"
    LINK_SIDE=$([ "$LINK_SIDE" = dut ] && echo peer || echo dut)
  fi
  # the peer itself ends (link: on the reset of its old connection)
  wait_until 10 blast_gone || { round_fail "bgp_blast still running"; kill -KILL "$BLAST_PID"; }
  blast_reap
  if [ "$m" = clear ] && ! grep -q '"event": "notification", "code": 6, "subcode": 4' "$work/blast.out"; then
    round_fail "peer got no Cease/Administrative Reset"
  fi
  audit_clean || round_fail "audit (down): $(tail -5 "$work/audit.out" | tr '\n' ' ')"
  read_state
  [ "${ST[4]}" = $((before_flaps + 1)) ] || round_fail "flaps ${before_flaps} -> ${ST[4]}, want +1"
  [ "$WANT_RESET" = - ] || [ "${ST[6]}" = "$WANT_RESET" ] ||
    round_fail "last-reset ${ST[6]}, want $WANT_RESET"
  t0=$EPOCHREALTIME
  blast_start
  if wait_until 30 is_up; then t_up=$(secs_since "$t0")
  else round_fail "not up within 30s: state ${ST[*]}, fdb $(fdb_count)"; fi
  [ "${ST[5]}" = $((before_est + 1)) ] ||
    round_fail "established-count ${before_est} -> ${ST[5]}, want +1"
  audit_clean || round_fail "audit (up): $(tail -5 "$work/audit.out" | tr '\n' ' ')"
  alive || round_fail "evpnd not alive"
  RSS_NOW=$(rss_kb) FD_NOW=$(fd_count)
  ROUND_INFO="down ${t_down:--}s, up ${t_up:--}s, $N routes, audit clean, VmRSS ${RSS_NOW:-?} kB, $FD_NOW fds"
  [ ${#ERR[@]} -eq 0 ]
}

# ---- the soak ---------------------------------------------------------------

check "bgp_blast built" test -x "$BGP_BLAST"
topo_up_san() { ASAN_OPTIONS="$EVPND_ASAN_OPTIONS" UBSAN_OPTIONS="$EVPND_UBSAN_OPTIONS" topo_up "$T"; }
check "topology up" topo_up_san || finish
EVPND_PID=$(evpnd_pid)
log "evpnd $EVPND ($($sanitized && echo sanitizer build || echo plain build)), pid $EVPND_PID," \
  "$ROUNDS rounds of $N routes, RSS warm-up $WARMUP rounds, slack $SLACK_KB kB"
if $sanitized; then # the leak check below is only worth something if this holds
  check "evpnd runs with detect_leaks=1 and the sanitizer log in the work dir" \
    grep -qz "^ASAN_OPTIONS=.*detect_leaks=1:log_path=$work/san" "/proc/$EVPND_PID/environ"
fi
T_START=$SECONDS
blast_start
check_eventually 30 "first session up: $N routes in RIB and kernel" is_up
check "audit: no drift after the first convergence" audit_clean
RSS0=$(rss_kb)
RSS_SERIES=("$RSS0")
failed_rounds=0 base='' max_after=0 fd_base='' fd_max=0
for ((r = 1; r <= ROUNDS; r++)); do
  m=${METHODS[$(((r - 1) % ${#METHODS[@]}))]}
  if round "$r" "$m"; then
    pass "round $r/$ROUNDS ($m): $ROUND_INFO"
  else
    fail "round $r/$ROUNDS ($m): $(printf '%s; ' "${ERR[@]}")"
    failed_rounds=$((failed_rounds + 1))
    tail -15 "$(node_dir "$T" dut)/evpnd.log" | sed 's/^/#   /'
  fi
  RSS_SERIES+=("${RSS_NOW:-0}")
  if [ "$r" -eq "$WARMUP" ]; then base=$RSS_NOW fd_base=$FD_NOW; fi
  if [ "$r" -gt "$WARMUP" ]; then
    [ "${RSS_NOW:-0}" -gt "$max_after" ] && max_after=$RSS_NOW
    [ "${FD_NOW:-0}" -gt "$fd_max" ] && fd_max=$FD_NOW
  fi
  if ! pid_running "$EVPND_PID"; then fail "evpnd died in round $r"; break; fi
  if [ "$failed_rounds" -ge "$MAX_FAIL" ]; then fail "giving up after $failed_rounds failed rounds"; break; fi
done
T_SOAK=$((SECONDS - T_START))
log "soak: $((r > ROUNDS ? ROUNDS : r)) rounds in ${T_SOAK}s"

# RSS: printed in full up to 40 rounds, else sampled (20 points + the last)
series() {
  local n=${#RSS_SERIES[@]} step=1 i out=""
  [ "$n" -gt 41 ] && step=$(((n - 1) / 20))
  for ((i = 0; i < n; i += step)); do out+="r$i:${RSS_SERIES[$i]} "; done
  [ $(((n - 1) % step)) -eq 0 ] || out+="r$((n - 1)):${RSS_SERIES[$((n - 1))]}"
  echo "$out"
}
log "VmRSS kB by round (r0 = first convergence): $(series)"
if [ -n "$base" ] && [ "$ROUNDS" -gt "$WARMUP" ]; then
  check "VmRSS after warm-up: max $max_after kB <= round-$WARMUP $base kB + $SLACK_KB kB" \
    test "$max_after" -le $((base + SLACK_KB))
  check "open fds after warm-up: max $fd_max <= round-$WARMUP $fd_base + 2 (a control connection may be closing)" test "$fd_max" -le $((fd_base + 2))
fi
read_state && check "kernel request errors: 0" test "${ST[7]}" = 0
check "no audit repair or sanitizer line in evpnd.log" \
  not_grep -E 'audit: repaired|runtime error|Sanitizer' "$(node_dir "$T" dut)/evpnd.log"

# the end: SIGTERM, evpnd exits, no sanitizer report (LeakSanitizer runs at exit)
[ -n "$BLAST_PID" ] && kill -TERM "$BLAST_PID" && blast_reap
LOG="$(node_dir "$T" dut)/evpnd.log"
cp "$LOG" "$work/evpnd.log"
kill -TERM "$EVPND_PID"
check_eventually 60 "evpnd exits on SIGTERM" pid_gone "$EVPND_PID"
cp "$LOG" "$work/evpnd.log" 2>/dev/null
if $sanitized; then
  check "no sanitizer report (LeakSanitizer at exit, ASan, UBSan)" no_san_report
else
  log "plain build: no LeakSanitizer (run with an EVPND_SANITIZE evpnd for the leak check)"
  check "no sanitizer report" no_san_report
fi
if [ -n "${SOAK_LOGDIR:-}" ]; then
  mkdir -p "$SOAK_LOGDIR" && cp "$work"/evpnd.log "$work"/san* "$SOAK_LOGDIR"/ 2>/dev/null
  printf '%s\n' "${RSS_SERIES[@]}" >"$SOAK_LOGDIR/rss.txt"
fi
finish
