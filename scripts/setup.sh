#!/usr/bin/env bash
# Installs what synsight needs to build and test, from Debian/Ubuntu packages.
# Runs apt-get only for what is missing; needs root or sudo for that step.
#
#   scripts/setup.sh          build, install and tshark
#   scripts/setup.sh --gui    also the Wireshark GUI and what the GUI test
#                             drives it with (Xvfb, xdotool, ImageMagick)
set -euo pipefail

packages=(cmake make gcc pkg-config wireshark-dev libglib2.0-dev tshark python3 util-linux)
if [ "${1:-}" = "--gui" ]; then
  packages+=(wireshark-qt xvfb xdotool imagemagick fonts-dejavu-core)
fi
# the cross-version suites (tests/versions) build chroots; they run as root only
[ "$(id -u)" -eq 0 ] && packages+=(debootstrap)
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
