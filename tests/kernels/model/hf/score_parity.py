#!/usr/bin/env python3
"""`sweep score` on a tiny Hugging Face model folder against the reference
log-probabilities in fixtures/NAME.jsonl (FIXTURES.md says how they were made).

    score_parity.py BUILD_DIR OUT_DIR NAME [--dtype float32|bfloat16] [--tol X] [--fixture F]

Writes the tiny folders with make_tiny_checkpoints.py into OUT_DIR once (again
only when that script changes), runs BUILD_DIR/sweep score --model OUT_DIR/NAME
--text score_text.txt, and requires every line's ids to equal the fixture's and
every log-probability to lie within --tol (default 1e-4) of it; prints the
largest difference either way. --fixture names another fixture to compare
with (a bfloat16 run of llama-bf16 against llama's fp32 numbers, say).
"""
import argparse
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MAKER = os.path.join(HERE, "make_tiny_checkpoints.py")
TEXT = os.path.join(HERE, "score_text.txt")


def ensure_checkpoints(out_dir):
    """OUT_DIR holds the folders and a stamp of the script that wrote them; a
    new script rewrites them. Written beside and renamed into place, so parallel
    tests never read a half-written folder."""
    with open(MAKER, "rb") as f:
        stamp = hashlib.sha256(f.read()).hexdigest()
    stamp_file = os.path.join(out_dir, ".stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return
    parent = os.path.dirname(os.path.abspath(out_dir))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=".tiny-")
    subprocess.run([sys.executable, MAKER, tmp], check=True)
    with open(os.path.join(tmp, ".stamp"), "w") as f:
        f.write(stamp)
    old = None
    if os.path.exists(out_dir):
        old = tempfile.mkdtemp(dir=parent, prefix=".old-")
        try:
            os.rename(out_dir, os.path.join(old, "x"))
        except FileNotFoundError:
            pass  # another test moved it first
    try:
        os.rename(tmp, out_dir)
    except OSError:  # another test put a fresh copy there first
        shutil.rmtree(tmp, ignore_errors=True)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def read_jsonl(text, what):
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            rows.append(json.loads(line))
        except ValueError as e:
            raise SystemExit("score_parity: %s line %d: not JSON (%s): %r" % (what, n, e, line[:200]))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("out_dir")
    ap.add_argument("name")
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--fixture", default=None)
    args = ap.parse_args()

    ensure_checkpoints(args.out_dir)
    fixture = os.path.join(HERE, "fixtures", (args.fixture or args.name) + ".jsonl")
    with open(fixture, encoding="utf-8") as f:
        want = read_jsonl(f.read(), fixture)
    cmd = [os.path.join(args.build_dir, "sweep"), "score", "--model", os.path.join(args.out_dir, args.name),
           "--text", TEXT, "--dtype", args.dtype]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise SystemExit("score_parity: %s exited %d" % (" ".join(cmd), run.returncode))
    got = read_jsonl(run.stdout, "sweep score's output")
    if len(got) != len(want):
        raise SystemExit("score_parity: %d lines scored, the fixture has %d" % (len(got), len(want)))

    worst, where, failures = 0.0, None, 0
    for n, (g, w) in enumerate(zip(got, want), 1):
        if g["ids"] != w["ids"]:
            raise SystemExit("score_parity: line %d: ids %s, the fixture's %s" % (n, g["ids"], w["ids"]))
        lg, lw = g["logprobs"], w["logprobs"]
        if len(lg) != len(lw) or (lw and lg[0] is not None):
            raise SystemExit("score_parity: line %d: logprobs %s, the fixture's %s" % (n, lg, lw))
        for i in range(1, len(lw)):
            d = abs(lg[i] - lw[i]) if lg[i] is not None and math.isfinite(lg[i]) else math.inf
            if d > worst:
                worst, where = d, (n, i)
            if d > args.tol:
                failures += 1
                if failures <= 5:
                    print("line %d token %d: %r, the fixture's %r (|diff| %.3g)" % (n, i, lg[i], lw[i], d))
    print("%s (%s) vs fixtures/%s.jsonl: %d lines, max |diff| %.3g at line %s token %s, tolerance %.3g"
          % (args.name, args.dtype, args.fixture or args.name, len(want), worst,
             where[0] if where else "-", where[1] if where else "-", args.tol))
    if failures:
        raise SystemExit("score_parity: %d log-probabilities beyond the tolerance" % failures)


if __name__ == "__main__":
    main()
