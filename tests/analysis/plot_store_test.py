#!/usr/bin/python3
"""analysis/plot_store.py on a small store: a /metrics table laid out as sweep
writes it (schema_version 3 columns), 3 model sizes x 3 data sizes, one task
with two prompt styles. Checks the PNGs, index.html and the findings.

usage: plot_store_test.py SWEEP PLOT_STORE_PY
"""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sweep, script = sys.argv[1], sys.argv[2]
dtype = np.dtype([("point_id", "<i8"), ("model", "S32"), ("n_params", "<i8"), ("data_tokens", "<i8"),
                  ("prompt", "S16"), ("task", "S32"), ("metric", "S32"), ("value", "<f8"), ("stderr", "<f8"),
                  ("n_examples", "<i8"), ("train_flops", "<f8"), ("random_baseline", "<f8")])
rows = []
sizes = {"xs": 2e4, "s": 1e5, "m": 5e5}
for model, n in sizes.items():
    for d in [1e5, 4e5, 1.6e6]:
        loss = 1.2 + 40 / n ** 0.3 + 60 / d ** 0.3
        rows.append((len(rows), model, n, d, "", "", "eval_loss", loss, 0.01, int(d), 6 * n * d, np.nan))
        for prompt, shift in [("few_shot", 0.0), ("cot", 0.1)]:
            em = max(0.0, min(1.0, 0.5 * np.log10(n * d / 2e9) + shift))
            rows.append((len(rows), model, n, d, prompt, "add2", "exact_match", em, 0.03, 100, 6 * n * d, 0.01))
            rows.append((len(rows), model, n, d, prompt, "add2", "logprob", -loss / 2, 0.02, 100, 6 * n * d, -4.6))

with tempfile.TemporaryDirectory() as tmp:
    store = os.path.join(tmp, "small.h5")
    with h5py.File(store, "w") as f:
        f.attrs["schema_version"] = np.int32(3)
        f.create_dataset("metrics", data=np.array(rows, dtype=dtype), maxshape=(None,), chunks=True)
    out = os.path.join(tmp, "plots")
    r = subprocess.run(["/usr/bin/python3", script, store, "--out", out, "--sweep", sweep, "--bootstrap", "10"],
                       capture_output=True, text=True)
    print(r.stdout, r.stderr)
    assert r.returncode == 0, r.returncode
    pngs = sorted(p for p in os.listdir(out) if p.endswith(".png"))
    assert pngs == ["loss_vs_compute.png", "task_add2.png"], pngs
    for p in pngs:
        with open(os.path.join(out, p), "rb") as f:
            head = f.read(8)
        assert head == b"\x89PNG\r\n\x1a\n", p
        assert os.path.getsize(os.path.join(out, p)) > 10000, p  # a real figure, not an empty canvas
    page = open(os.path.join(out, "index.html"), encoding="utf-8").read()
    for p in pngs:
        assert f"src='{p}'" in page, p
    assert "Chinchilla" in page and "Abilities" in page, "the report is on the page"
    found = json.load(open(os.path.join(out, "analysis.json")))
    assert found["chinchilla"] is not None and found["verdicts"], found.keys()
    assert os.path.exists(os.path.join(out, "analysis.h5"))
    # The store itself was only read.
    assert sorted(os.listdir(tmp)) == ["plots", "small.h5"], os.listdir(tmp)
print("plot_store_test: ok")
