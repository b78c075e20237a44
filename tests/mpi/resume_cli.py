"""--resume on a finished store does no work; an enlarged grid (one more
data size) runs only its new jobs; a grid that changed a model is refused,
leaving the file as it was; --force replaces the store.
Works on a copy (store and checkpoints) of a finished store.
argv: FINISHED_STORE WORK_STORE GRID COMMAND_PREFIX... (the prefix ends with the sweep binary)"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

source, store, grid, prefix = (pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]),
                               sys.argv[4:])
shutil.rmtree(store.with_suffix(".ckpt"), ignore_errors=True)
shutil.copyfile(source, store)
shutil.copytree(source.with_suffix(".ckpt"), store.with_suffix(".ckpt"))


def sweep(grid_path):
    p = subprocess.run(prefix + [str(grid_path), "--out", str(store), "--resume"], capture_output=True, text=True,
                       timeout=300)
    return p.returncode, p.stdout + p.stderr


before = sweepstore.table(store, "metrics")
rc, out = sweep(grid)
if rc != 0 or "nothing to do" not in out:
    sys.exit(f"resume_cli: resume of a finished store: exit {rc}\n{out}")
if len(sweepstore.table(store, "metrics")) != len(before):
    sys.exit("resume_cli: resume of a finished store added rows")
print(f"resume_cli: finished store: exit 0, nothing to do, still {len(before)} rows")

text = grid.read_text()
bigger = re.sub(r"data_tokens = \[([^\]]*)\]", lambda m: f"data_tokens = [{m.group(1)}, 12_288]", text, count=1)
with tempfile.TemporaryDirectory() as tmp:
    enlarged = pathlib.Path(tmp) / "enlarged.toml"
    enlarged.write_text(bigger)
    rc, out = sweep(enlarged)
    ran = re.search(r"(\d+) to run", out)
    after = sweepstore.table(store, "metrics")
    new_ids = set(after.point_id) - set(before.point_id)
    if rc != 0 or not ran:
        sys.exit(f"resume_cli: enlarged grid: exit {rc}\n{out}")
    n_models = len(set(before.model))
    runs, points = n_models, n_models * (len(set(before.prompt)) - 1) * (len(set(before.task)) - 1)
    if int(ran.group(1)) != runs + points or len(new_ids) != runs + points:
        sys.exit(f"resume_cli: enlarged grid ran {ran.group(1)} jobs and added {len(new_ids)} ids, want {runs + points}")
    evals = before[before.prompt != ""]
    per_point = len(evals) // evals.point_id.nunique()  # every metric of a point (kernels/eval/evaluate.hpp)
    trains = before[before.prompt == ""]
    per_run = len(trains) // trains.point_id.nunique()  # train_loss, eval_loss, eval_bpb
    if not (after[after.data_tokens == 12_288].shape[0] == per_run * runs + per_point * points):
        sys.exit("resume_cli: the new data size lacks rows")
    print(f"resume_cli: enlarged grid (data_tokens + 12288): ran {ran.group(1)} new jobs "
          f"({runs} train + {points} eval), {len(after) - len(before)} new rows")

    changed = pathlib.Path(tmp) / "changed.toml"
    changed.write_text(re.sub(r"(\[model\.xs\][^\[]*d_model\s*=\s*)\d+", r"\g<1>32", text, count=1))
    before_bytes = store.read_bytes()
    rc, out = sweep(changed)
    if rc == 0 or "another config" not in out:
        sys.exit(f"resume_cli: a changed model was not refused: exit {rc}\n{out}")
    if store.read_bytes() != before_bytes:
        sys.exit("resume_cli: the refused resume changed the store file")
    print("resume_cli: changed model refused, store byte-identical: " + next(l for l in out.splitlines() if "another config" in l))

    # A resume killed after opening the store but before starting SWMR leaves
    # status flags that refuse every reader; the next --resume must still recover it.
    enlarged_rows = len(sweepstore.table(store, "metrics"))
    killed = subprocess.run([sys.executable, "-c", "import h5py, os, sys\n"
                             "f = h5py.File(sys.argv[1], 'r+', libver='latest')\nos._exit(0)", str(store)])
    if killed.returncode != 0:
        sys.exit(f"resume_cli: the h5py child that opens the store for writing exited {killed.returncode}")
    try:
        sweepstore.table(store, "metrics")
        sys.exit("resume_cli: a store left open for writing (not SWMR) by a killed process was still readable")
    except OSError:
        pass
    rc, out = sweep(enlarged)
    if rc != 0 or "nothing to do" not in out or len(sweepstore.table(store, "metrics")) != enlarged_rows:
        sys.exit(f"resume_cli: resume after a resume killed before SWMR: exit {rc}\n{out}")
    print(f"resume_cli: a store a killed resume left unreadable resumed: exit 0, nothing to do, {enlarged_rows} rows")

p = subprocess.run(prefix + [str(grid), "--out", str(store), "--force"], capture_output=True, text=True, timeout=300)
rows = len(sweepstore.table(store, "metrics"))
if p.returncode != 0 or rows != len(before):
    sys.exit(f"resume_cli: --force: exit {p.returncode}, {rows} rows (want {len(before)})\n{p.stderr}")
print(f"resume_cli: --force replaced the enlarged store with a fresh run of the grid: {rows} rows")
