"""Hostile and broken inputs, each through the real program: a clear one-line
message, a non-zero exit that is not a signal (no crash, no hang), and any
store involved byte-for-byte unchanged. One table drives the test and the
documentation: `--table` prints the Markdown table of tests/README.md.

argv: SWEEP_BINARY REPO [--table]"""
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sweep, repo = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
table_only = "--table" in sys.argv
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
mpirun = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", "2"]
smoke = os.path.join(repo, "sweeps", "smoke.toml")
tmp = tempfile.mkdtemp(prefix="sweep-hostile.")
mounts = []


def path(name):
    return os.path.join(tmp, name)


def run(cmd, timeout=180):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=tmp)
    return p.returncode, p.stdout + p.stderr


def digest(f):
    return hashlib.sha256(open(f, "rb").read()).hexdigest() if os.path.isfile(f) else None


def mount_tmpfs(name, size, readonly_copy=None):
    """A size-capped tmpfs (disk full) or, with readonly_copy, a read-only one
    holding that file. None when this machine cannot mount (not root)."""
    d = path(name)
    os.makedirs(d, exist_ok=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", d],
                      capture_output=True).returncode != 0:
        return None
    mounts.append(d)
    if readonly_copy:
        shutil.copy(readonly_copy, d)
        subprocess.run(["mount", "-o", "remount,ro", d], check=True)
    return d


