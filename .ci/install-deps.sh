#!/usr/bin/env bash
# Install everything evpnd needs to build, test and run its demo fabric on Debian 12.
# Idempotent: packages already present are skipped, apt is only called when something is missing.
set -euo pipefail

PKGS=(
  # build
  build-essential cmake pkg-config clang libclang-rt-14-dev
  # libraries (see docs/architecture.md for why each)
  libnl-3-dev libnl-route-3-dev libyang2-dev libyang2-tools libcyaml-dev libyaml-dev
  libevent-dev libjson-c-dev check uthash-dev
  # test fabric and peers
  iproute2 iputils-ping procps psmisc frr gobgpd tcpdump tshark python3 python3-yaml
  # VRF tests boot Debian 12's own kernel under qemu (tests/vm/)
  qemu-system-x86 busybox-static cpio
  # the Debian package (tests/daemon/test-package.sh): dpkg-shlibdeps, man pages, postinst
  dpkg-dev groff-base man-db adduser
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# FRR's packaged service must not run on the host: tests start their own daemons in namespaces.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q frr 2>/dev/null; then
  systemctl stop frr || true
fi
