#!/usr/bin/env bash
# Encoding MB/s on one core: sweep's tokenizers (bench_tokenizer) against
# Hugging Face's Rust crate (npm "tokenizers", RAYON_NUM_THREADS=1) and the
# pure-JS @huggingface/tokenizers, on the parity corpus, same run, per
# tokenizer; median of REPS; every process pinned to one CPU (taskset).
# Load time is excluded everywhere; each repetition starts with a fresh
# tokenizer (empty word caches). Figures: bench/RESULTS.md, "Tokenizers".
#
#   bench/tokenizer/run.sh [BUILD_DIR] [REPS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
reps=${2:-3}
cmake --build "$build" --target bench_tokenizer >/dev/null
tests/text/parity/fetch.sh >/dev/null
cache=$(cd "${SWEEP_NPM_CACHE:-build/npm-ref}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
corpus=$tmp/corpus.txt
python3 tests/text/parity/make_corpus.py "$corpus" >/dev/null
cpu=$(taskset -pc $$ | sed 's/.*: //; s/[,-].*//')
pin="taskset -c $cpu"
export RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false

printf '%-8s %10s %10s %10s %12s %12s\n' tokenizer sweep_MB/s rust_MB/s js_MB/s sweep/rust sweep/js
for name in gpt2 llama3 qwen3 llama2 mistral gemma3; do
  tok=$cache/tokenizers/$name/tokenizer.json
  ours=$($pin "$build/bench/bench_tokenizer" "$tok" "$corpus" "$reps")
  rust=() js=()
  for ((r = 0; r < reps; r++)); do
    rust+=("$($pin node tests/text/parity/reference.js "$cache" "$tok" "$corpus" "$tmp/out" --only rust)")
    js+=("$($pin node tests/text/parity/reference.js "$cache" "$tok" "$corpus" "$tmp/out" --only js)")
  done
  python3 - "$name" "$ours" "${rust[@]}" "${js[@]}" <<'PY'
import json, statistics, sys
name, ours = sys.argv[1], json.loads(sys.argv[2])
runs = [json.loads(a) for a in sys.argv[3:]]
n = len(runs) // 2
mb = ours["bytes"] / 1e6
rust = mb / statistics.median(r["rust_s"] for r in runs[:n])
js = mb / statistics.median(r["js_s"] for r in runs[n:])
s = ours["mb_per_s"]
print(f"{name:<8} {s:10.2f} {rust:10.2f} {js:10.2f} {s / rust:11.2f}x {s / js:11.2f}x"
      f"   (load {ours['load_s']:.2f} s, {ours['tokens']} tokens, {ours['bytes']} bytes)")
PY
done
