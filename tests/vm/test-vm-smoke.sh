#!/bin/bash
# tests/vm/test-vm-smoke.sh - smoke test of the VM runner, run on the host.
# Boots Debian 12's kernel under qemu with tests/vm/run-in-vm.sh and runs
# tests/vm/inner-smoke.sh inside (VRF, dummy, namespaces, veth, bridge,
# VXLAN, FRR's zebra + bgpd with an EVPN session).  Prints the inner
# results, then the boot and total times, then the overall
# "N passed, N failed" line (inner checks plus this script's own); exits
# non-zero on any failure.
#
# Env: VM_CACHE, VM_TIMEOUT (see run-in-vm.sh); EVPND, EVPNCTL, SRC from ctest.
HERE=$(dirname "$(readlink -f "$0")")
if [ "$(id -u)" -ne 0 ]; then
    echo "needs root (the VM exports the host's / over 9p)"; echo "0 passed, 1 failed"; exit 1
fi
PASSED=0 FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$*"; }

ERR=$(mktemp /tmp/vm-smoke.XXXXXX)
trap 'rm -f "$ERR"' EXIT
export EVPND_VM_HOST_KERNEL
EVPND_VM_HOST_KERNEL=$(uname -r)
start=${EPOCHREALTIME/./}
# run-in-vm.sh's own messages (stderr) are shown and kept for the timings;
# the inner script's output streams to stdout.
"$HERE/run-in-vm.sh" "$HERE/inner-smoke.sh" 2> >(tee "$ERR" >&2) | tee "$ERR.out"
rc=${PIPESTATUS[0]}
wait
elapsed=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
inner=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$ERR.out" | tail -1)
rm -f "$ERR.out"

if [ "$rc" -eq 0 ]; then pass "inner-smoke.sh in the VM exited 0"; else fail "inner-smoke.sh in the VM exited $rc"; fi
boot=$(sed -n 's/.*booted .* in \([0-9.]*\)s.*/\1/p' "$ERR")
if [ -n "$boot" ]; then pass "VM booted in ${boot}s"; else fail "VM did not report booting"; fi
if [ -n "$inner" ]; then
    pass "inner results reported ($inner)"
    PASSED=$((PASSED + ${inner%% passed*}))
    f=${inner#*, }; FAILED=$((FAILED + ${f%% failed}))
else
    fail "no 'N passed, N failed' line from inside the VM"
fi
echo "# boot ${boot:-?}s, total $((elapsed / 1000)).$(printf %03d $((elapsed % 1000)))s (software emulation)"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$rc" -eq 0 ]
