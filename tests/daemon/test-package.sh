#!/usr/bin/env bash
# The Debian package: build it with cpack, check its metadata and contents,
# install it on this machine (dpkg -i: postinst creates user and group
# evpnd), start the installed evpnd exactly as packaging/evpnd.service would
# (its ExecStart= line, its capability bounding set, NOTIFY_SOCKET pointing at
# a socket this test listens on; no systemd here) in a network namespace of
# its own, query it with the installed evpnctl through the default socket
# path, reload it as ExecReload= does (READY=1 after RELOADING=1), stop it,
# then remove and purge the package and check that nothing is left.
#
#   tests/daemon/test-package.sh [BUILD_DIR]
#
# BUILD_DIR (default: the directory of $EVPND, else build/) must be a
# configured and built tree; the .deb is made from it with cpack into a
# temporary directory.  Needs root, dpkg-dev (dpkg-shlibdeps), python3.
# Refuses to run when evpnd is already installed or its paths exist.
set -u
pass=0 fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
finish() { echo "package: $pass passed, $fail failed"; [ $fail -eq 0 ]; exit; }
abort() { echo "package: $*"; fail=$((fail + 1)); finish; }

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-}
if [ -z "$build" ]; then
  if [ -n "${EVPND:-}" ]; then build=$(dirname "$EVPND"); else build=$src/build; fi
fi
build=$(cd "$build" 2>/dev/null && pwd) || abort "no build directory ${1:-}"

[ "$(id -u)" -eq 0 ] || abort "needs root (dpkg -i, network namespace)"
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps python3 setpriv ip; do
  command -v "$tool" >/dev/null || abort "$tool missing (.ci/install-deps.sh)"
done
[ -f "$build/CPackConfig.cmake" ] || abort "$build has no CPackConfig.cmake (configure it)"
if grep -q '^EVPND_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "package: skipped (sanitizer build: the package is made from the plain build)"
  finish
fi
if dpkg-query -W -f='${Status}' evpnd 2>/dev/null | grep -q installed ||
   [ -e /usr/sbin/evpnd ] || [ -e /usr/bin/evpnctl ] || [ -e /etc/evpnd ] ||
   [ -e /run/evpnd ] || [ -e /run/evpnd.sock ] || [ -L /run/evpnd.sock ]; then
  abort "evpnd is installed here already (or its paths exist): not touching it"
fi

ns=pkgtest-$$
work=$(mktemp -d /tmp/evpnd-package.XXXXXX)
chmod 755 "$work"
pid= listener=
had_user=false
getent passwd evpnd >/dev/null && had_user=true
had_group=false
getent group evpnd >/dev/null && had_group=true

cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "$listener" ] && kill "$listener" 2>/dev/null && wait "$listener" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  if dpkg-query -W -f='${Status}' evpnd 2>/dev/null | grep -qv not-installed; then
    dpkg --purge evpnd >/dev/null 2>&1
  fi
  rm -rf /etc/evpnd /run/evpnd
  rm -f /run/evpnd.sock
  $had_user || ! getent passwd evpnd >/dev/null || deluser --quiet --system evpnd >/dev/null 2>&1
  $had_group || ! getent group evpnd >/dev/null || delgroup --quiet --system evpnd >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

wait_for() { # wait_for SECONDS COMMAND...
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}
json_get() { # json_get KEY < json
  python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1" 2>/dev/null
}

# --- build the package ------------------------------------------------------
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/cpack") \
  >"$work/cpack.log" 2>&1
deb=$(ls "$work"/cpack/evpnd_*.deb 2>/dev/null | head -1)
check "cpack builds evpnd_VERSION_ARCH.deb" test -n "$deb"
[ -n "$deb" ] || { cat "$work/cpack.log"; abort "no package"; }

