#!/usr/bin/env bash
# Runs each libFuzzer target (tests/fuzz) for a set time, starting from its seed corpus.
# The targets are built in the ASan + UBSan tree of scripts/sanitize.sh (configured here if
# it is missing). New interesting inputs go to <tree>/fuzz-corpus/<target> (kept between
# runs, never in the repository); a crashing input is written to <tree>/fuzz-artifacts/ and
# the script fails: fix the bug, then add the input to tests/fuzz/regressions/<target>/,
# where ctest replays it in every build from then on.
#
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s; all targets)
set -euo pipefail
cd "$(dirname "$0")/.."
# clang 16 (Debian 12's clang 14 lacks std::source_location with GCC 12's library, which
# sim/error.hpp uses); its llvm-symbolizer turns report stacks into file:line.
export PATH="/usr/lib/llvm-16/bin:$PATH"
seconds="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(scenario edge_list)
tree="${WOM_ASAN_DIR:-build-asan}"
flags="${WOM_SANITIZE_FLAGS:--O1 -g0 -fno-omit-frame-pointer}"  # as scripts/sanitize.sh

if [[ ! -f "$tree/CMakeCache.txt" ]] || ! grep -q "WOM_BUILD_FUZZERS:BOOL=ON" "$tree/CMakeCache.txt"; then
  cmake -S . -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="$flags" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags" \
    -DWOM_SANITIZER=address -DWOM_BUILD_BENCHMARKS=OFF -DWOM_BUILD_FUZZERS=ON >/dev/null
fi
cmake --build "$tree" -j "$(nproc)" --target "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
mkdir -p "$tree/fuzz-artifacts"
status=0
for t in "${targets[@]}"; do
  corpus="$tree/fuzz-corpus/$t"
  mkdir -p "$corpus"
  dict=()
  [[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
  echo "fuzz: $t for $seconds s"
  # -rss_limit_mb: an input that makes the loader allocate gigabytes is a finding too.
  # -timeout: a single input taking 10 s is a hang. One job: the machine has 2 cores.
  seeds=("tests/fuzz/corpus/$t")
  [[ -d tests/fuzz/regressions/$t ]] && seeds+=("tests/fuzz/regressions/$t")
  if ! "$tree/tests/fuzz/${t}_fuzz" "$corpus" "${seeds[@]}" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
      -artifact_prefix="$tree/fuzz-artifacts/${t}-" 2>"$tree/fuzz-$t.log"; then
    status=1
    echo "fuzz: $t FAILED; the input is in $tree/fuzz-artifacts/, the log in $tree/fuzz-$t.log" >&2
    grep -E "ERROR|SUMMARY|Test unit written" "$tree/fuzz-$t.log" >&2 || tail -30 "$tree/fuzz-$t.log" >&2
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added|cov:" "$tree/fuzz-$t.log" | tail -3
  fi
done
exit $status
