"""A job that fails (a diverging model) is recorded in /errors, its eval points
are recorded as skipped, the other model's results are complete, and the exit
status is 3. argv: STORE COMMAND..."""
import subprocess
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

store, cmd = sys.argv[1], sys.argv[2:]
p = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
if p.returncode != 3:
    sys.exit(f"failure_recorded: exit {p.returncode}, want 3\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
errors = sweepstore.table(store, "errors")
metrics = sweepstore.table(store, "metrics")
points = sweepstore.table(store, "points")
train_err = errors[(errors.job == "train") & (errors.model == "hot")]
if len(train_err) != 1 or "diverged" not in train_err.message.iloc[0]:
    sys.exit(f"failure_recorded: no divergence error for model hot:\n{errors}")
skipped = errors[(errors.job == "eval") & (errors.model == "hot")]
if len(skipped) != 1 or "skipped" not in skipped.message.iloc[0]:
    sys.exit(f"failure_recorded: the eval point of hot is not recorded as skipped:\n{errors}")
ok = metrics[metrics.model == "ok"]
if sorted(ok.metric) != ["eval_loss", "exact_match", "logprob", "train_loss"]:
    sys.exit(f"failure_recorded: model ok lacks metrics:\n{ok}")
if (metrics.model == "hot").any():
    sys.exit("failure_recorded: the failed model has metrics rows")
hot = points[points.model == "hot"].set_index("job").status
if hot.get("train") != "diverged" or hot.get("eval") != "skipped":
    sys.exit(f"failure_recorded: /points statuses of hot are {dict(hot)}, want train diverged, eval skipped")
print(f"failure_recorded: exit 3, {len(errors)} error rows, {len(ok)} rows for the healthy model")
