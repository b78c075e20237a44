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
for metric in ("exact_match", "logprob"):
    print(f"\n{metric} by model, training tokens / prompt, task:")
    t = evals[evals.metric == metric].pivot_table(index=["n_params", "model", "data_tokens"],
                                                   columns=["prompt", "task"], values="value")
    print(t.round(3).to_string())
print(f"\n{len(df)} metric rows, {df.point_id.nunique()} points, {n_errors} failed jobs")
