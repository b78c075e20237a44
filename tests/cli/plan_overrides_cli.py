#!/usr/bin/python3
"""`sweep plan GRID.toml --ranks P KEY=VALUE ...`: an override changes the
planned jobs, and a bad one exits 2 with its one-line error naming the
override ("command line (train.lr=0):1:10: train.lr: ...").

usage: plan_overrides_cli.py SWEEP
"""
import os
import re
import subprocess
import sys
import tempfile

sweep = sys.argv[1]
failures = []

GRID = """[grid]
model = ["s", "m"]
data_tokens = [1000]
prompt = ["zero_shot"]
task = ["addition"]

[model.s]
n_layer = 1
d_model = 8
n_head = 2

[model.m]
n_layer = 1
d_model = 16
n_head = 2
"""


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def plan(grid, *args):
    return subprocess.run([sweep, "plan", grid, "--ranks", "3", *args], capture_output=True, text=True)


def jobs(out):
    m = re.search(r"jobs\s+(\d+) \((\d+) train, (\d+) eval\)", out)
    return tuple(int(x) for x in m.groups()) if m else None


with tempfile.TemporaryDirectory() as tmp:
    grid = os.path.join(tmp, "g.toml")
    with open(grid, "w") as f:
        f.write(GRID)

    r = plan(grid)
    expect(r.returncode == 0 and jobs(r.stdout) == (4, 2, 2), f"the file alone: 2 runs, 2 points; got {r.stdout!r} {r.stderr!r}")

    r = plan(grid, "grid.model=[\"s\"]")
    expect(r.returncode == 0 and jobs(r.stdout) == (2, 1, 1), f"grid.model=[\"s\"]: 1 run, 1 point; got {r.stdout!r} {r.stderr!r}")

    r = plan(grid, "grid.seed=[1, 2, 3]", "grid.model=['m']")
    expect(r.returncode == 0 and jobs(r.stdout) == (6, 3, 3), f"a seed axis by override: 3 runs; got {r.stdout!r} {r.stderr!r}")

    r = plan(grid, "train.lr=0")
    expect(r.returncode == 2, f"train.lr=0 exits 2, got {r.returncode}")
    expect(r.stderr == "command line (train.lr=0):1:10: train.lr: expected a finite positive number, got 0\n",
           f"train.lr=0: the override's one-line error, got {r.stderr!r}")

    r = plan(grid, "train.lr")
    expect(r.returncode == 2 and r.stderr.startswith("command line (train.lr): expected KEY=VALUE"),
           f"not KEY=VALUE: exit 2 and one line, got {r.returncode} {r.stderr!r}")

    r = subprocess.run([sweep, "plan", "--help"], capture_output=True, text=True)
    expect(r.returncode == 0 and "KEY=VALUE" in r.stdout, f"--help documents the overrides, got {r.stdout!r}")

if failures:
    sys.exit(1)
print("ok")
