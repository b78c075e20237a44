"""Prints a store's results as small tables: held-out loss per model and data
size, and each eval metric per (model, data) row and (prompt, task) column.
Usage: /usr/bin/python3 scripts/summarize.py STORE.h5
       /usr/bin/python3 scripts/summarize.py --brief STORE.h5 FINDINGS.h5
--brief fits one screen: the loss table, whether loss falls with N and with D,
and per (task, prompt) the exact match of each model (most data) with the
verdict and reason `sweep analyze` wrote to FINDINGS.h5."""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

import pandas as pd  # noqa: E402

brief = sys.argv[1] == "--brief"
store = sys.argv[2] if brief else sys.argv[1]
df = sweepstore.table(store, "metrics")
n_errors = len(sweepstore.table(store, "errors"))

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
runs = df[df.prompt == ""]
print("\nheld-out loss (nats/token) by model (n_params) and training tokens:")
loss = runs[runs.metric == "eval_loss"].pivot_table(index=["model", "n_params"], columns="data_tokens", values="value")
loss = loss.sort_index(level="n_params")
print(loss.round(3).to_string())
evals = df[df.prompt != ""]
if brief:
    import h5py
    with h5py.File(sys.argv[3], "r") as f:
        found = json.loads(f.attrs["report_json"])
    falls_n = bool((loss.diff(axis=0).iloc[1:] < 0).all().all())
    falls_d = bool((loss.diff(axis=1).iloc[:, 1:] < 0).all().all())
    print(f"loss falls with model size at every data size: {'yes' if falls_n else 'no'}; "
          f"with data at every model size: {'yes' if falls_d else 'no'}")
    verdicts = {(v["task"], v["prompt"], v["metric"]): v for v in found["verdicts"] if v["axis"] == "params"}
    em = evals[evals.metric == "exact_match"]
    if not em.empty:
        most = em[em.data_tokens == em.data_tokens.max()]
        t = most.pivot_table(index=["task", "prompt"], columns="n_params", values="value")
        print(f"\nexact match by n_params (at {int(em.data_tokens.max())} tokens), with the verdict over model size:")
        for (task, prompt), row in t.iterrows():
            v = verdicts.get((task, prompt, "exact_match"), {})
            cells = " ".join(f"{x:5.2f}" for x in row.values)
            print(f"  {task:8s} {prompt:10s} {cells}   {v.get('verdict', '-')}: {v.get('reason', '')}"[:158])
    rising = [k for k, v in verdicts.items() if v["verdict"] not in ("flat",) and k[2] == "exact_match"]
    print(f"\n{len(df)} metric rows, {df.point_id.nunique()} points, {n_errors} failed jobs; "
          f"{len(rising)} exact-match curves not flat")
    sys.exit(0)
ORDER = ["exact_match", "edit_distance", "mc_accuracy", "mc_accuracy_norm", "brier", "logprob", "seq_logprob", "ece"]
for metric in [m for m in ORDER if m in set(evals.metric)]:
    rows = evals[evals.metric == metric]
    print(f"\n{metric} by model, training tokens / prompt, task:")
    t = rows.pivot_table(index=["n_params", "model", "data_tokens"], columns=["prompt", "task"], values="value")
    base = rows.pivot_table(columns=["prompt", "task"], values="random_baseline", aggfunc="mean")
    base.index = pd.MultiIndex.from_tuples([(0, "random baseline", 0)], names=t.index.names)
    print(pd.concat([t, base]).round(3).to_string())
print(f"\n{len(df)} metric rows, {df.point_id.nunique()} points, {n_errors} failed jobs")
