#!/usr/bin/python3
"""Sums a LibTorch profiler Chrome trace (bench_trainer phases with
BENCH_TRACE=FILE) by op: self time per op, as a share of the profiled steps.
Usage: bench/trainer/ops.py TRACE.json [TOP]"""
import json
import sys
from collections import defaultdict


def main():
    events = json.load(open(sys.argv[1]))
    events = events["traceEvents"] if isinstance(events, dict) else events
    spans = sorted((e for e in events if e.get("ph") == "X"), key=lambda e: (str(e.get("tid")), e["ts"], -e["dur"]))
    # Self time: a span's duration less that of the spans directly inside it (same thread).
    self_us = [e["dur"] for e in spans]
    stack = []  # (end, index, tid)
    for i, e in enumerate(spans):
        while stack and (stack[-1][2] != e.get("tid") or stack[-1][0] <= e["ts"]):
            stack.pop()
        if stack:
            self_us[stack[-1][1]] -= e["dur"]
        stack.append((e["ts"] + e["dur"], i, e.get("tid")))
    by_op = defaultdict(float)
    calls = defaultdict(int)
    for e, us in zip(spans, self_us):
        by_op[e["name"]] += us
        calls[e["name"]] += 1
    total = sum(by_op.values())
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    print(f"{'op':60s} {'calls':>7s} {'self ms':>10s} {'share':>7s}")
    for op, us in sorted(by_op.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{op[:60]:60s} {calls[op]:7d} {us / 1e3:10.1f} {100 * us / total:6.1f}%")
    print(f"{'total':60s} {'':7s} {total / 1e3:10.1f}")


if __name__ == "__main__":
    main()
