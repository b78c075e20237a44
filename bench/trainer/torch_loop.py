#!/usr/bin/python3
"""The reference for bench_trainer: sweep's training step written as a plain
PyTorch loop (Debian python3-torch), so the C++ trainer's tokens/s can be
compared with what the same framework reaches from Python.

Same model as kernels/model/gpt.cpp (pre-norm GPT, learned positions, tied head,
tanh GELU, GPT-2 init with residual projections at 0.02/sqrt(2L)), same
AdamW (decay on >=2-dim parameters only, betas 0.9/0.95, weight decay 0.1),
linear warmup then cosine schedule, gradient clipping at 1.0, same batch,
sequence length and thread count. Inputs are random byte ids (the C++ trainer
reads its task corpus; the cost of making a batch is part of its figure).

Prints one line: `python L=.. d=.. B=.. T=.. threads=.. steps=.. tokens_per_s=..`,
timed over the steps after the first `--skip` (warm-up) steps.
"""
import argparse
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, d, h, block):
        super().__init__()
        self.h = h
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        causal = torch.ones(block, block, dtype=torch.bool).tril()
        self.register_buffer("mask", torch.zeros(1, 1, block, block).masked_fill(~causal, float("-inf")))

    def forward(self, x):  # (B, T, C) -> (B, T, C)
        B, T, C = x.shape
        hs = C // self.h
        q, k, v = self.qkv(x).split(C, dim=2)  # 3 x (B, T, C)
        q = q.view(B, T, self.h, hs).transpose(1, 2)  # (B, H, T, hs)
        k = k.view(B, T, self.h, hs).transpose(1, 2)
        v = v.view(B, T, self.h, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))  # (B, H, T, T)
        att = torch.softmax(att + self.mask[:, :, :T, :T], dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, d, h, block):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = Attention(d, h, block)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.fc_proj = nn.Linear(4 * d, d)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, block, n_layer, d, h):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(block, d)
        self.blocks = nn.ModuleList([Block(d, h, block) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d)
        residual_std = 0.02 / math.sqrt(2.0 * n_layer)
        with torch.no_grad():
            for name, p in self.named_parameters():
                if "ln" in name:
                    continue
                if p.dim() == 1:
                    p.zero_()
                elif "proj.weight" in name:
                    p.normal_(0.0, residual_std)
                else:
                    p.normal_(0.0, 0.02)

    def forward(self, idx):  # (B, T) -> (B, T, V)
        T = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(T))  # (B, T, C)
        for b in self.blocks:
            x = b(x)
        return self.ln_f(x) @ self.wte.weight.t()


def lr_at(step, total, peak, warmup, min_ratio=0.1):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    lo = peak * min_ratio
    return lo + 0.5 * (peak - lo) * (1.0 + math.cos(math.pi * progress))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n_layer", type=int, required=True)
    ap.add_argument("--d_model", type=int, required=True)
    ap.add_argument("--n_head", type=int, required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--skip", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=50)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = GPT(256, args.seq, args.n_layer, args.d_model, args.n_head)
    model.train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    B, T = args.batch, args.seq
    gen = torch.Generator().manual_seed(1)
    a, b, c = torch.randn(1024, 1024), torch.randn(1024, 1024), torch.empty(1024, 1024)

    def sgemm_rate_now():  # as bench_trainer's: one untimed call, then the median of 5 timings
        torch.mm(a, b, out=c)
        rates = []
        for _ in range(5):
            t0 = time.perf_counter()
            torch.mm(a, b, out=c)
            rates.append(2 * 1024 ** 3 / (time.perf_counter() - t0))
        return statistics.median(rates)

    seconds, paired = 0.0, []
    for step in range(args.steps):
        t0 = time.perf_counter()
        data = torch.randint(0, 256, (B, T + 1), generator=gen)  # (B, T+1)
        x, y = data[:, :T], data[:, 1:]
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, args.lr, args.warmup)
        opt.zero_grad(set_to_none=True)
        logits = model(x)  # (B, T, V)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index=-1)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss_value = loss.item()  # the C++ trainer reads each step's loss for its log too
        if step >= args.skip:
            seconds += time.perf_counter() - t0
        rate = sgemm_rate_now()  # not timed with the step
        if step >= args.skip:
            paired.append(rate)
    tok_s = (args.steps - args.skip) * B * T / seconds
    print(f"python L={args.n_layer} d={args.d_model} h={args.n_head} B={B} T={T} threads={args.threads} "
          f"steps={args.steps} skip={args.skip} loss={loss_value:.4f} tokens_per_s={tok_s:.1f} "
          f"sgemm_paired_gflops={statistics.median(paired) / 1e9:.2f}", flush=True)


if __name__ == "__main__":
    main()
