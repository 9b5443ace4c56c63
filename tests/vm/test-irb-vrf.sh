#!/bin/bash
# tests/vm/test-irb-vrf.sh - symmetric IRB and Type-5 in a real VRF
# (topologies/irb-vrf: VRF tenant1, table 1001), which needs the VRF driver:
# tests/netns/test-irb.sh re-runs itself inside the test VM (Debian 12's
# kernel, tests/vm/README.md) when this kernel lacks it.  The default-VRF
# variant of the same checks runs on the host as netns/test-irb.
# software emulation on a busy 2-core machine took up to ~560 s: leave room
# below ctest's 900 s (the runner prints the console when it times out)
export VM_TIMEOUT=${VM_TIMEOUT:-840}
exec "$(dirname "$(readlink -f "$0")")/../netns/test-irb.sh" irb-vrf
