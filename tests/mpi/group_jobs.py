"""A grid mixing ranks_per_job 1 and 2 under mpirun -np 5: every job finishes,
a 2-rank group job runs at the same time as 1-rank jobs, and the metrics equal
those of the same grid with ranks_per_job = 1 (run on 2 ranks), up to
floating-point reordering for training and exactly for eval of equal weights.
argv: GRID OUT_DIR MPIRUN... SWEEP (the command without -np/grid/--out)."""
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

grid, out_dir, launcher = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
out_dir.mkdir(parents=True, exist_ok=True)
mpirun, sweep = launcher[:-1], launcher[-1]


def run(np, grid_path, store):
    store.unlink(missing_ok=True)
    cmd = mpirun + ["-np", str(np), sweep, str(grid_path), "--out", str(store), "--quiet"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=500)
    if p.returncode != 0:
        sys.exit(f"group_jobs: {' '.join(cmd)} exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")


grouped = out_dir / "groups.h5"
run(5, grid, grouped)
points = sweepstore.table(grouped, "points")
if not (points.status == "done").all():
    sys.exit(f"group_jobs: not every job is done:\n{points[['job', 'model', 'status', 'error']]}")

# Concurrency: some pair job's [start, end] overlaps some solo job's.
pair = points[points.model == "pair"]
solo = points[points.model == "solo"]
overlaps = [(p.job, p.data_tokens, s.job, s.data_tokens)
            for p in pair.itertuples() for s in solo.itertuples()
            if p.start_time < s.end_time and s.start_time < p.end_time]
print(f"group_jobs: {len(pair)} pair jobs (2 ranks), {len(solo)} solo jobs; "
      f"{len(overlaps)} (pair, solo) pairs ran at the same time, e.g. {overlaps[:2]}")
if not overlaps:
    sys.exit("group_jobs: no group job ran at the same time as a single-rank job:\n"
             f"{points[['job', 'model', 'data_tokens', 'rank', 'start_time', 'end_time']]}")
ranks_of_pair = sorted(set(pair["rank"]))
print(f"group_jobs: pair jobs reported by ranks {ranks_of_pair}")

# The same grid with every job on one rank.
single_grid = out_dir / "groups_single.toml"
single_grid.write_text(grid.read_text().replace("ranks_per_job = 2", "ranks_per_job = 1"))
single = out_dir / "groups_single.h5"
run(3, single_grid, single)
a = sweepstore.table(grouped, "metrics").set_index(["model", "data_tokens", "prompt", "task", "metric"]).value
b = sweepstore.table(single, "metrics").set_index(["model", "data_tokens", "prompt", "task", "metric"]).value
a, b = a.sort_index(), b.sort_index()
if list(a.index) != list(b.index):
    sys.exit("group_jobs: the two stores hold different metric rows")
diff = (a - b).abs()
worst = diff.groupby(level="model").max()
print(f"group_jobs: largest |metric(2 ranks) - metric(1 rank)| per model: {worst.to_dict()}")
if diff[diff.index.get_level_values("model") == "solo"].max() != 0:
    sys.exit("group_jobs: the single-rank model's metrics differ between the two runs")
loss = diff[diff.index.get_level_values("metric").isin(["train_loss", "eval_loss"])]
if loss.max() > 1e-4:
    sys.exit(f"group_jobs: losses differ by more than 1e-4:\n{loss[loss > 1e-4]}")
print("group_jobs: ok")