dpkg-deb -f "$deb" >"$work/control"
field() { sed -n "s/^$1: //p" "$work/control"; }
check "package name evpnd" test "$(field Package)" = evpnd
check "architecture is dpkg's" test "$(field Architecture)" = "$(dpkg --print-architecture)"
deps=$(field Depends)
for d in adduser libc6 libyang2 libevent-core libjson-c libcyaml libyaml; do
  check "Depends names $d (dpkg-shlibdeps)" grep -q "$d" <<<"$deps"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -t >"$work/ctrl.list"
for s in postinst prerm postrm; do
  check "maintainer script $s" grep -qx "./$s" "$work/ctrl.list"
done

dpkg-deb -c "$deb" | awk '{print $NF}' >"$work/files"
for f in /usr/sbin/evpnd /usr/bin/evpnctl /usr/lib/systemd/system/evpnd.service \
         /usr/lib/tmpfiles.d/evpnd.conf /usr/share/man/man8/evpnd.8.gz \
         /usr/share/man/man8/evpnctl.8.gz /usr/share/man/man5/evpnd.yaml.5.gz \
         /usr/share/doc/evpnd/evpnd.yaml.example \
         /usr/share/bash-completion/completions/evpnctl \
         /usr/share/evpnd/yang/evpnd.yang /usr/share/evpnd/yang/evpnd-types.yang; do
  check "package contains $f" grep -qx ".$f" "$work/files"
