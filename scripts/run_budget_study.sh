#!/usr/bin/env bash
# Sets up (Debian packages, Release build), then runs the compute-budget study
# sweeps/budgets.toml on this machine (one worker per core plus rank 0) into
# results/budgets.h5, validates the store, and writes the report (sweep
# analyze: Chinchilla approaches 1, 2 and 3 side by side) and the plots
# (isoFLOP profiles, training-curve envelope, N_opt vs C) under
# results/budgets_report/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

out=results/budgets.h5
report=results/budgets_report
scripts/keep_previous_store.sh "$out"

ranks=$(( $(nproc) + 1 ))
build/sweep plan sweeps/budgets.toml --ranks "$ranks"
start=$(date +%s)
mpirun $(scripts/mpirun_flags.sh) -np "$ranks" build/sweep sweeps/budgets.toml --out "$out" --progress lines
echo "run_budget_study: $(( $(date +%s) - start )) s on $(nproc) cores"
build/sweep validate "$out"
mkdir -p "$report"
rm -f "$report/findings.h5"  # the findings of this store, made anew
build/sweep analyze "$out" --out "$report/findings.h5" | tee "$report/report.txt"
/usr/bin/python3 analysis/plot_store.py "$out" --out "$report" --analysis "$report/findings.h5"
echo "run_budget_study: report $report/report.txt, plots $report/index.html"
