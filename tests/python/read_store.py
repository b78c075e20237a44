#!/usr/bin/python3
"""Checks a sweep results store the way a plotting user reads it (h5py + pandas).

Usage: /usr/bin/python3 tests/python/read_store.py STORE.h5 [--expect-points N]

Exits 0 and prints one line, e.g. "read_store: 126 metrics rows, 42 points, OK";
exits 1 with every problem found (on stderr) otherwise; an empty /metrics is a
failure (nothing to plot). Schema: hdf5_schema/SCHEMA.md.
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
}
STRING_COLUMNS = [c for c, t in EXPECTED_DTYPES.items() if t is None]
ROOT_ATTRIBUTES = ["grid_text", "seed", "sweep_version", "created"]


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
        f = h5py.File(path, "r")
    except OSError as e:
        hint = ""
        if "already open for write" in str(e):
            hint = (" -- the writer is still running, or died without closing the store; "
                    f"in that case `h5clear -s --increment {path}` makes its flushed rows readable")
        fail(path, [f"cannot open: {e}{hint}"])

    with f:
        for name in ROOT_ATTRIBUTES:
            if name not in f.attrs:
                problems.append(f"root attribute '{name}' is missing")
        if "schema_version" in f.attrs and int(f.attrs["schema_version"]) != 1:
            problems.append(f"schema_version is {f.attrs['schema_version']}, expected 1")
        if "metrics" not in f:
            fail(path, problems + ["dataset /metrics is missing"])
        n_errors = f["errors"].shape[0] if "errors" in f else None
        if n_errors is None:
            problems.append("dataset /errors is missing")
        # Exactly what a plotting user writes.
        df = pd.DataFrame(f["metrics"][()])

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

    nan = df[df["value"].isna()]
    if len(nan):
        problems.append(f"{len(nan)} rows have value NaN:{describe(nan)}")

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

    lacking(evals, "exact_match", "eval points")
    lacking(evals, "logprob", "eval points")
    out_of_range(evals, "exact_match", lambda v: v.between(0.0, 1.0), "in [0, 1]")
    out_of_range(evals, "logprob", lambda v: v <= 0.0, "<= 0")
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

    if problems:
        fail(path, problems)
    if n_errors:
        print(f"read_store: note: {n_errors} rows in /errors", file=sys.stderr)
    print(f"read_store: {len(df)} metrics rows, {n_points} points, OK")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", help="path of the .h5 results store")
    ap.add_argument("--expect-points", type=int, default=None, metavar="N",
                    help="number of distinct eval points (prompt != '') the store must hold")
    args = ap.parse_args()
    check(args.store, args.expect_points)


if __name__ == "__main__":
    main()
