#!/usr/bin/env python3
"""Writes a WordPiece-style BPE tokenizer.json (continuing_subword_prefix "##",
end_of_word_suffix "</w>", [UNK] with fuse_unk, <0xNN> byte fallback): none
of the real files uses the affixes, so the parity test trains this one, 400
merges on wamerican's words, to check them against the Rust crate.

usage: affix_tokenizer.py OUT
"""
import collections
import json
import sys

PREFIX, SUFFIX = "##", "</w>"


def symbols(word):
    syms = [word[0]] + [PREFIX + c for c in word[1:]]
    syms[-1] += SUFFIX
    return syms


def main():
    with open("/usr/share/dict/words", encoding="utf-8") as f:
        words = [w for w in f.read().split() if w.isalpha()][:15000]
    corpus = collections.Counter(tuple(symbols(w)) for w in words)
    vocab = {"[UNK]": 0}
    for syms in corpus:
        for s in syms:
            vocab.setdefault(s, len(vocab))
    merges = []
    for _ in range(400):
        pairs = collections.Counter()
        for syms, count in corpus.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] += count
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        new = a + b[len(PREFIX):]  # what the crate's merge makes of (a, b)
        merges.append([a, b])
        vocab.setdefault(new, len(vocab))
        merged = collections.Counter()
        for syms, count in corpus.items():
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                    out.append(new)
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            merged[tuple(out)] += count
        corpus = merged
    for b in range(256):
        vocab.setdefault(f"<0x{b:02X}>", len(vocab))
    tok = {
        "version": "1.0",
        "added_tokens": [{"id": 0, "content": "[UNK]", "special": True, "normalized": False, "lstrip": False,
                          "rstrip": False, "single_word": False}],
        "normalizer": None,
        "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\s+"}, "behavior": "Removed", "invert": False},
        "post_processor": None,
        "decoder": None,
        "model": {"type": "BPE", "dropout": None, "unk_token": "[UNK]", "continuing_subword_prefix": PREFIX,
                  "end_of_word_suffix": SUFFIX, "fuse_unk": True, "byte_fallback": True, "vocab": vocab,
                  "merges": merges},
    }
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(tok, f)
    print(f"affix_tokenizer: {sys.argv[1]}: {len(vocab)} tokens, {len(merges)} merges")


if __name__ == "__main__":
    main()
