#!/usr/bin/env bash
# Builds synsight against another Debian release's Wireshark, inside a
# debootstrap chroot, makes that release's Debian package, installs it with
# apt, and runs the whole suite against the installed copy:
#
#   sudo tests/versions/run_in_chroot.sh bullseye  # Wireshark 3.4
#   sudo tests/versions/run_in_chroot.sh bookworm  # Wireshark 4.0 (the package; the build is the host's suite)
#   sudo tests/versions/run_in_chroot.sh trixie    # Wireshark 4.4
#   sudo tests/versions/run_in_chroot.sh sid       # Wireshark 4.6
#
# The root, with the release's Wireshark development packages, is cached
# (tests/lib/chroot.sh), under a name that changes with the package list.
# Exit status 77 means skipped: not root, or the release's packages could
# not be fetched.
set -euo pipefail

suite=${1:?usage: run_in_chroot.sh SUITE}
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/lib/chroot.sh"
# what scripts/setup.sh --package installs there: the build, the suite, and
# scripts/package.sh's dpkg-dev and file
packages="wireshark-dev tshark cmake make gcc libc6-dev pkg-config libglib2.0-dev python3 bsdextrautils dpkg-dev file"
case "$suite" in
  bullseye) packages="$packages libgcrypt20-dev libgnutls28-dev" ;;  # see scripts/setup.sh
esac

chroot_require_root
tag=$(echo "$packages" | md5sum | cut -c1-8)
tarball=$(chroot_tarball "$suite-$tag" "$suite" $packages) || exit $?
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
# ctest runs in its build folder: Debian 11's CMake 3.18 has no --test-dir.
chroot_run '
  set -e
  cd /src
  cmake -S . -B build -DSYNSIGHT_WERROR=ON >/dev/null
  cmake --build build -j "$(nproc)"
  deb=$(scripts/package.sh build-deb)
  echo "run_in_chroot: $deb" >&2
  # as README says: apt install ./FILE (everything it depends on is already there)
  DEBIAN_FRONTEND=noninteractive apt install -y -q "$PWD/$deb" >/dev/null 2>&1 ||
    { echo "FAILED: apt install ./$deb" >&2; DEBIAN_FRONTEND=noninteractive apt install -y "$PWD/$deb" >&2; exit 1; }
  # the package: its files, and a dependency on this release'"'"'s libwireshark series
  libws=$(dpkg-query -S "$(readlink -f "$(ldd build/synsight.so | sed -n "s/.*libwireshark[^ ]* => \([^ ]*\).*/\1/p")")" | cut -d: -f1)
  dpkg-query -W -f="\${Depends}\n" synsight | grep -q "$libws (<< " || { echo "FAILED: synsight does not depend on $libws" >&2; exit 1; }
  for f in /usr/bin/synsight-annotate /usr/bin/synsight-report /usr/share/wireshark/profiles/synsight/colorfilters \
           "$(dpkg -L synsight | grep "/plugins/.*/epan/synsight.so$")"; do
    dpkg -L synsight | grep -qx "$f" || { echo "FAILED: the package lacks $f" >&2; exit 1; }
  done
  cmake -S . -B build -DSYNSIGHT_TEST_INSTALLED=ON >/dev/null
  cd build && ctest --output-on-failure -j "$(nproc)"
'
