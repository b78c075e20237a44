"""The worker module (libsweep_worker.so, workers/entry.hpp): the commands
that never train (sweep prepare too) start without it and without LibTorch; under mpirun, --help
(of sweep and of sweep prepare) and --version print once; a sweep without the module beside the program fails
with one clear line; the store records which NCCL the module links.
argv: SWEEP_BINARY STORE GRID MPIRUN..."""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py

sweep, store, grid, mpirun = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
failures = []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def loaded_libraries(args):
    """The shared objects the dynamic loader opened for `sweep ARGS` (LD_DEBUG=files)."""
    p = subprocess.run([sweep, *args], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, LD_DEBUG="files"))
    return p, [l for l in p.stderr.splitlines() if "file=" in l]


for args in (["--help"], ["--version"], ["plan", grid, "--ranks", "64"], ["validate", store],
             ["export", store, "--format", "jsonl"], ["analyze", "--help"], ["prepare", "--help"],
             ["status", store]):
    p, libs = loaded_libraries(args)
    torch = [l for l in libs if "libtorch" in l or "libc10" in l or "libsweep_worker" in l]
    expect(p.returncode == 0, f"sweep {' '.join(args)} exits 0 (got {p.returncode})")
    expect(not torch, f"sweep {' '.join(args)} loads neither LibTorch nor the worker module"
                      + (f" (loaded: {torch[0].strip()})" if torch else ""))

for flag, text in (("--help", "usage: mpirun -np N sweep GRID.toml"), ("--version", "sweep "),
                   ("prepare --help", "usage: [mpirun -np N] sweep prepare")):
    p = subprocess.run([*mpirun, "-np", "2", sweep, *flag.split()], capture_output=True, text=True, timeout=120)
    expect(p.returncode == 0 and p.stdout.count(text) == 1,
           f"mpirun -np 2 sweep {flag} prints once (exit {p.returncode}, {p.stdout.count(text)} times)")

with tempfile.TemporaryDirectory() as tmp:
    alone = os.path.join(tmp, "sweep")
    shutil.copy(sweep, alone)
    p = subprocess.run([alone, grid, "--out", os.path.join(tmp, "s.h5")], capture_output=True, text=True, timeout=120)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    expect(p.returncode == 1 and len(lines) == 1 and "cannot load the worker module" in lines[0]
           and "libsweep_worker.so" in lines[0], f"a sweep without the module: exit 1 and one line (got {p.returncode}: {p.stderr!r})")
    expect(not os.path.exists(os.path.join(tmp, "s.h5")), "and no store")

with h5py.File(store, "r") as f:
    nccl = f.attrs["nccl_version"]
    nccl = nccl.decode() if isinstance(nccl, bytes) else str(nccl)
    torch_version = f.attrs["torch_version"]
    torch_version = torch_version.decode() if isinstance(torch_version, bytes) else str(torch_version)
expect(nccl == "" or nccl.endswith("(linked)") or nccl.startswith("not linked: "),
       f"nccl_version says whether NCCL is linked: {nccl!r}")
expect(torch_version != "", f"torch_version recorded: {torch_version!r}")

if failures:
    sys.exit(f"worker_module_cli: {len(failures)} failed")
print("worker_module_cli: all checks passed")
