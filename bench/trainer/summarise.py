#!/usr/bin/python3
"""Table rows for bench/RESULTS.md from a bench/trainer/run.sh log: per config,
medians over repetitions, and min/median/max of the per-repetition ratios
(C++ / Python tokens/s from adjacent runs; C++ FLOP/s / the sgemm rate that the
same process measured right before and after training through LibTorch and
through oneDNN, the highest of the four; and the median over a run's steps of
each step's FLOP/s / the sgemm rate measured right after that step)."""
import statistics
import sys
from collections import defaultdict


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def mmm(xs):
    return f"{min(xs):.3f} / {statistics.median(xs):.3f} / {max(xs):.3f}"


def main(path):
    sgemm = {}  # (rep, threads) -> GFLOP/s at 1024^3
    runs = defaultdict(lambda: defaultdict(dict))  # config -> rep -> {"cpp": f, "python": f}
    for line in open(path):
        parts = line.split()
        if len(parts) < 2:
            continue
        f = fields(line)
        kind = parts[1]
        if kind == "sgemm" and f.get("m") == "1024" and f.get("k") == "1024":
            sgemm[(f["rep"], f["threads"])] = max(float(f["gflops"]), float(f.get("onednn_gflops", 0)))
        elif kind in ("cpp", "python"):
            key = (int(f["L"]), int(f["d"]), int(f["h"]), int(f["B"]), int(f["T"]), int(f["threads"]))
            runs[key][f["rep"]][kind] = f
    print("| model (L x d, heads) | n_params | B x T | threads | sgemm GFLOP/s | C++ tokens/s | Python tokens/s "
          "| C++/Python min/med/max | C++/Python per paired sgemm, min/med/max | C++ GFLOP/s 6N (6N+attn) | of sgemm, 6N+attn, min/med/max "
          "| of sgemm paired per step, min/med/max |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (L, d, h, B, T, th), reps in runs.items():
        both = {r: v for r, v in reps.items() if "cpp" in v and "python" in v}
        cpp = [float(v["cpp"]["tokens_per_s"]) for v in both.values()]
        py = [float(v["python"]["tokens_per_s"]) for v in both.values()]
        ratio = [c / p for c, p in zip(cpp, py)]
        # Each run's tokens/s per GFLOP/s of the sgemm timed beside its steps:
        # the ratio with the machine's drift between the two runs taken out.
        normed = [(float(v["cpp"]["tokens_per_s"]) / float(v["cpp"]["sgemm_paired_gflops"]))
                  / (float(v["python"]["tokens_per_s"]) / float(v["python"]["sgemm_paired_gflops"]))
                  for v in both.values() if "sgemm_paired_gflops" in v["cpp"] and "sgemm_paired_gflops" in v["python"]]
        g6 = [float(v["cpp"]["gflops_6n"]) for v in both.values()]
        ga = [float(v["cpp"]["gflops_6n_attn"]) for v in both.values()]
        sg = [float(v["cpp"]["sgemm_gflops"]) for v in both.values()]
        of = [a / s for a, s in zip(ga, sg)]
        paired = [float(v["cpp"]["of_sgemm_paired"]) for v in both.values() if "of_sgemm_paired" in v["cpp"]]
        n = next(iter(both.values()))["cpp"]["n_params"]
        print(f"| {L} x {d}, {h} | {int(n):,} | {B} x {T} | {th} | {statistics.median(sg):.1f} "
              f"| {statistics.median(cpp):,.0f} | {statistics.median(py):,.0f} | {mmm(ratio)} | {mmm(normed) if normed else '-'} "
              f"| {statistics.median(g6):.1f} ({statistics.median(ga):.1f}) | {mmm(of)} "
              f"| {mmm(paired) if paired else '-'} |")
    print(f"\n{len(next(iter(runs.values())))} repetitions; sgemm = 1024^3 fp32 matmul, median of 7, same "
          "threads, in the training process before and after the run, through LibTorch and oneDNN (the highest of "
          "the four); paired: each step against the sgemm rate timed right after it (median over the steps); "
          "standalone sgemm per repetition:",
          ", ".join(f"{t} thread(s) {min(v for (r, tt), v in sgemm.items() if tt == t):.1f}-"
                    f"{max(v for (r, tt), v in sgemm.items() if tt == t):.1f}" for t in ("1", "2")))


if __name__ == "__main__":
    main(sys.argv[1])
