#!/usr/bin/env bash
# The benchmarks in one command: a release build, then the sync benchmark on
# SQLite and on a private MariaDB, then the Lost & Found benchmark if built.
#   bench/run.sh [--disputes=10000] [--cases=100000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/deps.sh test
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target sac_bench_sync sac_bench_redactor $(grep -q sac_bench_lostfound bench/lostfound/CMakeLists.txt 2>/dev/null && echo sac_bench_lostfound)
bin="$root/build/release/bench"
dbdir="$root/build/release/mariadb-bench"
trap '"$root/scripts/mariadb.sh" stop "$dbdir" || true' EXIT
mysql_url=$("$root/scripts/mariadb.sh" start "$dbdir" "${SAC_BENCH_MARIADB_PORT:-33506}")

echo "== log redactor"
"$bin/host/sac_bench_redactor"
echo "== sync, SQLite"
"$bin/sync/sac_bench_sync" --db="sqlite:$root/build/release/bench-sync.db" "$@"
echo "== sync, MariaDB"
"$bin/sync/sac_bench_sync" --db="$mysql_url" "$@"
if [ -x "$bin/lostfound/sac_bench_lostfound" ]; then
  echo "== Lost & Found"
  "$bin/lostfound/sac_bench_lostfound"
fi
