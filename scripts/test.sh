#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a private
# MariaDB server, runs every test tier (unit, sqlite, mariadb, sim, mail,
# browser), then the fuzz tier (each parser fuzzed briefly under ASan + UBSan),
# then builds the asan preset and runs the unit and sqlite tiers there; it
# ends with a summary of the three runs.
#   scripts/test.sh [extra ctest arguments, e.g. -L unit]
# With arguments only that ctest run happens. Local shortcuts (CI sets
# neither): SAC_SKIP_FUZZ=1 leaves out the fuzz tier, SAC_SKIP_ASAN=1 the
# asan run. MariaDB tests read SAC_TEST_MYSQL_URL (set here). The mail tier
# starts private Dovecot and Postfix instances as ctest fixtures
# (tests/integration/mail/dovecot.sh, tests/integration/alerts/postfix.sh;
# Postfix's master needs root or passwordless sudo); deps.sh installs both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
preset=${SAC_PRESET:-ci}
build="$root/build/$preset"
full=0
[ $# -eq 0 ] && full=1

scripts/deps.sh test

# ccache, with paths made relative to the checkout, so that every clone on a
# machine (and the asan and fuzz trees) reuses what was compiled before.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake --preset "$preset" "${launcher[@]}" >/dev/null
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

if [ "$full" -eq 0 ]; then
  cd "$build"
  ctest --output-on-failure -j 2 --timeout 600 "$@"
  exit 0
fi

# A full run: the tiers, the fuzz tier, the asan run; each is reported.
results=()
run() {  # run <name> <command...>: runs it, records how it went and how long it took
  local name=$1 start=$SECONDS rc=0
  shift
  echo "=== $name"
  "$@" || rc=$?
  results+=("$(printf '%-24s %s (%ds)' "$name" "$([ $rc -eq 0 ] && echo passed || echo "FAILED ($rc)")" $((SECONDS - start)))")
  return 0
}

run "tiers ($preset)" ctest --test-dir "$build" --output-on-failure -j 2 --timeout 600 -LE fuzz

if [ "${SAC_SKIP_FUZZ:-0}" != 1 ]; then
  run "fuzz ($preset)" ctest --test-dir "$build" --output-on-failure -j 2 -L fuzz
else
  results+=("fuzz                     skipped (SAC_SKIP_FUZZ=1)")
fi

if [ "${SAC_SKIP_ASAN:-0}" != 1 ]; then
  asan() {
    # The benchmarks run in no tier: leave them out of the asan build.
    cmake --preset asan -DSAC_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null &&
      cmake --build --preset asan -j "$(nproc)" &&
      ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1} \
      UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
      ctest --test-dir "$root/build/asan" --output-on-failure -j 2 --timeout 900 -L 'unit|sqlite'
  }
  run "unit|sqlite (asan)" asan
else
  results+=("unit|sqlite (asan)       skipped (SAC_SKIP_ASAN=1)")
fi

echo "=== summary"
printf '%s\n' "${results[@]}"
for r in "${results[@]}"; do
  case "$r" in *FAILED*) exit 1 ;; esac
done
