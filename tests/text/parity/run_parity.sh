#!/usr/bin/env bash
# One tokenizer's parity test (ctest tokenizer_parity_NAME): the corpus of
# make_corpus.py through sweep tokenize and through Hugging Face's tokenizers
# (reference.js), compared by compare.py. Fails, never skips, when fetch.sh's
# packages are missing: CI runs fetch.sh first (scripts/run_tests.sh).
# usage: run_parity.sh NAME SWEEP_BINARY WORK_DIR [TOKENIZER_JSON]   (env: SWEEP_NPM_CACHE)
# TOKENIZER_JSON defaults to the fetched NAME's.
set -euo pipefail
name=$1
sweep=$2
work=$3/$name
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SWEEP_NPM_CACHE:-$here/../../../build/npm-ref}
tok=${4:-$cache/tokenizers/$name/tokenizer.json}
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
# Random id sequences (any id, special and byte tokens often) for decode alone.
python3 - "$tok" "$work/random.ids" <<'PY'
import json, random, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
vocab = j["model"]["vocab"]
# Added tokens the vocabulary has keep its ids (the file's may be other ones).
size = 1 + max(list(vocab.values()) + [a["id"] for a in j.get("added_tokens") or [] if a["content"] not in vocab])
rng = random.Random(20261206)
pick = lambda: rng.choice([rng.randrange(size), rng.randrange(min(size, 300)), rng.randrange(max(0, size - 300), size)])
with open(sys.argv[2], "w") as f:
    for _ in range(5000):
        f.write(" ".join(str(pick()) for _ in range(rng.randint(0, 12))) + "\n")
PY
node "$here/reference.js" "$cache" "$tok" "$corpus" "$work" --decode-ids "$work/random.ids"
"$sweep" tokenize --tokenizer "$tok" "$corpus" > "$work/sweep.ids"
"$sweep" tokenize --tokenizer "$tok" --decode "$work/rust.ids" > "$work/sweep.decoded"
"$sweep" tokenize --tokenizer "$tok" --decode "$work/random.ids" > "$work/sweep.random.decoded"
python3 "$here/compare.py" "$name" "$corpus" "$work"
