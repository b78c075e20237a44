"""Every malformed grid makes `sweep` exit non-zero with exactly one line on
stderr of the form FILE:LINE:COL: KEY...: expected...; the position and key are
the ones in the file's first line ("# expect: LINE:COL: KEY"). With a
LAUNCHER (scripts/mpirun_sweep.sh and its arguments up to the grid), the same
holds for `LAUNCHER... FILE`: the one line, exit 2, no mpirun text after it.
argv: BAD_GRIDS_DIR SWEEP_BINARY [LAUNCHER...]"""
import pathlib
import re
import subprocess
import sys

folder, binary, launcher = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
files = sorted(folder.glob("*.toml"))
if len(files) < 10:
    sys.exit(f"bad_grids_cli: only {len(files)} bad grids in {folder}")
failures = []
for f in files:
    m = re.match(r"#\s*expect:\s*(\d+):(\d+):\s*(\S+)", f.read_bytes().decode("utf-8", "replace").splitlines()[0])
    if not m:
        failures.append(f"{f.name}: first line lacks '# expect: LINE:COL: KEY'")
        continue
    line, col, key = m.groups()
    prefix = f"{f}:{line}:{col}: "
    for how in [[binary]] + ([launcher] if launcher else []):
        p = subprocess.run(how + [str(f)], capture_output=True, text=True, timeout=120)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        name = f"{f.name} ({pathlib.Path(how[0]).name})"
        if p.returncode == 0 or (how != [binary] and p.returncode != 2):
            failures.append(f"{name}: exit {p.returncode}")
        elif len(lines) != 1:
            failures.append(f"{name}: {len(lines)} stderr lines: {p.stderr!r}")
        elif not lines[0].startswith(prefix) or key not in lines[0]:
            failures.append(f"{name}: got {lines[0]!r}, want prefix {prefix!r} and key {key!r}")
        else:
            print(f"ok   exit {p.returncode}  {pathlib.Path(how[0]).name}  {lines[0]}")
if failures:
    sys.exit("bad_grids_cli:\n  " + "\n  ".join(failures))
print(f"bad_grids_cli: {len(files)} malformed grids rejected with one positioned line each")
