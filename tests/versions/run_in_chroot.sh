#!/usr/bin/env bash
# Builds synsight and runs its whole suite against another Debian release's
# Wireshark, inside a debootstrap chroot:
#
#   sudo tests/versions/run_in_chroot.sh trixie    # Wireshark 4.4
#   sudo tests/versions/run_in_chroot.sh sid       # Wireshark 4.6
#
# The base system is cached as a tarball in $SYNSIGHT_CHROOT_CACHE
# (default /var/cache/synsight-chroots); each run unpacks it into a fresh
# folder and removes that folder afterwards. Exit status 77 means skipped:
# not root, or the release's packages could not be fetched.
set -euo pipefail

suite=${1:?usage: run_in_chroot.sh SUITE}
here=$(cd "$(dirname "$0")/../.." && pwd)
cache=${SYNSIGHT_CHROOT_CACHE:-/var/cache/synsight-chroots}
mirror=${SYNSIGHT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=wireshark-dev,tshark,cmake,make,gcc,libc6-dev,pkg-config,libglib2.0-dev,python3,util-linux

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIPPED: run_in_chroot.sh needs root (debootstrap and chroot); run it with sudo" >&2
  exit 77
fi
if ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null || {
    echo "SKIPPED: debootstrap is not installed and could not be installed" >&2; exit 77; }
fi

mkdir -p "$cache"
tarball="$cache/$suite.tar"
if [ ! -s "$tarball" ]; then
  base=$(mktemp -d "$cache/$suite.XXXX")
  echo "run_in_chroot: debootstrap $suite (first run; cached afterwards)" >&2
  if ! debootstrap --variant=minbase --include="$packages" "$suite" "$base" "$mirror" >"$base.log" 2>&1; then
    echo "SKIPPED: the $suite packages could not be fetched from $mirror:" >&2
    tail -5 "$base.log" >&2
    rm -rf "$base" "$base.log"
    exit 77
  fi
  tar -C "$base" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf "$base" "$base.log"
fi

root=$(mktemp -d "/tmp/synsight-$suite.XXXX")
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  umount "$root/dev" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$tarball"
chmod 755 "$root"   # the tests run tshark as nobody inside (the tarball's "." was 700)
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"

# the project's tracked files, without any build folder
mkdir -p "$root/src"
(cd "$here" && git ls-files -z 2>/dev/null | xargs -0 tar -cf - 2>/dev/null || tar --exclude='./build*' -cf - .) \
  | tar -C "$root/src" -xf -

version=$(chroot "$root" dpkg-query -W -f='${Version}' tshark)
echo "run_in_chroot: Debian $suite, Wireshark $version" >&2
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 /bin/bash -c '
  set -e
  cd /src
  cmake -S . -B build -DSYNSIGHT_WERROR=ON >/dev/null
  cmake --build build -j "$(nproc)"
  ctest --test-dir build --output-on-failure -j "$(nproc)"
'
