"""The all-tasks grid filled /metrics as documented: every (model, prompt, task)
point, with the generation metrics or, for multiple-choice tasks scored by
log-likelihood outside cot, the multiple-choice ones; and /examples holds each
point's rendered prompt in its style's layout.

Usage: all_tasks.py STORE.h5"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

store = sys.argv[1]
m = sweepstore.table(store, "metrics")
ex = sweepstore.table(store, "examples")
evals = m[m.prompt != ""]
problems = []
tasks = ["add2", "mul", "mod7", "words", "largest", "largest_gen", "redefine", "negation"]
prompts = ["zero_shot", "few_shot", "cot", "instruction"]
choice_scored = {"largest", "negation"}
for model in ["xs", "s"]:
    for task in tasks:
        for prompt in prompts:
            rows = evals[(evals.model == model) & (evals.task == task) & (evals.prompt == prompt)]
            got = set(rows.metric)
            if task in choice_scored and prompt != "cot":
                want = {"mc_accuracy", "mc_accuracy_norm", "brier", "logprob", "seq_logprob", "ece"}
            else:
                want = {"exact_match", "edit_distance", "logprob", "seq_logprob", "ece"}
            if got != want:
                problems.append(f"{model} {task} {prompt}: metrics {sorted(got)}, want {sorted(want)}")
            if rows[["value", "stderr", "random_baseline"]].isna().any().any():
                problems.append(f"{model} {task} {prompt}: NaN in {rows.to_string()}")
            e = ex[(ex.model == model) & (ex.task == task) & (ex.prompt == prompt)]
            if len(e) != 1:
                problems.append(f"{model} {task} {prompt}: {len(e)} /examples rows")
                continue
            text = e.prompt_text.iloc[0]
            if not text.endswith(":" if prompt == "cot" else "="):
                problems.append(f"{model} {task} {prompt}: prompt ends {text[-10:]!r}")
            lines = text.count("\n")
            if prompt == "zero_shot" and lines != 0 or prompt == "instruction" and lines != 1:
                problems.append(f"{model} {task} {prompt}: prompt has {lines} newlines: {text!r}")
            if prompt in ("few_shot", "cot") and lines < 1:
                problems.append(f"{model} {task} {prompt}: no exemplars in {text!r}")
chance = evals[(evals.metric == "mc_accuracy") & (evals.task == "largest")].random_baseline
if not (chance == 0.25).all():
    problems.append(f"largest mc_accuracy random_baseline {sorted(set(chance))}, want 0.25")
if problems:
    sys.exit("all_tasks: " + "\nall_tasks: ".join(problems))
first = ex.iloc[0]
print(f"all_tasks: {evals.point_id.nunique()} eval points, {len(evals)} eval metric rows, OK; e.g. "
      f"{first.model} {first.task} {first.prompt}: {first.prompt_text!r} -> {first.output!r}")
