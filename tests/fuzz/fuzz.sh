#!/usr/bin/env bash
# Builds and runs the libFuzzer targets (docs/fuzzing.md).
#   fuzz.sh build <source dir> <fuzz build dir>
#       configures the clang tree (preset `fuzz`, ccache when present) and builds sac_fuzzers
#   fuzz.sh run <fuzz build dir> <target> <seconds> [libFuzzer options...]
#       fuzzes <target> over its seeds and regressions; new inputs go to
#       <fuzz build dir>/corpus/<target>, crashing ones to <fuzz build dir>/artifacts/<target>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

case "${1:-}" in
build)
  [ $# -eq 3 ] || { echo "usage: fuzz.sh build <source dir> <fuzz build dir>" >&2; exit 2; }
  src=$2 dir=$3
  for tool in clang clang++; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: run scripts/deps.sh test" >&2; exit 1; }
  done
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cd "$src"
  cmake --preset fuzz -B "$dir" "${launcher[@]}" >/dev/null
  exec cmake --build "$dir" -j "$(nproc)" --target sac_fuzzers
  ;;
run)
  [ $# -ge 4 ] || { echo "usage: fuzz.sh run <fuzz build dir> <target> <seconds> [options]" >&2; exit 2; }
  dir=$2 name=$3 seconds=$4
  shift 4
  bin="$dir/bin/${name}_fuzz"
  [ -x "$bin" ] || { echo "$bin is missing: run fuzz.sh build first" >&2; exit 1; }
  work="$dir/corpus/$name"
  artifacts="$dir/artifacts/$name"
  mkdir -p "$work" "$artifacts"
  corpora=("$work" "$here/corpus/$name")
  [ -d "$here/regressions/$name" ] && corpora+=("$here/regressions/$name")
  options=()
  [ -f "$here/dict/$name.dict" ] && options+=("-dict=$here/dict/$name.dict")
  symbolizer=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
  if [ -n "$symbolizer" ]; then
    export ASAN_SYMBOLIZER_PATH="$symbolizer"
    export UBSAN_SYMBOLIZER_PATH="$symbolizer"
  fi
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  echo "fuzzing $name for ${seconds}s; a crashing input is written under $artifacts/" >&2
  exec "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${options[@]}" "$@" "${corpora[@]}"
  ;;
*)
  echo "usage: fuzz.sh build <source dir> <fuzz build dir> | run <fuzz build dir> <target> <seconds> [options]" >&2
  exit 2
  ;;
esac
