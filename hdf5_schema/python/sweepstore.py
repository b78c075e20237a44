"""Reading a sweep store from Python (h5py + pandas), live or after the sweep.

    import sys; sys.path.insert(0, "hdf5_schema/python")
    import sweepstore
    df = sweepstore.table("results/grid.h5", "metrics")          # after the sweep
    with sweepstore.live("results/grid.h5") as f:                # while it runs
        df = sweepstore.frame(f, "metrics")
    attrs = sweepstore.attributes("results/grid.h5")             # grid_text, sessions, ...

Every string column and string attribute comes back as str (HDF5 stores them
as fixed-length bytes); the /points status enum as its name. A column named
like a DataFrame method is read by subscript: df["rank"] (of /points and
/errors) is the MPI rank, df.rank is pandas' ranking method.
Tables: metrics (every metric with stderr, n_examples and random_baseline),
points, runs, curves, errors, and examples (the rendered prompt of each eval
point's first example). A schema_version 3 or 4 store reads with the columns
later versions added filled in (0 or ""); a store of another schema_version is
refused. The `axes` text of metrics, runs and points ("seed=1;train.lr=0.003")
is also split into one column per swept key (`seed` and `compute_budget` keep
their own typed columns), so a reader can group by `train.lr` directly.
"""
import contextlib

import h5py
import pandas as pd

SCHEMA_VERSION = 5
OLDEST_SCHEMA_VERSION = 3
# The columns each version added after the oldest, with what an older store reads as.
ADDED = {4: {"metrics": {"n_params_non_embedding": 0},
             "runs": {"n_params_non_embedding": 0, "source": "", "weights_sha256": ""}},
         5: {"metrics": {"seed": 0, "compute_budget": 0.0, "axes": ""},
             "runs": {"seed": 0, "compute_budget": 0.0, "axes": ""},
             "points": {"axes": ""}}}
STATUS = {0: "pending", 1: "running", 2: "done", 3: "failed", 4: "skipped", 5: "diverged", 6: "timeout"}


def frame(f, name):
    """The dataset `name` of an open h5py.File as a DataFrame with str columns."""
    version = int(f.attrs.get("schema_version", -1))
    if not OLDEST_SCHEMA_VERSION <= version <= SCHEMA_VERSION:
        raise ValueError(f"{f.filename}: schema_version {version}, this reader reads {OLDEST_SCHEMA_VERSION} "
                         f"to {SCHEMA_VERSION} (see hdf5_schema/SCHEMA.md)")
    ds = f[name]
    if hasattr(ds, "refresh") and f.swmr_mode:
        ds.refresh()
    df = pd.DataFrame(ds[()])
    # By the dataset's own types, not pandas' inference: a column of fixed-length
    # strings is bytes however pandas holds it (an empty table included).
    for c, (dtype, _) in ds.dtype.fields.items():
        if dtype.kind == "S":
            df[c] = pd.Series([v.decode("utf-8", errors="replace") for v in df[c]],  # a generation may end
                              index=df.index, dtype=object)                        # mid-character
    for added, tables in ADDED.items():
        if version < added:
            for column, value in tables.get(name, {}).items():
                df[column] = value
    if "axes" in df.columns:
        add_axis_columns(df)
    if name == "points" and "status" in df.columns:
        df["status"] = df["status"].map(STATUS)
    return df


def add_axis_columns(df):
    """One column per key of `axes` (numbers as float where they parse);
    seed and compute stay in their typed columns."""
    keys = {}
    for i, text in enumerate(df["axes"]):
        for pair in filter(None, text.split(";")):
            key, _, value = pair.partition("=")
            if key in ("seed", "compute"):
                continue
            keys.setdefault(key, [None] * len(df))[i] = value
    for key, values in keys.items():
        column = pd.Series(values, index=df.index)
        numeric = pd.to_numeric(column, errors="coerce")
        df[key] = numeric if numeric.notna().sum() == column.notna().sum() else column


def table(path, name):
    """One dataset of a store. A store still being written, or left by a killed
    writer, refuses a plain open (its status flags are set): read it as SWMR."""
    try:
        f = h5py.File(path, "r")
    except OSError:
        f = h5py.File(path, "r", swmr=True)
    with f:
        return frame(f, name)


def decoded(value):
    """An attribute's value with byte strings as str."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return decoded(value.item())  # numpy scalars as Python numbers
    return value


def attributes(path):
    """The store's root attributes (SCHEMA.md, "Root attributes") as a dict,
    strings as str, numbers as int or float."""
    try:
        f = h5py.File(path, "r")
    except OSError:
        f = h5py.File(path, "r", swmr=True)
    with f:
        return {name: decoded(value) for name, value in f.attrs.items()}


@contextlib.contextmanager
def live(path):
    """Opens a store that a running sweep is writing (SWMR read)."""
    with h5py.File(path, "r", swmr=True) as f:
        yield f
