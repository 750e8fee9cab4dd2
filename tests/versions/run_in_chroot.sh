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
packages="wireshark-dev tshark cmake make gcc libc6-dev pkg-config libglib2.0-dev python3 util-linux"

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
  chmod 755 "$base"
  echo "run_in_chroot: debootstrap $suite (first run; cached afterwards)" >&2
  # a bare system first, then apt inside it: debootstrap's own resolver
  # cannot follow every dependency of Wireshark's packages (sid's falco
  # libs). The mirror may serve an unstable suite whose Release file has
  # expired by this machine's clock; this throwaway chroot accepts it.
  if ! debootstrap --variant=minbase "$suite" "$base" "$mirror" >"$base.log" 2>&1 ||
     ! { mount -t proc proc "$base/proc" &&
         chroot "$base" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
           "apt-get -o Acquire::Check-Valid-Until=false update -q &&
            apt-get install -y -q --no-install-recommends $packages" >>"$base.log" 2>&1; umount "$base/proc"; } ||
     ! chroot "$base" dpkg-query -W tshark wireshark-dev >/dev/null 2>&1; then
    umount "$base/proc" 2>/dev/null || true
    echo "SKIPPED: the $suite packages could not be fetched or installed from $mirror:" >&2
    tail -5 "$base.log" >&2
    rm -rf "$base" "$base.log"
    exit 77
  fi
  chroot "$base" apt-get clean
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
