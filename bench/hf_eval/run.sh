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
#
# Second measure, eval pairs: log-likelihoods of (context, continuation) pairs
# as lm-evaluation-harness scores a multiple-choice task (EXAMPLES questions of
# ~100 tokens of context, 4 short options each: 4 x EXAMPLES pairs), through
# eval's target_logprob (bench_hf_eval_pairs, eval_pairs.cpp) against the
# harness's Hugging Face backend's way in python3-torch (torch_pairs.py: full
# forward, log_softmax at every position, gather the continuation), BATCH pairs
# at a time in the same order, same pinning; each side times its scoring loop
# alone (sweep's includes tokenizing). Median of REPS; prints the largest
# |difference| of the two's per-pair log-likelihoods.
# Figures: bench/RESULTS.md, "Hugging Face eval".
#
#   bench/hf_eval/run.sh [BUILD_DIR] [REPS] [EXAMPLES] [BATCH]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
reps=${2:-3}
examples=${3:-64}
batch=${4:-16}
cmake --build "$build" --target sweep sweep_worker bench_hf_eval_pairs >/dev/null
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

# Eval pairs: a question is >= 130 bytes of license text (~100 tokens of the
# bench folder's small tokenizer) ending in
# "Answer:"; its options are the first words of the next line (gold) and of
# three other lines (1-3 words each).
cat /usr/share/common-licenses/* | python3 -c "
import json, random, sys
lines = [l.strip() for l in sys.stdin if len(l.split()) >= 6]
rng = random.Random(20)
out, i = [], 0
while len(out) < 4 * $examples:
    ctx = ''
    while len(ctx) < 130:
        ctx += lines[i] + ' '
        i += 1
    gold = lines[i]
    i += 1
    options = [gold] + rng.sample(lines, 3)
    for o in options:
        out.append({'context': 'Question: ' + ctx.strip() + '\nAnswer:', 'continuation': ' ' + ' '.join(o.split()[:rng.randint(1, 3)])})
sys.stdout.write(''.join(json.dumps(p) + '\n' for p in out))" > "$tmp/pairs.jsonl"
mine=() theirs=()
for ((r = 0; r < reps; r++)); do
  mine+=("$($pin "$build/bench/bench_hf_eval_pairs" "$model" "$tmp/pairs.jsonl" "$batch" "$tmp/pairs_sweep.jsonl")")
  theirs+=("$($pin /usr/bin/python3 bench/hf_eval/torch_pairs.py "$model" "$tmp/pairs_sweep.jsonl" "$batch" "$tmp/pairs_torch.jsonl")")
done
/usr/bin/python3 - "$tmp/pairs_sweep.jsonl" "$tmp/pairs_torch.jsonl" "$reps" "${mine[@]}" "${theirs[@]}" <<'PY'
import json, statistics, sys
sweep_out, torch_out, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [dict(zip(p.split()[::2], map(float, p.split()[1::2]))) for p in sys.argv[4:]]
mine, theirs = runs[:reps], runs[reps:]
n = int(mine[0]["examples"])
s = [json.loads(l) for l in open(sweep_out)]
t = [json.loads(l) for l in open(torch_out)]
assert len(s) == len(t) == n, (len(s), len(t), n)
ctx = sum(len(p["context_ids"]) for p in s) / n
cont = sum(len(p["continuation_ids"]) for p in s) / n
diff = max(abs(a["logprob"] - b["logprob"]) for a, b in zip(s, t))
sweep_s = statistics.median(r["score_s"] for r in mine)
torch_s = statistics.median(r["score_s"] for r in theirs)
print(f"eval pairs  {n}  (mean {ctx:.0f} context + {cont:.1f} continuation tokens)")
print(f"sweep target_logprob : {n / sweep_s:8.1f} pairs/s  (scoring {sweep_s:.2f} s; load {statistics.median(r['load_s'] for r in mine):.2f} s)")
print(f"torch harness loop   : {n / torch_s:8.1f} pairs/s  (scoring {torch_s:.2f} s; load {statistics.median(r['load_s'] for r in theirs):.2f} s)")
print(f"ratio sweep / torch: {torch_s / sweep_s:.2f}x   max |log-likelihood difference| {diff:.2e}")
PY
