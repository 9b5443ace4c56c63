#!/bin/bash
# tests/vm/run-in-vm.sh - run a test script inside a qemu VM that boots
# Debian 12's own kernel (linux-image-amd64), for tests that need drivers the
# host kernel lacks (VRF, dummy).  See tests/vm/README.md.
#
# Usage: tests/vm/run-in-vm.sh [--prepare] SCRIPT [ARGS...]
#        tests/vm/run-in-vm.sh --prepare        (only fill the cache)
#
# The VM sees the host's whole file system read-only over 9p, with a tmpfs
# overlay on top (writes are discarded at power-off); SCRIPT runs there as
# root, cwd = the repository ($SRC), and its stdout+stderr are streamed to
# this script's stdout.  The exit status is SCRIPT's; 124 when the VM ran out
# of time, 125 when it failed before SCRIPT could run.
#
# Environment:
#   VM_CACHE      cache directory (default /var/cache/evpnd-vm): the kernel
#                 package extracted, its modules.dep, the initramfs
#   VM_TIMEOUT    seconds before qemu is killed and the run fails (600)
#   VM_MEM, VM_CPUS   guest memory (MiB, 2048) and CPUs (2)
#   VM_MODULES    modules loaded before SCRIPT runs (their dependencies too)
#                 default: llc stp bridge udp_tunnel ip6_udp_tunnel vxlan
#                 vrf veth dummy; others load on demand (modprobe works)
#   VM_KERNEL_PKG the versioned image package (default: what
#                 linux-image-amd64 depends on, per apt-cache)
#   VM_ENV        extra names of variables to pass into the VM
#   VM_VERBOSE=1  always print the VM's console log (stderr)
#   VM_TRACE=1    print an xtrace of stage 2 (vm-stage2.sh)
#   VM_APPEND     extra kernel command line (e.g. loglevel=7 to see boot)
#   VM_CPU, VM_QEMU, VM_BUSYBOX   qemu -cpu (max), qemu binary, static busybox
# Passed into the VM when set: EVPND EVPNCTL SRC LAB_PREFIX YAML2JSON PYTHON
# WAIT_INTERVAL CLAB_NETNS_WAIT, every EVPND_* variable, and those in VM_ENV.
# Inside, EVPND_IN_VM=1 is set.
set -u

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SRC=${SRC:-$REPO}
CACHE=${VM_CACHE:-/var/cache/evpnd-vm}
case $CACHE in /*) ;; *) CACHE=$PWD/$CACHE ;; esac
TIMEOUT=${VM_TIMEOUT:-600}
MEM=${VM_MEM:-2048}
CPUS=${VM_CPUS:-2}
MODULES=${VM_MODULES:-llc stp bridge udp_tunnel ip6_udp_tunnel vxlan vrf veth dummy}
# stage 1 (initramfs) modules: these and their dependencies, from modules.dep
INITRD_MODULES="virtio_pci 9pnet_virtio 9p overlay"
BUSYBOX=${VM_BUSYBOX:-/bin/busybox}
QEMU=${VM_QEMU:-qemu-system-x86_64}

say() { printf 'run-in-vm: %s\n' "$*" >&2; }
die() { say "$*"; exit 125; }

# ------------------------------------------------------------ preparation

# resolve_deps MODDEP NAME...: print the .ko paths (relative to the module
# directory) of NAME... and their dependencies, each after its dependencies.
resolve_deps() {
    awk -v want="${*:2}" '
        { sub(/:$/, "", $1); path = $1; line[path] = $0
          n = path; sub(/.*\//, "", n); sub(/\.ko(\.[a-z]+)?$/, "", n)
          gsub(/-/, "_", n); byname[n] = path }
        function visit(p,   f, k, i) {
            if (p in seen) return
            seen[p] = 1
            k = split(line[p], f, /[ \t]+/)
            for (i = 2; i <= k; i++) if (f[i] != "") visit(f[i])
            print p
        }
        END {
            k = split(want, w, / +/)
            for (i = 1; i <= k; i++) {
                n = w[i]; gsub(/-/, "_", n)
                if (!(n in byname)) { print "no module " w[i] > "/dev/stderr"; bad = 1; continue }
                visit(byname[n])
            }
            exit bad
        }' "$1"
}

# kernel_pkg: the versioned image package to use (apt-cache's answer is
# remembered in $CACHE/kernel-pkg until apt's lists change).
kernel_pkg() {
    local stamp=$CACHE/kernel-pkg pkg
    if [ -n "${VM_KERNEL_PKG:-}" ]; then echo "$VM_KERNEL_PKG"; return; fi
    if [ -s "$stamp" ] && [ -z "$(find /var/lib/apt/lists -maxdepth 1 -newer "$stamp" -print -quit 2>/dev/null)" ]; then
        cat "$stamp"; return
    fi
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
          awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
    [ -n "$pkg" ] && echo "$pkg" >"$stamp"
    echo "$pkg"
}

# prepare: fill $CACHE/<pkg>/ (idempotent; serialised with flock); sets KDIR.
prepare() {
    local pkg dir tmp deb hash
    case $CACHE in *[!A-Za-z0-9_./+-]*) die "VM_CACHE: use a path of letters, digits and _./+-" ;; esac
    mkdir -p "$CACHE" || die "cannot create $CACHE (set VM_CACHE)"
    exec 9>"$CACHE/.lock"
    flock 9
    pkg=$(kernel_pkg)
    if [ -z "$pkg" ]; then
        # no apt metadata: use what is cached
        pkg=$(find "$CACHE" -mindepth 2 -maxdepth 2 -name .ready -printf '%h\n' 2>/dev/null |
              sort -V | tail -1 | xargs -r basename)
        [ -n "$pkg" ] || die "apt-cache knows no linux-image-amd64 and $CACHE is empty (apt-get update?)"
    fi
    dir=$CACHE/$pkg
    if [ ! -e "$dir/.ready" ]; then
        say "preparing $dir (downloading $pkg)"
        tmp=$dir.tmp.$$
        rm -rf "$tmp"
        mkdir -p "$tmp" || die "cannot write $tmp"
        (cd "$tmp" && apt-get download -q "$pkg" >download.log 2>&1) ||
            { cat "$tmp/download.log" >&2; rm -rf "$tmp"; die "apt-get download $pkg failed"; }
        deb=$(ls "$tmp"/*.deb)
        dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; die "dpkg-deb -x $deb failed"; }
        basename "$deb" >"$tmp/package"
        rm -f "$deb"
        local kver
        kver=$(ls "$tmp/root/lib/modules")
        # compressed modules (not the case in Debian 12): decompress, since
        # busybox insmod/modprobe may not read them
        find "$tmp/root/lib/modules" -name '*.ko.xz' -exec xz -d {} + 2>/dev/null
        find "$tmp/root/lib/modules" -name '*.ko.zst' -exec zstd -q -d --rm {} + 2>/dev/null
        "$BUSYBOX" depmod -b "$tmp/root" "$kver" || { rm -rf "$tmp"; die "depmod failed"; }
        rm -rf "$dir"
        if ! mv "$tmp" "$dir" || ! touch "$dir/.ready"; then die "cannot install $dir"; fi
    fi
    KDIR=$dir
    KVER=$(ls "$dir/root/lib/modules")
    VMLINUZ=$dir/root/boot/vmlinuz-$KVER
    MODDIR=$dir/root/lib/modules/$KVER
    if [ ! -r "$VMLINUZ" ] || [ ! -r "$MODDIR/modules.dep" ]; then die "$dir is incomplete: remove it"; fi

    # the initramfs, rebuilt when its ingredients change
    local mods
    # shellcheck disable=SC2086
    mods=$(resolve_deps "$MODDIR/modules.dep" $INITRD_MODULES) || die "module resolution failed"
    hash=$( { cat "$HERE/vm-init.sh"; echo "$mods"; sha256sum "$BUSYBOX"; } | sha256sum | cut -c1-16)
    INITRD=$dir/initrd-$hash.cpio
    if [ ! -s "$INITRD" ]; then
        say "building $INITRD"
        tmp=$(mktemp -d "$dir/initrd.XXXXXX") || die "mktemp"
        mkdir -p "$tmp/bin" "$tmp/lib/modules"
        cp "$BUSYBOX" "$tmp/bin/busybox" || die "no static busybox at $BUSYBOX (busybox-static)"
        cp "$HERE/vm-init.sh" "$tmp/init" && chmod 755 "$tmp/init"
        local m
        for m in $mods; do
            cp "$MODDIR/$m" "$tmp/lib/modules/" || die "copy $m"
            basename "$m"
        done >"$tmp/modules.list"
        (cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$INITRD.tmp" ||
            die "cpio failed"
        mv "$INITRD.tmp" "$INITRD"
        rm -rf "$tmp"
        find "$dir" -maxdepth 1 -name 'initrd-*.cpio' ! -name "${INITRD##*/}" -delete
    fi
    exec 9>&-
}

