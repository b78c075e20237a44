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
if len(skipped) != 4 or not skipped.message.str.contains("skipped").all():
    sys.exit(f"failure_recorded: the eval point of hot is not recorded as skipped:\n{errors}")
ok = metrics[metrics.model == "ok"]
per_point = ["ece", "edit_distance", "exact_match", "logprob", "seq_logprob"]
if sorted(ok.metric) != sorted(["eval_bpb", "eval_loss", "train_loss"] + per_point * 3):
    sys.exit(f"failure_recorded: model ok lacks metrics:\n{ok}")
if metrics.model.isin(["hot", "slow"]).any():
    sys.exit("failure_recorded: a failed model has metrics rows")
status = {(r.model, r.job, r.prompt, r.task): r.status for r in points.itertuples()}
want = {}
for model, train in (("ok", "done"), ("hot", "diverged"), ("slow", "timeout")):
    want[(model, "train", "", "")] = train
    for prompt in ("zero_shot", "cot"):
        for task in ("addition", "add9"):
            want[(model, "eval", prompt, task)] = "skipped" if train != "done" else "done"
want[("ok", "eval", "cot", "add9")] = "failed"
if status != want:
    sys.exit(f"failure_recorded: /points statuses {status}, want {want}")
retried = points[(points.model == "ok") & (points.prompt == "cot") & (points.task == "add9")].iloc[0]
attempts_logged = errors[(errors.model == "ok") & (errors.prompt == "cot") & (errors.task == "add9")]
if retried.attempts != 3 or len(attempts_logged) != 3 or "seq_len" not in retried.error:
    sys.exit(f"failure_recorded: the failing eval made {retried.attempts} attempts ({len(attempts_logged)} in "
             f"/errors), want 1 + max_retries = 3; error {retried.error!r}")
slow = errors[(errors.job == "train") & (errors.model == "slow")]
if len(slow) != 1 or "job_timeout" not in slow.message.iloc[0]:
    sys.exit(f"failure_recorded: no timeout error for model slow:\n{errors}")
summary = points.groupby("status").size().to_dict()
print(f"failure_recorded: exit 3; /points statuses {summary}: hot train diverged, slow train timeout, their 8 "
      f"points skipped, ok's cot/add9 eval failed after {retried.attempts} attempts ({retried.error}); "
      f"{len(errors)} /errors rows, {len(ok)} metrics rows for ok")
