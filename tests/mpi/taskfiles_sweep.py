"""Issue 21's acceptance: the task-files study (sweeps/taskfiles_study.toml)
under mpirun with 3 ranks, with a pretrained model added, as specifications.

  - Two sweep-trained sizes x two data sizes, and a tiny pretrained Llama
    folder (tests/kernels/model/hf/make_tiny_checkpoints.py, its context
    widened to the grid's seq_len), each on three task files (two BIG-bench
    JSON, one JSONL) with zero_shot and few_shot: every (model, D, task,
    prompt) point is done.
  - /metrics stores BIG-bench's names beside sweep's own: exact_str_match
    beside exact_match for the generation task, multiple_choice_grade beside
    mc_accuracy for the two choice tasks; values in [0, 1]; n_examples the
    file's example count or eval.examples if smaller.
  - Random baselines as sweeps/README.md and SCHEMA.md document them:
    exact_str_match 0 for free generation; multiple_choice_grade the mean over
    examples of the mean option score (computed here from the files).
  - The store validates, and `sweep analyze` judges the curves under
    exact_str_match and multiple_choice_grade (a verdict for each).
  - A task file with an example lacking target and target_scores: `sweep plan`
    exits 2 with one line naming the grid's task.NAME.path, the file and the
    example's index.

argv: WORKDIR GRID MAKE_TINY_CHECKPOINTS_PY SWEEP MPIRUN..."""
import json
import math
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import pandas as pd

work, grid_src, make_tiny, sweep = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4]
mpirun = sys.argv[5:]
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)

TRAINED = ["xs", "s"]
TRAINED_D = [4096, 8192]
PRETRAINED, PRETRAINED_D = "tiny_llama", 1_000_000
TASKS = {"two_digit_sum": "tasks/two_digit_sum.json", "bigger_number": "tasks/bigger_number.json",
         "capitals": "tasks/capitals.jsonl"}
PROMPTS = ["zero_shot", "few_shot"]
EVAL_EXAMPLES = 32


def run(cmd, timeout=300):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout)
    print(f"$ {' '.join(str(c) for c in cmd)}\n  exit {p.returncode}", flush=True)
    return p


def fail(what, p=None):
    sys.exit(f"taskfiles_sweep: {what}" + (f"\n--- stdout\n{p.stdout[-4000:]}\n--- stderr\n{p.stderr[-4000:]}" if p else ""))


def file_examples(folder, task):
    """Each example's option scores ([] for a generation example), in file order."""
    path = folder / TASKS[task]
    if path.suffix == ".jsonl":
        lines = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
        return [[1.0 if i == x["answer"] else 0.0 for i in range(len(x["choices"]))] for x in lines]
    return [list(map(float, e.get("target_scores", {}).values())) for e in json.loads(path.read_text())["examples"]]


def read_tables(store):
    with h5py.File(store, "r") as f:
        status = {v: k for k, v in h5py.check_enum_dtype(f["points"].dtype["status"]).items()}
        tables = {}
        for name in ["points", "metrics", "examples"]:
            df = pd.DataFrame(f[name][()])
            for c in df.columns:
                if df[c].dtype == object:
                    df[c] = df[c].str.decode("utf-8", errors="replace")
            tables[name] = df
    tables["points"]["status"] = tables["points"].status.map(status)
    return tables["points"], tables["metrics"], tables["examples"]


