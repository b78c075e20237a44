"""Jobs that fail (a diverging model, a job past job_timeout) are recorded in
/points and /errors with their status, their eval points are skipped, the
healthy model's results are complete, and the exit status is 3 ("completed with
failures"). argv: STORE COMMAND..."""
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
if metrics.model.isin(["hot", "slow"]).any():
    sys.exit("failure_recorded: a failed model has metrics rows")
status = {(r.model, r.job): r.status for r in points.itertuples()}
want = {("ok", "train"): "done", ("ok", "eval"): "done", ("hot", "train"): "diverged", ("hot", "eval"): "skipped",
        ("slow", "train"): "timeout", ("slow", "eval"): "skipped"}
if status != want:
    sys.exit(f"failure_recorded: /points statuses {status}, want {want}")
slow = errors[(errors.job == "train") & (errors.model == "slow")]
if len(slow) != 1 or "job_timeout" not in slow.message.iloc[0]:
    sys.exit(f"failure_recorded: no timeout error for model slow:\n{errors}")
print(f"failure_recorded: exit 3, /points statuses {status}; {len(errors)} error rows, "
      f"{len(ok)} metrics rows for the healthy model")
