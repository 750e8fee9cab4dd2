#!/usr/bin/env bash
# A newcomer's first minutes, every run: a bare minimal Debian 12
# (debootstrap --variant=minbase bookworm, no package added), the project
# cloned under /root (mode 700: nobody else can read it), and README's first
# command, scripts/demo.sh, exactly as written, as root without a terminal.
# Fails when the demo fails, prints no findings, or leaves files in /tmp.
#
#   sudo tests/fresh/fresh_debian12.sh
#
# Only the bare root is cached (tests/lib/chroot.sh): every package the demo
# needs is installed by the project's own scripts/setup.sh, every run. Exit
# status 77 means skipped: not root, or Debian's packages not reachable.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/lib/chroot.sh"

chroot_require_root
command -v git >/dev/null || { echo "SKIPPED: git is needed to clone the project" >&2; exit 77; }
tarball=$(chroot_tarball bookworm-minbase bookworm) || exit $?
chroot_unpack "$tarball"
if chroot "$chroot_root" dpkg-query -W tshark >/dev/null 2>&1; then
  echo "FAILED: the cached bare root $tarball has packages installed; remove it" >&2
  exit 1
fi

# The commit under test, cloned as a user would (a clone of this checkout:
# the committed tree, nothing else).
chmod 700 "$chroot_root/root"
git clone -q --no-hardlinks "$here" "$chroot_root/root/synsight"
echo "fresh_debian12: Debian $(cat "$chroot_root/etc/debian_version") minbase, clone of $(git -C "$here" rev-parse --short HEAD) in /root/synsight" >&2

out=$(mktemp)
trap 'rm -f "$out"; chroot_remove' EXIT
before=$(ls -A "$chroot_root/tmp")
status=0
chroot_run 'cd /root/synsight && scripts/demo.sh' >"$out" 2>&1 || status=$?
tail -n 60 "$out"
if [ "$status" -ne 0 ]; then
  echo "FAILED: scripts/demo.sh exited with status $status on a fresh Debian 12" >&2
  exit 1
fi
# The default capture's findings: the port 49667 attempt, never answered, its
# retries, and its expert sentence.
for want in "synsight.so" "49667" "unanswered" "never answered" "SYN retransmission 1" "failed"; do
  if ! grep -q -- "$want" "$out"; then
    echo "FAILED: the demo's output lacks \"$want\"" >&2
    exit 1
  fi
done
after=$(ls -A "$chroot_root/tmp")
if [ "$before" != "$after" ]; then
  echo "FAILED: the demo left files in /tmp: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')" >&2
  exit 1
fi
echo "fresh_debian12: scripts/demo.sh passed on a fresh minimal Debian 12, from a clone under /root"
