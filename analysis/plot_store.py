#!/usr/bin/python3
"""The report of a sweep store as one page: figures and tables, with the findings
of `sweep analyze`.

    /usr/bin/python3 analysis/plot_store.py results/grid.h5 [--out DIR] [--sweep build/sweep]
                                           [--analysis FILE.analysis.h5]

Reads the store with h5py (as a SWMR reader if a sweep still writes it) and the
findings from `sweep analyze STORE --json` (run here, its findings file kept in
DIR) or from an existing findings file (--analysis). Writes to DIR (default:
STORE without .h5, plus "_plots"), which is self-contained (no network: open
DIR/index.html from a disk or copy the folder):
  index.html            the page (report_page.py): the sweep's metadata, sortable
                        tables of runs, failures and verdicts, every figure, the
                        loss fits and the full text report;
  loss_vs_compute.png   final loss of every run against training compute, one line
                        per model size, the fitted compute-optimal frontier
                        (Chinchilla L(N_opt(C), D_opt(C))) with its 95% bootstrap
                        band, drawn over the data's compute range only; runs the
                        frontier lies above are ringed and counted;
  training_curves.png   training loss against tokens from /curves, one line per run;
  task_<TASK>.png       per task, a grid of small panels (plot_tasks.py): each metric
                        against N (one line per D) and against compute (one line
                        per model size), per prompt style, with its baseline and verdict;
  isoflop_profiles.png, curve_envelope.png, optimal_n_vs_compute.png
                        for a compute-budget study (runs with a compute_budget):
                        the findings' approaches 1, 2 and 3 over the store's data
                        (see plot_budget.py);
  analysis.json         the findings.
"""
import argparse
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
import plot_tasks  # noqa: E402
import report_page  # noqa: E402

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


FIGSIZE = (9.6, 5.8)  # 960 px at DPI: the page shows it at its natural size
DPI = 100


def cell_means(rows, found):
    """One row per (model, N, D): the findings' loss points (each cell's best setting, mean
    over its seeds: what the fits saw), or from older findings the mean of the rows."""
    pts = found.get("loss_points") or []
    if pts:
        g = pd.DataFrame({"model": [p["model"] for p in pts], "n_params": [p["N"] for p in pts],
                          "data_tokens": [p["D"] for p in pts], "value": [p["loss"] for p in pts]})
    else:
        g = rows.groupby(["model", "n_params", "data_tokens"]).value.mean().reset_index()
    counts = rows.groupby(["n_params", "data_tokens"]).size().rename("count").reset_index()
    g = g.merge(counts, on=["n_params", "data_tokens"], how="left").fillna({"count": 1})
    g["flops"] = 6.0 * g.n_params * g.data_tokens
    return g


def frontier_of(ch, c_lo, c_hi):
    """(C, loss, lo, hi) of the fitted frontier over [c_lo, c_hi]: the findings' own
    (sweep analyze gives it over the fitted points' range, with its bootstrap band),
    or, from findings that predate it, the law's over the data with no band."""
    pts = ch.get("frontier")
    if pts:
        c, loss, lo, hi = (np.array([np.nan if p[k] is None else p[k] for p in pts], float)
                           for k in ("C", "loss", "lo", "hi"))
        return c, loss, lo, hi
    c = np.logspace(np.log10(c_lo), np.log10(c_hi), 40)
    n_opt = ch["G"] * (c / 6) ** ch["a"]
    d_opt = (c / 6) ** ch["b"] / ch["G"]
    loss = ch["E"] + ch["A"] / n_opt ** ch["alpha"] + ch["B"] / d_opt ** ch["beta"]
    return c, loss, np.full_like(c, np.nan), np.full_like(c, np.nan)


