#!/usr/bin/env bash
# One tokenizer's parity test (ctest tokenizer_parity_NAME): the corpus of
# make_corpus.py through sweep tokenize and through Hugging Face's tokenizers
# (reference.js), compared by compare.py. Fails, never skips, when fetch.sh's
# packages are missing: CI runs fetch.sh first (scripts/run_tests.sh).
# usage: run_parity.sh NAME SWEEP_BINARY WORK_DIR   (env: SWEEP_NPM_CACHE)
set -euo pipefail
name=$1
sweep=$2
work=$3/$name
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SWEEP_NPM_CACHE:-$here/../../../build/npm-ref}
tok=$cache/tokenizers/$name/tokenizer.json
for need in "$tok" "$cache/node_modules/tokenizers" "$cache/node_modules/@huggingface/tokenizers"; do
  if [ ! -e "$need" ]; then
    echo "tokenizer_parity_$name: FAIL: $need is missing; run tests/text/parity/fetch.sh" \
         "(SWEEP_NPM_CACHE=$cache)" >&2
    exit 1
  fi
done
command -v node >/dev/null || { echo "tokenizer_parity_$name: FAIL: node is missing" >&2; exit 1; }
mkdir -p "$work"
corpus=$work/corpus.txt
python3 "$here/make_corpus.py" "$corpus"
node "$here/reference.js" "$cache" "$tok" "$corpus" "$work"
"$sweep" tokenize --tokenizer "$tok" "$corpus" > "$work/sweep.ids"
"$sweep" tokenize --tokenizer "$tok" --decode "$work/rust.ids" > "$work/sweep.decoded"
python3 "$here/compare.py" "$name" "$corpus" "$work"
