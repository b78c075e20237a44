"""A sweep on real text with GPT-2's tokenizer, under mpirun, as specifications.

  - A grid whose [data] names text files (JSONL .gz and plain text) trains and
    scores on them: every run stores train_loss, eval_loss and eval_bpb, the
    losses' random baseline is ln 50257 (the tokenizer's vocabulary), and the
    store validates.
  - The same documents tokenized once by `sweep prepare` into llm.c shards
    train exactly the same models: identical metrics.
  - A corpus too small for the largest data_tokens is refused at start-up
    (sweep and sweep plan: exit 2, one line naming the files and how many
    tokens are missing); shards of another tokenizer are refused naming both.

argv: WORKDIR TOKENIZER_JSON SWEEP MPIRUN..."""
import gzip
import json
import math
import pathlib
import shutil
import subprocess
import sys

import h5py
import pandas as pd

work, tokenizer, sweep, mpirun = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
if not pathlib.Path(tokenizer).is_file():
    sys.exit(f"realtext_sweep: {tokenizer} is missing: run tests/text/parity/fetch.sh (scripts/run_tests.sh does)")
shutil.rmtree(work, ignore_errors=True)
(work / "text").mkdir(parents=True)

# Documents: Debian's license texts, some as JSONL (gzip), the rest plain.
licenses = sorted(p for p in pathlib.Path("/usr/share/common-licenses").iterdir() if p.is_file())
docs = [p.read_text(encoding="utf-8", errors="replace") for p in licenses]
with gzip.open(work / "text" / "a_train.jsonl.gz", "wt", encoding="utf-8") as f:
    for d in docs[:8]:
        f.write(json.dumps({"text": d}) + "\n")
for i, d in enumerate(docs[8:-2]):
    (work / "text" / f"b_train_{i:02d}.txt").write_text(d, encoding="utf-8")
for i, d in enumerate(docs[-2:]):
    (work / "text" / f"valid_{i}.txt").write_text(d, encoding="utf-8")

GRID = """[sweep]
name = "realtext_{name}"
seed = 5
[data]
tokenizer = "{tokenizer}"
train = {train}
valid = {valid}
[grid]
model = ["a", "b"]
data_tokens = [{d1}, 4096]
prompt = ["zero_shot"]
task = ["add2"]
[model.a]
n_layer = 1
d_model = 16
n_head = 2
[model.b]
n_layer = 1
d_model = 32
n_head = 2
[task.add2]
kind = "addition"
[train]
seq_len = 32
batch_size = 8
warmup_steps = 4
eval_loss_tokens = 1024
[eval]
examples = 4
batch_size = 4
"""


def grid(name, train, valid, d1=2048, tok=tokenizer):
    path = work / f"{name}.toml"
    path.write_text(GRID.format(name=name, tokenizer=tok, train=json.dumps(train), valid=json.dumps(valid), d1=d1))
    return path


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def metrics(store):
    with h5py.File(store, "r") as f:
        m = pd.DataFrame(f["metrics"][:])
    for c in ("model", "prompt", "task", "metric"):
        m[c] = m[c].str.decode("utf-8")
    return m


problems = []
text_grid = grid("text", [str(work / "text" / "a_train.jsonl.gz"), str(work / "text" / "b_train_*.txt")],
                 [str(work / "text" / "valid_*.txt")])
rc, out = run(*mpirun, "-np", "3", sweep, str(text_grid), "--out", str(work / "text.h5"), "--quiet")
if rc != 0:
    sys.exit(f"realtext_sweep: the text sweep exited {rc}:\n{out}")
m = metrics(work / "text.h5")
runs = m[m.prompt == ""]
for (model, d), g in runs.groupby(["model", "data_tokens"]):
    if sorted(g.metric) != ["eval_bpb", "eval_loss", "train_loss"]:
        problems.append(f"run {model} D={d} has metrics {sorted(g.metric)}")
losses = runs[runs.metric.isin(["train_loss", "eval_loss"])]
if not all(abs(b - math.log(50257)) < 1e-9 for b in losses.random_baseline):
    problems.append(f"loss baselines are not ln 50257:\n{losses.random_baseline}")
pivot = runs.pivot_table(index=["model", "data_tokens"], columns="metric", values="value")
# GPT-2 tokens average several bytes of English: bits per byte < bits per token.
if not ((pivot.eval_bpb * math.log(2)) < pivot.eval_loss).all():
    problems.append(f"eval_bpb is not below eval_loss / ln 2:\n{pivot}")
rc, out = run(sweep, "validate", str(work / "text.h5"))
if rc != 0:
    problems.append(f"sweep validate: {out}")

# The same documents as shards: identical training, identical metrics.
rc, out = run(*mpirun, "-np", "2", sweep, "prepare", "--tokenizer", tokenizer, "--out", str(work / "shards"),
              "--valid", str(work / "text" / "valid_*.txt"), "--quiet",
              str(work / "text" / "a_train.jsonl.gz"), str(work / "text" / "b_train_*.txt"))
if rc != 0:
    sys.exit(f"realtext_sweep: sweep prepare exited {rc}:\n{out}")
shard_grid = grid("shards", [str(work / "shards" / "train_*.bin")], [str(work / "shards" / "valid_*.bin")])
rc, out = run(*mpirun, "-np", "3", sweep, str(shard_grid), "--out", str(work / "shards.h5"), "--quiet")
if rc != 0:
    sys.exit(f"realtext_sweep: the shard sweep exited {rc}:\n{out}")
s = metrics(work / "shards.h5")
key = ["model", "data_tokens", "prompt", "task", "metric"]
joined = m.set_index(key)[["value"]].join(s.set_index(key)[["value"]], rsuffix="_shards", how="outer")
if joined.isna().any().any() or not (joined.value == joined.value_shards).all():
    problems.append(f"shards and text files trained differently:\n{joined[joined.value != joined.value_shards]}")

# Too small a corpus: one line at start-up, exit 2, from sweep and sweep plan.
short = grid("short", [str(work / "text" / "b_train_00.txt")], [str(work / "text" / "valid_*.txt")], d1=10_000_000)
for cmd in ([*mpirun, "-np", "2", sweep, str(short), "--out", str(work / "short.h5")],
            [sweep, "plan", str(short), "--ranks", "3"]):
    rc, out = run(*cmd)
    line = [l for l in out.splitlines() if "needs" in l]
    if rc != 2 or not line or "b_train_00.txt" not in line[0] or "data_tokens 10000000 needs" not in line[0]:
        problems.append(f"{' '.join(cmd[-4:])}: exit {rc}, want 2 and a line naming the file and the shortfall:\n{out}")
if (work / "short.h5").exists():
    problems.append("a refused sweep left a store behind")

# Shards of GPT-2 under a bytes grid: refused, naming both tokenizers.
other = grid("other", [str(work / "shards" / "train_*.bin")], [str(work / "shards" / "valid_*.bin")], tok="bytes")
rc, out = run(sweep, "plan", str(other), "--ranks", "3")
if rc != 2 or "gpt2" not in out or "bytes" not in out:
    problems.append(f"shards of another tokenizer: exit {rc}, want 2 naming both:\n{out}")

if problems:
    sys.exit("realtext_sweep:\n" + "\n".join(problems))
print(f"realtext_sweep: {len(runs) // 3} runs on {len(docs)} license texts with GPT-2's tokenizer; text files and "
      f"prepared shards gave identical metrics; eval_bpb {pivot.eval_bpb.min():.3f}..{pivot.eval_bpb.max():.3f}; "
      "short corpus and foreign shards refused")
