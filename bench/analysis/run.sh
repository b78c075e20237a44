#!/usr/bin/env bash
# The Chinchilla approach-3 fit of 240 points, full grid of 4500 starts:
# NLopt's L-BFGS (sweep analyze) against scipy's L-BFGS-B on the same points,
# in the same run. Figures: bench/RESULTS.md.
#
# usage: bench/analysis/run.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
points=$(mktemp --suffix=.csv)
trap 'rm -f "$points"' EXIT
"$build/bench/bench_analysis_fit" tests/analysis/data/chinchilla_fig4_points.csv "$points" | tee /dev/stderr > "$points.nlopt"
/usr/bin/python3 bench/analysis/scipy_fit.py "$points" | tee /dev/stderr > "$points.scipy"
/usr/bin/python3 - "$points.nlopt" "$points.scipy" <<'PY'
import re, sys
def read(p):
    t = open(p).read()
    return (float(re.search(r"([\d.]+) s \(", t).group(1)), float(re.search(r"cpu ([\d.]+) s", t).group(1)),
            float(re.search(r"objective (\S+)", t).group(1)))
(tn, cn, on), (ts, cs, os_) = read(sys.argv[1]), read(sys.argv[2])
print(f"speed-up {ts / tn:.1f}x wall, {cs / cn:.1f}x cpu; objective nlopt {on:.9g} vs scipy {os_:.9g} (relative difference {abs(on - os_) / os_:.1e})")
PY
rm -f "$points.nlopt" "$points.scipy"
