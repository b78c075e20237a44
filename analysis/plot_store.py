#!/usr/bin/python3
"""Plots of a sweep store with the findings of `sweep analyze`.

    /usr/bin/python3 analysis/plot_store.py results/grid.h5 [--out DIR] [--sweep build/sweep]
                                           [--analysis FILE.analysis.h5]

Reads the store's /metrics with h5py (as a SWMR reader if a sweep still writes
it) and the findings from `sweep analyze STORE --json` (run here, its findings
file kept in DIR) or from an existing findings file (--analysis). Writes to DIR
(default: STORE without .h5, plus "_plots"):
  loss_vs_compute.png   loss of every run against training compute, one line per
                        model size, the fitted compute-optimal frontier
                        (Chinchilla L(N_opt(C), D_opt(C))) and the L(C) power law;
  task_<TASK>.png       per task: each metric against parameters (top) and
                        compute (bottom), one line per prompt style, the random
                        baseline dashed, the verdict of each line in its legend;
  isoflop_profiles.png, curve_envelope.png, optimal_n_vs_compute.png
                        for a compute-budget study (runs with a compute_budget):
                        the findings' approaches 1, 2 and 3 over the store's data
                        (see plot_budget.py);
  analysis.json, index.html (the report and every plot).
"""
import argparse
import html
import json
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hdf5_schema", "python"))
import sweepstore  # noqa: E402

import plot_budget  # noqa: E402

PROMPT_ORDER = ["zero_shot", "few_shot", "cot"]


