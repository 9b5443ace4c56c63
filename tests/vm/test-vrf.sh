#!/bin/bash
# tests/vm/test-vrf.sh - the tests that need the VRF driver, in one boot of
# the test VM (Debian 12's kernel, tests/vm/README.md): symmetric IRB and
# Type-5 in VRF tenant1 (tests/netns/test-irb.sh irb-vrf) and declarative VRF
# devices (tests/netns/test-devices.sh vrf).  Their host variants (default
# VRF, L2VNI devices) run as netns/test-irb and netns/test-devices.
HERE=$(dirname "$(readlink -f "$0")")
# software emulation on a busy 2-core machine took up to ~560 s for the IRB
# part alone: leave room below ctest's 900 s (the runner prints the console)
export VM_TIMEOUT=${VM_TIMEOUT:-840}
exec "$HERE/run-in-vm.sh" "$HERE/inner-vrf.sh"
