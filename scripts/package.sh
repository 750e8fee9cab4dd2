#!/usr/bin/env bash
# Builds a Debian package of synsight for the Wireshark installed here:
#
#   scripts/package.sh [OUTDIR]     (default: build-deb)
#
# The package holds the plugin in Wireshark's system plugin folder,
# synsight-annotate and synsight-report in /usr/bin, and the synsight
# profile; it depends on this release's libwireshark (same major.minor).
# Install it with: sudo apt install ./build-deb/synsight_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-deb}

scripts/setup.sh --package
cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DSYNSIGHT_SYSTEM_INSTALL=ON -DSYNSIGHT_TESTS=OFF >/dev/null
cmake --build "$out" -j "$(nproc)" >&2
(cd "$out" && cpack -G DEB >/dev/null)
deb=$(ls "$out"/synsight_*.deb)
echo "$deb"
dpkg-deb -f "$deb" Package Version Depends >&2
