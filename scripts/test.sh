#!/usr/bin/env bash
# The whole test suite, from a fresh machine: dependencies, a warnings-as-
# errors build with AddressSanitizer and UndefinedBehaviorSanitizer, then
# ctest: unit tests of the analyses; the plugin inside tshark on every
# bundled capture, single pass and two-pass; a quick fuzz run; and, as root,
# for Wireshark 3.4, 4.0, 4.4 and 4.6 (Debian bullseye, bookworm, trixie,
# sid), each in a debootstrap chroot, the build, its Debian package installed
# with apt and the suite against the installed copy
# (SYNSIGHT_OTHER_VERSIONS=OFF to leave them out), and
# README's demo on a fresh minimal Debian 12 (SYNSIGHT_FRESH_ROOT=OFF).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test
build=${BUILD_DIR:-build-test}
as_root=$([ "$(id -u)" -eq 0 ] && echo ON || echo OFF)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYNSIGHT_WERROR=ON -DSYNSIGHT_SANITIZE=ON \
  -DSYNSIGHT_OTHER_VERSIONS="${SYNSIGHT_OTHER_VERSIONS:-$as_root}" -DSYNSIGHT_FRESH_ROOT="${SYNSIGHT_FRESH_ROOT:-$as_root}"
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
