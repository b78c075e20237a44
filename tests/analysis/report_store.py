"""A store for the report-page tests (plot_tasks_test.py, report_page_browser_test.py),
written with h5py in SCHEMA.md's layout: 3 model sizes x 3 data sizes trained
(curves, /runs, loss rows), a fourth job of each kind failed, one task (add2)
in two prompt styles whose numbers exercise the plot fixes:
  exact_match   0 of 100 at the smallest runs (a Wilson bar above 0, none below);
  seq_logprob   different random baselines per prompt (-13.9 and -190), as real
                few-shot and chain-of-thought prompts have;
  ece           values near 0 with standard errors larger than them (bars clipped at 0);
  logprob       rising with N and D;
and the root attributes of a resumed sweep (two sessions on two hosts).

    import report_store; expect = report_store.write(path)
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import schema_store  # noqa: E402

SIZES = {"xs": 2e4, "s": 1e5, "m": 5e5}
TOKENS = [1e5, 4e5, 1.6e6]
BASELINES = {"few_shot": -13.9, "cot": -190.0}
GRID_TEXT = '[sweep]\nname = "report_test"\nseed = 3\n\n[grid]\nmodels = ["xs", "s", "m"]\n'


def law(n, d):
    return 1.2 + 40 / n ** 0.3 + 60 / d ** 0.3


def write(path):
    """Writes the store; returns what the page must show: {"runs", "failed_message", ...}."""
    points, metrics, runs, curves, errors = [], [], [], [], []
    rng = np.random.default_rng(24)
    for model, n in SIZES.items():
        for d in TOKENS:
            run_id = 100 + len(runs)
            loss = law(n, d) + rng.normal(0, 0.01)
            common = dict(model=model, n_params=int(n), data_tokens=int(d))
            points.append(dict(point_id=run_id, job="train", status=2, attempts=1, rank=1, host="node-a", **{
                "model": model, "data_tokens": int(d)}))
            runs.append(dict(run_id=run_id, n_layer=2, d_model=32, n_head=2, train_flops=6 * n * d,
                             steps=int(d // 512), train_loss=loss + 0.02, eval_loss=loss, tokens_per_s=5e4,
                             peak_rss_bytes=300 * 2 ** 20, wall_seconds=d / 5e4, **common))
            for metric, value in [("train_loss", loss + 0.02), ("eval_loss", loss), ("eval_bpb", loss / np.log(2))]:
                metrics.append(dict(point_id=run_id, metric=metric, value=value, stderr=0.01, n_examples=int(d),
                                    train_flops=6 * n * d, random_baseline=np.log(256), **common))
            for step in range(1, 41):
                t = d * step / 40
                curves.append(dict(run_id=run_id, attempt=1, step=step, tokens=int(t), loss=law(n, t) + 0.3,
                                   lr=1e-3, grad_norm=1.0, wall_seconds=step * 0.1))
            for prompt, shift in [("few_shot", 0.0), ("cot", 0.15)]:
                pid = 1000 + len(points)
                points.append(dict(point_id=pid, job="eval", status=2, attempts=1, rank=2, host="node-b",
                                   prompt=prompt, task="add2", model=model, data_tokens=int(d)))
                em = float(np.clip(0.45 * np.log10(n * d / 2e9) + shift, 0, 1)) if n * d > 2e9 else 0.0
                em = round(em * 100) / 100  # a count out of 100
                rows = [("exact_match", em, np.sqrt(em * (1 - em) / 100), 0.0),
                        ("logprob", -loss / 2, 0.02, -4.6),
                        ("seq_logprob", BASELINES[prompt] / 4 * loss / 3, 0.3, BASELINES[prompt]),
                        ("ece", 0.004, 0.02, 0.0)]
                for metric, value, se, base in rows:
                    metrics.append(dict(point_id=pid, prompt=prompt, task="add2", metric=metric, value=value,
                                        stderr=se, n_examples=100, train_flops=6 * n * d, random_baseline=base,
                                        **common))
    failed_message = "worker exited with signal 9 (killed) while training"
    points.append(dict(point_id=999, job="train", model="xl", data_tokens=int(1e5), status=3, attempts=2, rank=1,
                       host="node-a", error=failed_message))
    errors.append(dict(point_id=999, job="train", model="xl", data_tokens=int(1e5), rank=1, message=failed_message))
    schema_store.write(path, {"points": points, "metrics": metrics, "runs": runs, "curves": curves,
                              "errors": errors})
    import h5py
    with h5py.File(path, "a") as f:
        for key, value in {"sweep_name": "report_test", "grid_text": GRID_TEXT, "grid_path": "sweeps/report.toml",
                           "sweep_version": "0.1.0+test", "created": "2024-05-01T12:00:00Z",
                           "hostnames": "node-a\nnode-b\nnode-b\n", "torch_version": "1.13.0",
                           "mpi_version": "Open MPI v4.1.4", "hdf5_version": "1.10.8", "nccl_version": "",
                           "slurm": "", "resolved_config": "seed=3", "resume_1_grid_text": GRID_TEXT,
                           "resume_1_sweep_version": "0.1.0+test2", "resume_1_started": "2024-05-02T08:00:00Z",
                           "resume_1_slurm": ""}.items():
            f.attrs[key] = np.bytes_(value.encode("utf-8") or b"")
        f.attrs["ranks"] = np.int32(3)
        f.attrs["resume_1_ranks"] = np.int32(2)
        f.attrs["sessions"] = np.int32(2)
        f.attrs["seed"] = np.uint64(3)
    return {"runs": len(runs), "failed_message": failed_message, "baselines": BASELINES,
            "flops": sorted(6 * n * d for n in SIZES.values() for d in TOKENS)}
