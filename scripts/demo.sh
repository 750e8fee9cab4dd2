#!/usr/bin/env bash
# The main job: installs what is missing, builds synsight, installs it, and
# shows what it finds in a bundled capture of a real kernel.
#
#   scripts/demo.sh [CAPTURE]      (default: captures/parallel-one-port-dropped.pcapng)
set -euo pipefail
cd "$(dirname "$0")/.."
capture=${1:-captures/parallel-one-port-dropped.pcapng}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)"

if [ "$(id -u)" -eq 0 ]; then
  # Wireshark ignores personal plugins when it runs as root.
  echo "demo: running as root, so installing into Wireshark's system plugin folder"
  cmake -S . -B build -DSYNSIGHT_SYSTEM_INSTALL=ON >/dev/null
else
  cmake -S . -B build -DSYNSIGHT_SYSTEM_INSTALL=OFF >/dev/null
fi
cmake --install build

if ! tshark -G plugins 2>/dev/null | grep -q synsight; then
  echo "demo: tshark does not list synsight after the install" >&2
  exit 1
fi
echo
echo "== tshark -G plugins"
tshark -G plugins 2>/dev/null | grep synsight
echo
echo "== What tshark's packet list says, with synsight's tag at the end of Info (tshark -2 -Y synsight)"
tshark -2 -r "$capture" -Y synsight 2>/dev/null
echo
echo "== SYN retries, refusals and their outcomes in $capture (tshark -2 -Y synsight -T fields)"
tshark -2 -r "$capture" -Y "synsight" -T fields -E header=y \
  -e frame.number -e ip.dst -e ipv6.dst -e tcp.dstport -e synsight.attempt -e synsight.syn.retry \
  -e synsight.syn.gap -e synsight.syn.schedule -e synsight.outcome 2>/dev/null | column -t -s $'\t'
echo
echo "== What synsight says, frame by frame (its expert items)"
tshark -2 -r "$capture" -Y synsight -O synsight 2>/dev/null \
  | awk '/^Frame /{frame=$2} /\[Expert Info/{sub(/^ +\[Expert Info /, ""); sub(/\]$/, ""); print "frame " frame " " $0}'
echo
echo "== Every connection attempt, failures first (tshark -q -z synsight,attempts)"
tshark -r "$capture" -q -z synsight,attempts 2>/dev/null
annotated=$work/annotated.pcapng
echo
echo "== The findings as packet comments, for colleagues without the plugin (synsight-annotate)"
scripts/synsight-annotate "$capture" "$annotated"
tshark -r "$annotated" -Y frame.comment -T fields -e frame.number -e frame.comment 2>/dev/null | head -3
echo
echo "Next: open $capture in Wireshark and type 'synsight' in the display filter bar;"
echo "Statistics > SYN Sight Connection Attempts shows the table; docs/synsight.colorfilters colors it."
