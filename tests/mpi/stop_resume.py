"""Graceful stop: mid-sweep, SIGTERM to every rank (as Slurm does to tasks it
started), then, after --resume, SIGUSR2 to mpirun (which forwards it; Slurm's
--signal=B:USR2); before them, a first run with --time-limit. Each time the exit status is 4
("stopped, resumable"), the store validates with no job left running, and a
last --resume completes it with results identical to an uninterrupted run.
argv: REFERENCE_STORE STORE SWEEP_BINARY COMMAND... (COMMAND writes STORE with --resume)"""
import pathlib
import signal
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

reference, store, binary, cmd = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4:]


def rows_now():
    """Metrics rows in the store now; None while the sweep holds it closed to
    readers (opening or resuming it, before its SWMR writes start)."""
    if not store.exists():
        return 0
    try:
        return len(sweepstore.table(store, "metrics"))
    except BlockingIOError:
        return None


def stop_after(seconds, how):
    before = rows_now()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.time() + 60
    while rows_now() in (before, None) and time.time() < deadline:
        time.sleep(0.1)  # wait until this session has produced results, then let it run on
    time.sleep(seconds)
    if how == "TERM to ranks":
        ranks = subprocess.run(["pgrep", "-s", str(p.pid), "-f", binary], capture_output=True, text=True).stdout.split()
        for pid in ranks:
            if int(pid) != p.pid:  # the ranks, not mpirun (whose command line names the binary too)
                subprocess.run(["kill", "-TERM", pid])
    else:
        p.send_signal(signal.SIGUSR2)
    sent = time.time()
    out, _ = p.communicate(timeout=120)
    took = time.time() - sent
    rows = len(sweepstore.table(store, "metrics"))
    if p.returncode != 4 or "stopped, resumable" not in out:
        sys.exit(f"stop_resume: {how}: exit {p.returncode}, want 4\n{out}")
    v = subprocess.run([binary, "validate", str(store)], capture_output=True, text=True)
    points = sweepstore.table(store, "points")
    if v.returncode != 0 or (points.status == "running").any():
        sys.exit(f"stop_resume: {how}: store not consistent after the stop:\n{v.stdout}\n{points}")
    line = next(l for l in out.splitlines() if "stopped, resumable" in l)
    print(f"stop_resume: {how}: exit 4 after {took:.1f} s, {rows} metrics rows kept, "
          f"{(points.status == 'done').sum()} jobs done; {line}")


# A time limit: jobs predicted (from the throughput learnt so far) to end after
# it are not started; the sweep stops, resumable, once nothing fits.
# (On a store of its own, so the signal runs below start from an empty store.)
limited_store = store.with_name(store.stem + "_time_limit.h5")
limited_cmd = [str(limited_store) if a == str(store) else a for a in cmd]
limited = subprocess.run(limited_cmd + ["--time-limit", "1", "--throughput", "1e9"], capture_output=True, text=True,
                         timeout=300)
if limited.returncode != 4 or "time limit" not in limited.stdout:
    sys.exit(f"stop_resume: --time-limit: exit {limited.returncode}, want 4\n{limited.stdout}{limited.stderr}")
print("stop_resume: --time-limit 1 --throughput 1e9: exit 4: " + next(l for l in limited.stdout.splitlines() if "stopped, resumable" in l))

stop_after(0.2, "TERM to ranks")
stop_after(0.2, "USR2 to mpirun")
final = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
if final.returncode != 0:
    sys.exit(f"stop_resume: the last --resume exited {final.returncode}\n{final.stdout}{final.stderr}")
want = sweepstore.table(reference, "metrics").sort_values(["point_id", "metric"]).reset_index(drop=True)
got = sweepstore.table(store, "metrics").sort_values(["point_id", "metric"]).reset_index(drop=True)
if list(got.point_id) != list(want.point_id) or list(got.metric) != list(want.metric) or \
        (got.value - want.value).abs().max() != 0:
    sys.exit("stop_resume: the resumed store differs from the uninterrupted run")
print(f"stop_resume: after two stops and resumes: {len(got)} rows identical to the uninterrupted run")
