"""A model sweep did not train, brought as TorchScript, is evaluated through a grid.

Exports a small module with Debian's python3-torch (same version as libtorch),
writes a grid naming it (`torchscript = "tiny.pt"`, relative to the grid file),
runs the sweep and checks the store: eval-only points (data_tokens 0, the
declared n_params, no training), every metric, the stored prompt, and numbers
that could only come from this module. The module puts logit 10 on the newline
byte and 0 on every other byte: greedy generation is empty (exact_match 0,
edit_distance 1), and every target byte has log-probability
-log(e^10 + 255) (logprob exactly that).

Usage: torchscript_models.py OUT_DIR MPIRUN... SWEEP
"""
import math
import pathlib
import subprocess
import sys

import torch

out = pathlib.Path(sys.argv[1])
command = sys.argv[2:]
out.mkdir(parents=True, exist_ok=True)
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402


class NewlineModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(256, 8)
        self.head = torch.nn.Linear(8, 256)
        with torch.no_grad():
            self.head.weight.zero_()
            self.head.bias.zero_()
            self.head.bias[10] = 10.0  # "\n"

    def forward(self, idx: torch.Tensor) -> torch.Tensor:  # (B, T) int64 -> (B, T, 256)
        return self.head(self.emb(idx))


model = NewlineModel()
n_params = sum(p.numel() for p in model.parameters())
torch.jit.script(model).save(str(out / "tiny.pt"))
grid = out / "grid.toml"
grid.write_text(f"""
[sweep]
name = "torchscript"
seed = 3

[grid]
model       = ["tiny"]
data_tokens = [4_096, 8_192]
prompt      = ["zero_shot", "few_shot"]
task        = ["add2", "largest"]

[model.tiny]
torchscript = "tiny.pt"
n_params    = {n_params}
tokenizer   = "bytes"

[task.add2]
kind = "addition"

[task.largest]
kind = "largest"

[train]
seq_len          = 64
eval_loss_tokens = 1024

[eval]
examples   = 10
few_shot_k = 2
""")
store = out / "torchscript.h5"
store.unlink(missing_ok=True)
p = subprocess.run(command + [str(grid), "--out", str(store), "--quiet"], capture_output=True, text=True, timeout=300)
if p.returncode != 0:
    sys.exit(f"torchscript_models: sweep exit {p.returncode}\n{p.stdout}\n{p.stderr}")

m = sweepstore.table(str(store), "metrics")
runs = sweepstore.table(str(store), "runs")
ex = sweepstore.table(str(store), "examples")
problems = []
evals = m[m.prompt != ""]
if evals.point_id.nunique() != 4:  # one eval-only run (data sizes do not apply), 2 prompts x 2 tasks
    problems.append(f"{evals.point_id.nunique()} eval points, want 4")
if not (m.data_tokens == 0).all() or not (m.n_params == n_params).all() or not (m.train_flops == 0).all():
    problems.append(f"rows are not eval-only with n_params {n_params}:\n{m}")
if len(runs) != 1 or runs.steps.iloc[0] != 0 or not math.isnan(runs.train_loss.iloc[0]) or not runs.eval_loss.iloc[0] > 0:
    problems.append(f"/runs is not one untrained run with an eval_loss:\n{runs}")
if m[["value", "stderr", "random_baseline"]].isna().any().any():
    problems.append(f"NaN in /metrics:\n{m}")
want_lp = -math.log(math.exp(10.0) + 255.0)


def value(task, prompt, metric):
    rows = evals[(evals.task == task) & (evals.prompt == prompt) & (evals.metric == metric)]
    return rows.value.iloc[0] if len(rows) == 1 else float("nan")


for prompt in ("zero_shot", "few_shot"):
    if value("add2", prompt, "exact_match") != 0.0 or value("add2", prompt, "edit_distance") != 1.0:
        problems.append(f"add2 {prompt}: the newline model answered something")
    for task in ("add2", "largest"):
        if abs(value(task, prompt, "logprob") - want_lp) > 1e-4:
            problems.append(f"{task} {prompt}: logprob {value(task, prompt, 'logprob')}, want {want_lp}")
    # every byte of every option is equally likely: the shortest option wins, so
    # length normalisation makes all options tie (ties go to the first option)
    if not 0.0 <= value("largest", prompt, "brier") <= 2.0 or math.isnan(value("largest", prompt, "mc_accuracy_norm")):
        problems.append(f"largest {prompt}: brier {value('largest', prompt, 'brier')}")
if len(ex) != 4 or (ex.output[ex.task == "add2"] != "").any():
    problems.append(f"/examples:\n{ex}")
if problems:
    sys.exit("torchscript_models: " + "\ntorchscript_models: ".join(problems))
print(f"torchscript_models: {n_params}-parameter TorchScript model evaluated on 4 points, "
      f"logprob {value('add2', 'zero_shot', 'logprob'):.4f} (want {want_lp:.4f}), OK")
