#!/usr/bin/env bash
# README's package table says what scripts/setup.sh installs, word for word.
set -euo pipefail
cd "$(dirname "$0")/../.."
demo=$(scripts/setup.sh --list)
all=$(scripts/setup.sh --list --test)
readme_demo=$(grep -F '| `scripts/demo.sh`, building by hand |' README.md | cut -d'|' -f3 | xargs)
readme_test=$(grep -F '| `scripts/test.sh` adds |' README.md | cut -d'|' -f3 | sed 's/, and as root / /' | xargs)
status=0
[ "$readme_demo" = "$demo" ] || { echo "README lists for the demo: $readme_demo"; echo "setup.sh installs: $demo"; status=1; }
[ "$demo $readme_test" = "$all" ] || { echo "README lists for the tests: $demo $readme_test"; echo "setup.sh --test installs: $all"; status=1; }
[ $status -eq 0 ] && echo "README lists exactly the packages scripts/setup.sh installs"
exit $status
