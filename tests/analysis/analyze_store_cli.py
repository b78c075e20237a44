#!/usr/bin/python3
"""`sweep analyze` on the store of a real smoke sweep (tests/mpi's np2 store):
exit 0, the JSON's keys, a verdict for every (task, prompt, metric) over params, and
the store left as it was.

usage: analyze_store_cli.py SWEEP STORE
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import h5py

sweep, store = sys.argv[1], sys.argv[2]
VERDICTS = {"flat", "smooth_positive", "emergent", "inverse", "u_shaped", "inverted_u"}


def digest(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


before = digest(store)
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "findings.h5")
    r = subprocess.run([sweep, "analyze", store, "--json", "--out", out, "--bootstrap", "10"],
                       capture_output=True, text=True)
    assert r.returncode == 0, (r.returncode, r.stderr)
    found = json.loads(r.stdout)
    assert os.path.exists(out)
for key in ["chinchilla", "power_laws", "verdicts", "crossovers", "artefacts", "notes"]:
    assert key in found, key
# The smoke grid trains 2 sizes x 2 data sizes: too few runs for L(N, D), and the JSON says why.
assert found["chinchilla"] is None and any("Chinchilla" in n for n in found["notes"]), found["notes"]
assert found["loss_metric"] == "eval_loss" and len(found["loss_points"]) == 4, found["loss_points"]
# Approach 1 reads the store's /curves: 4 runs, 2 sizes, so its exponent is unidentified;
# approach 2 has no budget with 3 sizes; approach 3 is not fitted.
env = found["approach1"]
assert env is not None and env["loss"] == "training" and env["runs"] == 4, env
assert env["status"] == "unidentified" and env["distinct_N"] == 2, env
assert found["approach2"]["status"] == "unidentified" and found["approach2"]["grouping"] in ("6ND", "compute_budget")
assert found["approach3_allocation"] is None
curves = {(v["task"], v["prompt"], v["metric"], v["axis"]) for v in found["verdicts"]}
# One curve per (task, prompt, metric) the store holds, on both axes.
with h5py.File(store, "r") as f:
    m = f["metrics"][()]
evals = m[m["task"] != b""]
# Over params only: the smoke grid trains each size on 2 data sizes, so over FLOPs its points
# zigzag between models and are not judged (a note says so).
expected = {(r["task"].decode(), r["prompt"].decode(), r["metric"].decode(), "params") for r in evals}
assert any("not judged over compute" in n for n in found["notes"]), found["notes"]
em_baseline = {(r["task"].decode(), r["prompt"].decode()): r["random_baseline"] for r in evals if r["metric"] == b"exact_match"}
assert curves == expected, sorted(curves ^ expected)
for v in found["verdicts"]:
    assert v["verdict"] in VERDICTS, v
    assert len(v["points"]) == 2, v
    if v["metric"] == "exact_match":
        assert v["baseline_source"] == "column", v  # the store's random_baseline column
        assert abs(v["baseline"] - em_baseline[(v["task"], v["prompt"])]) < 1e-9, v  # JSON keeps 10 digits
# The text report flags what it cannot trust: the smoke store's fits are unidentified.
with tempfile.TemporaryDirectory() as tmp:
    r = subprocess.run([sweep, "analyze", store, "--out", os.path.join(tmp, "f.h5"), "--bootstrap", "10"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "unidentified" in r.stdout, r.stdout
    assert "store incomplete" not in r.stdout, "a finished sweep is complete"
    # A live store (a copy with jobs pending and running) says it is incomplete, before any fit.
    live = os.path.join(tmp, "live.h5")
    with open(store, "rb") as src, open(live, "wb") as dst:
        dst.write(src.read())
    with h5py.File(live, "r+") as f:
        pts = f["points"][()]
        total = len(pts)
        pts["status"][0:2] = 0  # pending
        pts["status"][2] = 1    # running
        f["points"][...] = pts
    r = subprocess.run([sweep, "analyze", live, "--json", "--bootstrap", "0"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)["store"]
    assert st["complete"] is False and st["pending"] == 2 and st["running"] == 1 and st["points"] == total, st
    r = subprocess.run([sweep, "analyze", live, "--out", os.path.join(tmp, "g.h5"), "--bootstrap", "0"],
                       capture_output=True, text=True)
    line = f"store incomplete: {total - 3} of {total} points done (2 pending, 1 running)"
    assert line in r.stdout and r.stdout.index(line) < r.stdout.index("== Loss"), r.stdout[:400]
assert digest(store) == before, "sweep analyze changed the store"
print("analyze_store_cli: ok,", len(found["verdicts"]), "verdicts")
