"""Figures of a compute-budget study (a grid with `compute = [...]`), for plot_store.py.

They draw the findings of `sweep analyze` (its --json output: approach1,
approach2, approach3_allocation) over the store's data, so that a figure shows
the report's numbers and no estimate is computed twice:
  isoflop_profiles.png      approach 2: final loss against N, one profile per budget
                            (seed means +- standard error from the store, single seeds
                            faint), each budget's parabola and N_opt from the analysis;
  curve_envelope.png        approach 1: every run's training loss against compute
                            6 N tokens, smoothed as the analysis smooths it, and the
                            analysis's envelope (boundary points marked);
  optimal_n_vs_compute.png  N_opt against C: approach 2's minima, approach 1's envelope
                            points, and the N_opt ~ C^a laws of approaches 1, 2 and 3.
Each PNG carries the numbers it draws as JSON in its "sweep" text chunk (tests
read them back to check a figure against the findings).
"""
import json
import os
import textwrap

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# 900 px wide at the page's natural size: 9 in at 100 dpi.
FIGSIZE = (9, 5.6)
DPI = 100
# The smoothing of analysis/envelope.cpp (smooth_loss, envelope_analysis): at each
# step the mean over the logged steps with tokens in (0.9 t, t]; a step is drawn
# once its window holds MIN_WINDOW_STEPS (or a tenth of the run's logged steps,
# when fewer). The envelope is read off these same curves.
WINDOW_FRACTION = 0.1
MIN_WINDOW_STEPS = 10
NOT_SETTINGS = ("seed", "compute")  # axes keys that do not tell settings apart


def flop_text(c):
    """1e12, 3e12, 1.5e13, 8.07e7: a budget as a grid file would write it, three digits at most."""
    mantissa, exponent = f"{c:.2e}".split("e")
    return f"{float(mantissa):g}e{int(exponent)}"


def label_log_axis(axis, at=None):
    """Tick labels of a log axis as 1e8, 2.5e7: at the given values, or at decades
    plus 2 and 5 times them when the axis spans under two decades (else a short
    axis shows one label or none)."""
    text = matplotlib.ticker.FuncFormatter(lambda v, _: flop_text(v))
    if at is not None:
        axis.set_ticks(at)
        axis.set_ticks([], minor=True)
    else:
        lo, hi = axis.get_view_interval()
        if hi / lo < 100:
            axis.set_minor_locator(matplotlib.ticker.LogLocator(subs=(2.0, 5.0)))
            axis.set_minor_formatter(text)
    axis.set_major_formatter(text)


def loss_rows(runs, metrics, loss_metric):
    """One row per finished run with its final loss in `loss`: the /metrics rows of
    the metric the analysis fitted (or, for a store without them, /runs' eval_loss)."""
    if not metrics.empty and "metric" in metrics:
        rows = metrics[(metrics.metric == loss_metric) & (metrics.task == "")]
        if not rows.empty:
            return rows.rename(columns={"point_id": "run_id", "value": "loss"})
    if not runs.empty and "eval_loss" in runs:
        return runs.rename(columns={"eval_loss": "loss"})
    return runs


def is_budget_study(rows):
    return not rows.empty and "compute_budget" in rows and bool((rows.compute_budget > 0).any())


def setting_keys(rows):
    """The axes keys beyond seed and compute (e.g. train.lr): runs that differ in
    them are different settings; runs that differ only by seed are replicates."""
    keys = set()
    for text in rows["axes"]:
        keys.update(pair.partition("=")[0] for pair in filter(None, text.split(";")))
    return sorted(k for k in keys - set(NOT_SETTINGS) if k in rows.columns)


def profile_data(rows):
    """Per budget, as the analysis's loss cells: at each N the best setting's seed
    mean, its standard error (NaN for one seed) and its single seeds."""
    keys = setting_keys(rows)
    by = ["compute_budget", "n_params"] + keys
    g = rows[rows.compute_budget > 0].groupby(by, dropna=False).loss
    stats = g.agg(mean="mean", std="std", seeds="count").reset_index()
    stats["se"] = stats["std"] / np.sqrt(stats.seeds)
    best = stats.loc[stats.groupby(["compute_budget", "n_params"])["mean"].idxmin()]
    out = {}
    for c, b in best.groupby("compute_budget"):
        b = b.sort_values("n_params")
        members = rows[rows.compute_budget == c].merge(b[by], on=by)
        out[float(c)] = {"n": b.n_params.to_numpy(float), "mean": b["mean"].to_numpy(float),
                         "se": b.se.to_numpy(float), "runs_n": members.n_params.to_numpy(float),
                         "runs_loss": members.loss.to_numpy(float)}
    return out, keys


