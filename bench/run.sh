#!/usr/bin/env bash
# The benchmarks in one command: a release build, the log redactor and HTTP transport
# benchmarks, the sync benchmarks on SQLite and on a private MariaDB (the engine against
# a floor measured in the same run, a 150 ms gateway, the cases list over 1,000,000
# cases, peak memory), the Lost & Found benchmark if built, the deadline alert scan and the
# CSV export (through the host, rows/s and peak memory) and the causes dashboard over the same
# 1,000,000 cases, then tenant isolation.
# docs/operations.md ("Benchmarks") says what each figure means.
#   bench/run.sh [--only=PART,...] [--db=sqlite|mariadb|both] [--build-dir=DIR] [sync options]
#     PART: redactor, transport, sync, latency, cases, rss, lostfound, alerts, export, dashboard, isolation
#       (default: all)
#     sync options go to sac_bench_sync, e.g. --disputes=10000 --cases=1000000 --samples=200
#       --kinds=order --explain --rss-disputes=100000 (see bench/sync/SyncBench.cpp)
#   bench/run.sh --only=isolation [options of bench/isolation/isolation.mjs]
#   SAC_BENCH_MARIADB_PORT (default 33506): the port of the private MariaDB
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${1:-}" = --only=isolation ]; then shift; echo "== isolation"; exec bench/isolation/run.sh "$@"; fi

parts=redactor,transport,sync,latency,cases,rss,lostfound,alerts,export,dashboard,isolation
dbs=both
build=$root/build/release
opts=()
for a in "$@"; do
  case "$a" in
    --only=*) parts=${a#--only=} ;;
    --db=*) dbs=${a#--db=} ;;
    --build-dir=*) build=$(realpath -m "${a#--build-dir=}") ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) opts+=("$a") ;;
  esac
done
for p in ${parts//,/ }; do
  case "$p" in
    redactor|transport|sync|latency|cases|rss|lostfound|alerts|export|dashboard|isolation) ;;
    *) echo "bench/run.sh: expected parts among redactor, transport, sync, latency, cases, rss, lostfound, alerts, export, dashboard, isolation; got \"$p\"" >&2; exit 2 ;;
  esac
done
case "$dbs" in sqlite|mariadb|both) ;; *) echo "bench/run.sh: expected --db=sqlite, mariadb or both; got \"$dbs\"" >&2; exit 2 ;; esac
want() { [[ ",$parts," == *",$1,"* ]]; }
modes=""
for m in sync latency cases; do want "$m" && modes+="${modes:+,}$m"; done
syncing=false
{ [ -n "$modes" ] || want rss; } && syncing=true

