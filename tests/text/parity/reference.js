// The references sweep's tokenizers are checked against: Hugging Face's own
// Rust crate (npm "tokenizers", its N-API binding: the ground truth) and the
// pure-JavaScript "@huggingface/tokenizers". Reads a corpus as Node reads
// UTF-8 (invalid bytes become U+FFFD), encodes each line without special
// tokens with both, decodes the Rust ids, and writes one line per input line:
//   OUT/rust.ids  OUT/js.ids  OUT/rust.decoded
// Prints {"lines", "bytes", "rust_s", "js_s"} (encoding seconds) as JSON.
// With --decode-ids IDS (lines of ids), also writes OUT/rust.random.decoded:
// the crate's decode of each line (which may itself hold newlines).
// usage: node reference.js NPM_CACHE TOKENIZER_JSON CORPUS OUT [--only rust|js] [--decode-ids IDS]
"use strict";
const fs = require("fs");
const path = require("path");

async function main() {
  const [cache, tokPath, corpusPath, outDir, ...rest] = process.argv.slice(2);
  if (!outDir) throw new Error("usage: node reference.js NPM_CACHE TOKENIZER_JSON CORPUS OUT [--only rust|js] [--decode-ids IDS]");
  const option = (name) => (rest.indexOf(name) >= 0 ? rest[rest.indexOf(name) + 1] : undefined);
  const only = option("--only");
  const want = (which) => only === undefined || only === which;
  const modules = path.resolve(cache, "node_modules");
  const text = fs.readFileSync(corpusPath, "utf8");
  const lines = text.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  fs.mkdirSync(outDir, { recursive: true });
  const result = { lines: lines.length, bytes: Buffer.byteLength(text, "utf8") };

  if (want("rust")) {
    const { Tokenizer } = require(path.join(modules, "tokenizers"));
    const rust = Tokenizer.fromFile(tokPath);
    const ids = [];
    const t0 = process.hrtime.bigint();
    const chunk = 2000;
    for (let i = 0; i < lines.length; i += chunk) {
      const encs = await rust.encodeBatch(lines.slice(i, i + chunk), { addSpecialTokens: false });
      for (const e of encs) ids.push(e.getIds());
    }
    result.rust_s = Number(process.hrtime.bigint() - t0) / 1e9;
    fs.writeFileSync(path.join(outDir, "rust.ids"), ids.map((a) => a.join(" ")).join("\n") + (ids.length ? "\n" : ""));
    const decoded = [];
    for (let i = 0; i < ids.length; i += chunk) decoded.push(...(await rust.decodeBatch(ids.slice(i, i + chunk), false)));
    fs.writeFileSync(path.join(outDir, "rust.decoded"), decoded.join("\n") + (decoded.length ? "\n" : ""));
    const idsPath = option("--decode-ids");
    if (idsPath) {
      const lines = fs.readFileSync(idsPath, "utf8").split("\n");
      if (lines.length && lines[lines.length - 1] === "") lines.pop();
      const seqs = lines.map((l) => l.split(" ").filter((x) => x).map(Number));
      const texts = [];
      for (let i = 0; i < seqs.length; i += chunk) texts.push(...(await rust.decodeBatch(seqs.slice(i, i + chunk), false)));
      fs.writeFileSync(path.join(outDir, "rust.random.decoded"), texts.join("\n") + (texts.length ? "\n" : ""));
    }
  }

  if (want("js")) {
    const { Tokenizer } = require(path.join(modules, "@huggingface", "tokenizers"));
    const json = JSON.parse(fs.readFileSync(tokPath, "utf8"));
    const cfgPath = path.join(path.dirname(tokPath), "tokenizer_config.json");
    const config = fs.existsSync(cfgPath) ? JSON.parse(fs.readFileSync(cfgPath, "utf8")) : {};
    const js = new Tokenizer(json, config);
    const out = [];
    const t0 = process.hrtime.bigint();
    for (const line of lines) {
      try {
        out.push(js.encode(line, { add_special_tokens: false }).ids.join(" "));
      } catch (e) {
        out.push("ERROR " + String(e.message).replace(/\n/g, " "));
      }
    }
    result.js_s = Number(process.hrtime.bigint() - t0) / 1e9;
    fs.writeFileSync(path.join(outDir, "js.ids"), out.join("\n") + (out.length ? "\n" : ""));
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error("reference.js: " + (e && e.stack ? e.stack : e));
  process.exit(1);
});
