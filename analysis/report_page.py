"""The report page of a sweep store (for plot_store.py): one self-contained HTML
file, index.html, beside its PNGs, with no request outside its folder (CSS and
JS inline).

Sections: the sweep (its root attributes: versions, hosts, sessions, grid file;
jobs by status), failures (/errors and jobs not done), runs (a sortable table of
the train jobs of /points joined with /runs), loss against compute (figure and
the loss fits of the findings), training curves, abilities (a sortable table of
every verdict with its reason, then one figure per task), a compute-budget
study's figures, and the full text report of `sweep analyze`.

Tables sort on a click on a column head (numbers by value: a numeric cell
carries its raw value in data-v). When the page loads, its script records in the
DOM how wide the page is (body data-page-width, data-window-width) and at what
scale each image is shown (img data-shown-scale): a headless browser's
--dump-dom then tells a test whether every figure is shown at its natural size,
where its legends are legible.
"""
import html
import math
import os

import h5py
import numpy as np
import pandas as pd

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;
 max-width:1220px;padding:0 20px 40px;color:#1d1d1f}
h1{font-size:1.6em;margin:0.8em 0 0.2em} h2{font-size:1.3em;margin-top:1.8em;border-bottom:2px solid #ddd}
h3{font-size:1.1em;margin-top:1.3em}
nav{font-size:0.92em;margin-bottom:1em} nav a{margin-right:1em}
.wide{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:13px;margin:0.5em 0}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
td{white-space:nowrap} td.wrap{white-space:normal;min-width:24em}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{background:#f1f3f5;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none} table.sortable th:after{content:" \\2195";color:#999}
table.sortable th.asc:after{content:" \\2191";color:#000} table.sortable th.desc:after{content:" \\2193";color:#000}
tr:nth-child(even) td{background:#fafafa}
table.meta th{position:static;width:12em}
pre{background:#f6f6f6;padding:0.8em;overflow-x:auto;font-size:12.5px;max-height:40em}
figure{margin:1em 0} figure img{max-width:100%;height:auto;border:1px solid #e3e3e3}
figcaption{font-size:0.9em;color:#444;max-width:60em}
.v-emergent{color:#c0392b;font-weight:600} .v-smooth_positive{color:#1f6fb4} .v-flat{color:#777}
.v-inverse,.v-u_shaped,.v-inverted_u{color:#8e44ad}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:0.4em 0.8em;margin:0.6em 0}
"""

JS = """
function cellKey(td){const v=td.getAttribute('data-v');if(v!==null&&v!==''&&!isNaN(v))return[0,parseFloat(v)];
 return[1,td.textContent.trim().toLowerCase()];}
function sortTable(th){const table=th.closest('table'),body=table.tBodies[0],i=Array.from(th.parentNode.children).indexOf(th);
 const asc=!th.classList.contains('asc');
 table.querySelectorAll('th').forEach(h=>h.classList.remove('asc','desc'));th.classList.add(asc?'asc':'desc');
 const rows=Array.from(body.rows);
 rows.sort((a,b)=>{const x=cellKey(a.cells[i]),y=cellKey(b.cells[i]);
  const c=x[0]!==y[0]?x[0]-y[0]:(x[1]<y[1]?-1:x[1]>y[1]?1:0);return asc?c:-c;});
 rows.forEach(r=>body.appendChild(r));}
document.querySelectorAll('table.sortable th').forEach(th=>th.addEventListener('click',()=>sortTable(th)));
window.addEventListener('load',()=>{
 document.querySelectorAll('img').forEach(img=>{
  img.setAttribute('data-shown-scale',img.naturalWidth?(img.clientWidth/img.naturalWidth).toFixed(3):'0');});
 document.body.setAttribute('data-page-width',document.documentElement.scrollWidth);
 document.body.setAttribute('data-window-width',window.innerWidth);});
"""

WRAPPED = {"reason", "message", "error", "axes", "source"}  # long text: wraps in its cell
STATUS_ORDER = ["done", "running", "pending", "failed", "skipped", "diverged", "timeout"]


def esc(v):
    return html.escape(str(v), quote=True)


def text(v):
    return v.decode("utf-8", errors="replace") if isinstance(v, bytes) else v


def store_metadata(path):
    """The root attributes as str/int, and the sessions: [{session, started, ranks, version, grid_changed}]."""
    try:
        f = h5py.File(path, "r")
    except OSError:
        f = h5py.File(path, "r", swmr=True)
    with f:
        attrs = {k: text(v) for k, v in f.attrs.items()}
    for k, v in attrs.items():
        if isinstance(v, np.generic):
            attrs[k] = v.item()
    sessions = [{"session": 1, "started": attrs.get("created", ""), "ranks": attrs.get("ranks", ""),
                 "version": attrs.get("sweep_version", ""), "grid": "as created", "slurm": attrs.get("slurm", "")}]
    k = 1
    while f"resume_{k}_started" in attrs:
        grid = attrs.get(f"resume_{k}_grid_text", "")
        sessions.append({"session": k + 1, "started": attrs[f"resume_{k}_started"],
                         "ranks": attrs.get(f"resume_{k}_ranks", ""),
                         "version": attrs.get(f"resume_{k}_sweep_version", ""),
                         "grid": "unchanged" if grid == attrs.get("grid_text") else "changed",
                         "slurm": attrs.get(f"resume_{k}_slurm", "")})
        k += 1
    return attrs, sessions


def fmt(v, column=""):
    """(display text, raw sort value or None) of a cell; ids unformatted."""
    if column.endswith("id") and isinstance(v, (int, np.integer)):
        return str(int(v)), int(v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "", None
    if isinstance(v, (bool, np.bool_)):
        return ("yes" if v else "no"), None
    if isinstance(v, (int, np.integer)):
        return (f"{int(v):,}" if abs(int(v)) >= 100000 else str(int(v))), int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isinf(v):
            return ("inf" if v > 0 else "-inf"), v
        a = abs(v)
        shown = f"{v:.3e}" if a and (a >= 1e6 or a < 1e-3) else f"{v:.4g}"
        return shown, v
    return str(v), None


def table_html(df, columns, sortable=True, classes=None):
    """A table of the columns [(column, heading)] of df; class names per column via classes."""
    classes = classes or {}
    head = "".join(f"<th>{esc(h)}</th>" for _, h in columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for col, _ in columns:
            shown, raw = fmt(getattr(row, col), col)
            cls = ["num"] if raw is not None else []
            if col in classes:
                cls.append(classes[col](getattr(row, col)))
            if col in WRAPPED:
                cls.append("wrap")
            attr = f' data-v="{raw!r}"' if raw is not None else ""
            attr += f' class="{" ".join(cls)}"' if cls else ""
            cells.append(f"<td{attr}>{esc(shown)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cls = "sortable" if sortable else ""
    return (f"<div class='wide'><table class='{cls}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def meta_table(pairs):
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in pairs)
    return f"<table class='meta'>{rows}</table>"


def figure(name, caption):
    return (f"<figure><img src='{esc(name)}' alt='{esc(caption)}' loading='eager'>"
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def hosts_text(hostnames):
    hosts = [h for h in (hostnames or "").splitlines() if h]
    counts = {}
    for h in hosts:  # in rank order: rank 0's host first
        counts[h] = counts.get(h, 0) + 1
    return ", ".join(f"{h} ({n} rank{'s' if n > 1 else ''})" for h, n in counts.items()) or "not recorded"


def sweep_section(store, attrs, sessions, points):
    meta = [("store", esc(os.path.abspath(store))),
            ("sweep", esc(attrs.get("sweep_name", ""))),
            ("grid file", esc(attrs.get("grid_path", ""))),
            ("created", esc(attrs.get("created", ""))),
            ("sweep version", esc(attrs.get("sweep_version", ""))),
            ("schema version", esc(attrs.get("schema_version", ""))),
            ("ranks", esc(attrs.get("ranks", ""))),
            ("hosts", esc(hosts_text(attrs.get("hostnames")))),
            ("LibTorch", esc(attrs.get("torch_version", ""))),
            ("MPI", esc(attrs.get("mpi_version", ""))),
            ("HDF5", esc(attrs.get("hdf5_version", ""))),
            ("NCCL", esc(attrs.get("nccl_version", "") or "not recorded")),
            ("seed", esc(attrs.get("seed", ""))),
            ("sessions", esc(attrs.get("sessions", len(sessions))))]
    if attrs.get("slurm"):
        meta.append(("Slurm", "<pre>" + esc(attrs["slurm"]) + "</pre>"))
    parts = ["<h2 id='sweep'>Sweep</h2>", meta_table(meta), "<h3>Sessions</h3>",
             table_html(pd.DataFrame(sessions), [("session", "session"), ("started", "started (UTC)"),
                                                 ("ranks", "ranks"), ("version", "sweep version"),
                                                 ("grid", "grid file"), ("slurm", "Slurm job")], sortable=False)]
    if not points.empty:
        by = points.groupby(["job", "status"]).size().unstack(fill_value=0)
        cols = [s for s in STATUS_ORDER if s in by.columns]
        by = by[cols].reset_index()
        by["total"] = by[cols].sum(axis=1)
        parts += ["<h3>Jobs by status</h3>",
                  table_html(by, [("job", "job")] + [(c, c) for c in cols] + [("total", "total")], sortable=False)]
    parts += ["<details><summary>Grid file as run (<code>grid_text</code>)</summary>",
              f"<pre>{esc(attrs.get('grid_text', ''))}</pre></details>",
              "<details><summary>Resolved configuration (<code>resolved_config</code>)</summary>",
              f"<pre>{esc(attrs.get('resolved_config', ''))}</pre></details>"]
    return parts


def failures_section(points, errors):
    parts = ["<h2 id='failures'>Failures</h2>"]
    bad = points[~points.status.isin(["done", "pending", "running"])] if not points.empty else points
    if errors.empty and bad.empty:
        return parts + ["<p>No failed attempt, no failed or skipped job.</p>"]
    if not bad.empty:
        parts += [f"<h3>Jobs that did not finish ({len(bad)})</h3>",
                  table_html(bad, [("point_id", "id"), ("job", "job"), ("model", "model"), ("data_tokens", "D"),
                                   ("prompt", "prompt"), ("task", "task"), ("status", "status"),
                                   ("attempts", "attempts"), ("host", "host"), ("error", "error")])]
    if not errors.empty:
        parts += [f"<h3>Failed attempts (/errors, {len(errors)})</h3>",
                  table_html(errors, [("point_id", "id"), ("job", "job"), ("model", "model"), ("data_tokens", "D"),
                                      ("prompt", "prompt"), ("task", "task"), ("rank", "rank"),
                                      ("message", "message")])]
    return parts


def runs_frame(points, runs):
    """The train jobs of /points (every status) with their /runs row where finished."""
    if points.empty:
        return runs.assign(status="done") if not runs.empty else runs
    train = points[points.job == "train"][["point_id", "model", "data_tokens", "status", "attempts", "host"]]
    train = train.rename(columns={"point_id": "run_id"})
    if runs.empty:
        return train
    extra = [c for c in runs.columns if c not in ("model", "data_tokens")]
    out = train.merge(runs[extra], on="run_id", how="left")
    out["peak_rss_mib"] = out.peak_rss_bytes / 2 ** 20
    return out


def runs_section(frame):
    parts = ["<h2 id='runs'>Runs</h2>"]
    if frame.empty:
        return parts + ["<p>No train jobs in this store.</p>"]
    cols = [("run_id", "run"), ("model", "model"), ("status", "status"), ("n_layer", "layers"),
            ("d_model", "d_model"), ("n_head", "heads"), ("n_params", "N"), ("data_tokens", "D"),
            ("train_flops", "C = 6ND"), ("steps", "steps"), ("train_loss", "train loss"),
            ("eval_loss", "eval loss"), ("tokens_per_s", "tokens/s"), ("wall_seconds", "wall s"),
            ("peak_rss_mib", "peak RSS MiB"), ("attempts", "attempts"), ("host", "host"), ("seed", "seed"),
            ("axes", "axes"), ("source", "source")]
    keep = [(c, h) for c, h in cols if c in frame.columns
            and not (c in ("axes", "source", "seed") and not frame[c].fillna(0).astype(bool).any())]
    return parts + [f"<p>{len(frame)} train jobs; click a column head to sort.</p>", table_html(frame, keep)]


def loss_section(found, figure_html, shown):
    parts = ["<h2 id='loss'>Loss against compute</h2>"]
    if figure_html:
        parts.append(figure_html)
    if shown.get("below"):
        b = shown["below"]
        parts.append(f"<p class='note'>The fitted frontier lies above {len(b)} of {shown['runs']} measured runs "
                     f"(ringed in red): at their compute the L(N, D) fit predicts a higher least loss than they "
                     f"reached. " + ", ".join(f"{esc(r['model'])} D = {r['D']:.3g}: {r['loss']:.4g}" for r in b)
                     + ".</p>")
    ch = found.get("chinchilla")
    if ch:
        ci = ch.get("ci") or {}
        rows = []
        for k in ("E", "A", "B", "alpha", "beta", "a"):
            lo, hi = (ci.get(k) or [None, None])
            interval = f"[{lo:.4g}, {hi:.4g}]" if lo is not None and hi is not None else ""
            rows.append({"parameter": k, "value": ch.get(k), "ci": interval})
        parts += [f"<h3>L(N, D) = E + A/N^alpha + B/D^beta: {esc(ch.get('status', ''))}, {ch.get('points')} points, "
                  f"dof {ch.get('dof')}</h3>",
                  (f"<p class='note'>{esc(ch['reason'])}</p>" if ch.get("reason") else ""),
                  table_html(pd.DataFrame(rows), [("parameter", "parameter"), ("value", "fitted"),
                                                  ("ci", "95% bootstrap interval")], sortable=False)]
    else:
        parts.append("<p>No L(N, D) fit (see the notes below).</p>")
    laws = found.get("power_laws") or {}
    if laws:
        df = pd.DataFrame([{"law": k.replace("_", "(") + ")", **v} for k, v in laws.items()])
        parts += ["<h3>One-variable power laws L(x) = E + A/x^alpha</h3>",
                  table_html(df, [(c, c) for c in ["law", "E", "A", "alpha", "points", "dof", "status"]
                                  if c in df.columns], sortable=False)]
    if found.get("notes"):
        parts += ["<h3>Notes of the analysis</h3><ul>"] + [f"<li>{esc(n)}</li>" for n in found["notes"]] + ["</ul>"]
    return parts


def verdict_class(v):
    return f"v-{v}" if isinstance(v, str) and v.isidentifier() else ""


def abilities_section(found, task_figures):
    parts = ["<h2 id='abilities'>Abilities</h2>"]
    verdicts = pd.DataFrame(found.get("verdicts") or [])
    if verdicts.empty:
        parts.append("<p>No ability curves (no eval points with metrics).</p>")
    else:
        counts = verdicts.verdict.value_counts()
        parts.append("<p>" + ", ".join(f"{n} {esc(v)}" for v, n in counts.items()) + f" of {len(verdicts)} curves. "
                     "Axis <code>params</code>: each model size at its largest D; <code>flops</code>: every point by "
                     "compute. Click a column head to sort.</p>")
        cols = [("task", "task"), ("prompt", "prompt"), ("metric", "metric"), ("axis", "axis"),
                ("verdict", "verdict"), ("emergence_scale", "emergence at"), ("baseline", "baseline"),
                ("baseline_source", "baseline from"), ("reason", "reason")]
        parts.append(table_html(verdicts, [(c, h) for c, h in cols if c in verdicts.columns],
                                classes={"verdict": verdict_class}))
    for task, html_fig in task_figures:
        parts += [f"<h3 id='task-{esc(task)}'>Task {esc(task)}</h3>", html_fig]
    return parts


def write_page(out_dir, store, found, report_text, points, runs, errors, sections):
    """index.html in out_dir. sections: {"loss": (figure html, shown), "curves": figure html or
    None, "tasks": [(task, figure html)], "budget": [figure html]}."""
    attrs, sessions = store_metadata(store)
    name = attrs.get("sweep_name") or os.path.basename(store)
    nav = [("sweep", "Sweep"), ("failures", "Failures"), ("runs", "Runs"), ("loss", "Loss against compute"),
           ("curves", "Training curves"), ("abilities", "Abilities")]
    if sections.get("budget"):
        nav.append(("budget", "Compute-budget study"))
    nav.append(("report", "Full text report"))
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>Sweep report: {esc(name)}</title><style>{CSS}</style></head><body>",
             f"<h1>Sweep report: {esc(name)}</h1>",
             "<nav>" + "".join(f"<a href='#{k}'>{esc(v)}</a>" for k, v in nav) + "</nav>"]
    store_state = found.get("store")
    if store_state and not store_state.get("complete", True):
        parts.append(f"<p class='note'>The store is incomplete: {store_state.get('done')} of "
                     f"{store_state.get('points')} jobs done, {store_state.get('running')} running, "
                     f"{store_state.get('pending')} pending, {store_state.get('failed')} failed.</p>")
    parts += sweep_section(store, attrs, sessions, points)
    parts += failures_section(points, errors)
    parts += runs_section(runs_frame(points, runs))
    loss_fig, shown = sections.get("loss") or (None, {})
    parts += loss_section(found, loss_fig, shown)
    parts.append("<h2 id='curves'>Training curves</h2>")
    parts.append(sections.get("curves") or "<p>No training curves (/curves is empty or absent).</p>")
    parts += abilities_section(found, sections.get("tasks") or [])
    if sections.get("budget"):
        parts += ["<h2 id='budget'>Compute-budget study</h2>"] + sections["budget"]
    parts += ["<h2 id='report'>Full text report</h2>",
              "<details><summary>The report of <code>sweep analyze</code></summary>",
              f"<pre>{esc(report_text)}</pre></details>",
              "<p>Findings as JSON: <a href='analysis.json'>analysis.json</a></p>",
              f"<script>{JS}</script></body></html>"]
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    return path
