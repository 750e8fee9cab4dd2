#!/usr/bin/env bash
# valgrind memcheck over every bundled capture, two-pass with full details:
#   tests/fuzz/valgrind_captures.sh build/synsight.so
# Slow (tens of seconds a capture), so not part of ctest. Exits non-zero on
# the first memcheck error.
set -euo pipefail
plugin=${1:?usage: valgrind_captures.sh PATH/TO/synsight.so}
here=$(cd "$(dirname "$0")/../.." && pwd)
ver=$(pkg-config --modversion wireshark | cut -d. -f1,2)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/$ver/epan" "$dir/extcap"
cp "$plugin" "$dir/$ver/epan/synsight.so"
cp "$here"/captures/*.pcapng "$dir/"
chmod -R a+rX "$dir"
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
for cap in "$dir"/*.pcapng; do
  "${as_user[@]}" env -i HOME="$dir" WIRESHARK_PLUGIN_DIR="$dir" WIRESHARK_EXTCAP_DIR="$dir/extcap" PATH=/usr/bin:/bin \
    valgrind --error-exitcode=1 --quiet tshark -2 -V -r "$cap" >/dev/null
  echo "clean: $(basename "$cap")"
done
