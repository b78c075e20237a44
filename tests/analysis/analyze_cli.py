#!/usr/bin/python3
"""`sweep analyze --csv` on the Chinchilla points as a tidy CSV: exit codes,
JSON keys, the findings file (one per source, replaced; a foreign file never), and
published-style CSVs (BOM, families, percent, unknown metrics).

usage: analyze_cli.py SWEEP CHINCHILLA_FIG4_CSV
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py

sweep, source = sys.argv[1], sys.argv[2]
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


with tempfile.TemporaryDirectory() as tmp:
    tidy = os.path.join(tmp, "chinchilla.csv")
    with open(source) as f, open(tidy, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["model", "n_params", "data_tokens", "flops", "task", "prompt", "metric", "value"])
        for i, r in enumerate(csv.DictReader(f)):
            n, c = float(r["Model Size"]), float(r["Training FLOP"])
            w.writerow([f"m{i}", n, c / (6 * n), c, "", "", "loss", r["loss"]])

    def run(*args):
        return subprocess.run([sweep, "analyze", *args], capture_output=True, text=True)

    h = run("--help")
    expect(h.returncode == 0 and "--bootstrap" in h.stdout and "--baseline" in h.stdout, "--help lists the options")

    out = os.path.join(tmp, "findings.h5")
    r = run("--csv", tidy, "--json", "--out", out, "--bootstrap", "20")
    expect(r.returncode == 0, f"analyze --json exits 0 (got {r.returncode}: {r.stderr})")
    found = json.loads(r.stdout)
    ch = found["chinchilla"]
    for key in ["A", "B", "E", "alpha", "beta", "a"]:
        expect(isinstance(ch.get(key), float), f"chinchilla.{key} is a number")
    expect(abs(ch["a"] - ch["beta"] / (ch["alpha"] + ch["beta"])) < 1e-9, "a = beta / (alpha + beta)")
    expect(0.25 < ch["alpha"] < 0.45 and 1.5 < ch["E"] < 2.0, f"a Chinchilla-like fit on all 245 points: {ch}")
    expect(ch["ci"]["alpha"][0] < ch["alpha"] < ch["ci"]["alpha"][1], "alpha inside its bootstrap interval")
    for key in ["source", "loss_metric", "power_laws", "compute_optimal", "verdicts", "crossovers", "artefacts"]:
        expect(key in found, f"JSON has {key}")
    expect(found["loss_metric"] == "loss", "falls back to metric 'loss' without eval_loss rows")
    expect(set(found["power_laws"]) == {"L_N", "L_D", "L_C"}, f"three power laws: {list(found['power_laws'])}")
    expect(ch["dof"] == 245 - 5 and ch["status"] in ("identified", "unidentified"), f"chinchilla dof: {ch['dof']}")
    expect(found["approach1"] is None, "no training curves in a CSV: approach 1 is null")
    a2 = found["approach2"]
    expect(a2["grouping"] == "6ND" and len(a2["budgets"]) > 0, "approach 2 groups the CSV's points by 6ND")
    a3 = found["approach3_allocation"]
    expect(abs(a3["a"] - ch["a"]) < 1e-12 and a3["dof"] == 240, f"approach 3 allocation: {a3}")
    with h5py.File(out, "r") as f:
        expect(f["chinchilla"].shape == (1,), "findings file holds the fit")
        expect(abs(f["chinchilla"]["alpha"][0] - ch["alpha"]) < 1e-9, "findings file agrees with the JSON")
        expect(json.loads(f.attrs["report_json"])["chinchilla"]["A"] == ch["A"], "report_json attribute")
    size = os.path.getsize(out)

    r = run("--csv", tidy, "--out", out, "--bootstrap", "0")
    expect(r.returncode == 2, f"an existing --out exits 2 (got {r.returncode})")
    expect("already exists" in r.stderr, f"and says so: {r.stderr!r}")
    expect(os.path.getsize(out) == size, "and leaves it alone")

    r = run("--csv", tidy, "--bootstrap", "0")
    expect(r.returncode == 0 and "Chinchilla" in r.stdout, "the text report names the fit")
    expect(os.path.exists(os.path.join(tmp, "chinchilla.analysis.h5")), "default findings file beside the CSV")
    r = run("--csv", tidy, "--bootstrap", "0")
    findings = [p for p in os.listdir(tmp) if p.startswith("chinchilla.analysis")]
    expect(r.returncode == 0 and findings == ["chinchilla.analysis.h5"],
           f"a second run replaces the one findings file: {os.listdir(tmp)}")
    expect("replacing the previous analysis" in r.stdout, "and says so")
    before = set(os.listdir(tmp))
    r = run("--csv", tidy, "--bootstrap", "0", "--json")
    expect(r.returncode == 0 and set(os.listdir(tmp)) == before, "--json without --out writes no file")
    # A file at the default path that is not a findings file is never replaced.
    other = os.path.join(tmp, "notes.csv")
    shutil.copy(tidy, other)
    with open(os.path.join(tmp, "notes.analysis.h5"), "w") as f:
        f.write("my own notes\n")
    r = run("--csv", other, "--bootstrap", "0")
    expect(r.returncode == 2 and "not a findings file" in r.stderr, f"refuses to replace a foreign file: {r.stderr!r}")
    expect(open(os.path.join(tmp, "notes.analysis.h5")).read() == "my own notes\n", "and leaves it alone")

    # Published-style CSVs: a BOM, a family column, no data_tokens, percent values, unknown metrics.
    pub = os.path.join(tmp, "pub.csv")
    with open(pub, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "family", "n_params", "task", "prompt", "metric", "value", "n_examples"])
        for fam, shift in [("alpha", 0.0), ("beta", 0.5)]:
            for i, e in enumerate([7, 7.5, 8, 8.5, 9, 9.5, 10]):
                acc = 25.0 if e < 9 + shift else 70.0
                w.writerow([f"{fam}{i}", fam, 10 ** e, "qa", "2-shot", "acc", acc, 1000])
    r = run("--csv", pub, "--json", "--baseline", "qa=0.25", "--bootstrap", "20")
    expect(r.returncode == 0, f"a CSV with a BOM, families and no data_tokens is read ({r.stderr})")
    if r.returncode == 0:
        found = json.loads(r.stdout)
        got = {(v["family"], v["axis"]): v for v in found["verdicts"]}
        expect(set(got) == {("alpha", "params"), ("beta", "params")}, f"per family, no compute axis: {set(got)}")
        expect(all(v["verdict"] == "emergent" for v in got.values()), f"both emergent: {got}")
        expect(abs(got[("alpha", "params")]["points"][0]["value"] - 0.25) < 1e-12, "percent read as fractions")
        expect(any("detected" in n for n in found["notes"]), f"the percent scale is noted: {found['notes']}")
        e_a, e_b = (got[(f, "params")]["emergence_scale"] for f in ("alpha", "beta"))
        expect(e_b > 2 * e_a, f"families keep their own emergence scales: {e_a:g} {e_b:g}")
        expect(got[("alpha", "params")]["emergence_ci"] is not None, "with an interval")
    r = run("--csv", pub, "--baseline", "nosuch=0.25", "--json")
    expect(r.returncode == 1 and "no task 'nosuch'" in r.stderr, f"--baseline of an unknown task: {r.stderr!r}")
    odd = os.path.join(tmp, "odd.csv")
    with open(odd, "w") as f:
        f.write("model,n_params,task,prompt,metric,value\nm,1e8,qa,p,accuracy_pct,12\n")
    r = run("--csv", odd, "--json")
    expect(r.returncode == 1 and "odd.csv:2:12: metric: unknown metric 'accuracy_pct'" in r.stderr
           and "--higher-is-better accuracy_pct" in r.stderr, f"an unknown metric is refused: {r.stderr!r}")
    r = run("--csv", odd, "--json", "--higher-is-better", "accuracy_pct")
    expect(r.returncode == 0, f"and accepted once declared ({r.stderr})")
    r = run("--list-metrics")
    expect(r.returncode == 0 and "multiple_choice_grade" in r.stdout and "bits_per_byte" in r.stdout,
           "--list-metrics prints the registry")

    # Seeds and a swept learning rate: replicates per cell, the best lr per point, and a note saying so.
    swept = os.path.join(tmp, "swept.csv")
    with open(swept, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["model", "n_params", "data_tokens", "task", "prompt", "metric", "value", "seed",
                    "compute_budget", "axes"])
        for c in [1e18, 1e19, 1e20]:
            for k, n in enumerate([3e7, 1e8, 3e8, 1e9]):
                for lr, bump in [("0.001", 0.0), ("0.003", 0.05)]:
                    for seed in [0, 1]:
                        d = c / (6 * n)
                        loss = 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28 + bump + 0.01 * seed
                        w.writerow([f"m{k}", n, d, "", "", "eval_loss", loss, seed, c,
                                    f"compute={c:g};seed={seed};train.lr={lr}"])
    r = run("--csv", swept, "--json", "--out", os.path.join(tmp, "swept.h5"), "--bootstrap", "20")
    expect(r.returncode == 0, f"analyze on seeds and lr exits 0 ({r.stderr})")
    found = json.loads(r.stdout)
    expect(len(found["loss_points"]) == 12 and all(p["seeds"] == 2 for p in found["loss_points"]),
           "one point per (N, D, budget), two seeds each")
    expect(all(p["setting"].endswith("train.lr=0.001") for p in found["loss_points"]), "the best lr kept")
    expect(any("train.lr" in n and "lowest mean loss" in n for n in found["notes"]), f"says so: {found['notes']}")
    expect(found["approach2"]["grouping"] == "compute_budget" and len(found["approach2"]["budgets"]) == 3,
           "approach 2 profiles by the budget column")
    expect(found["approach2"]["dof"] == 1, f"3 budgets: dof 1 ({found['approach2']['dof']})")

    expect(run("--csv", tidy, "--baseline", "add2").returncode == 2, "--baseline without =P exits 2")
    expect(run().returncode == 2, "no source exits 2")
    expect(run(os.path.join(tmp, "missing.h5"), "--out", os.path.join(tmp, "x.h5")).returncode == 1,
           "an unreadable store exits 1")

sys.exit(1 if failures else 0)
