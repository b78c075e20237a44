#!/usr/bin/python3
"""Checks a sweep results store the way a plotting user reads it (h5py + pandas).

Usage: /usr/bin/python3 tests/python/read_store.py STORE.h5 [--expect-points N]

For a finished, clean sweep (schema_version 5). Exits 0 and prints one line,
e.g. "read_store: 126 metrics rows, 42 points, 6 runs, 3072 curve rows, OK";
exits 1 with every problem found (on stderr) otherwise. It checks /metrics
(types, units, unique (point_id, metric) pairs, complete points), /points
(every job done, each with its metrics rows: every metric that applies to the
point, none NaN, each with a random_baseline), /runs (one row per train job),
/curves (rows for every run) and /examples (one stored prompt per eval point). An empty /metrics is a failure (nothing to
plot). Opens the store as a SWMR reader, so it also reads a store whose writer
is still running (which then usually fails "every job done"). Schema:
hdf5_schema/SCHEMA.md.
"""
import argparse
import sys

EXPECTED_DTYPES = {
    "point_id": "int64",
    "model": None,  # bytes (object) before decoding
    "n_params": "int64",
    "data_tokens": "int64",
    "prompt": None,
    "task": None,
    "metric": None,
    "value": "float64",
    "stderr": "float64",
    "n_examples": "int64",
    "train_flops": "float64",
    "random_baseline": "float64",
}
# Every eval point has these; then either the generation metrics or the
# multiple-choice ones (kernels/eval/evaluate.hpp).
EVAL_METRICS = {"logprob", "seq_logprob", "ece"}
GENERATION_METRICS = {"exact_match", "edit_distance"}
CHOICE_METRICS = {"mc_accuracy", "mc_accuracy_norm", "brier"}
STRING_COLUMNS = [c for c, t in EXPECTED_DTYPES.items() if t is None]
ROOT_ATTRIBUTES = ["grid_text", "seed", "sweep_version", "created", "sessions", "hdf5_version",
                   "resolved_config", "hostnames"]
SCHEMA_VERSION = 5
RUN_DTYPES = {"run_id": "int64", "n_layer": "int32", "d_model": "int32", "n_head": "int32",
              "n_params": "int64", "n_params_non_embedding": "int64", "data_tokens": "int64", "train_flops": "float64",
              "steps": "int64", "train_loss": "float64", "eval_loss": "float64",
              "tokens_per_s": "float64", "peak_rss_bytes": "int64", "wall_seconds": "float64"}
CURVE_DTYPES = {"run_id": "int64", "attempt": "int32", "step": "int64", "tokens": "int64",
                "loss": "float64", "lr": "float64", "grad_norm": "float64",
                "wall_seconds": "float64"}


def fail(path, problems):
    for p in problems:
        print(f"read_store: FAIL: {path}: {p}", file=sys.stderr)
    sys.exit(1)


def describe(df, limit=5):
    cols = [c for c in ("point_id", "model", "data_tokens", "prompt", "task", "metric", "value")
            if c in df.columns]
    text = df[cols].head(limit).to_string(index=False)
    more = f"\n  ... and {len(df) - limit} more" if len(df) > limit else ""
    return "\n  " + text.replace("\n", "\n  ") + more


