#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time from its seed corpus.
# Usage: run_fuzzer.sh FUZZER grid|store|csv|safetensors REPO SECONDS [extra libFuzzer flags]
# Seeds: grid = every .toml under sweeps/ and tests/; store = stores written by
# store_seeds (next to the fuzzer); csv = every .csv under tests/; safetensors =
# every .safetensors under tests/. tests/fuzz/regressions/TARGET/ holds every
# input that once failed; they run first, each must pass. Exit non-zero on any
# finding; the reproducer is left in the working directory (crash-*, leak-*,
# timeout-*, oom-*).
set -euo pipefail
fuzzer=$1; target=$2; repo=$3; seconds=$4; shift 4
work=$(mktemp -d /tmp/sweep-fuzz-$target.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds"
case $target in
  grid)
    find "$repo/sweeps" "$repo/tests" -name '*.toml' -exec cp --backup=numbered -t "$work/seeds" {} +
    flags=(-dict="$repo/tests/fuzz/toml.dict" -max_len=8192) ;;
  store)
    "$(dirname "$fuzzer")/store_seeds" "$work/seeds"
    flags=(-max_len=1048576) ;;  # whole seed stores, not only their first pages
  csv)
    find "$repo/tests" -name '*.csv' -exec cp --backup=numbered -t "$work/seeds" {} +  # seeds/ included
    flags=(-max_len=65536) ;;
  safetensors)
    find "$repo/tests" -name '*.safetensors' -exec cp --backup=numbered -t "$work/seeds" {} +  # seeds/ included
    flags=(-max_len=65536) ;;
  *) echo "run_fuzzer: unknown target $target" >&2; exit 2 ;;
esac
regressions="$repo/tests/fuzz/regressions/$target"
if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
  echo "run_fuzzer: $target: $(ls "$regressions" | wc -l) regression input(s)"
  LSAN_OPTIONS="suppressions=$repo/tests/sanitizers/lsan.supp" \
    "$fuzzer" -rss_limit_mb=2048 -timeout=20 "$regressions"/*
fi
echo "run_fuzzer: $target: $(ls "$work/seeds" | wc -l) seeds, ${seconds} s"
export LSAN_OPTIONS="suppressions=$repo/tests/sanitizers/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
rc=0
"$fuzzer" "${flags[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 \
  -print_final_stats=1 "$@" "$work/corpus" "$work/seeds" > "$work/log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  tail -n 80 "$work/log"
  echo "run_fuzzer: $target: FINDING, exit $rc (reproducer in $(pwd))"; exit 1
fi
grep -E '^(INFO: seed corpus|#[0-9]+.*DONE|Done [0-9]+ runs|stat::)' "$work/log" || tail -n 5 "$work/log"
echo "run_fuzzer: $target: no finding"
