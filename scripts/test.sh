#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a private
# MariaDB server, runs every test tier (unit, sqlite, mariadb, sim, browser)
# and ends with ctest's summary.
#   scripts/test.sh [extra ctest arguments, e.g. -L unit]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
preset=${SAC_PRESET:-ci}
build="$root/build/$preset"

scripts/deps.sh test

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"

if [ -f tests/e2e/package.json ]; then
  (cd tests/e2e && { [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error; })
fi

dbdir="$build/mariadb"
port=${SAC_TEST_MARIADB_PORT:-33406}
cleanup() { "$root/scripts/mariadb.sh" stop "$dbdir" || true; }
trap cleanup EXIT
export SAC_TEST_MYSQL_URL
SAC_TEST_MYSQL_URL=$(scripts/mariadb.sh start "$dbdir" "$port")
echo "MariaDB for the tests: ${SAC_TEST_MYSQL_URL//:sac@/:***@}"

cd "$build"
ctest --output-on-failure -j 2 --timeout 600 "$@"
