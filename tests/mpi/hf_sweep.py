"""Pretrained Hugging Face checkpoint suites on the grid, under mpirun with 3
ranks, as specifications.

  - Three tiny random-weight suites (GPT-2, GPT-NeoX in bfloat16, Llama; made
    by tests/kernels/model/hf/make_tiny_checkpoints.py), each with checkpoints
    at steps 1000 and 2000, declared as a folder pattern with tokens_per_step
    (gpt2, neox) or as a table of token counts (llama): grid.data_tokens picks
    the checkpoints; a value no suite has (step 1500) has no points, and
    `sweep plan` lists it as skipped.
  - 3 models x 2 checkpoints x 2 tasks x 2 prompt styles: every eval point is
    done; D is the checkpoint's pretraining tokens and train_flops 6 N D;
    n_params and n_params_non_embedding are what the safetensors files hold
    (summed here from their headers, the embeddings and untied heads apart);
    /runs records each checkpoint's folder and the sha256 of its weights
    (computed here from the files); every metric is finite.
  - The store validates, `sweep analyze` reads it and analysis/plot_store.py
    draws it.
  - A truncated safetensors file is one line at its grid key, before any job.

argv: WORKDIR MAKE_TINY_CHECKPOINTS_PY PLOT_STORE_PY SWEEP MPIRUN..."""
import hashlib
import json
import math
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile

import h5py
import pandas as pd

work, make_tiny, plot_store, sweep = (pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4])
mpirun = sys.argv[5:]
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)

TOKENS_PER_STEP = 2048
D1, D2, MISSING = 1000 * TOKENS_PER_STEP, 2000 * TOKENS_PER_STEP, 1500 * TOKENS_PER_STEP

GRID = """[sweep]
name = "hf_sweep"
seed = 3

# Pythia-style: one folder per training step, D = step x tokens per step.
[model.gpt2]
checkpoints = "{tiny}/suite/gpt2/step{{step}}"
tokens_per_step = {tps}

[model.neox]
checkpoints = "{tiny}/suite/neox/step{{step}}"
tokens_per_step = {tps}
dtype = "bfloat16"

# The same, as a table of pretraining tokens.
[model.llama]
checkpoints = {{ {d1} = "{tiny}/suite/llama/step1000", "{d2}" = "{tiny}/suite/llama/step2000" }}

[grid]
model = ["gpt2", "neox", "llama"]
data_tokens = [{d1}, {missing}, {d2}]
prompt = ["zero_shot", "few_shot"]
task = ["addition", "largest"]

[train]
seq_len = 64
eval_loss_tokens = 256

[eval]
examples = 4
batch_size = 4
few_shot_k = 1
"""


def run(cmd, timeout=300):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout)
    print(f"$ {' '.join(str(c) for c in cmd)}\n  exit {p.returncode}")
    return p


def fail(what, p=None):
    sys.exit(f"hf_sweep: {what}" + (f"\n--- stdout\n{p.stdout[-4000:]}\n--- stderr\n{p.stderr[-4000:]}" if p else ""))


def safetensors_params(folder):
    """(total, non-embedding) parameter counts from the safetensors headers:
    every tensor's elements, less the token and position embeddings and an
    untied output head."""
    embedding = {"transformer.wte.weight", "wte.weight", "transformer.wpe.weight", "wpe.weight",
                 "gpt_neox.embed_in.weight", "embed_out.weight", "model.embed_tokens.weight", "lm_head.weight"}
    total = non_embedding = 0
    for f in sorted(folder.glob("*.safetensors")):
        with open(f, "rb") as fh:
            (n,) = struct.unpack("<Q", fh.read(8))
            header = json.loads(fh.read(n))
        for name, t in header.items():
            if name == "__metadata__":
                continue
            count = math.prod(t["shape"])
            total += count
            non_embedding += 0 if name in embedding else count
    return total, non_embedding