def check(path, expect_points):
    try:
        import h5py
        import numpy as np
        import pandas as pd
    except ImportError as e:
        fail(path, [f"{e}; run with Debian's /usr/bin/python3 (python3-h5py, python3-pandas)"])

    problems = []
    try:
        # swmr=True: also works while (or after) a SWMR writer has the file open.
        f = h5py.File(path, "r", swmr=True)
    except OSError as e:
        fail(path, [f"cannot open: {e}"])

    with f:
        for name in ROOT_ATTRIBUTES:
            if name not in f.attrs:
                problems.append(f"root attribute '{name}' is missing")
        if "schema_version" not in f.attrs:
            fail(path, problems + ["no schema_version attribute: not a sweep store"])
        if int(f.attrs["schema_version"]) != SCHEMA_VERSION:
            fail(path, problems + [f"schema_version is {f.attrs['schema_version']}, "
                                   f"expected {SCHEMA_VERSION}"])
        for name in ("metrics", "errors", "points", "runs", "curves", "examples"):
            if name not in f:
                problems.append(f"dataset /{name} is missing")
        if problems:
            fail(path, problems)
        n_errors = f["errors"].shape[0]
        # Exactly what a plotting user writes.
        df = pd.DataFrame(f["metrics"][()])
        points = pd.DataFrame(f["points"][()])
        status_names = {v: k for k, v in
                        (h5py.check_enum_dtype(f["points"].dtype["status"]) or {}).items()}
        runs = pd.DataFrame(f["runs"][()])
        curves = pd.DataFrame(f["curves"][()])
        examples = pd.DataFrame(f["examples"][()])

    if not status_names:
        problems.append("/points: column status is not an HDF5 enum")
    for frame in (points, runs):
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].str.decode("utf-8")
    points["status"] = points["status"].map(lambda v: status_names.get(int(v), f"invalid({v})"))
    for name, frame, dtypes in (("runs", runs, RUN_DTYPES), ("curves", curves, CURVE_DTYPES)):
        for col, dtype in dtypes.items():
            if col not in frame.columns:
                problems.append(f"/{name} lacks column {col}")
            elif str(frame[col].dtype) != dtype:
                problems.append(f"/{name} column {col} has dtype {frame[col].dtype}, expected {dtype}")
    if problems:
        fail(path, problems)

    if len(df) == 0:
        fail(path, problems + [f"/metrics has no rows (/errors has {n_errors or 0}): nothing to plot"])
    missing = [c for c in EXPECTED_DTYPES if c not in df.columns]
    if missing:
        fail(path, problems + [f"/metrics lacks columns {missing} (has {list(df.columns)})"])
    for col, dtype in EXPECTED_DTYPES.items():
        if dtype is not None and str(df[col].dtype) != dtype:
            problems.append(f"column {col} has dtype {df[col].dtype}, expected {dtype}")
    for col in STRING_COLUMNS:
        try:
            df[col] = df[col].str.decode("utf-8")
        except (AttributeError, UnicodeDecodeError) as e:
            problems.append(f"column {col} does not decode from bytes to str: {e}")
    if problems:
        fail(path, problems)

    for col in ("value", "stderr", "random_baseline"):
        nan = df[df[col].isna()]
        if len(nan):
            problems.append(f"{len(nan)} rows have {col} NaN:{describe(nan)}")

    dup = df[df.duplicated(["point_id", "metric"], keep=False)]
    if len(dup):
        problems.append(f"{len(dup)} rows repeat a (point_id, metric) pair:{describe(dup)}")

    flops = 6.0 * df["n_params"].astype("float64") * df["data_tokens"].astype("float64")
    off = df[~np.isclose(df["train_flops"], flops, rtol=1e-9, atol=0.0)]
    if len(off):
        problems.append(f"{len(off)} rows have train_flops != 6 * n_params * data_tokens:"
                        f"{describe(off)}")

    evals = df[df["prompt"] != ""]
    trains = df[df["prompt"] == ""]

    def lacking(rows, need, what):
        have = rows.groupby("point_id")["metric"].agg(set)
        bad = [pid for pid, metrics in have.items() if need not in metrics]
        if bad:
            shown = ", ".join(str(p) for p in bad[:5]) + (", ..." if len(bad) > 5 else "")
            example = rows[rows["point_id"] == bad[0]]
            problems.append(f"{len(bad)} {what} have no {need} row (point_id {shown}); "
                            f"the first one's rows:{describe(example)}")

    def out_of_range(rows, metric, ok, expected):
        m = rows[rows["metric"] == metric]
        bad = m[~ok(m["value"]) & m["value"].notna()]
        if len(bad):
            problems.append(f"{len(bad)} {metric} values are not {expected}:{describe(bad)}")

    for need in sorted(EVAL_METRICS):
        lacking(evals, need, "eval points")
    for pid, metrics in evals.groupby("point_id")["metric"].agg(set).items():
        kinds = [k for k in (GENERATION_METRICS, CHOICE_METRICS) if k <= metrics]
        if len(kinds) != 1 or metrics != EVAL_METRICS | kinds[0]:
            problems.append(f"eval point {pid} has metrics {sorted(metrics)}: expected "
                            f"{sorted(EVAL_METRICS | GENERATION_METRICS)} or "
                            f"{sorted(EVAL_METRICS | CHOICE_METRICS)}")
            break
    for metric in ("exact_match", "mc_accuracy", "mc_accuracy_norm", "ece"):
        out_of_range(evals, metric, lambda v: v.between(0.0, 1.0), "in [0, 1]")
    out_of_range(evals, "brier", lambda v: v.between(0.0, 2.0), "in [0, 2]")
    out_of_range(evals, "edit_distance", lambda v: v >= 0.0, ">= 0")
    out_of_range(evals, "logprob", lambda v: v <= 0.0, "<= 0")
    out_of_range(evals, "seq_logprob", lambda v: v <= 0.0, "<= 0")
    lacking(trains, "train_loss", "train runs")
    lacking(trains, "eval_loss", "train runs")
    out_of_range(trains, "train_loss", lambda v: v > 0.0, "> 0")
    out_of_range(trains, "eval_loss", lambda v: v > 0.0, "> 0")
    bad_task = trains[trains["task"] != ""]
    if len(bad_task):
        problems.append(f"{len(bad_task)} train-run rows (empty prompt) have a non-empty task:"
                        f"{describe(bad_task)}")

    n_points = evals["point_id"].nunique()
    if expect_points is not None and n_points != expect_points:
        problems.append(f"{n_points} distinct eval points, expected {expect_points}")

    # /points: a clean sweep finished every job, and each done job has its rows.
    def ids(rows):
        return ", ".join(str(p) for p in list(rows)[:5]) + (", ..." if len(rows) > 5 else "")

    not_done = points[points["status"] != "done"]
    if len(not_done):
        counts = not_done["status"].value_counts().to_dict()
        first = not_done.iloc[0]
        problems.append(f"{len(not_done)} of {len(points)} jobs in /points are not done {counts}; "
                        f"first: {first['job']} {first['point_id']} ({first['model']}, "
                        f"{first['prompt'] or '-'}/{first['task'] or '-'}): "
                        f"{first['status']} {first['error']!r}")
    done = points[points["status"] == "done"]
    train_ids = set(points.loc[points["job"] == "train", "point_id"])
    eval_ids = set(points.loc[points["job"] == "eval", "point_id"])
    lost = set(done.loc[done["job"] == "eval", "point_id"]) - set(evals["point_id"])
    if lost:
        problems.append(f"{len(lost)} done eval jobs have no /metrics rows (point_id {ids(lost)})")
    stray = set(evals["point_id"]) - eval_ids
    if stray:
        problems.append(f"{len(stray)} eval points in /metrics are not in /points "
                        f"(point_id {ids(stray)})")
    if expect_points is not None and len(eval_ids) != expect_points:
        problems.append(f"/points has {len(eval_ids)} eval jobs, expected {expect_points}")

    # /runs: one row per train job; /curves: rows for every run.
    dup_runs = runs[runs.duplicated("run_id", keep=False)]
    if len(dup_runs):
        problems.append(f"/runs repeats run ids {ids(set(dup_runs['run_id']))}")
    run_ids = set(runs["run_id"])
    if run_ids != train_ids:
        problems.append(f"/runs has {len(run_ids)} runs for {len(train_ids)} train jobs in /points "
                        f"(missing {ids(train_ids - run_ids) or 'none'}; "
                        f"extra {ids(run_ids - train_ids) or 'none'})")
    # A TorchScript model's run (data_tokens 0) trains nothing: train_loss NaN.
    trained = runs["data_tokens"] > 0
    bad_loss = runs[~(runs["eval_loss"] > 0) | (trained & ~(runs["train_loss"] > 0))]
    if len(bad_loss):
        problems.append(f"{len(bad_loss)} /runs rows have a loss that is not > 0 "
                        f"(run_id {ids(bad_loss['run_id'])})")
    flops = 6.0 * runs["n_params"].astype("float64") * runs["data_tokens"].astype("float64")
    if len(runs) and not np.allclose(runs["train_flops"], flops, rtol=1e-9, atol=0.0):
        problems.append("/runs has train_flops != 6 * n_params * data_tokens")
    if len(curves) == 0:
        problems.append("/curves has no rows")
    no_curve = set(runs.loc[trained, "run_id"]) - set(curves["run_id"])
    if no_curve:
        problems.append(f"{len(no_curve)} runs have no /curves rows (run_id {ids(no_curve)})")
    orphan = set(curves["run_id"]) - train_ids
    if orphan:
        problems.append(f"/curves has rows of unknown runs (run_id {ids(orphan)})")
    if len(curves) and not np.isfinite(curves["loss"]).all():
        problems.append(f"{int((~np.isfinite(curves['loss'])).sum())} /curves rows have a "
                        f"non-finite loss")

    # /examples: the rendered prompt of every eval point, once.
    example_ids = list(examples["point_id"]) if len(examples) else []
    if sorted(example_ids) != sorted(set(evals["point_id"])):
        problems.append(f"/examples has {len(example_ids)} rows for {evals['point_id'].nunique()} eval points")
    elif len(examples):
        empty = examples[examples["prompt_text"] == b""]
        if len(empty):
            problems.append(f"{len(empty)} /examples rows have an empty prompt_text")

    if problems:
        fail(path, problems)
    if n_errors:
        print(f"read_store: note: {n_errors} rows in /errors (retried attempts)", file=sys.stderr)
    print(f"read_store: {len(df)} metrics rows, {n_points} points, {len(runs)} runs, "
          f"{len(curves)} curve rows, {len(examples)} examples, OK")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", help="path of the .h5 results store")
    ap.add_argument("--expect-points", type=int, default=None, metavar="N",
                    help="number of distinct eval points (prompt != '') the store must hold")
    args = ap.parse_args()
    check(args.store, args.expect_points)


if __name__ == "__main__":
    main()
