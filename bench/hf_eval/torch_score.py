#!/usr/bin/env python3
"""The PyTorch peer of `sweep score` for bench/hf_eval: a GPT-2 (Hugging Face
layout) scored line by line in a plain Debian python3-torch loop.

    torch_score.py MODEL_DIR IDS_FILE BATCH [OUT.jsonl]

IDS_FILE: one line of space-separated token ids per example (what `sweep
tokenize` prints), so tokenizing is not timed on either side. Examples are
taken BATCH at a time in file order, right-padded to the batch's longest (causal
attention: padding never reaches a real position), one fp32 forward pass per
batch under no_grad; log_softmax over the vocabulary, each token's log-prob
gathered. Prints one line `load_s S score_s S examples N tokens N`; OUT gets
the log-probabilities as `sweep score` prints them, for comparing the two.
"""
import json
import math
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(model_dir):
    with open(model_dir + "/config.json") as f:
        cfg = json.load(f)
    with open(model_dir + "/model.safetensors", "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    w = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        a, b = info["data_offsets"]
        arr = np.frombuffer(data, dtype="<f4", count=(b - a) // 4, offset=8 + n + a)
        w[name] = torch.from_numpy(arr.reshape(info["shape"]).copy())
    return cfg, w


class Gpt2:
    """GPT-2's forward pass in torch ops; Conv1D weights are (in, out), so x @ W."""

    def __init__(self, cfg, w):
        self.w, self.H = w, cfg["n_head"]
        self.L, self.eps = cfg["n_layer"], cfg["layer_norm_epsilon"]
        self.wte_t = w["transformer.wte.weight"].t().contiguous()  # (C, V): the tied head

    def logits(self, idx):  # (B, T) -> (B, T, V)
        w, H = self.w, self.H
        B, T = idx.shape
        x = w["transformer.wte.weight"][idx] + w["transformer.wpe.weight"][:T]  # (B, T, C)
        C = x.shape[-1]
        mask = torch.full((T, T), float("-inf")).triu(1)  # (T, T)
        for i in range(self.L):
            p = "transformer.h.%d." % i
            h = F.layer_norm(x, (C,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], self.eps)
            qkv = torch.addmm(w[p + "attn.c_attn.bias"], h.view(B * T, C), w[p + "attn.c_attn.weight"])
            q, k, v = qkv.view(B, T, 3, H, C // H).permute(2, 0, 3, 1, 4)  # 3 x (B, H, T, hs)
            att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(C // H) + mask, dim=-1)  # (B, H, T, T)
            y = (att @ v).transpose(1, 2).reshape(B * T, C)
            x = x + torch.addmm(w[p + "attn.c_proj.bias"], y, w[p + "attn.c_proj.weight"]).view(B, T, C)
            h = F.layer_norm(x, (C,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], self.eps)
            h = F.gelu(torch.addmm(w[p + "mlp.c_fc.bias"], h.view(B * T, C), w[p + "mlp.c_fc.weight"]),
                       approximate="tanh")
            x = x + torch.addmm(w[p + "mlp.c_proj.bias"], h, w[p + "mlp.c_proj.weight"]).view(B, T, C)
        x = F.layer_norm(x, (C,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], self.eps)
        return (x.view(B * T, C) @ self.wte_t).view(B, T, -1)


def main():
    if len(sys.argv) not in (4, 5):
        raise SystemExit("usage: torch_score.py MODEL_DIR IDS_FILE BATCH [OUT.jsonl]")
    t0 = time.perf_counter()
    model = Gpt2(*load(sys.argv[1]))
    load_s = time.perf_counter() - t0
    with open(sys.argv[2]) as f:
        lines = [[int(t) for t in line.split()] for line in f]
    batch = int(sys.argv[3])
    results, tokens = [], 0
    t0 = time.perf_counter()
    with torch.no_grad():
        for s in range(0, len(lines), batch):
            rows = lines[s:s + batch]
            T = max(len(r) for r in rows)
            idx = torch.zeros(len(rows), T, dtype=torch.long)
            for b, r in enumerate(rows):
                idx[b, :len(r)] = torch.tensor(r, dtype=torch.long)
            lp = torch.log_softmax(model.logits(idx), dim=-1)  # (B, T, V)
            got = lp[:, :-1].gather(-1, idx[:, 1:].unsqueeze(-1)).squeeze(-1)  # (B, T-1)
            for b, r in enumerate(rows):
                results.append((r, got[b, :len(r) - 1].tolist()))
                tokens += len(r)
    score_s = time.perf_counter() - t0
    print("load_s %.3f score_s %.3f examples %d tokens %d" % (load_s, score_s, len(lines), tokens))
    if len(sys.argv) == 5:
        with open(sys.argv[4], "w") as f:
            for r, lps in results:
                f.write(json.dumps({"ids": r, "logprobs": ([None] + lps) if r else []}) + "\n")


if __name__ == "__main__":
    main()