done
check "no uncompressed man page" bash -c "! grep -E '^./usr/share/man/.*[0-9]$' '$work/files'"
check "no file under /etc (no conffile)" bash -c "! grep -q '^./etc/' '$work/files'"
dpkg-deb -x "$deb" "$work/root"
check "man pages are gzip -9n (no name, no time stamp)" bash -c \
  "for f in '$work'/root/usr/share/man/man*/*.gz; do gzip -t \"\$f\" &&
     [ \"\$(od -An -tx1 -j4 -N4 \"\$f\" | tr -d ' ')\" = 00000000 ] || exit 1; done"
if command -v groff >/dev/null; then
  check "man pages format without warnings" bash -c \
    "for f in '$work'/root/usr/share/man/man*/*.gz; do
       [ -z \"\$(zcat \"\$f\" | groff -man -Tutf8 -ww -z 2>&1)\" ] || { echo \"\$f\"; exit 1; }; done"
fi
check "evpnd in the package is stripped" bash -c \
  "readelf -S '$work/root/usr/sbin/evpnd' >/dev/null && ! readelf -S '$work/root/usr/sbin/evpnd' | grep -q '\.symtab'"

unit=$work/root/usr/lib/systemd/system/evpnd.service
check "unit is Type=notify" grep -qx 'Type=notify' "$unit"
check "unit reloads with SIGHUP" grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"
check "unit restarts on failure" grep -qx 'Restart=on-failure' "$unit"
check "unit has no ambient capabilities" grep -qx 'AmbientCapabilities=' "$unit"
check "unit sandboxes the file system" grep -qx 'ProtectSystem=strict' "$unit"
check "unit's runtime directory is /run/evpnd" grep -qx 'RuntimeDirectory=evpnd' "$unit"

# --- install ------------------------------------------------------------------
dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1
check "dpkg -i installs it" test $? -eq 0
check "dpkg says installed" bash -c \
  "dpkg-query -W -f='\${Status}' evpnd | grep -qx 'install ok installed'"
for f in /usr/sbin/evpnd /usr/bin/evpnctl; do check "$f installed" test -x "$f"; done
check "postinst created system user evpnd" bash -c \
  "uid=\$(id -u evpnd) && [ \"\$uid\" -lt 1000 ] && [ \"\$(id -gn evpnd)\" = evpnd ]"
check "the user has no login shell or home" bash -c \
  "getent passwd evpnd | grep -Eq ':/nonexistent:(/usr/sbin/nologin|/bin/false)$'"
check "postinst created /etc/evpnd 0750 root:evpnd" \
  test "$(stat -c '%a %U %G' /etc/evpnd 2>/dev/null)" = "750 root evpnd"
check "postinst did not start anything (no systemd)" test ! -e /run/evpnd
check "the example configuration is valid" \
  /usr/sbin/evpnd --check -c /usr/share/doc/evpnd/evpnd.yaml.example
check "man finds the installed pages" bash -c \
  "man -w evpnd >/dev/null 2>&1 && man -w 5 evpnd.yaml >/dev/null 2>&1 && man -w evpnctl >/dev/null 2>&1"
if command -v systemd-analyze >/dev/null; then
  # man: references need the man pages indexed; only errors about the unit count
  systemd-analyze verify /usr/lib/systemd/system/evpnd.service 2>&1 |
    grep -v "Command 'man " >"$work/verify.log"
  check "systemd-analyze verify accepts the unit" test ! -s "$work/verify.log"
  [ -s "$work/verify.log" ] && cat "$work/verify.log"
fi

# --- start it as the unit does --------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
write_cfg() { # write_cfg ASN
  cat >/etc/evpnd/evpnd.yaml <<YAML
router:
  asn: $1
  router-id: 10.0.0.11
neighbors:
  - address: 127.0.0.2
    remote-asn: $1
    passive: true
YAML
}
write_cfg 65000
chown root:evpnd /etc/evpnd/evpnd.yaml
chmod 0640 /etc/evpnd/evpnd.yaml

unitval() { sed -n "s/^$1=//p" /usr/lib/systemd/system/evpnd.service; }
read -ra exec_start <<<"$(unitval ExecStart)"
check "ExecStart runs /usr/sbin/evpnd with -u/-g evpnd" \
  test "${exec_start[*]}" = "/usr/sbin/evpnd -c /etc/evpnd/evpnd.yaml -s /run/evpnd/evpnd.sock -u evpnd -g evpnd"
bounding=-all
for c in $(unitval CapabilityBoundingSet); do
  c=${c#CAP_}
  bounding+=",+${c,,}"
done

# what systemd does before ExecStart: RuntimeDirectory=, tmpfiles.d at boot
install -d -m 0755 /run/evpnd
if command -v systemd-tmpfiles >/dev/null; then
  systemd-tmpfiles --create /usr/lib/tmpfiles.d/evpnd.conf
else
  ln -s /run/evpnd/evpnd.sock /run/evpnd.sock
fi
check "tmpfiles.d links /run/evpnd.sock to the unit's socket" \
  test "$(readlink /run/evpnd.sock)" = /run/evpnd/evpnd.sock

# The notification socket: a path that user evpnd may write to, like
# systemd's /run/systemd/notify; one line per datagram.  (An abstract name,
# "@...", is tried below: those belong to a network namespace, so the
# listener must be in evpnd's.)
listen_notify() { # listen_notify ADDRESS LOG [ip netns exec NS]
  local addr=$1 log=$2; shift 2
  "$@" python3 - "$addr" "$log" <<'PY' &
import os, socket, sys
name, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if name.startswith("@"):
    s.bind("\0" + name[1:])
else:
    s.bind(name)
    os.chmod(name, 0o777)
with open(out, "a") as f:
    print("LISTENING", file=f, flush=True)
    while True:
        m = s.recv(4096).decode(errors="replace")
        print(m.replace("\n", " | "), file=f, flush=True)
PY
  listener=$!
  wait_for 5 grep -q LISTENING "$log" 2>/dev/null
}
notify=$work/notify.sock
listen_notify "$notify" "$work/notify.log"
ready_count() { grep -c '^READY=1' "$work/notify.log"; }

NOTIFY_SOCKET=$notify ip netns exec "$ns" setpriv --bounding-set="$bounding" -- \
  "${exec_start[@]}" 2>"$work/evpnd.log" &
pid=$!
check "READY=1 arrives on NOTIFY_SOCKET" wait_for 10 grep -q '^READY=1' "$work/notify.log"
check "the control socket existed at READY=1" test -S /run/evpnd/evpnd.sock
check "READY=1 carries a STATUS" grep -q '^READY=1 | STATUS=AS 65000, router-id 10.0.0.11' \
  "$work/notify.log"
status=/proc/$pid/status
check "evpnd runs as user evpnd" test "$(awk '/^Uid:/{print $2 $3 $4}' "$status")" = \
  "$(id -u evpnd)$(id -u evpnd)$(id -u evpnd)"
check "evpnd runs as group evpnd" test "$(awk '/^Gid:/{print $2}' "$status")" = "$(id -g evpnd)"
check "only CAP_NET_ADMIN + CAP_NET_BIND_SERVICE left" grep -Eq '^CapEff:\s+0000000000001400$' "$status"
check "bounding set reduced to the same" grep -Eq '^CapBnd:\s+0000000000001400$' "$status"
check "BGP listens on port 179 in the namespace" bash -c "ip netns exec $ns ss -ltn | grep -q ':179 '"
check "control socket 0660 root:evpnd" \
  test "$(stat -c '%a %U %G' /run/evpnd/evpnd.sock 2>/dev/null)" = "660 root evpnd"

out=$(/usr/bin/evpnctl -j show summary)
check "evpnctl (default socket) show summary -j: router-id" \
  test "$(json_get router-id <<<"$out")" = 10.0.0.11
check "summary: the packaged config file" test "$(json_get config-file <<<"$out")" = /etc/evpnd/evpnd.yaml
check "summary: the unit's control socket" \
  test "$(json_get control-socket <<<"$out")" = /run/evpnd/evpnd.sock
check "summary: one neighbor" test "$(json_get counts.neighbors <<<"$out")" = 1
check "a member of group evpnd may read" \
  setpriv --reuid=daemon --regid=evpnd --clear-groups /usr/bin/evpnctl show neighbors >/dev/null
setpriv --reuid=daemon --regid=evpnd --clear-groups /usr/bin/evpnctl reload >"$work/out" 2>&1
check "a member of group evpnd may not reload" grep -q "permission denied" "$work/out"

# bash completion, against the running daemon
cat >"$work/complete.sh" <<'SH'
source /usr/share/bash-completion/completions/evpnctl
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
  COMPREPLY=(); _evpnctl; echo "${COMPREPLY[*]}"; }
comp "$@"
SH
check "completion: commands" test "$(bash "$work/complete.sh" evpnctl '')" = "show clear reload audit"
check "completion: show neighbors" test "$(bash "$work/complete.sh" evpnctl -j show nei)" = neighbors
check "completion: route filters" test "$(bash "$work/complete.sh" evpnctl show routes --type 2 --v)" = --vni
check "completion: neighbour addresses from evpnd" \
  test "$(bash "$work/complete.sh" evpnctl clear neighbor '')" = 127.0.0.2

# reload as ExecReload= does: check the file, then SIGHUP $MAINPID
exec_reload() { # runs each ExecReload= line in order, stops at the first failure
  local line
  while IFS= read -r line; do
    line=${line//\$MAINPID/$pid}
    read -ra cmd <<<"$line"
    "${cmd[@]}" >>"$work/reload.log" 2>&1 || return 1
  done < <(unitval ExecReload)
}
write_cfg 0
exec_reload
check "ExecReload refuses a broken file before signalling" test $? -eq 1
check "the refusal names FILE:LINE" grep -q '/etc/evpnd/evpnd.yaml:2: /evpnd:router/asn' "$work/reload.log"
check "no RELOADING=1 for a refused file" bash -c "! grep -q '^RELOADING=1' '$work/notify.log'"
write_cfg 65001
before=$(ready_count)
exec_reload
check "ExecReload of a valid file" test $? -eq 0
check "RELOADING=1 on SIGHUP" wait_for 5 grep -q '^RELOADING=1 | .*MONOTONIC_USEC=' "$work/notify.log"
check "READY=1 again after the reload" wait_for 5 bash -c "[ \$(grep -c '^READY=1' '$work/notify.log') -gt $before ]"
check "RELOADING=1 comes before that READY=1" test \
  "$(grep -oE '^(READY|RELOADING)=1' "$work/notify.log" | tail -2 | paste -sd' ')" = "RELOADING=1 READY=1"
out=$(/usr/bin/evpnctl -j show summary)
check "reload (as user evpnd, file 0640 root:evpnd) applied" test "$(json_get asn <<<"$out")" = 65001
check "reload counted" test "$(json_get reloads <<<"$out")" = 1
check "evpnd logged the reload" grep -q "configuration /etc/evpnd/evpnd.yaml reloaded" "$work/evpnd.log"

# stop
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
check "SIGTERM: exit 0" test $rc -eq 0
check "STOPPING=1 on SIGTERM" grep -q '^STOPPING=1' "$work/notify.log"
kill "$listener"; wait "$listener" 2>/dev/null; listener=

# again (its socket file is left: user evpnd may not remove it from /run/evpnd),
# notified on an abstract socket
notify=@evpnd-pkgtest-$$
listen_notify "$notify" "$work/notify2.log" ip netns exec "$ns"
NOTIFY_SOCKET=$notify ip netns exec "$ns" setpriv --bounding-set="$bounding" -- \
  "${exec_start[@]}" 2>"$work/evpnd2.log" &
pid=$!
check "restart: READY=1 on an abstract NOTIFY_SOCKET" \
  wait_for 10 grep -q '^READY=1' "$work/notify2.log"
check "restart: evpnctl answers" bash -c "/usr/bin/evpnctl show summary | grep -q 'AS *65001'"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
check "restart: SIGTERM exit 0" test $rc -eq 0
check "restart: STOPPING=1" grep -q '^STOPPING=1' "$work/notify2.log"
kill "$listener"; wait "$listener" 2>/dev/null; listener=
rm -rf /run/evpnd # RuntimeDirectory= goes with the service

# --- remove, purge --------------------------------------------------------------
dpkg -r evpnd >"$work/dpkg-r.log" 2>&1
check "dpkg -r removes it" test $? -eq 0
for f in /usr/sbin/evpnd /usr/bin/evpnctl /usr/lib/systemd/system/evpnd.service \
         /usr/lib/tmpfiles.d/evpnd.conf /usr/share/man/man8/evpnd.8.gz \
         /usr/share/bash-completion/completions/evpnctl /usr/share/doc/evpnd; do
  check "$f gone after dpkg -r" test ! -e "$f"
done
check "the /run/evpnd.sock link gone" bash -c "[ ! -L /run/evpnd.sock ] && [ ! -e /run/evpnd.sock ]"
check "the administrator's configuration kept by dpkg -r" test -f /etc/evpnd/evpnd.yaml
dpkg --purge evpnd >"$work/dpkg-purge.log" 2>&1
check "dpkg --purge" test $? -eq 0
check "purge keeps the administrator's configuration" test -f /etc/evpnd/evpnd.yaml
rm -f /etc/evpnd/evpnd.yaml
dpkg -i "$deb" >/dev/null 2>&1 && dpkg --purge evpnd >/dev/null 2>&1
check "purge removes an empty /etc/evpnd" test ! -e /etc/evpnd
check "dpkg knows nothing of evpnd" bash -c \
  "! dpkg-query -W -f='\${Status}' evpnd 2>/dev/null | grep -qv not-installed"
check "no file of the package is left" bash -c \
  "for f in \$(grep -v '/\$' '$work/files' | sed 's/^\.//'); do [ -e \"\$f\" ] && { echo \"\$f\"; exit 1; }; done; true"
if [ $fail -ne 0 ]; then
  for f in evpnd.log notify.log evpnd2.log notify2.log; do
    echo "--- $f"; cat "$work/$f" 2>/dev/null
  done
  echo "--- dpkg -i"; cat "$work/dpkg-i.log" 2>/dev/null
fi
finish
