#!/usr/bin/env bash
# The whole test suite, from a fresh machine: dependencies, a warnings-as-
# errors build with AddressSanitizer and UndefinedBehaviorSanitizer, then
# ctest (unit tests of the analyses, then the plugin inside tshark on every
# bundled capture, single pass and two-pass).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
build=${BUILD_DIR:-build-test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYNSIGHT_WERROR=ON -DSYNSIGHT_SANITIZE=ON
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
