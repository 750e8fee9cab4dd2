# chroot.sh - Debian roots for the suites that test synsight on another
# system than this one (tests/versions, tests/fresh). Sourced, not run.
#
# A root is made once with debootstrap (plus, for some suites, packages
# installed by apt inside it), cached as a tarball in $SYNSIGHT_CHROOT_CACHE
# (default /var/cache/synsight-chroots), and unpacked into a fresh folder for
# every run, which is removed afterwards. Callers exit 77 (skipped) when a
# root cannot be had: not root, or the release's packages not reachable.

chroot_cache=${SYNSIGHT_CHROOT_CACHE:-/var/cache/synsight-chroots}
chroot_mirror=${SYNSIGHT_DEBIAN_MIRROR:-http://deb.debian.org/debian}

chroot_require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIPPED: $(basename "$0") needs root (debootstrap and chroot); run it with sudo" >&2
    exit 77
  fi
  if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null || {
      echo "SKIPPED: debootstrap is not installed and could not be installed" >&2; exit 77; }
  fi
}

# chroot_tarball NAME SUITE [PACKAGE...]: prints the path of the cached root
# NAME (a minbase SUITE, with PACKAGEs installed by apt inside it when given),
# making it first if needed.
chroot_tarball() {
  local name=$1 suite=$2; shift 2
  local tarball="$chroot_cache/$name.tar" base
  mkdir -p "$chroot_cache"
  if [ -s "$tarball" ]; then
    echo "$tarball"
    return 0
  fi
  base=$(mktemp -d "$chroot_cache/$name.XXXX")
  chmod 755 "$base"
  echo "$(basename "$0"): debootstrap $suite for $name (first run; cached afterwards)" >&2
  # A bare system first, then apt inside it: debootstrap's own resolver
  # cannot follow every dependency of Wireshark's packages (sid's falco
  # libs). The mirror may serve an unstable suite whose Release file has
  # expired by this machine's clock; this throwaway root accepts it.
  if ! debootstrap --variant=minbase "$suite" "$base" "$chroot_mirror" >"$base.log" 2>&1 ||
     { [ $# -gt 0 ] && ! { mount -t proc proc "$base/proc" &&
         chroot "$base" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
           "apt-get -o Acquire::Check-Valid-Until=false update -q &&
            apt-get install -y -q --no-install-recommends $*" >>"$base.log" 2>&1; umount "$base/proc"; }; }; then
    umount "$base/proc" 2>/dev/null || true
    echo "SKIPPED: $suite could not be fetched or set up from $chroot_mirror:" >&2
    tail -5 "$base.log" >&2
    rm -rf "$base" "$base.log"
    exit 77
  fi
  chroot "$base" apt-get clean
  tar -C "$base" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf "$base" "$base.log"
  echo "$tarball"
}

# chroot_unpack TARBALL: unpacks into a new folder under /tmp, with /proc,
# /dev and /dev/pts (pseudo-terminals, for the tests of what a terminal
# shows) mounted and this machine's resolver; sets $chroot_root and removes it
# all when the calling script exits.
chroot_unpack() {
  chroot_root=$(mktemp -d "/tmp/synsight-root.XXXX")
  trap chroot_remove EXIT
  tar -C "$chroot_root" -xf "$1"
  chmod 755 "$chroot_root"  # the tarball's "." was mktemp's 700
  cp -L /etc/resolv.conf "$chroot_root/etc/resolv.conf" 2>/dev/null || true
  mount -t proc proc "$chroot_root/proc"
  mount --bind /dev "$chroot_root/dev"
  mount --bind /dev/pts "$chroot_root/dev/pts"
}

chroot_remove() {
  umount "$chroot_root/proc" 2>/dev/null || true
  umount "$chroot_root/dev/pts" 2>/dev/null || true
  umount "$chroot_root/dev" 2>/dev/null || true
  # never remove through a mount that is still there: it would reach the host's /dev
  if grep -q " $chroot_root/" /proc/mounts; then
    echo "chroot.sh: $chroot_root still has mounts; left in place" >&2
    return
  fi
  rm -rf "$chroot_root"
}

# chroot_run CMD: runs CMD with bash inside the root as root, with a clean
# environment and no terminal, as CI does.
chroot_run() {
  chroot "$chroot_root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LC_ALL=C.UTF-8 /bin/bash -c "$1" </dev/null
}