def findings(args, out_dir):
    """(json dict, report text) from a findings file, or by running sweep analyze."""
    import h5py

    path = args.analysis
    if path is None:
        path = os.path.join(out_dir, "analysis.h5")
        if os.path.exists(path):  # the plots' own findings, from the last run: replaced, not multiplied
            os.remove(path)
        cmd = [args.sweep, "analyze", args.store, "--json", "--out", path, "--bootstrap", str(args.bootstrap)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with h5py.File(path, "r") as f:
        report_json = f.attrs["report_json"].decode("utf-8")
        report_text = f.attrs["report_text"].decode("utf-8")
    return json.loads(report_json), report_text


def plot_loss(metrics, found, out_dir):
    loss_metric = found["loss_metric"]
    runs = metrics[metrics.metric == loss_metric].copy()
    if runs.empty:
        return None
    runs["flops"] = 6.0 * runs.n_params * runs.data_tokens
    fig, ax = plt.subplots(figsize=(7, 4.8))
    for n, g in runs.groupby("n_params"):
        g = g.sort_values("flops")
        label = f"{g.model.iloc[0]} ({n:.3g} params)"
        ax.plot(g.flops, g.value, "o-", label=label)
    c = np.logspace(np.log10(runs.flops.min()) - 0.3, np.log10(runs.flops.max()) + 0.5, 200)
    ch = found.get("chinchilla")
    if ch:
        n_opt = ch["G"] * (c / 6) ** ch["a"]
        d_opt = (c / 6) ** ch["b"] / ch["G"]
        frontier = ch["E"] + ch["A"] / n_opt ** ch["alpha"] + ch["B"] / d_opt ** ch["beta"]
        ax.plot(c, frontier, "k-", lw=2,
                label=f"compute-optimal frontier: N_opt ~ C^{ch['a']:.2f}, E={ch['E']:.3g}")
    lc = found.get("power_laws", {}).get("L_C")
    if lc:
        ax.plot(c, lc["E"] + lc["A"] / c ** lc["alpha"], "k--", lw=1,
                label=f"L(C) = {lc['E']:.3g} + {lc['A']:.3g}/C^{lc['alpha']:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("training compute C = 6ND (FLOP)")
    ax.set_ylabel(f"{loss_metric} (nats/token)")
    ax.set_title("Loss against compute")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    name = "loss_vs_compute.png"
    fig.savefig(os.path.join(out_dir, name), dpi=110)
    plt.close(fig)
    return name


def curve_points(ev, axis):
    """As sweep analyze builds curves: params, each size's best-trained point; flops, every point."""
    if axis == "params":
        most = ev.groupby("n_params").data_tokens.transform("max")
        ev = ev[ev.data_tokens == most]
        x = "n_params"
    else:
        ev = ev.assign(flops=6.0 * ev.n_params * ev.data_tokens)
        x = "flops"
    g = ev.groupby(x).agg(value=("value", "mean"), stderr=("stderr", "mean")).reset_index()
    return g[x].to_numpy(), g.value.to_numpy(), g.stderr.to_numpy()


def plot_task(metrics, found, task, out_dir):
    ev = metrics[metrics.task == task]
    names = [m for m in ["exact_match", "logprob", "edit_distance"] if m in set(ev.metric)]
    names += sorted(set(ev.metric) - set(names) - {"random_baseline"})
    verdicts = {(v["prompt"], v["metric"], v["axis"]): v for v in found["verdicts"] if v["task"] == task}
    prompts = [p for p in PROMPT_ORDER if p in set(ev.prompt)] + sorted(set(ev.prompt) - set(PROMPT_ORDER))
    fig, axes = plt.subplots(2, len(names), figsize=(5.2 * len(names), 7.5), squeeze=False)
    for col, metric in enumerate(names):
        for row, axis in enumerate(["params", "flops"]):
            ax = axes[row][col]
            baseline = None
            for prompt in prompts:
                sel = ev[(ev.metric == metric) & (ev.prompt == prompt)]
                if sel.empty:
                    continue
                x, y, se = curve_points(sel, axis)
                v = verdicts.get((prompt, metric, axis), {})
                label = f"{prompt}: {v.get('verdict', '?')}"
                if v.get("verdict") == "emergent" and v.get("emergence_scale"):
                    label += f" at {v['emergence_scale']:.2g}"
                ax.errorbar(x, y, yerr=np.nan_to_num(se), marker="o", capsize=3, label=label)
                if v.get("baseline") is not None:
                    baseline = v["baseline"]
            if baseline is not None:
                ax.axhline(baseline, color="grey", ls="--", lw=1, label=f"random baseline {baseline:.3g}")
            ax.set_xscale("log")
            ax.set_xlabel("parameters N" if axis == "params" else "training compute C (FLOP)")
            ax.set_ylabel(metric)
            ax.set_title(f"{task}: {metric} vs {'model size' if axis == 'params' else 'compute'}")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
    fig.tight_layout()
    name = f"task_{task}.png"
    fig.savefig(os.path.join(out_dir, name), dpi=100)
    plt.close(fig)
    return name


def optional_table(store, name):
    """A table of the store, or an empty frame where the store has none (a version 1 store has no /runs)."""
    try:
        return sweepstore.table(store, name)
    except KeyError:
        return pd.DataFrame()


def write_html(out_dir, store, report_text, images):
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>sweep analyze: {html.escape(store)}</title>",
        "<style>body{font-family:sans-serif;margin:2em} pre{background:#f6f6f6;padding:1em;overflow-x:auto}"
        " img{max-width:100%;border:1px solid #ddd;margin:1em 0}</style></head><body>",
        f"<h1>sweep analyze: {html.escape(store)}</h1>",
        "<h2>Report</h2>",
        f"<pre>{html.escape(report_text)}</pre>",
        "<h2>Plots</h2>",
    ]
    for img in images:
        parts.append(f"<h3>{html.escape(img)}</h3><img src='{html.escape(img)}' alt='{html.escape(img)}'>")
    parts.append("<p>Findings as JSON: <a href='analysis.json'>analysis.json</a></p></body></html>")
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--out", help="output folder (default: STORE without .h5 + _plots)")
    ap.add_argument("--sweep", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "sweep"),
                    help="the sweep program (runs `sweep analyze`)")
    ap.add_argument("--analysis", help="an existing findings file (sweep analyze's HDF5) instead of running sweep")
    ap.add_argument("--bootstrap", type=int, default=200, help="passed to sweep analyze")
    args = ap.parse_args()
    out_dir = args.out or (args.store[:-3] if args.store.endswith(".h5") else args.store) + "_plots"
    os.makedirs(out_dir, exist_ok=True)

    metrics = sweepstore.table(args.store, "metrics")
    found, report_text = findings(args, out_dir)
    with open(os.path.join(out_dir, "analysis.json"), "w") as f:
        json.dump(found, f, indent=1)
    images = []
    name = plot_loss(metrics, found, out_dir)
    if name:
        images.append(name)
    for task in sorted(t for t in set(metrics.task) if t):
        images.append(plot_task(metrics, found, task, out_dir))
    images += plot_budget.plot_budget_study(optional_table(args.store, "runs"), metrics,
                                            optional_table(args.store, "curves"), found, out_dir)
    page = write_html(out_dir, args.store, report_text, images)
    print(f"plot_store: {len(images)} plots and {page}")


if __name__ == "__main__":
    main()
