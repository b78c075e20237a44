#!/usr/bin/env python3
"""Every code point through the regex classes tokenizer.json patterns use
(\\p{L}, \\p{N}, \\s, \\d, \\w and the case-insensitive contractions), in sweep
(PCRE2) and in Hugging Face's Rust crate (Oniguruma): a Split pre-tokenizer
with behavior Removed over byte-fallback tokens drops what the class matches,
so the ids show which code points each engine put in the class. Then every
code point through NFC, NFKC, NFD, NFKD and Lowercase (ICU against the
crate's unicode-normalization and Rust's to_lowercase), one at a time
(U+0001 between them), and every canonical pair (Python's unicodedata)
through NFC, which composes them. Exits 1 unless both agree everywhere: all
1,112,062 code points from U+0001 (but '\\n').

usage: regex_classes.py SWEEP NPM_CACHE WORK_DIR
"""
import json
import os
import subprocess
import sys
import unicodedata

here = os.path.dirname(os.path.abspath(__file__))
sweep, cache, work = sys.argv[1:4]
if not os.path.isdir(os.path.join(cache, "node_modules", "tokenizers")):
    sys.exit(f"regex_classes: FAIL: no {cache}/node_modules/tokenizers; run tests/text/parity/fetch.sh")
os.makedirs(work, exist_ok=True)
vocab = {f"<0x{b:02X}>": b for b in range(256)}
cps = [c for c in range(1, 0x110000) if c != 0x0A and not 0xD800 <= c <= 0xDFFF]
CHUNK = 1000
probes = {
    "letters": (r"\p{L}", "", ""),
    "numbers": (r"\p{N}", "", ""),
    "whitespace": (r"\s", "", ""),
    "digits": (r"\d", "", ""),
    "word": (r"\w", "", ""),
    # Each code point after an apostrophe: which ones case-fold into 's, 't, ...
    "contractions": (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)", "'", ""),
    "NFC": (None, "", "\x01"),
    "NFKC": (None, "", "\x01"),
    "NFD": (None, "", "\x01"),
    "NFKD": (None, "", "\x01"),
    "NFC-pairs": (None, "", "\x01"),
    "Lowercase": (None, "", "\x01"),
}
pairs = []
for c in range(0x110000):
    d = unicodedata.decomposition(chr(c))
    if d and not d.startswith("<") and len(d.split()) == 2:
        pairs.append("".join(chr(int(x, 16)) for x in d.split()))
failed = False
for name, (pattern, prefix, sep) in probes.items():
    tok = os.path.join(work, f"{name}.json")
    split = {"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Removed", "invert": False}
    with open(tok, "w") as f:
        json.dump({"version": "1.0", "added_tokens": [], "post_processor": None, "decoder": None,
                   "normalizer": {"type": name.split("-")[0]} if pattern is None else None,
                   "pre_tokenizer": split if pattern else None,
                   "model": {"type": "BPE", "dropout": None, "unk_token": None, "fuse_unk": False,
                             "byte_fallback": True, "vocab": vocab, "merges": []}}, f)
    corpus = os.path.join(work, f"{name}.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        if name == "NFC-pairs":
            f.write(sep.join(pairs) + "\n")
        for i in range(0, len(cps) if name != "NFC-pairs" else 0, CHUNK):
            f.write(sep.join(prefix + chr(c) for c in cps[i:i + CHUNK]) + "\n")
    out = os.path.join(work, name)
    subprocess.run(["node", os.path.join(here, "reference.js"), cache, tok, corpus, out, "--only", "rust"],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "sweep.ids"), "wb") as f:
        subprocess.run([sweep, "tokenize", "--tokenizer", tok, corpus], check=True, stdout=f)
    with open(os.path.join(out, "rust.ids")) as f:
        rust = f.read().splitlines()
    with open(os.path.join(out, "sweep.ids")) as f:
        ours = f.read().splitlines()
    bad = [i for i in range(len(rust)) if i >= len(ours) or ours[i] != rust[i]]
    count = f"{len(pairs)} pairs" if name == "NFC-pairs" else f"{len(cps)} code points"
    print(f"regex_classes: {pattern or name}: {count}, {len(bad)} of the {len(rust)} lines differ")
    for i in bad[:3]:
        print(f"  chunk from U+{cps[i * CHUNK]:04X}")
    failed = failed or bool(bad) or len(ours) != len(rust)
print("regex_classes:", "FAIL" if failed else "PASS")
sys.exit(1 if failed else 0)
