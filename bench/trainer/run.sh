#!/usr/bin/env bash
# Trainer speed: sgemm, sweep's trainer (bench_trainer train) and the same loop
# in Python (torch_loop.py), alternating C++ and Python, REPS repetitions, in one
# invocation; then the table rows for bench/RESULTS.md (summarise.py).
# Usage: bench/trainer/run.sh [REPS] [LOG]     (from anywhere; build bench_trainer first)
# Each config is "MODEL THREADS BATCH SEQ STEPS"; MODEL is a grid model or L:D:H.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPS=${1:-3}
LOG=${2:-/tmp/bench_trainer_$$.log}
BIN=${BIN:-build/bench/bench_trainer}
PY=/usr/bin/python3
GRID=sweeps/bench_grid.toml
CONFIGS=${CONFIGS:-"xs 1 8 128 60
s 1 8 128 60
m 1 8 128 60
4:256:8 1 8 128 24
4:256:8 1 32 128 12
4:256:8 2 32 128 12
4:512:8 1 8 128 12"}

# OpenBLAS 0.3.21 does not recognise some newer CPUs (here: an AVX-512 Xeon VM)
# and falls back to its generic "Prescott" kernels, 5-8x slower. Name the kernel
# family the CPU supports unless the caller chose one (KEEP_BLAS_DETECTION=1 keeps
# the library's own choice, to measure it).
if [[ -z "${OPENBLAS_CORETYPE:-}" && -z "${KEEP_BLAS_DETECTION:-}" ]]; then
  core=$(OPENBLAS_VERBOSE=2 $PY -c 'import torch; torch.ones(2, 2) @ torch.ones(2, 2)' 2>&1 | sed -n 's/^Core: //p' | head -1)
  if [[ "$core" == Prescott ]]; then
    if grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi
  fi
fi

{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "blas: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset (library detection)}; commit $(git rev-parse --short HEAD); $(date -u +%F)"
} | tee "$LOG"

for rep in $(seq 1 "$REPS"); do
  for threads in 1 2; do
    OPENBLAS_NUM_THREADS=$threads "$BIN" sgemm "$threads" | sed "s/^/rep=$rep /" | tee -a "$LOG"
  done
  while read -r model threads batch seq steps; do
    [[ -z "$model" ]] && continue
    if [[ $model == *:* ]]; then IFS=: read -r L D H <<< "$model"
    else
      L=$(awk -v m="[model.$model]" '$0==m{f=1;next} /^\[/{f=0} f&&/n_layer/{print $3}' $GRID)
      D=$(awk -v m="[model.$model]" '$0==m{f=1;next} /^\[/{f=0} f&&/d_model/{print $3}' $GRID)
      H=$(awk -v m="[model.$model]" '$0==m{f=1;next} /^\[/{f=0} f&&/n_head/{print $3}' $GRID)
    fi
    cpp() { OPENBLAS_NUM_THREADS=$threads "$BIN" train $GRID "$model" "$threads" "$steps" "$batch" "$seq"; }
    py() { OPENBLAS_NUM_THREADS=$threads $PY bench/trainer/torch_loop.py --n_layer "$L" --d_model "$D" --n_head "$H" \
             --threads "$threads" --batch "$batch" --seq "$seq" --steps "$steps" --skip "$(( steps / 4 < 10 ? steps / 4 : 10 ))"; }
    if (( rep % 2 )); then { cpp; py; } else { py; cpp; } fi | sed "s/^/rep=$rep /" | tee -a "$LOG"
  done <<< "$CONFIGS"
done
echo "log: $LOG"
$PY bench/trainer/summarise.py "$LOG"
