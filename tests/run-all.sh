#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs what is missing,
# builds with warnings as errors, and runs every test with ctest; then the
# same tests (except the slowest topology ones) built with ASan+UBSan; then
# each libFuzzer harness for EVPND_FUZZ_SECONDS (default 15) on its corpus.
# Run as root: topology tests create network namespaces and start FRR.
#   EVPND_SKIP_SANITIZE=1  skip the sanitizer pass
#   EVPND_SKIP_FUZZ=1      skip the fuzzers
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$src/.ci/install-deps.sh"

echo "== build (gcc, -Werror)"
cmake -S "$src" -B "$src/build" -DEVPND_WERROR=ON >/dev/null
cmake --build "$src/build" -j"$jobs"
echo "== tests"
# the VM runner's own smoke test is left to `ctest -R vm/test-vm-smoke` by hand:
# vm/test-vrf boots the same VM and runs far more in it
(cd "$src/build" && ctest -j"$jobs" --output-on-failure -E 'vm/test-vm-smoke')

if [ "${EVPND_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S "$src" -B "$src/build-asan" -DEVPND_WERROR=ON -DEVPND_SANITIZE=ON \
        -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build "$src/build-asan" -j"$jobs"
  # all but the longest topology tests (restarts, reload, audit, IRB operations,
  # runner self-test, the VM) and the package test (a release build's), which
  # the plain pass covers: evpnd under ASan+UBSan against FRR, GoBGP and crafted
  # input, the IRB fabric and the soak (LeakSanitizer at exit)
  (cd "$src/build-asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest -j"$jobs" --output-on-failure -E 'netns/test-(gr-restart|runner|reload|audit|irb-ops)|vm/|bench/(converge|move|scale)|daemon/package')
fi

if [ "${EVPND_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzzers (${EVPND_FUZZ_SECONDS:-15} s each)"
  CC=clang cmake -S "$src" -B "$src/build-fuzz" -DEVPND_FUZZ=ON -DEVPND_SANITIZE=ON \
        -DEVPND_FUZZ_SECONDS="${EVPND_FUZZ_SECONDS:-15}" >/dev/null
  cmake --build "$src/build-fuzz" -j"$jobs"
  (cd "$src/build-fuzz" && ctest --output-on-failure -L fuzz)
fi
echo "== all tests passed"
