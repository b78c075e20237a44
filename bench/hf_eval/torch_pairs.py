#!/usr/bin/env python3
"""The PyTorch peer of bench_hf_eval_pairs (bench/hf_eval/eval_pairs.cpp): the
log-likelihoods of (context, continuation) pairs scored the way
lm-evaluation-harness's Hugging Face backend scores loglikelihood requests, in a
plain Debian python3-torch loop on torch_score.py's GPT-2.

    torch_pairs.py MODEL_DIR IDS.jsonl BATCH [OUT.jsonl]

IDS.jsonl: per pair its context_ids and continuation_ids (what
bench_hf_eval_pairs writes, so tokenizing is not timed on this side). As the
harness's _loglikelihood_tokens: the input is (context + continuation)[:-1]
(left-truncated to the model's context), BATCH pairs at a time (in file order,
as the C++ side takes them) right-padded to the batch's longest, one fp32
forward pass under inference_mode, log_softmax over the vocabulary at every
position, then each row's last len(continuation) positions gathered at the
continuation's tokens and summed. Prints one line `load_s S score_s S examples
N`; OUT gets the per-pair log-likelihoods.
"""
import json
import sys
import time

import torch

from torch_score import Gpt2, load


def main():
    if len(sys.argv) not in (4, 5):
        raise SystemExit("usage: torch_pairs.py MODEL_DIR IDS.jsonl BATCH [OUT.jsonl]")
    t0 = time.perf_counter()
    cfg, w = load(sys.argv[1])
    model = Gpt2(cfg, w)
    load_s = time.perf_counter() - t0
    max_length = cfg["n_positions"]
    with open(sys.argv[2]) as f:
        pairs = [json.loads(line) for line in f if line.strip()]
    batch = int(sys.argv[3])
    results = []
    t0 = time.perf_counter()
    with torch.inference_mode():
        for s in range(0, len(pairs), batch):
            rows, conts = [], []
            for p in pairs[s:s + batch]:
                whole = p["context_ids"] + p["continuation_ids"]
                rows.append(whole[-(max_length + 1):][:-1])
                conts.append(p["continuation_ids"])
            T = max(len(r) for r in rows)
            idx = torch.zeros(len(rows), T, dtype=torch.long)
            for b, r in enumerate(rows):
                idx[b, :len(r)] = torch.tensor(r, dtype=torch.long)
            logp = torch.log_softmax(model.logits(idx), dim=-1)  # (B, T, V)
            for b, (r, c) in enumerate(zip(rows, conts)):
                # The continuation's tokens are predicted at the row's last len(c) positions.
                lp = logp[b, len(r) - len(c):len(r)]  # (len(c), V)
                results.append(float(lp.gather(-1, torch.tensor(c).unsqueeze(-1)).sum()))
    score_s = time.perf_counter() - t0
    print("load_s %.3f score_s %.3f examples %d" % (load_s, score_s, len(pairs)))
    if len(sys.argv) == 5:
        with open(sys.argv[4], "w") as f:
            for r in results:
                f.write(json.dumps({"logprob": r}) + "\n")


if __name__ == "__main__":
    main()