def plot_loss(metrics, found, out_dir):
    """loss_vs_compute.png, and what it shows for the page: {"below": [...], ...}."""
    loss_metric = found["loss_metric"]
    rows = metrics[(metrics.metric == loss_metric) & (metrics.task == "")]
    if rows.empty:
        return None, {}
    cells = cell_means(rows, found)
    colours = plot_tasks.colours_for(set(cells.n_params), "plasma")
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for i, (n, g) in enumerate(cells.groupby("n_params")):
        g = g.sort_values("flops")
        marker, dash = plot_tasks.style(i)
        ax.plot(g.flops, g.value, marker=marker, ls=dash, color=colours[n], ms=6,
                label=f"{g.model.iloc[0]} (N = {plot_budget.flop_text(n)}): one point per D")
    if (cells["count"] > 1).any():
        raw = rows.assign(flops=6.0 * rows.n_params * rows.data_tokens)
        ax.scatter(raw.flops, raw.value, s=10, color="grey", alpha=0.4, lw=0,
                   label="single runs (lines: each point's best setting, mean over seeds)")
    shown = {"runs": len(cells), "below": [], "frontier": None}
    c_lo, c_hi = cells.flops.min(), cells.flops.max()
    ch = found.get("chinchilla")
    title = f"Final {loss_metric} against training compute"
    if ch:
        c, loss, lo, hi = frontier_of(ch, c_lo, c_hi)
        word = ch.get("status", "")
        ax.plot(c, loss, "k-", lw=2.2, label=f"frontier of the L(N, D) fit ({word}), N_opt ∝ C^{ch['a']:.2f}")
        if np.isfinite(lo).any():
            ax.fill_between(c, lo, hi, color="black", alpha=0.13, lw=0,
                            label=f"its 95% band ({ch.get('bootstrap_resamples', '?')} bootstrap refits)")
        # The frontier is the fit's least loss at each compute: a measured run below it
        # is one the fit misses. Ring such runs and say so, rather than hide it.
        at = np.interp(np.log(cells.flops), np.log(c), loss)
        below = cells[(cells.value < at) & (cells.flops >= c[0]) & (cells.flops <= c[-1])]
        gap = (at[below.index.map(cells.index.get_loc)] - below.value).max() if len(below) else 0.0
        if len(below):
            ax.scatter(below.flops, below.value, s=150, facecolors="none", edgecolors="red", lw=1.5,
                       label=f"below the frontier: {len(below)} of {len(cells)} runs (by up to {gap:.3g})")
            title += f"\nthe fitted frontier lies above {len(below)} of {len(cells)} measured runs"
        shown["below"] = [{"model": r.model, "N": float(r.n_params), "D": float(r.data_tokens),
                           "loss": float(r.value)} for r in below.itertuples()]
        shown["frontier"] = {"C": [float(c[0]), float(c[-1])], "band": bool(np.isfinite(lo).any()),
                             "status": word}
    lc = found.get("power_laws", {}).get("L_C")
    if lc:
        c = np.logspace(np.log10(c_lo), np.log10(c_hi), 100)
        ax.plot(c, lc["E"] + lc["A"] / c ** lc["alpha"], "k--", lw=1,
                label=f"L(C) = {lc['E']:.3g} + {lc['A']:.3g}/C^{lc['alpha']:.3g}")
    ax.set_xscale("log")
    ax.set_xlim(c_lo / 10 ** 0.1, c_hi * 10 ** 0.1)
    plot_tasks.label_compute_axis(ax.xaxis)
    ax.set_xlabel("training compute C = 6ND (FLOP)")
    ax.set_ylabel(f"{loss_metric} (nats/token)")
    ax.set_title(title, fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9, loc="upper right")
    fig.tight_layout()
    name = "loss_vs_compute.png"
    fig.savefig(os.path.join(out_dir, name), dpi=DPI, metadata={"sweep": json.dumps(shown)})
    plt.close(fig)
    return name, shown


