#!/usr/bin/env bash
# `sweep prepare` throughput on 1 and 2 ranks over the same input, in one run
# (so the ratio holds across machines): the text of /usr/share/common-licenses
# and /usr/share/doc (copyright files, READMEs, changelogs, gunzipped),
# replicated into FILES plain-text files of about TOTAL_MB MB together, read
# as paragraphs, cut into 4 MB work units; 1 and 2 ranks run REPS times each,
# alternating, into a fresh folder, and the medians count (figures:
# bench/RESULTS.md, "sweep prepare"). The rates are sweep's own: from the end
# of planning to the last shard written (fsync'ed) and recorded.
#
#   bench/prepare/run.sh [BUILD_DIR] [TOTAL_MB] [REPS] [TOKENIZER]
#
# TOKENIZER defaults to bytes (one token per byte); pass a tokenizer.json for BPE.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
total_mb=${2:-64}
reps=${3:-3}
tokenizer=${4:-bytes}
files=8
sweep=$build/sweep
[ -x "$sweep" ] || { echo "prepare bench: no $sweep (cmake --build $build --target sweep)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun=(mpirun --oversubscribe --bind-to none)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One pass over the source text, then copies of it until each file is big enough.
{
  cat /usr/share/common-licenses/*
  find /usr/share/doc -type f \( -name 'copyright' -o -name 'README*' -o -name '*.txt' \) ! -name '*.gz' -print0 |
    sort -z | xargs -0 cat
  find /usr/share/doc -type f -name 'changelog*.gz' -print0 | sort -z | xargs -0 zcat
} > "$tmp/seed.txt" 2>/dev/null || true
seed_bytes=$(stat -c %s "$tmp/seed.txt")
per_file=$((total_mb * 1000000 / files))
# The seed text repeated as often as needed, cut into FILES files of PER_FILE bytes.
copies=$((per_file * files / seed_bytes + 1))
for _ in $(seq "$copies"); do cat "$tmp/seed.txt"; done 2>/dev/null | head -c $((per_file * files)) |
  split -b "$per_file" -d -a 2 --additional-suffix=.txt - "$tmp/corpus_" || true
rm "$tmp/seed.txt"
input_mb=$(du -cb "$tmp"/corpus_*.txt | tail -1 | awk '{printf "%.1f", $1 / 1e6}')
echo "prepare bench: $files files, $input_mb MB (seed text $((seed_bytes / 1000)) kB), tokenizer $tokenizer, $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) before"

# Alternating 1 and 2 ranks, so a drift in the machine's speed hits both alike.
for r in $(seq 1 "$reps"); do
  for np in 1 2; do
    rm -rf "$tmp/out"
    "${mpirun[@]}" -np "$np" "$sweep" prepare --tokenizer "$tokenizer" --documents paragraph --unit-mb 4 \
      --out "$tmp/out" --quiet "$tmp"/corpus_*.txt | tee -a "$tmp/np$np.log"
    sha256sum "$tmp"/out/*.bin | awk '{print $1}' | sha256sum | awk '{print $1}' > "$tmp/np$np.digest"
  done
done

python3 - "$tmp" <<'PY'
import re, sys
tmp = sys.argv[1]
import statistics
med = {}
for np in (1, 2):
    runs = [tuple(map(float, m)) for m in re.findall(r"([\d.]+) MB/s, ([\d.]+)M tokens/s", open(f"{tmp}/np{np}.log").read())]
    med[np] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
    print(f"np {np}: median of {len(runs)}: {med[np][0]:.1f} MB/s, {med[np][1]:.2f}M tokens/s "
          f"(runs: {', '.join(f'{r[0]:.1f}' for r in runs)} MB/s)")
print(f"ratio np2/np1 (medians): {med[2][0] / med[1][0]:.2f}x")
same = open(f"{tmp}/np1.digest").read() == open(f"{tmp}/np2.digest").read()
print("shards identical for np 1 and np 2" if same else "SHARDS DIFFER between np 1 and np 2")
print(f"load average {open('/proc/loadavg').read().split()[:3]} after")
sys.exit(0 if same else 1)
PY
