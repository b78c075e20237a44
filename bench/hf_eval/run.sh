#!/usr/bin/env bash
# Eval examples/s of a GPT-2-shaped Hugging Face model (6 layers, d 384, 6
# heads, vocabulary 50257, random weights; make_tiny_checkpoints.py --bench):
# `sweep score` against a plain Debian python3-torch loop (torch_score.py), in
# one run, same examples, same batch, fp32, every process pinned to one CPU
# with one thread. sweep's scoring time is its run on all examples less its
# run on the first one (start, module load, weights, tokenizer); the peer
# times its scoring loop alone (ids pre-tokenized, so tokenizing is not timed
# on its side, and sweep's tokenizing counts against it). Median of REPS.
# Also prints the largest |difference| of the two's log-probabilities.
# Figures: bench/RESULTS.md, "Hugging Face eval".
#
#   bench/hf_eval/run.sh [BUILD_DIR] [REPS] [EXAMPLES] [BATCH]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
reps=${2:-3}
examples=${3:-64}
batch=${4:-16}
cmake --build "$build" --target sweep sweep_worker >/dev/null
work=$build/bench-hf-eval
model=$work/bench-gpt2
[ -f "$model/model.safetensors" ] || /usr/bin/python3 tests/kernels/model/hf/make_tiny_checkpoints.py --bench "$work"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Examples: two consecutive non-empty lines of the license texts joined (~140 bytes).
cat /usr/share/common-licenses/* | python3 -c "
import sys
lines = [l.strip() for l in sys.stdin if l.strip()]
out = [' '.join(lines[i:i + 2]) for i in range(0, len(lines) - 1, 2)][:$examples]
assert len(out) == $examples, len(out)
sys.stdout.write('\n'.join(out) + '\n')" > "$tmp/text.txt"
head -n 1 "$tmp/text.txt" > "$tmp/one.txt"
"$build/sweep" tokenize --tokenizer "$model/tokenizer.json" "$tmp/text.txt" > "$tmp/ids.txt"
cpu=$(taskset -pc $$ | sed 's/.*: //; s/[,-].*//')
pin="taskset -c $cpu"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

now() { date +%s.%N; }
full=() one=() peer=()
for ((r = 0; r < reps; r++)); do
  t0=$(now); $pin "$build/sweep" score --model "$model" --text "$tmp/text.txt" --batch "$batch" > "$tmp/sweep.jsonl"; t1=$(now)
  full+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); $pin "$build/sweep" score --model "$model" --text "$tmp/one.txt" --batch "$batch" > /dev/null; t1=$(now)
  one+=("$(echo "$t1 - $t0" | bc)")
  peer+=("$($pin /usr/bin/python3 bench/hf_eval/torch_score.py "$model" "$tmp/ids.txt" "$batch" "$tmp/torch.jsonl")")
done
/usr/bin/python3 - "$tmp/sweep.jsonl" "$tmp/torch.jsonl" "$reps" "${full[@]}" "${one[@]}" "${peer[@]}" <<'PY'
import json, statistics, sys
sweep_out, torch_out, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
a = sys.argv[4:]
full, one, peer = [float(x) for x in a[:reps]], [float(x) for x in a[reps:2 * reps]], a[2 * reps:]
peer = [dict(zip(p.split()[::2], map(float, p.split()[1::2]))) for p in peer]
n, tokens = int(peer[0]["examples"]), int(peer[0]["tokens"])
sweep_s = statistics.median(f - o for f, o in zip(full, one))
torch_s = statistics.median(p["score_s"] for p in peer)
diff = 0.0
for ls, lt in zip(open(sweep_out), open(torch_out)):
    s, t = json.loads(ls), json.loads(lt)
    assert s["ids"] == t["ids"]
    diff = max([diff] + [abs(x - y) for x, y in zip(s["logprobs"][1:], t["logprobs"][1:])])
print(f"examples {n}  tokens {tokens}  (mean {tokens / n:.0f} per example)")
print(f"sweep score : {n / sweep_s:8.1f} examples/s  {tokens / sweep_s:9.0f} tokens/s  "
      f"(scoring {sweep_s:.2f} s = run {statistics.median(full):.2f} s - one-line run {statistics.median(one):.2f} s)")
print(f"torch loop  : {n / torch_s:8.1f} examples/s  {tokens / torch_s:9.0f} tokens/s  "
      f"(scoring {torch_s:.2f} s; load {statistics.median(p['load_s'] for p in peer):.2f} s)")
print(f"ratio sweep / torch: {torch_s / sweep_s:.2f}x   max |logprob difference| {diff:.2e}")
PY
