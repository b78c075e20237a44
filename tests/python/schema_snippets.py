"""hdf5_schema/SCHEMA.md's python code blocks run as written against a real
store (the path "results/tiny.h5" replaced by STORE), and again against a copy
whose /curves hold a resumed run as a resume writes it: attempt 1 logged past
the restart point, attempt 2 logs from there on. The pandas recipe must give
each run's logged steps once, from step 0 (attempt 1) to the end (attempt 2);
the sweepstore block must give str, never bytes. argv: STORE SCHEMA.md SCRATCH_DIR"""
import contextlib
import io
import os
import pathlib
import re
import shutil
import sys

import h5py
import numpy as np

store, doc, scratch = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
repo = doc.resolve().parents[1]
blocks = re.findall(r"```python\n(.*?)```", doc.read_text(), re.S)
if len(blocks) < 2:
    sys.exit(f"schema_snippets: {len(blocks)} python blocks in {doc}, want the pandas recipe and sweepstore's")


def run_blocks(path):
    """Each block in a namespace of its own, from the repository root; their namespaces."""
    spaces = []
    os.chdir(repo)
    for i, code in enumerate(blocks, 1):
        space = {"__name__": f"snippet{i}"}
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code.replace("results/tiny.h5", str(path)), f"{doc.name} block {i}", "exec"), space)
        except Exception as e:
            sys.exit(f"schema_snippets: {doc.name} python block {i} fails on {path}: {type(e).__name__}: {e}\n"
                     f"its output:\n{out.getvalue()}")
        spaces.append(space)
        print(f"schema_snippets: block {i} on {path.name}: ran, {len(out.getvalue().splitlines())} lines printed")
    return spaces


def strings_are_str(space, names):
    for name in names:
        value = space[name]
        frames = [value] if hasattr(value, "columns") else []
        for df in frames:
            for col in df.columns:
                if df[col].map(lambda v: isinstance(v, bytes)).any():
                    sys.exit(f"schema_snippets: {name}[{col!r}] holds bytes")
        if isinstance(value, dict) and any(isinstance(v, bytes) for v in value.values()):
            sys.exit(f"schema_snippets: {name} holds bytes: {[k for k, v in value.items() if isinstance(v, bytes)]}")


pandas_space, sweepstore_space = run_blocks(store)[:2]
if len(pandas_space["em"]) == 0:
    sys.exit("schema_snippets: the exact-match filter left no rows")
strings_are_str(sweepstore_space, ["points", "attrs"])
if not isinstance(sweepstore_space["attrs"]["grid_text"], str):
    sys.exit("schema_snippets: sweepstore.attributes gave grid_text as " + type(sweepstore_space["attrs"]["grid_text"]).__name__)

# A resumed run's curves: the first run's logged steps, attempt 1 holding all of
# them (it logged past the restart point before a kill), attempt 2 again from
# the second logged step on (its restart point) with other losses.
resumed = scratch / "schema_snippets_resumed.h5"
scratch.mkdir(parents=True, exist_ok=True)
shutil.copyfile(store, resumed)
with h5py.File(resumed, "r+") as f:
    curves = f["curves"][()]
    run = curves["run_id"][0]
    mine = np.sort(curves[curves["run_id"] == run], order="step")
    restart = mine["step"][1]
    again = mine[mine["step"] >= restart].copy()
    again["attempt"] = 2
    again["loss"] += 100.0  # tells the attempts apart
    f["curves"].resize((len(curves) + len(again),))
    f["curves"][len(curves):] = again
pandas_space = run_blocks(resumed)[0]
c = pandas_space["curves"]
got = c[c.run_id == run].sort_values("step")
if list(got.step) != list(mine["step"]):
    sys.exit(f"schema_snippets: the resumed run's curve has steps {list(got.step)}, want {list(mine['step'])} "
             "(each logged step once, attempt 1 before the restart point, attempt 2 from it)")
if list(got.attempt) != [1 if s < restart else 2 for s in mine["step"]]:
    sys.exit(f"schema_snippets: the resumed run's curve takes attempts {list(got.attempt)}")
print(f"schema_snippets: a run resumed at step {restart}: {len(got)} steps, attempt 1 before it, attempt 2 from it")
