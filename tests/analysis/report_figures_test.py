#!/usr/bin/python3
"""The report's figures draw what they claim (analysis/plot_store.py on
report_store.py's store; each PNG's "sweep" text chunk holds what it draws):
  task panels   one panel per (metric, axis, prompt), wrapped so the figure stays
                under 1100 px wide; against N one line per D, against compute one
                line per model size whose points are all that size's; each panel
                its own prompt's baseline and the analysis's verdict of its curve;
                bars inside the metric's range, a Wilson bar above 0 for 0/100;
  loss          the frontier over the fitted runs' compute range exactly (not
                extrapolated), with a bootstrap band, and every run it lies above
                listed (the page says so).

usage: report_figures_test.py SWEEP PLOT_STORE_PY
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_store  # noqa: E402

sweep, script = sys.argv[1], sys.argv[2]


def png(path):
    """(width, height, the JSON of the "sweep" tEXt chunk or None)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    at, found = 8, None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"tEXt":
            key, _, text = data[at + 8:at + 8 + length].partition(b"\0")
            if key == b"sweep":
                found = json.loads(text.decode("latin-1"))
        at += 12 + length
    return width, height, found


with tempfile.TemporaryDirectory() as tmp:
    store = os.path.join(tmp, "report.h5")
    expect = report_store.write(store)
    out = os.path.join(tmp, "page")
    r = subprocess.run(["/usr/bin/python3", script, store, "--out", out, "--sweep", sweep, "--bootstrap", "40"],
                       capture_output=True, text=True)
    print(r.stdout, r.stderr)
    assert r.returncode == 0, r.returncode
    found = json.load(open(os.path.join(out, "analysis.json")))
    verdicts = {(v["prompt"], v["metric"], v["axis"]): v["verdict"] for v in found["verdicts"] if v["task"] == "add2"}

    width, height, task = png(os.path.join(out, "task_add2.png"))
    print(f"task_add2.png: {width} x {height}, {len(task['panels'])} panels")
    assert width <= 1100, f"{width} px: the panels should wrap, not run in one row"
    metrics = ["exact_match", "logprob", "seq_logprob", "ece"]
    assert len(task["panels"]) == len(metrics) * 2 * 2, len(task["panels"])
    sizes = sorted(report_store.SIZES.values())
    for p in task["panels"]:
        where = f"{p['metric']} vs {p['axis']}, {p['prompt']}"
        keys = sorted(line["key"] for line in p["lines"])
        if p["axis"] == "params":
            assert keys == report_store.TOKENS, (where, keys)  # one line per D
        else:
            assert keys == sizes, (where, keys)  # one line per model size
            for line in p["lines"]:  # never a point of another size on a size's line
                d = np.array(line["x"]) / (6 * line["key"])
                assert np.allclose(sorted(d), report_store.TOKENS), (where, line["key"], d)
        # Each prompt's own baseline (seq_logprob: -13.9 and -190), not one for the panel row.
        if p["metric"] == "seq_logprob":
            assert abs(p["baseline"] - report_store.BASELINES[p["prompt"]]) < 1e-9, (where, p["baseline"])
        words = p["verdict"].split(" at ")[0]
        # Several D per N: the compute panels are drawn but not judged (no single curve over FLOPs).
        assert words == verdicts.get((p["prompt"], p["metric"], p["axis"]), "not judged"), (where, p["verdict"])
        if p["axis"] == "flops":
            assert words == "not judged", (where, p["verdict"])
        for line in p["lines"]:
            lo, hi, value = (np.array(line[k]) for k in ("lo", "hi", "value"))
            assert (lo <= value + 1e-12).all() and (value <= hi + 1e-12).all(), where
            if p["metric"] in ("exact_match", "ece"):
                assert (lo >= 0).all() and (hi <= 1).all(), (where, lo, hi)
            if p["metric"] == "exact_match":
                zero = value == 0
                assert (hi[zero] > 0.01).all(), (where, hi[zero])  # 0/100: Wilson's upper end, about 0.037
        if p["metric"] == "ece":
            assert any(min(line["lo"]) == 0 for line in p["lines"]), (where, "a bar clipped at 0")
    assert any(line["value"].count(0) for p in task["panels"] if p["metric"] == "exact_match"
               for line in p["lines"]), "the store has 0/100 points"

    _, _, loss = png(os.path.join(out, "loss_vs_compute.png"))
    front = found["chinchilla"]["frontier"]
    lo, hi = expect["flops"][0], expect["flops"][-1]
    assert abs(front[0]["C"] / lo - 1) < 1e-9 and abs(front[-1]["C"] / hi - 1) < 1e-9, (front[0], front[-1])
    assert loss["frontier"]["C"] == [front[0]["C"], front[-1]["C"]], loss["frontier"]
    assert loss["frontier"]["band"], "a bootstrap band with --bootstrap 40"
    assert all(f["lo"] <= f["loss"] <= f["hi"] for f in front), "the band holds the fit's frontier"
    c = np.array([f["C"] for f in front])
    law = np.array([f["loss"] for f in front])
    below = sorted((p["N"], p["D"]) for p in found["loss_points"]
                   if p["loss"] < np.interp(np.log(6 * p["N"] * p["D"]), np.log(c), law))
    assert sorted((b["N"], b["D"]) for b in loss["below"]) == below, (loss["below"], below)
    page = open(os.path.join(out, "index.html"), encoding="utf-8").read()
    if below:
        assert f"lies above {len(below)} of {expect['runs']} measured runs" in page
    print(f"frontier over [{lo:.3g}, {hi:.3g}] FLOP; {len(below)} runs below it")
print("report_figures_test: ok")
