#!/usr/bin/env bash
# README's package table says what scripts/setup.sh installs, word for word.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Debian 11's and Ubuntu 22.04's two extra packages have a note of their own
release_extras=" libgcrypt20-dev libgnutls28-dev"
for p in $release_extras; do
  grep -q "$p" README.md || { echo "README does not name $p (Debian 11, Ubuntu 22.04)"; exit 1; }
done
demo=$(scripts/setup.sh --list | sed "s/$release_extras//")
all=$(scripts/setup.sh --list --test | sed "s/$release_extras//")
package=$(scripts/setup.sh --list --package | sed "s/$release_extras//")
readme_demo=$(grep -F '| `scripts/demo.sh`, building by hand |' README.md | cut -d'|' -f3 | xargs)
readme_test=$(grep -F '| `scripts/test.sh` adds |' README.md | cut -d'|' -f3 | sed 's/, and as root / /' | xargs)
readme_package=$(grep -F '| `scripts/package.sh` adds |' README.md | cut -d'|' -f3 | xargs)
status=0
[ "$demo $readme_package" = "$package" ] || { echo "README lists for the package: $demo $readme_package"; echo "setup.sh --package installs: $package"; status=1; }
[ "$readme_demo" = "$demo" ] || { echo "README lists for the demo: $readme_demo"; echo "setup.sh installs: $demo"; status=1; }
[ "$demo $readme_test" = "$all" ] || { echo "README lists for the tests: $demo $readme_test"; echo "setup.sh --test installs: $all"; status=1; }
[ $status -eq 0 ] && echo "README lists exactly the packages scripts/setup.sh installs"
exit $status
