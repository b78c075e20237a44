"""Figures of a compute-budget study (a grid with `compute = [...]`), for plot_store.py.

From a store's /runs and /curves (sweepstore frames):
  isoflop_profiles.png      approach 2: final eval_loss against N, one curve per budget,
                            seeds as mean +- standard error, a parabola in ln N per budget
                            and its minimum N_opt(C);
  curve_envelope.png        approach 1: every run's smoothed training loss against compute
                            6 N tokens, and their lower envelope;
  optimal_n_vs_compute.png  N_opt against C from both approaches, with N_opt ~ C^a fits;
  isoflop.json              the numbers behind them (per-budget N_opt, a, envelope points).
"""
import json
import math
import os

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# 900 px wide at the page's natural size: 9 in at 100 dpi.
FIGSIZE = (9, 5.6)
DPI = 100
# Smoothing of the per-batch training loss: a centered running mean over this many
# logged steps, or a tenth of a run's logged steps when it logged fewer than ten
# windows (so a short run is not flattened); the end uses the part of the window
# that exists, the first half window is not drawn. Per-batch losses are noisy enough that the envelope of raw values
# would follow the luckiest batch, not the best run.
SMOOTH_STEPS = 21
# Points of the envelope, log-spaced over the compute the curves cover.
ENVELOPE_POINTS = 200
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


def is_budget_study(runs):
    return not runs.empty and bool((runs.compute_budget > 0).any())


def finished_runs(runs, metrics):
    """One row per finished run: run_id, n_params, compute_budget, seed, axes, the axes
    columns and eval_loss, from /runs (or, where a store has no /runs rows, from the
    train rows of /metrics)."""
    if not runs.empty:
        return runs
    loss = metrics[(metrics.metric == "eval_loss") & (metrics.task == "")]
    return loss.rename(columns={"point_id": "run_id", "value": "eval_loss"})


def setting_keys(runs):
    """The axes keys beyond seed and compute (e.g. train.lr): runs that differ in
    them are different settings; runs that differ only by seed are replicates."""
    keys = set()
    for text in runs["axes"]:
        keys.update(pair.partition("=")[0] for pair in filter(None, text.split(";")))
    return sorted(k for k in keys - set(NOT_SETTINGS) if k in runs.columns)


def setting_text(row, keys):
    return ", ".join(f"{k}={row[k]:g}" if isinstance(row[k], float) else f"{k}={row[k]}" for k in keys)


def fit_parabola(x, y, se):
    """loss = p0 + p1 x + p2 x^2 by least squares, weighted by 1/se where every
    point has a standard error (seed replicates), else unweighted."""
    weighted = bool(np.all(np.isfinite(se)) and np.all(se > 0))
    p2, p1, p0 = np.polyfit(x, y, 2, w=1.0 / se if weighted else None)
    return (p0, p1, p2), weighted


def profiles(runs):
    """Per budget: the seed means at each N (at the best setting of that N when
    other axes are swept), the parabola and its minimum."""
    keys = setting_keys(runs)
    by = ["compute_budget", "n_params"] + keys
    g = runs[runs.compute_budget > 0].groupby(by, dropna=False).eval_loss
    stats = g.agg(mean="mean", std="std", seeds="count").reset_index()
    stats["se"] = stats["std"] / np.sqrt(stats.seeds)  # NaN for a single seed
    best = stats.loc[stats.groupby(["compute_budget", "n_params"])["mean"].idxmin()]
    out = []
    for c, b in best.groupby("compute_budget"):
        b = b.sort_values("n_params")
        members = runs[runs.compute_budget == c].merge(b[by], on=by)
        prof = {"compute": float(c), "n_params": b.n_params.tolist(), "loss_mean": b["mean"].tolist(),
                "loss_stderr": [None if math.isnan(v) else v for v in b.se], "seeds": b.seeds.tolist(),
                "settings": [setting_text(r, keys) for _, r in b.iterrows()] if keys else [],
                "runs_n": members.n_params.tolist(), "runs_loss": members.eval_loss.tolist(),
                "parabola": None, "weighted": False, "n_opt": None, "loss_at_opt": None, "interior": False}
        x = np.log(b.n_params.to_numpy(float))
        if len(x) >= 3:
            p, prof["weighted"] = fit_parabola(x, b["mean"].to_numpy(), b.se.to_numpy())
            prof["parabola"] = [float(v) for v in p]
            if p[2] > 0:
                vertex = -p[1] / (2 * p[2])
                if x.min() < vertex < x.max():
                    prof.update(interior=True, n_opt=float(np.exp(vertex)),
                                loss_at_opt=float(p[0] - p[1] ** 2 / (4 * p[2])))
        out.append(prof)
    return out, keys


def latest_attempts(curves):
    """/curves with, for each (run, step), only the row of the highest attempt: a
    restarted run logs again from its restart point with the next attempt number."""
    c = curves.sort_values("attempt", kind="stable").drop_duplicates(["run_id", "step"], keep="last")
    return c.sort_values(["run_id", "step"])