scripts/deps.sh test
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake --preset release -B "$build" "${launcher[@]}" >/dev/null
targets=()
want redactor && targets+=(sac_bench_redactor)
want transport && targets+=(sac_bench_transport)
$syncing && targets+=(sac_bench_sync)
want lostfound && grep -q sac_bench_lostfound bench/lostfound/CMakeLists.txt 2>/dev/null && targets+=(sac_bench_lostfound)
want alerts && targets+=(sac_bench_alerts)
want export && targets+=(sac_bench_export)
want dashboard && targets+=(sac_bench_dashboard)
[ ${#targets[@]} -eq 0 ] || cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"
bin="$build/bench"
data="$build/bench-data"
mkdir -p "$data"
started=$SECONDS
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

mysql_url=""
if { $syncing || want alerts || want export || want dashboard; } && [ "$dbs" != sqlite ]; then
  dbdir="$build/mariadb-bench"
  trap '"$root/scripts/mariadb.sh" stop "$dbdir" || true' EXIT
  # A buffer pool that holds the 1,000,000-case table and its indexes (about 5.5 GB), as a
  # production server's would.
  mysql_url=$(SAC_MARIADB_BUFFER_POOL=${SAC_MARIADB_BUFFER_POOL:-8G} "$root/scripts/mariadb.sh" start "$dbdir" \
              "${SAC_BENCH_MARIADB_PORT:-33506}")
fi

if want redactor; then
  echo "== log redactor"
  "$bin/host/sac_bench_redactor"
fi
if want transport; then
  echo "== HTTP transport, kept-alive connections"
  "$bin/transport/sac_bench_transport"
fi

# The sync figures: SQLite files under $data (the 1,000,000 cases stay in cases.db for
# the next run), MariaDB scratch databases (dropped) and sac_bench_cases (kept). The
# 150 ms latency run does not depend on the database: it runs with the first one only.
figures="$data/sync-figures.log"
: >"$figures"
keep() { # label: copies stdin to stdout and, labelled, to $figures
  local line
  while IFS= read -r line; do printf '%s\n' "$line"; printf '%s: %s\n' "$1" "$line" >>"$figures"; done
}
sync_bench() { # label url modes [extra options]
  local label=$1 url=$2 m=$3
  shift 3
  if [ -n "$m" ]; then
    echo "== sync ($m), $label"
    "$bin/sync/sac_bench_sync" --db="$url" --mode="$m" "${opts[@]}" "$@" | keep "$label"
  fi
  if want rss; then
    echo "== sync peak memory, $label (a process of its own)"
    "$bin/sync/sac_bench_sync" --db="$url" --mode=rss "${opts[@]}" | keep "$label"
  fi
}
if $syncing; then
  without_latency=$(printf '%s' "$modes" | sed -e 's/latency//' -e 's/,,/,/' -e 's/^,//' -e 's/,$//')
  if [ "$dbs" != mariadb ]; then
    sync_bench SQLite "sqlite:$data/sync.db" "$modes" --cases-db="sqlite:$data/cases.db"
    [ "$dbs" = sqlite ] || sync_bench MariaDB "$mysql_url" "$without_latency"
  else
    sync_bench MariaDB "$mysql_url" "$modes"
  fi
fi

if want lostfound && [ -x "$bin/lostfound/sac_bench_lostfound" ]; then
  echo "== Lost & Found"
  "$bin/lostfound/sac_bench_lostfound"
fi
# The deadline alert scan over the kept 1,000,000 cases (cases.db / sac_bench_cases,
# filled here when the cases part did not run).
if want alerts; then
  if [ "$dbs" != mariadb ]; then
    echo "== deadline alert scan, SQLite"
    "$bin/alerts/sac_bench_alerts" --db="sqlite:$data/cases.db" | keep "alerts SQLite"
  fi
  if [ "$dbs" != sqlite ]; then
    echo "== deadline alert scan, MariaDB"
    "$bin/alerts/sac_bench_alerts" --db="${mysql_url/\/\?/\/sac_bench_cases?}" | keep "alerts MariaDB"
  fi
fi
# The CSV export of the same cases through the host and the module (each run a process of
# its own, so that its peak memory is the export's).
if want export; then
  if [ "$dbs" != mariadb ]; then
    echo "== CSV export, SQLite"
    "$bin/export/sac_bench_export" --db="sqlite:$data/cases.db" | keep "export SQLite"
  fi
  if [ "$dbs" != sqlite ]; then
    echo "== CSV export, MariaDB"
    "$bin/export/sac_bench_export" --db="${mysql_url/\/\?/\/sac_bench_cases?}" | keep "export MariaDB"
  fi
fi
# The causes dashboard over the same cases: the page and its queries, and the lists its
# numbers open.
if want dashboard; then
  if [ "$dbs" != mariadb ]; then
    echo "== causes dashboard, SQLite"
    "$bin/dashboard/sac_bench_dashboard" --db="sqlite:$data/cases.db" | keep "dashboard SQLite"
  fi
  if [ "$dbs" != sqlite ]; then
    echo "== causes dashboard, MariaDB"
    "$bin/dashboard/sac_bench_dashboard" --db="${mysql_url/\/\?/\/sac_bench_cases?}" | keep "dashboard MariaDB"
  fi
fi
if $syncing || want alerts || want export || want dashboard; then
  met=$(grep -E '(: *PASS:|PASS$)' "$figures" | grep -vc 'target(s) missed' || true)
  missed=$(grep -E '(: *FAIL:|FAIL$)' "$figures" | grep -v 'target(s) missed' | sed -e 's/  */ /g' -e 's/ ([^()]*) FAIL$//' || true)
  echo "== sync benchmark targets: $met met, $(printf '%s' "$missed" | grep -c . || true) missed ($((SECONDS - started)) s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  [ -z "$missed" ] || printf '%s\n' "$missed"
fi
if want isolation; then
  echo "== isolation"
  bench/isolation/run.sh
fi
