#!/bin/bash
# tests/vm/vm-stage2.sh - stage 2 of the test VM, run by vm-init.sh after
# switch_root with the host's own bash (the root file system is the host's,
# read-only over 9p, under a tmpfs overlay; vm-init.sh has mounted /dev,
# /proc, /sys, /run, /tmp and loaded the modules).  Not meant to be run on
# the host.
#
# The job directory /run/evpnd-vm (9p, shared with the host) holds:
#   vm.conf   KVER, MODDIR, VM_MODULE_FILES, VM_FRESH_TMP (from run-in-vm.sh)
#   env.sh    the environment passed through from the host
#   cmd.sh    cd to the repository and exec the test script with its args
#   modules   one line per module: "ok PATH" or "FAIL PATH: error" (stage 1)
# and this script writes back:
#   booted    guest uptime when stage 2 started
#   out.log   the test's stdout and stderr (streamed by the host)
#   rc        its exit status (written last)
#   trace     (when it exists) an xtrace of this script
J=/run/evpnd-vm
exec </dev/null >/dev/console 2>&1
if [ -e "$J/trace" ]; then PS4='+ ${EPOCHREALTIME} '; exec 2>"$J/trace"; set -x; fi
read -r up _ </proc/uptime
echo "$up" >"$J/booted"

# The test: as root, in the repository, with the passed environment.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb EVPND_IN_VM=1
export CLAB_NETNS_STATE=/run/clab-netns
# shellcheck source=/dev/null
. "$J/env.sh"
bash "$J/cmd.sh" >"$J/out.log" 2>&1
rc=$?
echo "$rc" >"$J/rc.tmp" && mv "$J/rc.tmp" "$J/rc"
sync
/usr/bin/busybox reboot -f     # a reset: qemu runs with -no-reboot, so it exits
sleep 5
echo o >/proc/sysrq-trigger