with tempfile.TemporaryDirectory(prefix="taskfiles_sweep_") as tmp:
    tmp = pathlib.Path(tmp)
    # The grid and its task files side by side, as in sweeps/, plus a pretrained folder.
    (tmp / "tasks").mkdir()
    for rel in TASKS.values():
        shutil.copy(grid_src.parent / rel, tmp / rel)
    p = run(["/usr/bin/python3", make_tiny, tmp / "tiny"])
    if p.returncode != 0:
        fail("make_tiny_checkpoints.py failed", p)
    # Rotary positions need no table: the tiny Llama reads the grid's 320-token contexts once its config allows them.
    llama = tmp / "tiny" / "llama"
    config = json.loads((llama / "config.json").read_text())
    config["max_position_embeddings"] = 320
    (llama / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")

    text = grid_src.read_text()
    text, n = re.subn(r'(?m)^model\s*=\s*\["xs", "s"\]', f'model = ["xs", "s", "{PRETRAINED}"]', text)
    if n != 1:
        fail(f"{grid_src}: no grid.model line to add {PRETRAINED} to")
    text += f'\n[model.{PRETRAINED}]\nhf = "tiny/llama"\ndata_tokens = {PRETRAINED_D}\n'
    grid = tmp / "taskfiles_study.toml"
    grid.write_text(text)
    store = work / "taskfiles_study.h5"

    p = run([sweep, "plan", grid, "--ranks", "3"])
    if p.returncode != 0:
        fail("sweep plan failed", p)
    p = run(mpirun + ["-np", "3", sweep, grid, "--out", store, "--quiet"], timeout=600)
    if p.returncode != 0:
        fail("the sweep failed", p)
    p = run([sweep, "validate", store])
    if p.returncode != 0 or "valid (schema_version" not in p.stdout:
        fail("sweep validate", p)
    print(f"  {p.stdout.strip().splitlines()[-1]}")

    points, metrics, examples = read_tables(store)
    problems = []
    cells = {(m, d, t, pr) for m in TRAINED for d in TRAINED_D for t in TASKS for pr in PROMPTS}
    cells |= {(PRETRAINED, PRETRAINED_D, t, pr) for t in TASKS for pr in PROMPTS}
    evals = points[points.job == "eval"]
    got = set(zip(evals.model, evals.data_tokens, evals.task, evals.prompt))
    if got != cells or len(evals) != len(cells):
        problems.append(f"/points: eval cells differ from the grid's {len(cells)}: {sorted(got ^ cells)}")
    if set(points.status) != {"done"}:
        problems.append(f"/points: statuses {points.status.value_counts().to_dict()}, expected all done")

    # Each point's stored prompt: the query after eval.few_shot_k = 2 exemplars for few_shot (none dropped
    # for length: the grid's seq_len fits the longest), after none for zero_shot; each ends at its output prefix.
    output_prefix = {"two_digit_sum": "\nA: ", "bigger_number": " = ", "capitals": "\nA: "}
    for r in examples.itertuples():
        shots = r.prompt_text.count(output_prefix[r.task]) - 1
        if shots != (2 if r.prompt == "few_shot" else 0) or not r.prompt_text.endswith(output_prefix[r.task]):
            problems.append(f"/examples {r.model} {r.task} {r.prompt}: {shots} exemplars in {r.prompt_text!r}")
    if len(examples) != len(cells):
        problems.append(f"/examples: {len(examples)} rows, expected one per point ({len(cells)})")

    ev = metrics[metrics.prompt != ""]
    by_name = {"two_digit_sum": ["exact_match", "exact_str_match"],
               "bigger_number": ["mc_accuracy", "multiple_choice_grade"],
               "capitals": ["mc_accuracy", "multiple_choice_grade"]}
    absent = {"two_digit_sum": "multiple_choice_grade", "bigger_number": "exact_str_match",
              "capitals": "exact_str_match"}
    summary = []
    for task, names in by_name.items():
        scores = file_examples(tmp, task)
        n = min(len(scores), EVAL_EXAMPLES)
        rows = ev[ev.task == task]
        if absent[task] in set(rows.metric):
            problems.append(f"{task}: has {absent[task]} rows")
        for name in names:
            r = rows[rows.metric == name]
            if set(zip(r.model, r.data_tokens, r.task, r.prompt)) != {c for c in cells if c[2] == task} or len(r) != 10:
                problems.append(f"{task} {name}: {len(r)} rows, expected one per point (10)")
                continue
            if not r.value.between(0, 1).all():
                problems.append(f"{task} {name}: values {sorted(r.value)} outside [0, 1]")
            if set(r.n_examples) != {n}:
                problems.append(f"{task} {name}: n_examples {sorted(set(r.n_examples))}, the file gives {n}")
            if not scores[0]:  # free generation: a guess matches nothing
                baseline = 0.0
            else:  # a uniform guess: the mean option score (1/K with one correct option), averaged over examples
                baseline = sum(sum(s) / len(s) for s in scores[:n]) / n
            if not ((r.random_baseline - baseline).abs() < 1e-12).all():
                problems.append(f"{task} {name}: random_baseline {sorted(set(r.random_baseline))}, expected {baseline}")
            summary.append(f"{task:14s} {name:22s} n={n:2d} baseline={baseline:.4f} "
                           f"values {r.value.min():.3f}..{r.value.max():.3f}")
    if problems:
        fail("\n  ".join(["the store disagrees with the grid and its task files:"] + problems))
    print(f"taskfiles_sweep: {len(points)} jobs done ({len(evals)} eval points), {len(metrics)} metric rows")
    for line in summary:
        print(f"  {line}")

    p = run([sweep, "analyze", store, "--json", "--bootstrap", "10", "--out", work / "analysis.h5"])
    if p.returncode != 0:
        fail("sweep analyze", p)
    verdicts = json.loads(p.stdout)["verdicts"]
    judged = {(v["task"], v["prompt"], v["metric"]): v for v in verdicts}
    for task, names in by_name.items():
        for prompt in PROMPTS:
            v = judged.get((task, prompt, names[1]))
            if v is None or v["verdict"] not in {"flat", "smooth_positive", "emergent", "inverse", "u_shaped",
                                                  "inverted_u"}:
                fail(f"sweep analyze judges no {task} {prompt} {names[1]} curve: "
                     f"{sorted(k for k in judged if k[0] == task)}")
            print(f"  analyze: {task} {prompt} {names[1]} ({v['axis']}): {v['verdict']}, baseline {v['baseline']:.4f}")
    p = run([sweep, "analyze", store, "--bootstrap", "10", "--out", work / "report.h5"])
    if p.returncode != 0 or not all(n in p.stdout for n in ["exact_str_match", "multiple_choice_grade"]):
        fail("the analyze report names neither BIG-bench metric", p)

    # An example with neither target nor target_scores: one line at the grid's path key, before any job.
    bad = json.loads((tmp / TASKS["two_digit_sum"]).read_text())
    del bad["examples"][5]["target"]
    (tmp / TASKS["two_digit_sum"]).write_text(json.dumps(bad, indent=1) + "\n")
    p = run([sweep, "plan", grid, "--ranks", "3"])
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    line = lines[0] if lines else ""
    if (p.returncode != 2 or len(lines) != 1 or not line.startswith(f"{grid}:")
            or "task.two_digit_sum.path" not in line or "two_digit_sum.json" not in line or "examples[5]" not in line
            or "neither target nor target_scores" not in line):
        fail("a task-file example without target or target_scores is not one line naming the key, file and index", p)
    print(f"  {line}")

print("taskfiles_sweep: ok")
