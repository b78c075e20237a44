"""Prints, as a markdown table, one task's metrics per model (sorted by size)
for one prompt style: the numbers behind an emergence curve, with each
metric's random baseline in the last row.
Usage: /usr/bin/python3 scripts/emergence_table.py STORE.h5 [PROMPT] [TASK]"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

path = sys.argv[1]
prompt = sys.argv[2] if len(sys.argv) > 2 else "zero_shot"
df = sweepstore.table(path, "metrics")
evals = df[(df.prompt == prompt)]
task = sys.argv[3] if len(sys.argv) > 3 else sorted(set(evals.task))[0]
evals = evals[evals.task == task]
metrics = [m for m in ("exact_match", "edit_distance", "mc_accuracy", "brier", "logprob", "seq_logprob", "ece")
           if m in set(evals.metric)]
runs = sweepstore.table(path, "runs").set_index("model")
print(f"{task}, {prompt}:\n")
print("| model | params | " + " | ".join(metrics) + " | train s |")
print("|---|---|" + "---|" * len(metrics) + "---|")
for (n, model), rows in sorted(evals.groupby(["n_params", "model"])):
    by = rows.set_index("metric")
    cells = [f"{by.value[m]:.3f} ± {by.stderr[m]:.3f}" for m in metrics]
    print(f"| {model} | {n} | " + " | ".join(cells) + f" | {runs.wall_seconds.get(model, float('nan')):.0f} |")
base = evals.groupby("metric").random_baseline.mean()
print("| random baseline | | " + " | ".join(f"{base[m]:.3f}" for m in metrics) + " | |")