# --- fixtures: a real finished store, damaged copies, foreign files ---------
if not table_only:
    rc, out = run(mpirun + [sweep, smoke, "--out", path("good.h5"), "--quiet"])
    if rc != 0:
        sys.exit(f"hostile_inputs: the smoke sweep failed ({rc}):\n{out}")
    good = open(path("good.h5"), "rb").read()
    for pct in (1, 50, 90):
        open(path(f"cut{pct}.h5"), "wb").write(good[: len(good) * pct // 100])
    subprocess.run(["/usr/bin/python3", "-c",
                    "import h5py,sys; f=h5py.File(sys.argv[1],'w'); f['x']=[1,2,3]; f.attrs['owner']='other'",
                    path("other.h5")], check=True)
    open(path("notes.h5"), "w").write("these are my notes, not a store\n")
    open(path("empty.h5"), "w").close()
    os.makedirs(path("adir.h5"))
    os.makedirs(path("outdir"))
    # TorchScript: a text file named .pt, and a real module over 100 tokens
    # (bytes need 256), exported with Debian's python3-torch.
    open(path("notes.pt"), "w").write("not a model\n")
    open(path("export_small.py"), "w").write("""
import sys, torch
class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(256, 4)
        self.head = torch.nn.Linear(4, 100)
    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self.head(self.emb(idx))
torch.jit.script(Small()).save(sys.argv[1])
""")  # a file: torch.jit.script reads the class's source
    subprocess.run(["/usr/bin/python3", path("export_small.py"), path("vocab100.pt")], check=True)
    for name, pt in [("ts_text", "notes.pt"), ("ts_vocab", "vocab100.pt")]:
        open(path(name + ".toml"), "w").write(f"""[grid]
model = ["ts"]
data_tokens = [1000]
prompt = ["zero_shot"]
task = ["addition"]

[model.ts]
torchscript = "{pt}"
n_params = 1000

[eval]
examples = 4
""")

R = mpirun + [sweep, smoke]  # a sweep of the smoke grid; each case adds --out ...
cases = [
    # (what, command, expected message, file that must stay unchanged, exit codes allowed)
    ("store truncated to 1% (`validate`)", [sweep, "validate", "cut1.h5"], "truncated file", "cut1.h5", {1}),
    ("store truncated to 50% (`validate`)", [sweep, "validate", "cut50.h5"], "truncated file", "cut50.h5", {1}),
    ("store truncated to 90% (`export`)", [sweep, "export", "cut90.h5"], "truncated file", "cut90.h5", {1}),
    ("store truncated to 50% (`--resume`)", R + ["--out", "cut50.h5", "--resume"], "truncated file", "cut50.h5", {1}),
    ("store truncated to 90% (`analyze`)", [sweep, "analyze", "cut90.h5", "--out", "a.h5"], "truncated file", "cut90.h5", {1, 2}),
    ("another program's HDF5 file (`validate`)", [sweep, "validate", "other.h5"], "not a sweep store", "other.h5", {1}),
    ("another program's HDF5 file (`export`)", [sweep, "export", "other.h5"], "not a sweep store", "other.h5", {1}),
    ("another program's HDF5 file (`--resume`)", R + ["--out", "other.h5", "--resume"], "not a sweep store", "other.h5", {1}),
    ("another program's HDF5 file (`analyze`)", [sweep, "analyze", "other.h5", "--out", "b.h5"], "other.h5", "other.h5", {1, 2}),
    ("a text file as store (`validate`)", [sweep, "validate", "notes.h5"], "Not an HDF5 file", "notes.h5", {1}),
    ("an empty file as store (`--resume`)", R + ["--out", "empty.h5", "--resume"], "empty.h5", "empty.h5", {1}),
    ("a missing store (`validate`)", [sweep, "validate", "missing.h5"], "No such file or directory", None, {1}),
    ("a directory as store (`validate`)", [sweep, "validate", "adir.h5"], "adir.h5", None, {1}),
    ("a directory as `--out`", R + ["--out", "outdir"], "outdir: is a directory; --out must name a store file", None, {2}),
    ("a directory as `--out` with `--resume`", R + ["--out", "outdir", "--resume"], "outdir: is a directory", None, {2}),
    ("an existing store as `--out` without `--resume`", R + ["--out", "good.h5"], "store already exists; refusing to overwrite it", "good.h5", {2}),
    ("a missing grid file", mpirun + [sweep, "nowhere.toml"], "nowhere.toml: cannot read grid file", None, {2}),
    ("a directory as grid file", mpirun + [sweep, "outdir"], "outdir", None, {2}),
    ("a TorchScript file that is not a model", mpirun + [sweep, "ts_text.toml", "--out", "ts1.h5"],
     "notes.pt: not a TorchScript model", None, {3}),
    ("a TorchScript model whose vocabulary is not the 256 bytes", mpirun + [sweep, "ts_vocab.toml", "--out", "ts2.h5"],
     "logits over the byte vocabulary, got (", None, {3}),
    ("`export --output` into a directory", [sweep, "export", "good.h5", "--output", "outdir"], "outdir: cannot write", "good.h5", {1}),
    ("`analyze --csv` of a missing file", [sweep, "analyze", "--csv", "none.csv", "--out", "c.h5"], "none.csv: cannot read", None, {1, 2}),
    ("`analyze --out` naming an existing file", [sweep, "analyze", "good.h5", "--out", "good.h5"], "already exists; refusing to overwrite it", "good.h5", {2}),
]
mountable = os.geteuid() == 0 and not table_only
ro = mount_tmpfs("ro", "8m", readonly_copy=path("good.h5")) if mountable else None
full64 = mount_tmpfs("full64", "64k") if mountable else None
full200 = mount_tmpfs("full200", "200k") if mountable else None
mount_cases = [
    ("`--out` on a read-only file system (new store)", R + ["--out", "ro/new.h5"], "Read-only file system", None, {1}),
    ("`--resume` of a store on a read-only file system", R + ["--out", "ro/good.h5", "--resume"], "ro/good.h5", "ro/good.h5", {1}),
    ("disk full while creating the store (64 KB file system)", R + ["--out", "full64/s.h5"], "No space left on device", None, {1}),
    ("disk full while writing checkpoints (200 KB file system)", R + ["--out", "full200/s.h5"], "cannot write checkpoint: No space left on device", None, {1, 3}),
]
cases += mount_cases if (ro and full64 and full200) or table_only else []

# Every hostile grid file of tests/spec/bad_grids, through `sweep plan`
# (the same loader the sweep uses; its first line says where it must fail).
for f in sorted(glob.glob(os.path.join(repo, "tests", "spec", "bad_grids", "*.toml"))):
    first = open(f, "rb").readline().decode("utf-8", "replace").strip()
    expect = first.split("# expect: ", 1)[1]
    cases.append((f"grid: `{os.path.basename(f)}`", [sweep, "plan", f, "--ranks", "3"], expect, f, {2}))

if table_only:
    print("| # | hostile input | message (excerpt) |")
    print("|---|---|---|")
    for i, (what, _, message, _, _) in enumerate(cases, 1):
        shown = message if len(message) <= 110 else message[:107] + "..."
        print(f"| {i} | {what} | `{shown}` |")
    sys.exit(0)

failures = []
try:
    for i, (what, cmd, message, keep, codes) in enumerate(cases, 1):
        before = digest(path(keep)) if keep and not os.path.isabs(keep) else digest(keep) if keep else None
        rc, out = run(cmd)
        after = digest(path(keep)) if keep and not os.path.isabs(keep) else digest(keep) if keep else None
        problems = []
        if rc not in codes:
            problems.append(f"exit {rc}, expected one of {sorted(codes)}" + (" (killed by a signal)" if rc < 0 or rc >= 128 else ""))
        if message not in out:
            problems.append(f"message lacks {message!r}")
        if before != after:
            problems.append(f"{keep} was changed")
        if "terminate called" in out or "Segmentation fault" in out or "AddressSanitizer" in out:
            problems.append("crashed")
        status = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print(f"hostile {i:2d} {status}: {what}")
        if problems:
            failures.append((what, out[-1500:]))
finally:
    for d in reversed(mounts):
        subprocess.run(["umount", d])
    shutil.rmtree(tmp, ignore_errors=True)

if failures:
    for what, out in failures:
        print(f"--- {what}:\n{out}")
    sys.exit(f"hostile_inputs: {len(failures)} of {len(cases)} cases failed")
print(f"hostile_inputs: all {len(cases)} hostile inputs refused cleanly"
      + ("" if mountable and ro else " (read-only and disk-full cases skipped: cannot mount tmpfs here)"))
