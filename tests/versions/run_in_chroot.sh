#!/usr/bin/env bash
# Builds synsight and runs its whole suite against another Debian release's
# Wireshark, inside a debootstrap chroot:
#
#   sudo tests/versions/run_in_chroot.sh trixie    # Wireshark 4.4
#   sudo tests/versions/run_in_chroot.sh sid       # Wireshark 4.6
#
# The root, with the release's Wireshark development packages, is cached
# (tests/lib/chroot.sh). Exit status 77 means skipped: not root, or the
# release's packages could not be fetched.
set -euo pipefail

suite=${1:?usage: run_in_chroot.sh SUITE}
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/lib/chroot.sh"
packages="wireshark-dev tshark cmake make gcc libc6-dev pkg-config libglib2.0-dev python3"

chroot_require_root
tarball=$(chroot_tarball "$suite" "$suite" $packages) || exit $?
chroot_unpack "$tarball"
if ! chroot "$chroot_root" dpkg-query -W tshark wireshark-dev >/dev/null 2>&1; then
  echo "SKIPPED: the cached $suite root has no Wireshark; remove $tarball" >&2
  exit 77
fi

# the project's tracked files, without any build folder
mkdir -p "$chroot_root/src"
(cd "$here" && git ls-files -z 2>/dev/null | xargs -0 tar -cf - 2>/dev/null || tar --exclude='./build*' -cf - .) \
  | tar -C "$chroot_root/src" -xf -

version=$(chroot "$chroot_root" dpkg-query -W -f='${Version}' tshark)
echo "run_in_chroot: Debian $suite, Wireshark $version" >&2
chroot_run '
  set -e
  cd /src
  cmake -S . -B build -DSYNSIGHT_WERROR=ON >/dev/null
  cmake --build build -j "$(nproc)"
  ctest --test-dir build --output-on-failure -j "$(nproc)"
'
