"""`sweep status` on a real store: the np2 smoke store (finished), and a copy
with jobs set pending, running and failed through h5py, as a sweep cut off
mid-way leaves it. argv: SWEEP STORE"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import h5py

sweep, store = sys.argv[1], pathlib.Path(sys.argv[2])


def status(*args, code=0):
    r = subprocess.run([sweep, "status", *map(str, args)], capture_output=True, text=True, timeout=120)
    if r.returncode != code:
        sys.exit(f"status_cli: sweep status {' '.join(map(str, args))} exited {r.returncode}, want {code}\n"
                 f"{r.stdout}{r.stderr}")
    return r.stdout, r.stderr


def need(text, pattern, what):
    if not re.search(pattern, text, re.M):
        sys.exit(f"status_cli: {what}: no /{pattern}/ in\n{text}")


with h5py.File(store, "r") as f:
    n_points = len(f["points"])
    curves = f["curves"][:]
    points = f["points"][:]

# The finished store: every job done, 100%, no ETA, no running section.
out, _ = status(store)
need(out, rf"^jobs: {n_points} in all: {n_points} done, 0 running, 0 pending, 0 failed", "job counts")
need(out, r"^sweep smoke: .*\(finished\)", "finished header")
need(out, r"^progress: \[#{20}\] 100% of the work", "full bar")
need(out, r"^throughput: the last \d+ finished runs trained [\d,]+ tokens/s \(s [\d,]+, xs [\d,]+\)", "throughput")
assert "ETA" not in out and "running:" not in out and "failures" not in out, out
# --watch on a store no writer holds prints once and returns.
out_w, _ = status(store, "--watch", "1")
assert out_w == out, (out_w, out)

# --help from the option table; bad command lines exit 2; an unreadable store 1.
out, _ = status("--help")
need(out, r"^usage: sweep status STORE.h5 \[--watch \[SECONDS\]\]", "usage")
need(out, r"--watch", "the option table")
_, err = status(code=2)
need(err, r"missing STORE.h5", "missing operand")
status(store, "--watch=0", code=2)
_, err = status("/nonexistent/x.h5", code=1)
need(err, r"^sweep status: /nonexistent/x.h5", "unreadable store")

with tempfile.TemporaryDirectory() as tmp:
    cut = pathlib.Path(tmp) / "cut.h5"
    shutil.copy(store, cut)
    trains = [i for i, p in enumerate(points) if p["job"] == b"train"]
    run = trains[-1]  # running, with its curve rows as logged
    run_id = points[run]["point_id"]
    evals = [i for i, p in enumerate(points) if p["job"] == b"eval" and p["model"] == points[run]["model"]
             and p["data_tokens"] == points[run]["data_tokens"]]
    other_eval = next(i for i, p in enumerate(points) if p["job"] == b"eval" and i not in evals)
    with h5py.File(cut, "r+") as f:
        pts = f["points"]
        rows = pts[:]
        rows["status"][run] = 1
        rows["status"][evals] = 0
        rows["status"][other_eval] = 3
        rows["error"][other_eval] = b"RuntimeError: made up for the test"
        pts[:] = rows
    mine = curves[(curves["run_id"] == run_id) & (curves["attempt"] == curves[curves["run_id"] == run_id]["attempt"].max())]
    last = mine[mine["step"].argmax()]

    out, _ = status(cut)
    need(out, rf"^jobs: {n_points} in all: {n_points - 2 - len(evals)} done, 1 running, {len(evals)} pending, 1 failed",
         "counts of the cut store")
    need(out, r"not running: no writer holds it", "header of a store no writer holds")
    m = re.search(r"^progress: \[[#.]{20}\] (\d+)% of the work .*\| work left: ", out, re.M)
    if not m or not 0 < int(m.group(1)) < 100:
        sys.exit(f"status_cli: want a progress between 0 and 100% and the work left\n{out}")
    # The running run's latest step and loss, from its curve.
    need(out, rf"^  train {points[run]['model'].decode()} d={points[run]['data_tokens']} \(rank .*\): "
              rf"step {last['step']}, {last['tokens']} of {points[run]['data_tokens']} tokens \(\d+%\), "
              rf"loss {last['loss']:.4f}", "the running run's latest loss")
    need(out, r"^failures \(1\):\n  eval .*: failed: RuntimeError: made up for the test", "the failure's message")
print(out, end="")
print("status_cli: finished and cut-off stores reported as expected")
