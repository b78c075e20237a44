"""Per task, one figure of small panels (for plot_store.py): each metric against
parameters N (one line per training-token count D) and against training compute
(one line per model size, so different model sizes are never joined in FLOP
order), one panel per prompt style, so each panel draws its own prompt's random
baseline and the verdict of `sweep analyze` for that curve.

Panels wrap at COLUMNS per row, so a figure is about 1000 px wide whatever the
number of metrics and prompts (the page shows it at its natural size). Bars are
95% intervals clipped to the metric's range (the registry of `sweep analyze
--list-metrics`): Wilson score intervals for binomial metrics (so 0/100 gets one,
above 0), +- 1.96 standard errors otherwise. Lines that coincide are drawn with
different markers and dashes, shifted by DODGE decades in x, so none hides another.
Each PNG carries what it draws as JSON in its "sweep" text chunk (tests read it).
"""
import json
import math
import os
import re
import subprocess

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from plot_budget import flop_text, label_log_axis  # noqa: E402

PROMPT_ORDER = ["zero_shot", "few_shot", "cot", "instruction"]
METRIC_ORDER = ["exact_match", "mc_accuracy", "mc_accuracy_norm", "exact_str_match", "multiple_choice_grade",
                "logprob", "seq_logprob", "edit_distance", "brier", "ece"]
COLUMNS = 3
PANEL = (3.45, 2.55)  # inches per panel; at DPI 100 three panels make a ~1040 px figure
DPI = 100
Z95 = 1.959964
DODGE = 0.02  # decades between coinciding lines' markers
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
DASHES = ["-", "--", ":", "-."]
VERDICT_COLOURS = {"emergent": "tab:red", "smooth_positive": "tab:blue", "flat": "tab:grey",
                   "inverse": "tab:purple", "u_shaped": "tab:orange", "inverted_u": "tab:orange"}