def smoothed_curves(curves, runs):
    """[(n_params, compute array, smoothed loss array, compute budget)] per finished run
    with logged steps."""
    n_of = dict(zip(runs.run_id, runs.n_params))
    budget_of = dict(zip(runs.run_id, runs.compute_budget))
    out = []
    for run_id, g in latest_attempts(curves).groupby("run_id"):
        if run_id not in n_of or g.empty:
            continue  # an unfinished run: its N is not recorded yet
        window = max(1, min(SMOOTH_STEPS, len(g) // 10))
        loss = g.loss.rolling(window, center=True, min_periods=1).mean().to_numpy()
        compute = 6.0 * n_of[run_id] * g.tokens.to_numpy(float)
        # Where the window is cut at the start the mean runs ahead of the steeply
        # falling first steps (below the curve): those first half-window steps are
        # left out. At the end the cut window is kept: it holds the run's final compute.
        keep = (compute > 0) & np.isfinite(loss) & (np.arange(len(loss)) >= window // 2)
        out.append((float(n_of[run_id]), compute[keep], loss[keep], float(budget_of[run_id])))
    return out


def envelope_at(curves, c):
    """(lowest smoothed loss at compute c over the runs whose curves cover c, N of that run)."""
    best = (np.inf, None)
    for n, compute, loss, _ in curves:
        if len(compute) and compute[0] <= c <= compute[-1]:
            value = float(np.interp(np.log(c), np.log(compute), loss))
            if value < best[0]:
                best = (value, n)
    return best


def power_law(c, n):
    """a and log-prefactor of N ~ C^a by least squares in log-log; None below two points."""
    c, n = np.asarray(c, float), np.asarray(n, float)
    if len(c) < 2 or len(set(c)) < 2:
        return None
    a, b = np.polyfit(np.log(c), np.log(n), 1)
    return {"a": float(a), "log_prefactor": float(b), "points": int(len(c))}


def budget_colours(budgets):
    cmap = plt.get_cmap("viridis")
    lo, hi = np.log(min(budgets)), np.log(max(budgets))
    return {c: cmap(0.85 * (np.log(c) - lo) / (hi - lo) if hi > lo else 0.0) for c in budgets}


def plot_profiles(profs, keys, out_dir):
    colours = budget_colours([p["compute"] for p in profs])
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for p in profs:
        colour = colours[p["compute"]]
        n, mean = np.array(p["n_params"], float), np.array(p["loss_mean"])
        se = np.array([np.nan if v is None else v for v in p["loss_stderr"]])
        label = f"C = {flop_text(p['compute'])}: "
        label += f"N_opt = {flop_text(p['n_opt'])}" if p["interior"] else "no interior minimum"
        ax.scatter(p["runs_n"], p["runs_loss"], s=14, color=colour, alpha=0.35, lw=0)
        ax.errorbar(n, mean, yerr=np.nan_to_num(se), fmt="o", ms=5, capsize=3, color=colour, label=label)
        if p["parabola"]:
            x = np.linspace(np.log(n.min()), np.log(n.max()), 100)
            p0, p1, p2 = p["parabola"]
            ax.plot(np.exp(x), p0 + p1 * x + p2 * x * x, "-", lw=1.5, color=colour)
        if p["interior"]:
            ax.plot(p["n_opt"], p["loss_at_opt"], "*", ms=16, color=colour, mec="black", mew=0.8, zorder=5)
    ax.plot([], [], "*", ms=12, color="white", mec="black", label="minimum of the parabola")
    ax.plot([], [], "o", ms=4, color="grey", alpha=0.4, label="single seeds")
    ax.set_xscale("log")
    label_log_axis(ax.xaxis, sorted({n for p in profs for n in p["n_params"]}))
    ax.set_xlabel("parameters N")
    ax.set_ylabel("final eval_loss (nats/token)")
    title = "IsoFLOP profiles (approach 2): mean over seeds ± standard error, parabola in ln N"
    if keys:
        title += f"\n(at each N the best {', '.join(keys)})"
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return save(fig, out_dir, "isoflop_profiles.png")


def plot_envelope(curves, envelope, out_dir):
    ns = [n for n, *_ in curves]
    norm = matplotlib.colors.LogNorm(min(ns), max(ns) * (1.0001 if min(ns) == max(ns) else 1))
    cmap = plt.get_cmap("plasma")
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for n, compute, loss, _ in curves:
        ax.plot(compute, loss, "-", lw=0.9, alpha=0.7, color=cmap(0.9 * norm(n)))
    ax.plot([e["compute"] for e in envelope], [e["loss"] for e in envelope], "-", color="black", lw=3,
            label="envelope: lowest smoothed loss at each compute")
    lo = min(c[0] for _, c, *_ in curves)
    hi = max(c[-1] for _, c, *_ in curves)
    ax.set_xlim(lo, hi)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_minor_formatter(matplotlib.ticker.FormatStrFormatter("%.2g"))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%.2g"))
    label_log_axis(ax.xaxis)
    ax.set_xlabel("training compute C = 6 N tokens (FLOP)")
    ax.set_ylabel(f"training loss, running mean of {SMOOTH_STEPS} logged steps\n(fewer in short runs; nats/token)")
    ax.set_title("Training curves and their envelope (approach 1)", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=matplotlib.colors.ListedColormap(cmap(np.linspace(0, 0.9, 256))))
    bar = fig.colorbar(sm, ax=ax, label="parameters N of the run", pad=0.02)
    sizes = sorted(set(ns))
    label_log_axis(bar.ax.yaxis, sizes[::max(1, len(sizes) // 8)])
    ax.legend(fontsize=8, loc="lower left")
    return save(fig, out_dir, "curve_envelope.png")


def plot_optimal_n(profs, per_budget_envelope, fits, out_dir):
    fig, ax = plt.subplots(figsize=FIGSIZE)
    series = [("parabola", "isoFLOP minima (approach 2)", "o", "tab:blue",
               [(p["compute"], p["n_opt"]) for p in profs if p["interior"]]),
              ("envelope", "envelope at each budget (approach 1)", "s", "tab:orange",
               [(e["compute"], e["n_params"]) for e in per_budget_envelope if e["n_params"]])]
    cs = [c for *_, pts in series for c, _ in pts]
    grid = np.logspace(np.log10(min(cs)), np.log10(max(cs)), 50) if cs else []
    for key, name, marker, colour, pts in series:
        if not pts:
            continue
        fit = fits[key]
        label = name + (f": N_opt ∝ C^{fit['a']:.3f}" if fit else ": too few points for a fit")
        ax.plot([c for c, _ in pts], [n for _, n in pts], marker, ms=8, color=colour, label=label, ls="none")
        if fit:
            ax.plot(grid, np.exp(fit["log_prefactor"]) * grid ** fit["a"], "--" if key == "envelope" else "-",
                    color=colour, lw=1.5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    label_log_axis(ax.xaxis)
    label_log_axis(ax.yaxis)
    ax.set_xlabel("compute budget C (FLOP)")
    ax.set_ylabel("compute-optimal parameters N_opt")
    ax.set_title("Compute-optimal model size against compute, least-squares power laws", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return save(fig, out_dir, "optimal_n_vs_compute.png")


def save(fig, out_dir, name):
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, name), dpi=DPI)
    plt.close(fig)
    return name


def plot_budget_study(runs, metrics, curves, out_dir):
    """The budget-study figures and isoflop.json; [] when the store is not a budget study."""
    runs = finished_runs(runs, metrics)
    if not is_budget_study(runs):
        return []
    profs, keys = profiles(runs)
    smoothed = smoothed_curves(curves, runs) if not curves.empty else []
    smoothed = [s for s in smoothed if len(s[1])]
    envelope, per_budget = [], []
    if smoothed:
        # From the compute where every model size's curve has begun: before it the
        # "envelope" is whichever run logged first, not a choice between sizes.
        starts = {}
        for n, c, *_ in smoothed:
            starts[n] = min(starts.get(n, np.inf), c[0])
        lo = max(starts.values())
        hi = max(c[-1] for _, c, *_ in smoothed)
        if lo >= hi:
            lo = min(starts.values())
        grid = np.logspace(np.log10(lo), np.log10(hi), ENVELOPE_POINTS)
        grid[0], grid[-1] = lo, hi  # exactly, so that the runs that start or end there count
        for c in grid:
            loss, n = envelope_at(smoothed, c)
            if n is not None:
                envelope.append({"compute": float(c), "loss": loss, "n_params": n})
        for p in profs:
            # Where the budget's own runs end (whole batches: at or just below C), so
            # that each of them covers the compute the envelope is read at.
            ends = [c[-1] for _, c, _, budget in smoothed if budget == p["compute"]]
            at = min(ends) if ends else p["compute"]
            loss, n = envelope_at(smoothed, at)
            per_budget.append({"compute": p["compute"], "at_compute": float(at),
                               "loss": None if n is None else loss, "n_params": n})
    interior = [p for p in profs if p["interior"]]
    fits = {"parabola": power_law([p["compute"] for p in interior], [p["n_opt"] for p in interior]),
            "envelope": power_law([e["compute"] for e in per_budget if e["n_params"]],
                                  [e["n_params"] for e in per_budget if e["n_params"]])}
    images = [plot_profiles(profs, keys, out_dir)]
    if smoothed:
        images.append(plot_envelope(smoothed, envelope, out_dir))
    if interior or any(e["n_params"] for e in per_budget):
        images.append(plot_optimal_n(profs, per_budget, fits, out_dir))
    summary = {"settings_axes": keys, "smoothing_steps": SMOOTH_STEPS,
               "budgets": [{k: v for k, v in p.items() if k not in ("runs_n", "runs_loss")} for p in profs],
               "a_parabola": fits["parabola"]["a"] if fits["parabola"] else None,
               "a_envelope": fits["envelope"]["a"] if fits["envelope"] else None,
               "fits": fits, "envelope_at_budgets": per_budget, "envelope": envelope}
    with open(os.path.join(out_dir, "isoflop.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return images