# ------------------------------------------------------------------- main

PREPARE_ONLY=0
if [ "${1:-}" = --prepare ]; then PREPARE_ONLY=1; shift; fi
if [ $PREPARE_ONLY = 0 ] && [ $# -lt 1 ]; then
    sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
fi
[ "$(id -u)" -eq 0 ] || die "needs root (the VM exports the host's / over 9p)"
command -v "$QEMU" >/dev/null || die "$QEMU not found (apt-get install qemu-system-x86)"
[ -x "$BUSYBOX" ] || die "$BUSYBOX not found (apt-get install busybox-static)"
command -v cpio >/dev/null || die "cpio not found (apt-get install cpio)"

T0=${EPOCHREALTIME/./}
prepare
[ $PREPARE_ONLY = 1 ] && { say "cache ready: $KDIR (kernel $KVER)"; exit 0; }

SCRIPT=$(readlink -f "$1") || die "no script $1"
shift
[ -f "$SCRIPT" ] || die "no script $SCRIPT"

JOB=$(mktemp -d "${TMPDIR:-/tmp}/evpnd-vm.XXXXXX") || die "mktemp"
QPID=""
TAILPID=""
# shellcheck disable=SC2317
cleanup() {
    if [ -n "$QPID" ]; then kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; fi
    if [ -n "$TAILPID" ]; then kill "$TAILPID" 2>/dev/null; wait "$TAILPID" 2>/dev/null; fi
    rm -rf "$JOB"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Guest /tmp is a fresh tmpfs unless something the test needs lives in /tmp.
fresh_tmp=1
for p in "$SCRIPT" "$SRC" "${EVPND:-}" "${EVPNCTL:-}" "${YAML2JSON:-}"; do
    case $(readlink -f "$p" 2>/dev/null) in /tmp/*) fresh_tmp=0 ;; esac
done
# shellcheck disable=SC2086
modfiles=$(resolve_deps "$MODDIR/modules.dep" $MODULES) || die "VM_MODULES: unknown module"
modfiles=${modfiles//$'\n'/ }
printf 'KVER=%s\nMODDIR=%s\nVM_MODULE_FILES="%s"\nVM_FRESH_TMP=%s\n' \
    "$KVER" "$MODDIR" "$modfiles" "$fresh_tmp" >"$JOB/vm.conf"
{
    names="EVPND EVPNCTL SRC LAB_PREFIX YAML2JSON PYTHON WAIT_INTERVAL CLAB_NETNS_WAIT ${VM_ENV:-}"
    names="$names $(compgen -e | grep '^EVPND_' | tr '\n' ' ')"
    export SRC
    for n in $names; do
        [ "$n" = EVPND_IN_VM ] && continue
        [ -n "${!n+x}" ] && printf 'export %s=%q\n' "$n" "${!n}"
    done
} >"$JOB/env.sh"
if [ -x "$SCRIPT" ]; then
    printf 'cd %q || exit 125\nexec %q' "$SRC" "$SCRIPT" >"$JOB/cmd.sh"
else
    printf 'cd %q || exit 125\nexec bash %q' "$SRC" "$SCRIPT" >"$JOB/cmd.sh"
fi
for a in "$@"; do printf ' %q' "$a" >>"$JOB/cmd.sh"; done
echo >>"$JOB/cmd.sh"
cp "$HERE/vm-stage2.sh" "$JOB/stage2.sh"
: >"$JOB/out.log"
[ "${VM_TRACE:-0}" = 1 ] && : >"$JOB/trace"

APPEND="console=ttyS0 panic=-1 quiet loglevel=3 8250.nr_uarts=1 i8042.noaux i8042.nokbd"
APPEND="$APPEND tsc=reliable no_timer_check random.trust_cpu=on mitigations=off ${VM_APPEND:-}"
"$QEMU" -nodefaults -no-user-config -machine pc,accel=tcg -cpu "${VM_CPU:-max}" \
    -m "$MEM" -smp "$CPUS" -display none -monitor none -no-reboot \
    -serial "file:$JOB/console.log" -nic none \
    -kernel "$VMLINUZ" -initrd "$INITRD" -append "$APPEND" \
    -virtfs local,path=/,mount_tag=hostfs,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$JOB,mount_tag=job,security_model=none,multidevs=remap" \
    </dev/null >"$JOB/qemu.log" 2>&1 &
QPID=$!
tail -s 0.2 -n +1 -F --pid="$QPID" "$JOB/out.log" 2>/dev/null &
TAILPID=$!

TS=${EPOCHREALTIME/./}
booted=""
timed_out=0
while kill -0 "$QPID" 2>/dev/null; do
    if [ -z "$booted" ] && [ -s "$JOB/booted" ]; then
        booted=$(( (${EPOCHREALTIME/./} - TS) / 1000 ))
        say "booted $KVER in $((booted / 1000)).$(printf %03d $((booted % 1000)))s" \
            "(guest uptime $(cat "$JOB/booted")s); running ${SCRIPT#"$SRC"/}"
    fi
    if [ $(( (${EPOCHREALTIME/./} - TS) / 1000000 )) -ge "$TIMEOUT" ]; then
        timed_out=1
        say "timeout: killing qemu after ${TIMEOUT}s"
        kill "$QPID" 2>/dev/null
        break
    fi
    sleep 0.1
done
wait "$QPID" 2>/dev/null
QPID=""
wait "$TAILPID" 2>/dev/null
TAILPID=""

[ "${VM_TRACE:-0}" = 1 ] && sed 's/^/trace: /' "$JOB/trace" >&2
if [ -s "$JOB/modules" ] && grep -q '^FAIL' "$JOB/modules"; then
    say "modules that did not load:"; grep '^FAIL' "$JOB/modules" >&2
fi
total=$(( (${EPOCHREALTIME/./} - T0) / 1000 ))
if [ -s "$JOB/rc" ]; then
    rc=$(cat "$JOB/rc")
    say "${SCRIPT#"$SRC"/} exited $rc; total $((total / 1000)).$(printf %03d $((total % 1000)))s"
    [ "${VM_VERBOSE:-0}" = 1 ] && sed 's/^/console: /' "$JOB/console.log" >&2
    exit "$rc"
fi
say "the VM stopped without an exit status ($([ $timed_out = 1 ] && echo timeout || echo crash or boot failure))"
say "console log (last 60 lines):"; sed 's/^/console: /' "$JOB/console.log" | tail -60 >&2
[ -s "$JOB/console.log" ] || say "(empty: the kernel boots with quiet; try VM_APPEND=loglevel=7)"
[ -s "$JOB/qemu.log" ] && { say "qemu:"; tail -20 "$JOB/qemu.log" >&2; }
[ $timed_out = 1 ] && exit 124
exit 125
