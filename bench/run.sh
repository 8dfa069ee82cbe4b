#!/usr/bin/env bash
# The benchmarks in one command: a release build, the log redactor and HTTP transport
# benchmarks, then the sync benchmark on SQLite and on a private MariaDB, then the
# Lost & Found benchmark if built.
#   bench/run.sh [--disputes=10000] [--cases=100000]
#   bench/run.sh --only=isolation [options of bench/isolation/isolation.mjs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${1:-}" = --only=isolation ]; then shift; echo "== isolation"; exec bench/isolation/run.sh "$@"; fi
scripts/deps.sh test
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target sac_bench_sync sac_bench_redactor sac_bench_transport $(grep -q sac_bench_lostfound bench/lostfound/CMakeLists.txt 2>/dev/null && echo sac_bench_lostfound)
bin="$root/build/release/bench"
dbdir="$root/build/release/mariadb-bench"
trap '"$root/scripts/mariadb.sh" stop "$dbdir" || true' EXIT
mysql_url=$("$root/scripts/mariadb.sh" start "$dbdir" "${SAC_BENCH_MARIADB_PORT:-33506}")

echo "== log redactor"
"$bin/host/sac_bench_redactor"
echo "== HTTP transport, kept-alive connections"
"$bin/transport/sac_bench_transport"
echo "== sync, SQLite"
"$bin/sync/sac_bench_sync" --db="sqlite:$root/build/release/bench-sync.db" "$@"
echo "== sync, MariaDB"
"$bin/sync/sac_bench_sync" --db="$mysql_url" "$@"
if [ -x "$bin/lostfound/sac_bench_lostfound" ]; then
  echo "== Lost & Found"
  "$bin/lostfound/sac_bench_lostfound"
fi
echo "== isolation"
bench/isolation/run.sh
