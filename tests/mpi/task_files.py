"""The task-files grid (sweeps/taskfiles.toml) under mpirun: every (prompt,
task) point but cot on the two files without worked steps, a multiple-choice
file's random baseline 1 / choices and free generation's 0, and /examples
prompts in BIG-bench's layout with each file's prefixes.

Usage: task_files.py STORE.h5"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

store = sys.argv[1]
m = sweepstore.table(store, "metrics")
ex = sweepstore.table(store, "examples")
evals = m[m.prompt != ""]
problems = []
prompts = ["zero_shot", "few_shot", "cot", "instruction"]
tasks = ["word_addition", "largest_choice", "doubling", "add2"]
no_steps = {"word_addition", "largest_choice"}
for task in tasks:
    for prompt in prompts:
        rows = evals[(evals.task == task) & (evals.prompt == prompt)]
        points = rows.point_id.nunique()
        want = 0 if (prompt == "cot" and task in no_steps) else 2
        if points != want:
            problems.append(f"{task} {prompt}: {points} points, want {want}")
chance = evals[(evals.task == "largest_choice") & (evals.metric == "mc_accuracy")].random_baseline
if len(chance) == 0 or not ((chance - 1 / 3).abs() < 1e-12).all():
    problems.append(f"largest_choice mc_accuracy random_baseline {sorted(set(chance))}, want 1/3")
free = evals[(evals.task == "word_addition") & (evals.metric == "exact_match")].random_baseline
if len(free) == 0 or not (free == 0).all():
    problems.append(f"word_addition exact_match random_baseline {sorted(set(free))}, want 0")
for task, prompt, start, end in [("word_addition", "few_shot", "\nQ: ", "\nA: "),
                                 ("word_addition", "instruction", "Add the two numbers.\n\nQ: ", "\nA: "),
                                 ("largest_choice", "zero_shot", "Pick the largest.\n\nQuestion: ", "\nAnswer: "),
                                 ("doubling", "cot", "\nQ: ", "\nA: ")]:
    for text in ex[(ex.task == task) & (ex.prompt == prompt)].prompt_text:
        if not (text.startswith(start) and text.endswith(end)):
            problems.append(f"{task} {prompt}: prompt {text!r}, want {start!r}...{end!r}")
if problems:
    sys.exit("task_files: " + "\ntask_files: ".join(problems))
print(f"task_files: {evals.point_id.nunique()} eval points OK")
