"""Ctrl-C on a sweep started from a terminal: SIGINT to the command's whole
process group (what the terminal sends) once the sweep has results. The sweep
stops gracefully: exit status 4 ("stopped, resumable", as README's exit
statuses say), the stop message, a store that validates with no job left
running. argv: STORE SWEEP_BINARY COMMAND... (COMMAND writes STORE)"""
import os
import pathlib
import signal
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

store, binary, cmd = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
store.unlink(missing_ok=True)


def rows_now():
    try:
        return len(sweepstore.table(store, "metrics")) if store.exists() else 0
    except (BlockingIOError, OSError, KeyError):
        return 0


p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
deadline = time.time() + 120
while rows_now() == 0 and time.time() < deadline and p.poll() is None:
    time.sleep(0.1)
time.sleep(0.3)
os.killpg(p.pid, signal.SIGINT)  # the terminal's Ctrl-C: every process of the foreground group
out, _ = p.communicate(timeout=180)
if p.returncode != 4 or "stopped, resumable" not in out:
    sys.exit(f"ctrl_c_stop: exit {p.returncode}, want 4 with the stop message\n{out}")
v = subprocess.run([binary, "validate", str(store)], capture_output=True, text=True)
points = sweepstore.table(store, "points")
if v.returncode != 0 or (points.status == "running").any():
    sys.exit(f"ctrl_c_stop: store not consistent after the stop:\n{v.stdout}\n{points}")
print("ctrl_c_stop: exit 4: " + next(l for l in out.splitlines() if "stopped, resumable" in l))
