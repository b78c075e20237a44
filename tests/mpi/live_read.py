"""A plotting user's view during a sweep: h5py opens the store with swmr=True
while rank 0 writes it, and every read shows complete rows, more of them as
the sweep goes on. argv: STORE COMMAND..."""
import math
import pathlib
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

store, cmd = pathlib.Path(sys.argv[1]), sys.argv[2:]
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
reads = []  # (seconds, metric rows, curve rows)
t0 = time.time()
try:
    while proc.poll() is None and time.time() - t0 < 240:
        time.sleep(0.4)
        if not store.exists():
            continue
        with sweepstore.live(store) as f:
            m = sweepstore.frame(f, "metrics")
            c = sweepstore.frame(f, "curves")
        bad = m[(m.model == "") | (m.metric == "") | ~m.value.map(math.isfinite) | (m.point_id <= 0)]
        if len(bad):
            sys.exit(f"live_read: incomplete rows seen live:\n{bad}")
        if len(c) and (~c.loss.map(math.isfinite)).any():
            sys.exit("live_read: a curve row with a non-finite loss")
        if not reads or (len(m), len(c)) != reads[-1][1:]:
            reads.append((round(time.time() - t0, 1), len(m), len(c)))
finally:
    out, err = proc.communicate(timeout=240)
if proc.returncode != 0:
    sys.exit(f"live_read: sweep exited {proc.returncode}\n{err}")
final = (len(sweepstore.table(store, "metrics")), len(sweepstore.table(store, "curves")))
print("live_read: reads (seconds, metrics rows, curve rows): " + " ".join(map(str, reads)))
growing = [r for r in reads if 0 < r[1] < final[0]]
if len(growing) < 3:
    sys.exit(f"live_read: only {len(growing)} live reads with partial metrics (want >= 3); final {final}")
if any(b[1] < a[1] or b[2] < a[2] for a, b in zip(reads, reads[1:])):
    sys.exit("live_read: a row count went down")
print(f"live_read: {len(growing)} live reads saw metrics grow to the final {final[0]} rows ({final[1]} curve rows)")
