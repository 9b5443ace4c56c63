# shellcheck shell=bash
# tests/vm/need-kernel.sh - let a test move itself into the test VM when
# the running kernel lacks a link type it needs.
#
#   . "$SRC/tests/vm/need-kernel.sh"
#   vm_need_link_types "$@" -- vrf dummy
#
# Probes each link type in a throwaway network namespace (`ip link add ...
# type T`).  All present: returns 0 and the test goes on here.  One missing
# and not yet in the VM: execs tests/vm/run-in-vm.sh with the test script and
# its arguments (the VM's exit status becomes the test's).  Missing inside
# the VM: prints a failure summary and exits 1.  Set VM_FORCE=1 to always
# move into the VM, VM_NEVER=1 to never move (then a missing type fails).
# Call it before sourcing tests/netns/lib.sh or at least before creating
# anything (exec discards the EXIT traps).

# vm_link_type_ok TYPE: the running kernel can create a link of TYPE.
vm_link_type_ok() {
    local args
    case $1 in
        vrf) args="type vrf table 4242" ;;
        vxlan) args="type vxlan id 42 dstport 4789" ;;
        *) args="type $1" ;;
    esac
    # shellcheck disable=SC2086
    unshare --net ip link add vmprobe0 $args >/dev/null 2>&1
}

# vm_need_link_types [SCRIPT-ARGS...] -- TYPE...
vm_need_link_types() {
    local args=() t missing=""
    while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    for t in "$@"; do
        vm_link_type_ok "$t" || missing="$missing $t"
    done
    if [ "${EVPND_IN_VM:-}" = 1 ] || [ "${VM_NEVER:-0}" = 1 ]; then
        [ -z "$missing" ] && return 0
        echo "FAIL the kernel $(uname -r) lacks link types:$missing"
        echo "0 passed, 1 failed"
        exit 1
    fi
    if [ -n "$missing" ] || [ "${VM_FORCE:-0}" = 1 ]; then
        echo "# kernel $(uname -r) lacks:${missing:- (VM_FORCE=1)}; running $0 in the test VM" >&2
        exec "$(dirname "${BASH_SOURCE[0]}")/run-in-vm.sh" "$0" "${args[@]}"
    fi
    return 0
}
