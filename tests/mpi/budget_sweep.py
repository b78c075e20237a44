"""Issue 22 under mpirun, as specifications: a compute-budget grid with seed
replicates, a learning-rate axis zipped with the model, an exclusion, and a
budget added later.

  - Budgets: every (model, budget, seed) run but the excluded one is in /runs;
    D = C / (6 N) in whole batches (train_flops within one batch's 6N of C),
    compute_budget and seed in their columns, axes "compute=...;seed=...;
    train.lr=..." with the lr the zip gave that model.
  - Seeds are replicates: the two seeds of a cell give different losses; the
    same grid on 2 and 3 ranks gives the same /metrics (compare_stores.py).
  - Resume of an enlarged grid: a third budget given as a command-line
    override (grid.compute=[...]) with --resume runs only the new budget's
    runs; the earlier runs keep their ids, rows and losses; the store validates.
  - `sweep analyze --json` reads the store and reports approaches 1, 2 and 3.

argv: WORKDIR SWEEP COMPARE_STORES_PY MPIRUN..."""
import json
import pathlib
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

work, sweep, compare = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
mpirun = sys.argv[4:]
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)

MODELS = {"xs": (1, 32, 2), "s": (1, 48, 4), "m": (2, 48, 4)}
LRS = {"xs": 4e-3, "s": 3e-3, "m": 2e-3}
BUDGETS = [1e10, 2e10]
MORE = 4e10
SEEDS = [1, 2]
BATCH, SEQ = 4, 64
EXCLUDED = ("m", 1e10)  # [[grid.exclude]]: the largest model at the smallest budget

grid = f"""
[sweep]
name = "budget_test"
seed = 1

[data]
train = ["/usr/share/common-licenses/*"]
valid = ["/usr/share/common-licenses/GPL-3"]
format = "txt"

[grid]
model = {json.dumps(list(MODELS))}
compute = {json.dumps(BUDGETS)}
seed = {json.dumps(SEEDS)}
"train.lr" = {json.dumps([LRS[m] for m in MODELS])}
zip = [["model", "train.lr"]]

[[grid.exclude]]
model = "{EXCLUDED[0]}"
compute = {EXCLUDED[1]!r}

[train]
seq_len = {SEQ}
batch_size = {BATCH}
warmup_steps = 5
eval_loss_tokens = 4096
checkpoint_every = 0
""" + "".join(f"\n[model.{m}]\nn_layer = {l}\nd_model = {d}\nn_head = {h}\n" for m, (l, d, h) in MODELS.items())
(work / "g.toml").write_text(grid)


def run(cmd, timeout=600):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout)
    print(f"$ {' '.join(str(c) for c in cmd)}\n  exit {p.returncode}", flush=True)
    if p.returncode != 0:
        sys.exit(f"budget_sweep: exit {p.returncode}\n--- stdout\n{p.stdout[-4000:]}\n--- stderr\n{p.stderr[-4000:]}")
    return p


def fail(what):
    sys.exit(f"budget_sweep: {what}")


def expected(budgets):
    return {(m, c, s) for m in MODELS for c in budgets for s in SEEDS if (m, c) != EXCLUDED}


def check_runs(store, budgets):
    runs = sweepstore.table(store, "runs")
    got = {(r.model, r.compute_budget, int(r.seed)) for r in runs.itertuples()}
    if got != expected(budgets) or len(runs) != len(got):
        fail(f"{store}: runs {sorted(got)}, expected {sorted(expected(budgets))}")
    for r in runs.itertuples():
        batch_flops = 6 * r.n_params * BATCH * SEQ
        if r.data_tokens % (BATCH * SEQ) or abs(r.train_flops - r.compute_budget) > batch_flops / 2 + 1:
            fail(f"{r.model} at C={r.compute_budget:g}: D={r.data_tokens}, 6ND={r.train_flops:g} is not C in whole "
                 f"batches")
        want_axes = f"compute={r.compute_budget:g};seed={r.seed};train.lr={LRS[r.model]:g}"
        if r.axes != want_axes:
            fail(f"axes {r.axes!r}, expected {want_axes!r}")
    return runs


store3, store2 = work / "np3.h5", work / "np2.h5"
run(mpirun + ["-np", 3, sweep, work / "g.toml", "--out", store3, "--quiet"])
runs = check_runs(store3, BUDGETS)
print(f"runs: {len(runs)} ({len(MODELS)} models x {len(BUDGETS)} budgets x {len(SEEDS)} seeds less the excluded)")

# Seeds are replicates: the same cell, different losses.
for (m, c), cell in runs.groupby(["model", "compute_budget"]):
    if cell["eval_loss"].nunique() != len(SEEDS):
        fail(f"{m} at C={c:g}: seeds gave the same eval_loss {list(cell['eval_loss'])}")
    if cell["train.lr"].nunique() != 1:
        fail(f"{m}: more than one lr in a cell")

# Whatever the rank count: the same metrics.
run(mpirun + ["-np", 2, sweep, work / "g.toml", "--out", store2, "--quiet"])
run([sys.executable, compare, store3, store2])

# An enlarged budget grid, by a command-line override, resumed: only the new runs run.
before = runs.set_index("run_id")
p = run(mpirun + ["-np", 3, sweep, work / "g.toml", f"grid.compute={json.dumps(BUDGETS + [MORE])}", "--out", store3,
                  "--resume", "--verbose"])
after = check_runs(store3, BUDGETS + [MORE]).set_index("run_id")
new = after.index.difference(before.index)
if set(after.loc[new, "compute_budget"]) != {MORE} or len(new) != len(expected([MORE])):
    fail(f"resume ran {len(new)} new runs at budgets {set(after.loc[new, 'compute_budget'])}, expected "
         f"{len(expected([MORE]))} at {MORE:g}")
if not after.loc[before.index, "eval_loss"].equals(before["eval_loss"]):
    fail("resume changed the earlier runs' eval_loss")
print(f"resume: {len(new)} new runs at C={MORE:g}; earlier {len(before)} kept")
run([sweep, "validate", store3])

# The analysis reads it: approaches 1, 2 and 3 side by side.
a = json.loads(run([sweep, "analyze", store3, "--json", "--out", work / "findings.h5"]).stdout)
for key in ("approach1", "approach2"):
    if key not in a:
        fail(f"analyze --json has no {key!r}: keys {sorted(a)}")
print("budget_sweep: ok")
