"""Prints a store's results as small tables: held-out loss per model and data
size, and each eval metric per (model, data) row and (prompt, task) column.
Usage: /usr/bin/python3 scripts/summarize.py STORE.h5"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

import pandas as pd  # noqa: E402

df = sweepstore.table(sys.argv[1], "metrics")
n_errors = len(sweepstore.table(sys.argv[1], "errors"))

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
runs = df[df.prompt == ""]
print("\nheld-out loss (nats/token) by model (n_params) and training tokens:")
loss = runs[runs.metric == "eval_loss"].pivot_table(index=["model", "n_params"], columns="data_tokens", values="value")
print(loss.sort_index(level="n_params").round(3).to_string())
evals = df[df.prompt != ""]
ORDER = ["exact_match", "edit_distance", "mc_accuracy", "mc_accuracy_norm", "brier", "logprob", "seq_logprob", "ece"]
for metric in [m for m in ORDER if m in set(evals.metric)]:
    rows = evals[evals.metric == metric]
    print(f"\n{metric} by model, training tokens / prompt, task:")
    t = rows.pivot_table(index=["n_params", "model", "data_tokens"], columns=["prompt", "task"], values="value")
    base = rows.pivot_table(columns=["prompt", "task"], values="random_baseline", aggfunc="mean")
    base.index = pd.MultiIndex.from_tuples([(0, "random baseline", 0)], names=t.index.names)
    print(pd.concat([t, base]).round(3).to_string())
print(f"\n{len(df)} metric rows, {df.point_id.nunique()} points, {n_errors} failed jobs")
