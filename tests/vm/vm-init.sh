#!/bin/busybox sh
# shellcheck shell=dash
# tests/vm/vm-init.sh - stage 1 of the test VM: /init of the initramfs that
# tests/vm/run-in-vm.sh builds (busybox-static + the modules listed in
# /modules.list, in dependency order).  Not meant to be run on the host.
#
# 1. loads virtio-pci, 9p and overlay; mounts the host's root (9p tag
#    "hostfs", read-only) under a tmpfs overlay so that it is writable, a
#    fresh tmpfs on /run, and the job directory (9p tag "job", writable, see
#    vm-stage2.sh) on /run/evpnd-vm;
# 2. prepares the new root: /dev/pts, /dev/shm, /tmp (fresh tmpfs unless
#    VM_FRESH_TMP=0), cgroup2, hostname, lo up, the guest kernel's modules at
#    /lib/modules/$KVER (bind of the extracted package) with busybox standing
#    in for kmod's tools (the host has none; also the kernel's on-demand
#    modprobe), and insmods the modules run-in-vm.sh resolved
#    (VM_MODULE_FILES, in dependency order; result per module in
#    /run/evpnd-vm/modules);
# 3. switch_roots and runs /run/evpnd-vm/stage2.sh with the host's bash.
# Setup happens here because busybox applets start far faster than the
# host's binaries over 9p under software emulation.
/bin/busybox --install -s /bin
export PATH=/bin

die() {
    echo "EVPND-VM: stage 1 failed: $*" >/dev/console
    poweroff -f
    sleep 5
    echo o >/proc/sysrq-trigger
}

mkdir -p /proc /sys /dev /lower /rw /newroot
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

while read -r m; do
    [ -n "$m" ] || continue
    insmod "/lib/modules/$m" || die "insmod $m"
done </modules.list

# msize: the largest the 6.1 virtio transport takes; cache=loose: the
# host's files are read-only here, so caching them is safe and much faster.
P9=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$P9,ro,cache=loose" hostfs /lower || die "mount hostfs (9p)"
mount -t tmpfs -o mode=0755 rw /rw || die "tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
    die "overlay"
R=/newroot
mount -t tmpfs -o mode=0755,nosuid,nodev run $R/run || die "tmpfs on /run"
J=$R/run/evpnd-vm
mkdir -p $J
mount -t 9p -o "$P9,cache=none" job $J || die "mount job (9p)"
if [ ! -f $J/stage2.sh ] || [ ! -f $J/vm.conf ]; then
    die "no stage2.sh or vm.conf in the job directory"
fi
# shellcheck source=/dev/null
. $J/vm.conf

for d in dev proc sys; do
    mount --move "/$d" "$R/$d" || die "move /$d"
done
mkdir -p $R/dev/pts $R/dev/shm $R/run/lock $R/run/netns $R/run/user
chmod 1777 $R/run/lock
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev shm $R/dev/shm
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
hostname evpnd-vm
ip link set lo up

mkdir -p "$R/lib/modules/$KVER" $R/usr/local/sbin
mount --bind "$R$MODDIR" "$R/lib/modules/$KVER" || die "bind $MODDIR"
for t in modprobe insmod rmmod lsmod modinfo depmod; do
    ln -sf /usr/bin/busybox "$R/usr/local/sbin/$t"
done
echo /usr/local/sbin/modprobe >$R/proc/sys/kernel/modprobe
: >$J/modules
for m in $VM_MODULE_FILES; do
    if err=$(insmod "$R$MODDIR/$m" 2>&1); then
        echo "ok $m" >>$J/modules
    else
        echo "FAIL $m: $err" >>$J/modules
    fi
done
# last: the cache may be in the host's /tmp
[ "${VM_FRESH_TMP:-1}" = 1 ] && mount -t tmpfs -o mode=1777,nosuid,nodev tmp $R/tmp

exec switch_root $R /bin/bash /run/evpnd-vm/stage2.sh