def run_curves(curves, n_of):
    """[(run_id, N, tokens, loss)] per finished run, as analysis/envelope.cpp's
    run_curves: a higher attempt holds the steps from its first step on, replacing
    what lower attempts logged past that restart point."""
    out = []
    for run_id, g in curves.groupby("run_id"):
        if run_id not in n_of:
            continue  # an unfinished run: its N is not recorded yet
        steps, cutoff = {}, np.inf
        for _, a in sorted(g.groupby("attempt"), key=lambda kv: -kv[0]):
            for step, tokens, loss in zip(a.step, a.tokens, a.loss):
                if step < cutoff:
                    steps.setdefault(step, (tokens, loss))
            if len(a):
                cutoff = min(cutoff, a.step.min())
        kept = [steps[s] for s in sorted(steps) if steps[s][0] > 0 and np.isfinite(steps[s][1]) and steps[s][1] > 0]
        if kept and n_of[run_id] > 0:
            tokens, loss = (np.array(v, float) for v in zip(*kept))
            out.append((run_id, float(n_of[run_id]), tokens, loss))
    return out


def smoothed(tokens, loss):
    """(compute-ready tokens, smoothed loss) of the steps analysis/envelope.cpp
    puts on the envelope: trailing mean over tokens in (0.9 t, t]."""
    full = min(MIN_WINDOW_STEPS, max(1, len(tokens) // 10))
    keep_t, keep_l = [], []
    lo, total = 0, 0.0
    for i in range(len(tokens)):
        total += loss[i]
        while lo < i and tokens[lo] <= (1 - WINDOW_FRACTION) * tokens[i]:
            total -= loss[lo]
            lo += 1
        if i - lo + 1 < full or (keep_t and tokens[i] <= keep_t[-1]):
            continue
        keep_t.append(tokens[i])
        keep_l.append(total / (i - lo + 1))
    return np.array(keep_t), np.array(keep_l)


def allocation_text(al):
    """a = 0.657 [0.598, 0.732], dof 1, identified: an allocation as the report gives it."""
    if not al or al.get("a") is None:
        return "not fitted"
    text = f"a = {al['a']:.3f}"
    ci = al.get("a_ci")
    if ci and None not in ci:
        text += f" [{ci[0]:.3f}, {ci[1]:.3f}]"
    return text + f", dof {al.get('dof')}, {al.get('status', '')}"


def prefactor(c, n, a):
    """k of N = k C^a through (c, n) by least squares in log with a fixed: the
    analysis's intercept, since its log-log line passes through the points' mean."""
    return float(np.exp(np.mean(np.log(n) - a * np.log(c))))


def budget_colours(budgets):
    cmap = plt.get_cmap("viridis")
    lo, hi = np.log(min(budgets)), np.log(max(budgets))
    return {c: cmap(0.85 * (np.log(c) - lo) / (hi - lo) if hi > lo else 0.0) for c in budgets}


def plot_profiles(data, keys, approach2, loss_metric, out_dir):
    budgets = approach2["budgets"]
    colours = budget_colours([b["budget"] for b in budgets] + list(data))
    fig, ax = plt.subplots(figsize=FIGSIZE)
    drawn = {"a": approach2.get("a"), "a_ci": approach2.get("a_ci"), "dof": approach2.get("dof"),
             "status": approach2.get("status"), "budgets": []}
    for b in budgets:
        c = b["budget"]
        colour = colours[c]
        d = data.get(c)
        label = f"C = {flop_text(c)}: "
        label += f"N_opt = {flop_text(b['N_opt'])}" if b["identified"] else "\n".join(textwrap.wrap(b["reason"], 44))
        if d is not None:
            ax.scatter(d["runs_n"], d["runs_loss"], s=14, color=colour, alpha=0.35, lw=0)
            ax.errorbar(d["n"], d["mean"], yerr=np.nan_to_num(d["se"]), fmt="o", ms=5, capsize=3, color=colour,
                        label=label)
        record = {"budget": c, "label": label, "parabola": b["parabola"], "star": None}
        p = b["parabola"]
        if p:
            lo, hi = b["N_range"]
            u = np.linspace(np.log(lo), np.log(hi), 100) - p["center_lnN"]
            ax.plot(np.exp(u + p["center_lnN"]), p["c0"] + p["c1"] * u + p["c2"] * u * u, "-", lw=1.5, color=colour)
        if b["identified"]:
            ax.plot(b["N_opt"], b["loss_min"], "*", ms=16, color=colour, mec="black", mew=0.8, zorder=5)
            record["star"] = [b["N_opt"], b["loss_min"]]
        drawn["budgets"].append(record)
    ax.plot([], [], "*", ms=12, color="white", mec="black", label="minimum of the parabola")
    ax.plot([], [], "o", ms=4, color="grey", alpha=0.4, label="single seeds")
    ax.set_xscale("log")
    label_log_axis(ax.xaxis, sorted({n for d in data.values() for n in d["n"]}))
    ax.set_xlabel("parameters N")
    ax.set_ylabel(f"final {loss_metric} (nats/token)")
    title = ("IsoFLOP profiles (approach 2): seed mean ± standard error, parabola in ln N\n"
             f"N_opt ∝ C^a: {allocation_text(approach2)}")
    if keys:
        title += f"  (at each N the best {', '.join(keys)})"
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return save(fig, out_dir, "isoflop_profiles.png", drawn)


def plot_envelope(traces, approach1, out_dir):
    ns = [n for n, *_ in traces]
    norm = matplotlib.colors.LogNorm(min(ns), max(ns) * (1.0001 if min(ns) == max(ns) else 1))
    cmap = plt.get_cmap("plasma")
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for n, compute, loss in traces:
        ax.plot(compute, loss, "-", lw=0.9, alpha=0.7, color=cmap(0.9 * norm(n)))
    env = approach1["envelope"]
    c = np.array([e["C"] for e in env])
    loss = np.array([e["loss"] for e in env])
    edge = np.array([bool(e["boundary"]) for e in env], bool)
    ax.plot(c, loss, "-", color="black", lw=2.5, label=f"envelope (approach 1): {allocation_text(approach1)}")
    ax.plot(c[~edge], loss[~edge], "o", ms=5, color="black", label="envelope points the fit uses")
    ax.plot(c[edge], loss[edge], "o", ms=5, mfc="white", mec="black",
            label="boundary points (smallest or largest N wins), left out of the fit")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_minor_formatter(matplotlib.ticker.FormatStrFormatter("%.2g"))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%.2g"))
    label_log_axis(ax.xaxis)
    ax.set_xlabel("training compute C = 6 N tokens (FLOP)")
    ax.set_ylabel("training loss, trailing mean over tokens in (0.9t, t]\n(nats/token)")
    ax.set_title("Training curves and their envelope (approach 1, of training loss)", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=matplotlib.colors.ListedColormap(cmap(np.linspace(0, 0.9, 256))))
    bar = fig.colorbar(sm, ax=ax, label="parameters N of the run", pad=0.02)
    sizes = sorted(set(ns))
    label_log_axis(bar.ax.yaxis, sizes[::max(1, len(sizes) // 8)])
    ax.legend(fontsize=8, loc="lower left")
    drawn = {"envelope": [[e["C"], e["loss"], bool(e["boundary"])] for e in env], "a": approach1.get("a"),
             "a_ci": approach1.get("a_ci"), "status": approach1.get("status"),
             "window_fraction": WINDOW_FRACTION, "curves": len(traces)}
    return save(fig, out_dir, "curve_envelope.png", drawn)


def allocation_lines(found):
    """[(key, name, marker, colour, points (C, N), hollow points, a, k, allocation)]
    for the approaches whose exponent the findings give; N_opt = k C^a."""
    lines = []
    a2 = found.get("approach2")
    if a2 and a2.get("a") is not None:
        pts = [(b["budget"], b["N_opt"]) for b in a2["budgets"] if b["identified"]]
        k = prefactor(*zip(*pts), a2["a"]) if pts else None
        lines.append(("approach2", "approach 2, isoFLOP minima", "o", "tab:blue", pts, [], a2["a"], k, a2))
    a1 = found.get("approach1")
    if a1 and a1.get("a") is not None:
        env = a1["envelope"]
        inner = [(e["C"], e["N"]) for e in env if not e["boundary"]]
        edge = [(e["C"], e["N"]) for e in env if e["boundary"]]
        fitted = inner if len(inner) >= 2 else inner + edge  # envelope.cpp: all points when < 2 are interior
        k = prefactor(*zip(*fitted), a1["a"]) if fitted else None
        lines.append(("approach1", "approach 1, envelope", "s", "tab:orange", inner, edge, a1["a"], k, a1))
    a3 = found.get("approach3_allocation")
    ch = found.get("chinchilla")
    if a3 and a3.get("a") is not None and ch and ch.get("G") is not None:
        # N_opt = G (C/6)^a: the L(N, D) fit's own prefactor.
        lines.append(("approach3", "approach 3, L(N, D) fit", None, "tab:green", [], [], a3["a"],
                      ch["G"] * 6.0 ** -a3["a"], a3))
    return lines


def plot_optimal_n(lines, out_dir):
    fig, ax = plt.subplots(figsize=FIGSIZE)
    cs = [c for line in lines for c, _ in line[4] + line[5]]
    grid = np.logspace(np.log10(min(cs)), np.log10(max(cs)), 50)
    drawn = {}
    for key, name, marker, colour, pts, edge, a, k, al in lines:
        label = f"{name}: {allocation_text(al)}"
        style = {"approach1": "--", "approach2": "-", "approach3": ":"}[key]
        if k is not None:
            ax.plot(grid, k * grid ** a, style, color=colour, lw=1.8)
        if pts:
            ax.plot(*zip(*pts), marker, ms=7, color=colour, ls="none")
        ax.plot([], [], style if k is not None else "none", marker=marker if pts else None, ms=7, color=colour,
                lw=1.8, label=label)  # one legend entry for a law's line and points
        if edge:
            ax.plot(*zip(*edge), marker, ms=7, mfc="white", mec=colour, ls="none",
                    label="approach 1, boundary points (left out of its fit)")
        drawn[key] = {"a": a, "prefactor": k, "a_ci": al.get("a_ci"), "status": al.get("status"),
                      "points": [list(p) for p in pts], "boundary_points": [list(p) for p in edge]}
    ax.set_xscale("log")
    ax.set_yscale("log")
    label_log_axis(ax.xaxis)
    label_log_axis(ax.yaxis)
    ax.set_xlabel("compute budget C (FLOP)")
    ax.set_ylabel("compute-optimal parameters N_opt")
    ax.set_title("Compute-optimal model size against compute: N_opt ∝ C^a, a with its 95% bootstrap interval",
                 fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return save(fig, out_dir, "optimal_n_vs_compute.png", drawn)


def save(fig, out_dir, name, drawn):
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, name), dpi=DPI, metadata={"sweep": json.dumps(drawn)})
    plt.close(fig)
    return name


def plot_budget_study(runs, metrics, curves, found, out_dir):
    """The budget-study figures from the store's tables and `found` (sweep analyze
    --json); [] when the store is not a budget study. A figure whose findings are
    missing (a findings file from before approaches 1 and 2) is left out with a note."""
    loss_metric = found.get("loss_metric") or "eval_loss"
    rows = loss_rows(runs, metrics, loss_metric)
    if not is_budget_study(rows):
        return []
    images = []
    approach2, approach1 = found.get("approach2"), found.get("approach1")
    if approach2 and approach2.get("budgets"):
        data, keys = profile_data(rows)
        images.append(plot_profiles(data, keys, approach2, loss_metric, out_dir))
    else:
        print("plot_budget: the findings have no approach2 (isoFLOP profiles): isoflop_profiles.png left out")
    if approach1 and approach1.get("envelope") and not curves.empty:
        n_of = dict(zip(rows.run_id, rows.n_params))
        traces = []
        for _, n, tokens, loss in run_curves(curves, n_of):
            t, s = smoothed(tokens, loss)
            if len(t):
                traces.append((n, 6.0 * n * t, s))
        images.append(plot_envelope(traces, approach1, out_dir))
    else:
        print("plot_budget: the findings have no approach1 envelope (or the store no /curves): "
              "curve_envelope.png left out")
    lines = allocation_lines(found)
    if any(line[4] or line[5] for line in lines):
        images.append(plot_optimal_n(lines, out_dir))
    else:
        print("plot_budget: no N_opt of approach 1 or 2 in the findings: optimal_n_vs_compute.png left out")
    return images