def weights_sha256(folder):
    """sha256 over the weight files in name order: each file's name, then its bytes."""
    h = hashlib.sha256()
    for f in sorted(folder.glob("*.safetensors")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return "sha256:" + h.hexdigest()


with tempfile.TemporaryDirectory(prefix="hf_sweep_") as tmp:
    tiny = pathlib.Path(tmp) / "tiny"
    p = run(["/usr/bin/python3", make_tiny, tiny])
    if p.returncode != 0:
        fail("make_tiny_checkpoints.py failed", p)
    grid = work / "hf_sweep.toml"
    grid.write_text(GRID.format(tiny=tiny, tps=TOKENS_PER_STEP, d1=D1, d2=D2, missing=MISSING))
    store = work / "hf_sweep.h5"
    folders = {(m, d): tiny / "suite" / m / f"step{d // TOKENS_PER_STEP}" for m in ["gpt2", "neox", "llama"]
               for d in [D1, D2]}

    # `sweep plan`: the checkpoints each model uses and the grid value none has.
    p = run([sweep, "plan", grid, "--ranks", "3"])
    if p.returncode != 0:
        fail("sweep plan failed", p)
    for m in ["gpt2", "neox", "llama"]:
        if f"pretrained      {m}: " not in p.stdout:
            fail(f"sweep plan does not list {m}", p)
    if p.stdout.count(f"skipped     data_tokens {MISSING} (no checkpoint: 4 eval points not in the grid)") != 3:
        fail(f"sweep plan does not list data_tokens {MISSING} as skipped for each model", p)
    if "jobs            30 (6 train, 24 eval)" not in p.stdout:
        fail("sweep plan: expected 30 jobs (6 runs, 24 eval points)", p)

    p = run(mpirun + ["-np", "3", sweep, grid, "--out", store, "--quiet"], timeout=600)
    if p.returncode != 0:
        fail("the sweep failed", p)
    p = run([sweep, "validate", store])
    if p.returncode != 0 or "valid (schema_version 5)" not in p.stdout:
        fail("sweep validate", p)

    with h5py.File(store, "r") as f:
        tables = {}
        for name in ["points", "metrics", "runs", "examples"]:
            df = pd.DataFrame(f[name][()])
            for c in df.columns:
                if df[c].dtype == object:
                    df[c] = df[c].str.decode("utf-8", errors="replace")  # a generation may end mid-character
            tables[name] = df
    points, metrics, runs, examples = tables["points"], tables["metrics"], tables["runs"], tables["examples"]
    status = {v: k for k, v in h5py.check_enum_dtype(h5py.File(store, "r")["points"].dtype["status"]).items()}

    problems = []
    if len(points) != 30 or set(points.status.map(status)) != {"done"}:
        problems.append(f"/points: expected 30 jobs all done, got {points.status.map(status).value_counts().to_dict()}")
    evals = points[points.job == "eval"]
    cells = set(zip(evals.model, evals.data_tokens, evals.task, evals.prompt))
    expected_cells = {(m, d, t, pr) for m in ["gpt2", "neox", "llama"] for d in [D1, D2]
                      for t in ["addition", "largest"] for pr in ["zero_shot", "few_shot"]}
    if cells != expected_cells or len(evals) != 24:
        problems.append(f"/points: eval cells {sorted(cells ^ expected_cells)} differ from 3 x 2 x 2 x 2")
    if len(examples) != 24:
        problems.append(f"/examples: {len(examples)} rows, expected 24")

    if len(runs) != 6:
        problems.append(f"/runs: {len(runs)} rows, expected 6")
    for r in runs.itertuples():
        folder = folders.get((r.model, r.data_tokens))
        if folder is None:
            problems.append(f"/runs: unexpected run {r.model} D={r.data_tokens}")
            continue
        total, non_embedding = safetensors_params(folder)
        if (r.n_params, r.n_params_non_embedding) != (total, non_embedding):
            problems.append(f"/runs {r.model} D={r.data_tokens}: n_params {r.n_params}/{r.n_params_non_embedding}, "
                            f"the safetensors hold {total}/{non_embedding}")
        if r.train_flops != 6.0 * total * r.data_tokens:
            problems.append(f"/runs {r.model} D={r.data_tokens}: train_flops {r.train_flops} != 6ND")
        if r.source != str(folder) or r.checkpoint != str(folder):
            problems.append(f"/runs {r.model} D={r.data_tokens}: source {r.source!r}, expected {str(folder)!r}")
        if r.weights_sha256 != weights_sha256(folder):
            problems.append(f"/runs {r.model} D={r.data_tokens}: weights_sha256 {r.weights_sha256!r} is not the "
                            f"files' {weights_sha256(folder)!r}")
        if not math.isnan(r.train_loss) or not (math.isfinite(r.eval_loss) and r.eval_loss > 0):
            problems.append(f"/runs {r.model}: train_loss {r.train_loss} (expected NaN), eval_loss {r.eval_loss}")

    eval_metrics = metrics[metrics.prompt != ""]
    if set(zip(eval_metrics.model, eval_metrics.data_tokens, eval_metrics.task, eval_metrics.prompt)) != expected_cells:
        problems.append("/metrics: eval rows do not cover the 24 points")
    for m in metrics.itertuples():
        total, non_embedding = safetensors_params(folders[(m.model, m.data_tokens)])
        if (m.n_params, m.n_params_non_embedding) != (total, non_embedding):
            problems.append(f"/metrics {m.model} {m.metric}: n_params {m.n_params}/{m.n_params_non_embedding}")
        if m.train_flops != 6.0 * total * m.data_tokens:
            problems.append(f"/metrics {m.model} {m.metric}: train_flops {m.train_flops} != 6ND")
        if not math.isfinite(m.value):
            problems.append(f"/metrics {m.model} D={m.data_tokens} {m.task} {m.prompt} {m.metric}: value {m.value}")
    for metric in ["exact_match", "logprob", "mc_accuracy", "eval_loss"]:
        if metric not in set(metrics.metric):
            problems.append(f"/metrics: no {metric} rows")
    if problems:
        fail("\n  ".join(["the store disagrees with the checkpoints:"] + problems))
    print(f"hf_sweep: {len(points)} jobs done, {len(metrics)} metric rows; runs:\n"
          + runs[["model", "data_tokens", "n_params", "n_params_non_embedding", "train_flops"]].to_string())

    p = run([sweep, "analyze", store, "--bootstrap", "10"])
    if p.returncode != 0 or not (work / "hf_sweep.analysis.h5").exists():
        fail("sweep analyze", p)
    plots = work / "plots"
    p = run(["/usr/bin/python3", plot_store, store, "--out", plots, "--sweep", sweep, "--bootstrap", "10"])
    if p.returncode != 0:
        fail("plot_store.py", p)
    pngs = sorted(x.name for x in plots.glob("*.png"))
    if pngs != ["loss_vs_compute.png", "task_addition.png", "task_largest.png"]:
        fail(f"plot_store.py drew {pngs}", p)
    for png in pngs:
        if (plots / png).read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
            fail(f"{png} is not a PNG")

    # A checkpoint whose weights were cut short: one line at its key, exit 2.
    cut = folders[("gpt2", D2)] / "model.safetensors"
    cut.write_bytes(cut.read_bytes()[:-16])
    for cmd in [[sweep, "plan", grid, "--ranks", "3"], mpirun + ["-np", "3", sweep, grid, "--out", work / "cut.h5"]]:
        p = run(cmd)
        lines = [l for l in p.stderr.splitlines() if str(grid) in l]
        if p.returncode != 2 or len(lines) != 1 or f"{grid}:7:15: model.gpt2.checkpoints: {cut}" not in lines[0]:
            fail("a truncated checkpoint is not one line at its grid key", p)
        print(f"  {lines[0]}")
    if (work / "cut.h5").exists():
        fail("a store was made for a grid whose checkpoint is truncated")

print("hf_sweep: ok")
