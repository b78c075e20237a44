"""`sweep validate` accepts a store the sweep wrote and flags a copy with a
removed /metrics column and one with another schema_version; `sweep export`
writes the same /metrics rows as CSV and JSON Lines; every subcommand's --help
prints its usage on stdout and exits 0.
argv: STORE SCRATCH_DIR SWEEP_BINARY"""
import io
import json
import pathlib
import shutil
import subprocess
import sys

import h5py
import numpy as np
import numpy.lib.recfunctions as rfn
import pandas as pd

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

store, scratch, binary = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]


def validate(path):
    p = subprocess.run([binary, "validate", str(path)], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


rc, out = validate(store)
if rc != 0:
    sys.exit(f"validate: a sweep's own store was rejected:\n{out}")
print(f"validate (as written): exit 0: {out.strip()}")

old = scratch / "old_version.h5"
shutil.copyfile(store, old)
with h5py.File(old, "r+") as f:
    f.attrs.modify("schema_version", np.int32(1))
rc, out = validate(old)
if rc == 0 or "schema_version" not in out:
    sys.exit(f"validate: schema_version 1 not flagged (exit {rc}):\n{out}")
print(f"validate (schema_version 1): exit {rc}: {out.strip().splitlines()[0]}")

cut = scratch / "no_stderr_column.h5"
shutil.copyfile(store, cut)
with h5py.File(cut, "r+") as f:
    rows = rfn.drop_fields(f["metrics"][()], "stderr")
    del f["metrics"]
    f.create_dataset("metrics", data=rows, maxshape=(None,), chunks=True)
rc, out = validate(cut)
if rc == 0 or "column 'stderr' is missing" not in out:
    sys.exit(f"validate: the removed column was not flagged (exit {rc}):\n{out}")
print(f"validate (no stderr column): exit {rc}: " + next(l for l in out.splitlines() if "column 'stderr'" in l))

want = sweepstore.table(store, "metrics").sort_values(["point_id", "metric"]).reset_index(drop=True)
csv = subprocess.run([binary, "export", str(store), "--format", "csv"], capture_output=True, text=True, check=True)
got = pd.read_csv(io.StringIO(csv.stdout), keep_default_na=False, float_precision="round_trip").sort_values(["point_id", "metric"]).reset_index(drop=True)
for col in want.columns:
    if want[col].dtype.kind == "f":
        ok = np.allclose(got[col].astype(float), want[col], rtol=1e-15, atol=0)
    else:
        ok = (got[col].astype(str) == want[col].astype(str)).all()
    if not ok:
        sys.exit(f"export csv: column {col} differs from the store")
jsonl = subprocess.run([binary, "export", str(store), "--format", "jsonl"], capture_output=True, text=True, check=True)
records = [json.loads(line) for line in jsonl.stdout.splitlines() if line.strip()]
if len(records) != len(want) or set(records[0]) != set(want.columns):
    sys.exit(f"export jsonl: {len(records)} records with keys {sorted(records[0])}")
print(f"export: csv and jsonl hold the {len(want)} /metrics rows with all {len(want.columns)} columns")

for command in ["validate", "export", "plan", "analyze", "prepare", "tokenize", "score"]:
    h = subprocess.run([binary, command, "--help"], capture_output=True, text=True, timeout=60)
    if h.returncode != 0 or "usage" not in h.stdout.lower() or h.stderr:
        sys.exit(f"sweep {command} --help: exit {h.returncode}, want 0 with the usage on stdout\n{h.stdout}{h.stderr}")
print("--help: every subcommand prints its usage and exits 0")
