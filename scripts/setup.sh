#!/usr/bin/env bash
# Installs what synsight needs, from Debian/Ubuntu packages, and nothing a
# minimal Debian 12 (debootstrap --variant=minbase) lacks is assumed.
# Runs apt-get only for what is missing; needs root or sudo for that step.
#
#   scripts/setup.sh           what scripts/demo.sh runs: build, install, tshark, column
#   scripts/setup.sh --test    also what scripts/test.sh runs: the Wireshark GUI and
#                              what the GUI test drives it with, and (as root) what the
#                              fresh-system and cross-version suites need
#   scripts/setup.sh --package also what scripts/package.sh runs (a Debian package)
#   scripts/setup.sh --list [--test] [--package]   prints the package names and installs nothing
set -euo pipefail

# build: cmake make gcc libc6-dev pkg-config wireshark-dev libglib2.0-dev;
# run: tshark, python3 (synsight-annotate), bsdextrautils (column, which
# Debian >= 11 no longer ships in util-linux)
demo_packages=(cmake make gcc libc6-dev pkg-config wireshark-dev libglib2.0-dev tshark python3 bsdextrautils)
# Wireshark 3.x's CMake files name libgcrypt's and GnuTLS's .so, which its
# wireshark-dev does not pull in (seen on Debian 11; assumed for Ubuntu 22.04's 3.6)
. /etc/os-release 2>/dev/null || true
case "${VERSION_CODENAME:-}" in
  bullseye|jammy) demo_packages+=(libgcrypt20-dev libgnutls28-dev) ;;
esac
# scripts/package.sh: cpack's DEB generator finds dependencies with
# dpkg-shlibdeps (dpkg-dev), which needs file
package_packages=(dpkg-dev file)
# the GUI test: Wireshark under Xvfb, driven by xdotool, screenshots by ImageMagick
gui_packages=(wireshark-qt xvfb xdotool imagemagick fonts-dejavu-core)
# as root: the fresh-Debian-12 test clones the project (git) into a debootstrap
# root; the cross-version suites build debootstrap chroots too
root_test_packages=(debootstrap git)

test=false list=false package=false
for arg in "$@"; do
  case "$arg" in
    --test|--gui) test=true ;;      # --gui: the name before 0.2
    --list) list=true ;;
    --package) package=true ;;
    *) echo "usage: scripts/setup.sh [--test] [--package] [--list]" >&2; exit 2 ;;
  esac
done
packages=("${demo_packages[@]}")
if $test; then
  packages+=("${gui_packages[@]}")
  { $list || [ "$(id -u)" -eq 0 ]; } && packages+=("${root_test_packages[@]}")
fi
$package && packages+=("${package_packages[@]}")
if $list; then
  echo "${packages[*]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "setup.sh: missing packages (${missing[*]}) and neither root nor sudo to install them" >&2
  exit 1
fi
echo "setup.sh: installing ${missing[*]}"
# tshark's package asks whether non-root users may capture; answer "no".
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