def plot_curves(runs, curves, out_dir):
    """training_curves.png: every finished run's logged training loss (restarts
    stitched as analysis/envelope.cpp stitches them) against tokens; None without /curves."""
    if curves.empty or runs.empty:
        return None, {}
    info = runs.set_index("run_id")
    traces = plot_budget.run_curves(curves, dict(zip(runs.run_id, runs.n_params)))
    if not traces:
        return None, {}
    colours = plot_tasks.colours_for(set(runs.n_params), "plasma")
    d_rank = {d: i for i, d in enumerate(sorted(set(runs.data_tokens)))}
    fig, ax = plt.subplots(figsize=FIGSIZE)
    per_run = len(traces) <= 12  # a legend entry per run; beyond, per model size (colour) only
    for run_id, n, tokens, loss in sorted(traces, key=lambda t: (t[1], info.data_tokens[t[0]])):
        d = info.data_tokens[run_id]
        label = f"{info.model[run_id]} (N = {plot_budget.flop_text(n)})"
        ax.plot(tokens, loss, ls=plot_tasks.DASHES[d_rank[d] % len(plot_tasks.DASHES)] if per_run else "-",
                lw=1.4 if per_run else 0.8, alpha=1 if per_run else 0.6, color=colours[n],
                label=f"{label}, D = {plot_budget.flop_text(d)}" if per_run else None)
    if not per_run:
        for n in sorted(colours):
            ax.plot([], [], "-", color=colours[n], label=f"{info.model[info.n_params == n].iloc[0]} "
                                                       f"(N = {plot_budget.flop_text(n)})")
    ax.set_xscale("log")
    plot_tasks.label_compute_axis(ax.xaxis)
    ax.set_xlabel("tokens trained")
    ax.set_ylabel("training loss of the logged batch (nats/token)")
    ax.set_title(f"Training curves from /curves: {len(traces)} runs, colour: model size"
                 + (", dashes: data size" if per_run else ""), fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8.5, loc="upper right", ncol=1 if len(colours) <= 12 else 2)
    fig.tight_layout()
    name = "training_curves.png"
    fig.savefig(os.path.join(out_dir, name), dpi=DPI, metadata={"sweep": json.dumps({"runs": len(traces)})})
    plt.close(fig)
    return name, {"runs": len(traces), "unfinished": int(len(set(curves.run_id) - set(runs.run_id)))}


def optional_table(store, name):
    """A table of the store, or an empty frame where the store has none (a version 1 store has no /runs)."""
    try:
        return sweepstore.table(store, name)
    except KeyError:
        return pd.DataFrame()


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
    points, runs, curves, errors = (optional_table(args.store, t) for t in ("points", "runs", "curves", "errors"))
    found, report_text = findings(args, out_dir)
    with open(os.path.join(out_dir, "analysis.json"), "w") as f:
        json.dump(found, f, indent=1)
    registry = plot_tasks.metric_registry(args.sweep)
    images, sections = [], {"tasks": [], "budget": []}
    name, shown = plot_loss(metrics, found, out_dir)
    if name:
        images.append(name)
        caption = ("Final loss of every run (one line per model size through its data sizes) against training "
                   "compute. The frontier is the least loss the L(N, D) fit predicts at each compute, drawn over "
                   "the fitted runs' compute range only (no extrapolation), with its pointwise 95% bootstrap band.")
        sections["loss"] = (report_page.figure(name, caption), shown)
    name, shown = plot_curves(runs, curves, out_dir)
    if name:
        images.append(name)
        caption = f"Training loss of {shown['runs']} finished runs against tokens, one line per run."
        if shown.get("unfinished"):
            caption += f" {shown['unfinished']} runs without a /runs row (unfinished) are left out."
        sections["curves"] = report_page.figure(name, caption)
    for task in sorted(t for t in set(metrics.task) if t):
        name = plot_tasks.plot_task(metrics, found, task, registry, out_dir)
        images.append(name)
        caption = (f"Task {task}: each metric against parameters N (one line per training-token count D) and "
                   "against compute 6ND (one line per model size), one panel per prompt style; dashed grey: that "
                   "prompt's random baseline; bars: 95% intervals clipped to the metric's range (Wilson for "
                   "fractions); lines that coincide are shifted slightly in x. Above each panel the verdict of "
                   "sweep analyze for that curve (vs N: each size at its largest D).")
        sections["tasks"].append((task, report_page.figure(name, caption)))
    budget = plot_budget.plot_budget_study(runs, metrics, curves, found, out_dir)
    images += budget
    sections["budget"] = [report_page.figure(n, n[:-4].replace("_", " ")) for n in budget]
    page = report_page.write_page(out_dir, args.store, found, report_text, points, runs, errors, sections)
    print(f"plot_store: {len(images)} plots and {page}")

if __name__ == "__main__":
    main()