def metric_registry(sweep):
    """{metric: {"lo", "hi", "binomial", "higher_is_better"}} from `sweep analyze
    --list-metrics` (the analysis's own table); {} when sweep cannot be run."""
    try:
        text = subprocess.run([sweep, "analyze", "--list-metrics"], capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        print("plot_tasks: `sweep analyze --list-metrics` failed: error bars are not clipped to metric ranges")
        return {}
    out = {}
    pattern = re.compile(r"^(\S+)\s+(\S+)\s+(higher|lower)\s+\[(\S+), (\S+)\]\s+(\S+)\s+(yes|no)\b")
    for line in text.splitlines():
        m = pattern.match(line)
        if m:
            lo, hi = (float(v.replace("inf", "Infinity")) for v in m.group(4, 5))
            out[m.group(1)] = {"lo": lo, "hi": hi, "binomial": m.group(7) == "yes",
                               "higher_is_better": m.group(3) == "higher"}
    return out


def wilson(p, n, z=Z95):
    """The Wilson score interval of a fraction p of n trials (n > 0)."""
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def cell(rows, info):
    """(value, lo, hi) of the rows of one point (seeds pooled): binomial counts
    pooled into a Wilson interval, else the mean with +- 1.96 standard errors
    (of the mean over the rows); clipped to the metric's range."""
    value = float(rows.value.mean())
    lo_r, hi_r = (info["lo"], info["hi"]) if info else (-np.inf, np.inf)
    if info and info["binomial"] and (rows.n_examples > 0).all():
        n = float(rows.n_examples.sum())
        scale = hi_r if np.isfinite(hi_r) and hi_r > 1 else 1.0  # a 0-100 accuracy
        p = min(1.0, max(0.0, float((rows.value / scale * rows.n_examples).sum()) / n))
        lo, hi = wilson(p, n)
        return value, max(lo_r, min(value, lo * scale)), min(hi_r, max(value, hi * scale))
    se = float(np.sqrt(np.nansum(rows.stderr.to_numpy(float) ** 2))) / len(rows)
    return value, max(lo_r, value - Z95 * se), min(hi_r, value + Z95 * se)


def lines_of(sel, axis, info):
    """[(key, x, value, lo, hi)]: against params one line per D; against flops one per model size."""
    key = "data_tokens" if axis == "params" else "n_params"
    out = []
    for k, g in sel.groupby(key):
        pts = []
        for (n, d), rows in g.groupby(["n_params", "data_tokens"]):
            pts.append((float(n) if axis == "params" else 6.0 * n * d, *cell(rows, info)))
        pts.sort()
        out.append((k, *(np.array(v) for v in zip(*pts))))
    return out


def label_compute_axis(axis):
    """Labels at 1, 2, 3 and 5 times each decade over up to 1.3 decades, at 1 and 3
    times over up to 4 (a narrow panel has room for about six), at decades beyond."""
    text = matplotlib.ticker.FuncFormatter(lambda v, _: flop_text(v))
    lo, hi = axis.get_view_interval()
    span = hi / lo
    subs = (1.0, 2.0, 3.0, 5.0) if span < 20 else (1.0, 3.0) if span < 1e4 else (1.0,)
    axis.set_major_locator(matplotlib.ticker.LogLocator(subs=subs))
    axis.set_major_formatter(text)
    axis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def baseline_of(sel, verdict):
    """The prompt's random baseline: the analysis's, else the store's column."""
    if verdict and verdict.get("baseline") is not None:
        return float(verdict["baseline"])
    if "random_baseline" in sel and sel.random_baseline.notna().any():
        return float(sel.random_baseline.mean())
    return None


def verdict_text(v):
    if not v:  # over compute with several D per N: no single curve to judge (sweep analyze's note)
        return "not judged", "dimgray"
    text = v["verdict"]
    if v.get("emergence_scale"):
        text += f" at {flop_text(v['emergence_scale'])}"
    return text, VERDICT_COLOURS.get(v["verdict"], "black")


def colours_for(values, cmap_name):
    values = sorted(values)
    cmap = plt.get_cmap(cmap_name)
    return {v: cmap(0.85 * i / max(1, len(values) - 1)) for i, v in enumerate(values)}


def style(i):
    return MARKERS[i % len(MARKERS)], DASHES[i % len(DASHES)]


def draw_panel(ax, sel, axis, info, prompt, metric, verdict, colours):
    drawn = {"prompt": prompt, "metric": metric, "axis": axis, "lines": []}
    lines = lines_of(sel, axis, info)
    all_y = []
    for i, (k, x, y, lo, hi) in enumerate(lines):
        shift = 10 ** (DODGE * (i - (len(lines) - 1) / 2))
        marker, dash = style(i)
        ax.errorbar(x * shift, y, yerr=[y - lo, hi - y], color=colours[k], marker=marker, ls=dash, ms=4.5, lw=1.3,
                    capsize=2.5, elinewidth=0.9)
        all_y += list(lo) + list(hi)
        drawn["lines"].append({"key": float(k), "x": x.tolist(), "value": y.tolist(), "lo": lo.tolist(),
                               "hi": hi.tolist()})
    ax.set_xscale("log")
    xs = sorted({float(v) for _, x, *_ in lines for v in x})
    if axis == "params":
        label_log_axis(ax.xaxis, xs)
    else:
        ax.set_xlim(xs[0] / 10 ** 0.15, xs[-1] * 10 ** 0.15)
        label_compute_axis(ax.xaxis)
    ax.tick_params(labelsize=8)
    base = baseline_of(sel, verdict)
    lo_y, hi_y = min(all_y), max(all_y)
    span = max(hi_y - lo_y, 1e-9)
    drawn["baseline"] = base
    xlabel = "parameters N" if axis == "params" else "compute 6ND (FLOP)"
    if base is not None:
        if lo_y - 0.6 * span <= base <= hi_y + 0.6 * span:
            ax.axhline(base, color="grey", ls="--", lw=1)
        else:  # far off the data: say where, rather than squash the curves into a line
            where = "below" if base < lo_y else "above"
            xlabel += f"; baseline {base:.3g} is {where}"
            drawn["baseline_off_axis"] = where
    ax.set_xlabel(xlabel, fontsize=8, labelpad=1)
    text, colour = verdict_text(verdict)
    drawn["verdict"] = text
    ax.set_title(f"{metric} vs {'N' if axis == 'params' else 'C'}, {prompt}\n", fontsize=9, pad=2)
    ax.text(0.5, 1.0, text, transform=ax.transAxes, ha="center", va="bottom", fontsize=8.5, color=colour,
            fontweight="bold")
    ax.grid(True, which="both", alpha=0.3)
    return drawn


def plot_task(metrics, found, task, registry, out_dir):
    ev = metrics[metrics.task == task]
    present = set(ev.metric) - {"random_baseline"}
    names = [m for m in METRIC_ORDER if m in present] + sorted(present - set(METRIC_ORDER))
    prompts = [p for p in PROMPT_ORDER if p in set(ev.prompt)] + sorted(set(ev.prompt) - set(PROMPT_ORDER))
    verdicts = {(v["prompt"], v["metric"], v["axis"]): v for v in found["verdicts"] if v["task"] == task}
    cols = min(COLUMNS, len(prompts))
    per_group = math.ceil(len(prompts) / cols)
    groups = [(m, axis) for m in names for axis in ("params", "flops")]
    rows = len(groups) * per_group
    legend_in = 1.0
    fig = plt.figure(figsize=(PANEL[0] * cols, PANEL[1] * rows + legend_in))
    d_colours = colours_for(set(ev.data_tokens), "viridis")
    n_colours = colours_for(set(ev.n_params), "plasma")
    model_of = dict(zip(ev.n_params, ev.model))
    drawn = {"task": task, "panels": []}
    for g, (metric, axis) in enumerate(groups):
        for j, prompt in enumerate(prompts):
            ax = fig.add_subplot(rows, cols, g * per_group * cols + j + 1)
            sel = ev[(ev.metric == metric) & (ev.prompt == prompt)]
            if sel.empty:
                ax.set_axis_off()
                continue
            drawn["panels"].append(draw_panel(ax, sel, axis, registry.get(metric), prompt, metric,
                                              verdicts.get((prompt, metric, axis)),
                                              d_colours if axis == "params" else n_colours))
            if j % cols == 0:
                ax.set_ylabel(metric, fontsize=8.5)
    # Two shared legends on top: the colours mean D in the N panels and the model in the C panels.
    d_handles = [matplotlib.lines.Line2D([], [], color=d_colours[d], marker=style(i)[0], ls=style(i)[1],
                                         label=f"D = {flop_text(d)}") for i, d in enumerate(sorted(d_colours))]
    n_handles = [matplotlib.lines.Line2D([], [], color=n_colours[n], marker=style(i)[0], ls=style(i)[1],
                                         label=f"{model_of[n]} ({flop_text(n)})")
                 for i, n in enumerate(sorted(n_colours))]
    top = 1 - legend_in / fig.get_figheight()
    half = 0.5 * legend_in / fig.get_figheight()
    for y, handles, title in [(1.0, d_handles, "vs N panels: one line per training-token count D"),
                              (1.0 - half, n_handles, "vs C panels: one line per model size (name, N)")]:
        leg = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.01, y), ncol=min(6, len(handles)),
                         fontsize=8.5, title=title, title_fontsize=8.5, frameon=False, borderaxespad=0.2)
        leg._legend_box.align = "left"
    fig.tight_layout(rect=(0, 0, 1, top), h_pad=0.6, w_pad=0.8)
    name = f"task_{task}.png"
    fig.savefig(os.path.join(out_dir, name), dpi=DPI, metadata={"sweep": json.dumps(drawn)})
    plt.close(fig)
    return name
