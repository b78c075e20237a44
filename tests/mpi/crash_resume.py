"""Crash safety: kill -9 the whole mpirun (every rank) at random moments of a
sweep, --resume each time, then let it finish; the store must then equal an
uninterrupted run's: the same point ids, each once, identical values.
argv: REFERENCE_STORE STORE KILLS SEED MAX_SECONDS COMMAND... (COMMAND writes STORE with --resume)"""
import pathlib
import random
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

reference, store = sys.argv[1], pathlib.Path(sys.argv[2])
kills, seed, max_seconds, cmd = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6:]
rng = random.Random(seed)
moments = []
for i in range(kills):
    at = rng.uniform(0.5, max_seconds)
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(at)
    finished = p.poll() is not None
    # mpirun puts each rank in a process group of its own, inside the session
    # started for it here: kill the whole session at once.
    subprocess.run(["pkill", "-9", "-s", str(p.pid)], check=False)
    p.wait()
    while subprocess.run(["pgrep", "-s", str(p.pid)], capture_output=True).returncode == 0:
        time.sleep(0.05)
    try:
        rows = len(sweepstore.table(store, "metrics")) if store.exists() else 0
    except OSError:
        # Killed while a resume held the store open before SWMR started: readers
        # are refused until the next resume repairs it (which the loop goes on to do).
        rows = "unreadable"
    moments.append(f"{at:.2f}s/{rows} rows" + (" (had finished)" if finished else ""))
    time.sleep(0.2)
print(f"crash_resume: {kills} kills at " + ", ".join(moments))
final = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
if final.returncode != 0:
    sys.exit(f"crash_resume: the last --resume exited {final.returncode}\n{final.stderr}")
want = sweepstore.table(reference, "metrics").sort_values(["point_id", "metric"]).reset_index(drop=True)
got = sweepstore.table(store, "metrics").sort_values(["point_id", "metric"]).reset_index(drop=True)
if got.duplicated(["point_id", "metric"]).any():
    sys.exit("crash_resume: a (point, metric) appears more than once")
if list(got.point_id) != list(want.point_id) or list(got.metric) != list(want.metric):
    sys.exit(f"crash_resume: different points: {len(got)} rows vs {len(want)} in the reference")
diff = (got.value - want.value).abs().max()
if diff != 0:
    sys.exit(f"crash_resume: values differ from the uninterrupted run by up to {diff}")
points = sweepstore.table(store, "points")
if not (points.status == "done").all():
    sys.exit(f"crash_resume: /points not all done:\n{points[points.status != 'done']}")
print(f"crash_resume: after {kills} kills and resumes: {got.point_id.nunique()} point ids, {len(got)} rows, "
      f"each once, identical to the uninterrupted run; attempts per job max {points.attempts.max()}")
