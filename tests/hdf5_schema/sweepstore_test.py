#!/usr/bin/python3
"""hdf5_schema/python/sweepstore.py splits a run's `axes` text into one column per
swept key: numbers as float columns, other values as text, `seed` and `compute`
left to their typed columns; stores from before schema_version 5 read `axes` as
empty and gain no such column.

usage: sweepstore_test.py [STORE_V3.h5.gz]   (the fixture of tests/hdf5_schema/fixtures)
"""
import gzip
import os
import shutil
import sys
import tempfile

import numpy as np
import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "hdf5_schema", "python"))
sys.path.insert(0, os.path.join(here, "..", "python"))
import schema_store  # noqa: E402
import sweepstore  # noqa: E402

AXES = ["seed=1;train.lr=0.003", "compute=1e+18;seed=0;train.lr=0.01", "", "model.s.act=gelu;seed=2"]
V5_ONLY = {"metrics": ["seed", "compute_budget", "axes"], "runs": ["seed", "compute_budget", "axes"],
           "points": ["axes"]}


def runs(n):
    return [dict(run_id=i, model="s", n_params=1000, seed=[1, 0, 0, 2][i % 4], axes=AXES[i % 4]) for i in range(n)]


def test_frame_splits_axes():
    df = pd.DataFrame({"axes": AXES, "seed": [1, 0, 0, 2]})
    sweepstore.add_axis_columns(df)
    assert sorted(df.columns) == ["axes", "model.s.act", "seed", "train.lr"], df.columns
    assert df["train.lr"].dtype == np.float64, df["train.lr"].dtype
    assert df["train.lr"].iloc[:2].tolist() == [0.003, 0.01] and df["train.lr"].iloc[2:].isna().all(), df
    # A value that is not a number stays text; runs that do not sweep the key have none.
    assert df["model.s.act"].tolist() == [None, None, None, "gelu"], df["model.s.act"].tolist()
    assert df["seed"].tolist() == [1, 0, 0, 2], "seed stays the typed column"


def test_store_v5(tmp):
    path = os.path.join(tmp, "v5.h5")
    schema_store.write(path, {"runs": runs(4), "points": [dict(point_id=7, job="train", axes=AXES[0])]})
    df = sweepstore.table(path, "runs")
    assert df["train.lr"].tolist()[:2] == [0.003, 0.01], df["train.lr"].tolist()
    assert df["seed"].dtype == np.int64 and df["seed"].tolist() == [1, 0, 0, 2], df["seed"]
    assert "compute" not in df.columns and "model.s.act" in df.columns, df.columns
    points = sweepstore.table(path, "points")
    assert points["train.lr"].tolist() == [0.003] and "seed" not in points.columns, points.columns


def test_store_v4(tmp):
    path = os.path.join(tmp, "v4.h5")
    schema_store.write(path, {"runs": [{k: v for k, v in r.items() if k not in ("seed", "axes")} for r in runs(3)]},
                       schema_version=4, drop_columns=V5_ONLY)
    for name in ["runs", "metrics", "points"]:
        df = sweepstore.table(path, name)
        assert "train.lr" not in df.columns, (name, df.columns)
    df = sweepstore.table(path, "runs")
    assert df["axes"].tolist() == [""] * 3 and df["seed"].tolist() == [0] * 3, df
    assert df["compute_budget"].tolist() == [0.0] * 3, df


def test_store_v3_fixture(tmp, fixture):
    path = os.path.join(tmp, "v3.h5")
    with gzip.open(fixture) as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    for name in ["metrics", "runs"]:
        df = sweepstore.table(path, name)
        assert len(df) > 0 and set(df["axes"]) == {""}, (name, set(df["axes"]))
        assert set(df.columns) - {"axes"} >= {"seed", "compute_budget"}, df.columns


with tempfile.TemporaryDirectory() as tmp:
    test_frame_splits_axes()
    test_store_v5(tmp)
    test_store_v4(tmp)
    if len(sys.argv) > 1:
        test_store_v3_fixture(tmp, sys.argv[1])
print("sweepstore_test: ok")
