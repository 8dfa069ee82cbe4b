#!/usr/bin/env bash
# Tenant isolation benchmark: a release build of the host, the module and the
# simulator, then bench/isolation/isolation.mjs (options are passed on, e.g.
# --disputes=800 --seconds=30; see the script's header).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
scripts/deps.sh test
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target sac-host sac sac-sim
[ -d tests/e2e/node_modules/playwright-core ] || (cd tests/e2e && npm ci --no-audit --no-fund)
exec node bench/isolation/isolation.mjs --build=build/release "$@"
