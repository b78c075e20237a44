#!/usr/bin/env python3
"""Writes a variant of a real tokenizer.json that uses a component none of the
real files uses (Split behaviors, Digits, Strip/Lowercase/NFKC/regex Replace,
Metaspace, ByteLevel's add_prefix_space, added tokens' lstrip/rstrip/
single_word), so the parity test can check it against the Rust crate.

usage: components.py VARIANT NPM_CACHE OUT      (VARIANT: see VARIANTS)
"""
import copy
import json
import os
import sys

BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}


def split(pattern, behavior, invert=False, regex=True):
    return {"type": "Split", "pattern": {"Regex" if regex else "String": pattern}, "behavior": behavior,
            "invert": invert}


def gpt2_pre(first):
    return {"type": "Sequence", "pretokenizers": [first, BYTE_LEVEL]}


def added(tok, content, **flags):
    """Adds a token with the id the crate gives it on load (the next after the
    vocabulary), or, for content the vocabulary has, a wrong one: the crate
    takes the vocabulary's id then, and so must sweep."""
    vocab = tok["model"]["vocab"]
    ids = [a["id"] for a in tok["added_tokens"] if a["content"] not in vocab]
    if content in vocab:
        new_id = 60000 + len(tok["added_tokens"])
    else:
        new_id = max([len(vocab) - 1] + ids) + 1
    a = {"id": new_id, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": False}
    a.update(flags)
    tok["added_tokens"].append(a)


def metaspace(scheme, do_split):
    def apply(tok):
        tok["normalizer"] = None
        tok["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme,
                                "split": do_split}
        tok["decoder"] = {"type": "Sequence", "decoders": [
            {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme, "split": do_split},
            {"type": "ByteFallback"}, {"type": "Fuse"}]}
    return apply


def added_flags(tok):
    added(tok, " the", single_word=True)
    added(tok, "ing", lstrip=True)
    added(tok, "and", rstrip=True, single_word=True, normalized=True)
    added(tok, "<mark>", lstrip=True, rstrip=True, special=True)
    for a in tok["added_tokens"]:
        if a["content"] == "<|endoftext|>":
            a["lstrip"] = a["rstrip"] = True


VARIANTS = {
    "split_merged_with_previous": ("gpt2", lambda t: t.update(pre_tokenizer=gpt2_pre(split(r" ?\p{L}+", "MergedWithPrevious")))),
    "split_merged_with_next": ("gpt2", lambda t: t.update(pre_tokenizer=gpt2_pre(split(r"\p{P}+", "MergedWithNext")))),
    "split_contiguous": ("gpt2", lambda t: t.update(pre_tokenizer=gpt2_pre(split(r"\p{P}", "Contiguous")))),
    "split_removed_inverted": ("gpt2", lambda t: t.update(pre_tokenizer=gpt2_pre(split(r"\p{L}+", "Removed", True)))),
    "split_string": ("gpt2", lambda t: t.update(pre_tokenizer=gpt2_pre(split(" ", "Isolated", regex=False)))),
    "digits_individual": ("gpt2", lambda t: t.update(pre_tokenizer={"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True}, dict(BYTE_LEVEL, use_regex=True)]})),
    "digits_runs": ("gpt2", lambda t: t.update(pre_tokenizer={"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": False}, dict(BYTE_LEVEL, use_regex=True)]})),
    "byte_level_prefix_space": ("gpt2", lambda t: t.update(pre_tokenizer=dict(BYTE_LEVEL, add_prefix_space=True,
                                                                              use_regex=True))),
    "normalizers": ("gpt2", lambda t: t.update(normalizer={"type": "Sequence", "normalizers": [
        {"type": "NFKC"}, {"type": "Lowercase"}, {"type": "Strip", "strip_left": True, "strip_right": True},
        {"type": "Replace", "pattern": {"Regex": r"\d+"}, "content": "#"}, {"type": "NFD"}]})),
    "added_token_flags": ("gpt2", added_flags),
    "metaspace_first": ("llama2", metaspace("first", True)),
    "metaspace_always_unsplit": ("llama2", metaspace("always", False)),
    "metaspace_never": ("llama2", metaspace("never", True)),
}


def main():
    variant, cache, out = sys.argv[1:4]
    if variant not in VARIANTS:
        sys.exit(f"components: unknown variant {variant} (known: {', '.join(VARIANTS)})")
    base, apply = VARIANTS[variant]
    path = os.path.join(cache, "tokenizers", base, "tokenizer.json")
    if not os.path.exists(path):
        sys.exit(f"components: FAIL: {path} is missing; run tests/text/parity/fetch.sh")
    with open(path, encoding="utf-8") as f:
        tok = json.load(f)
    tok = copy.deepcopy(tok)
    apply(tok)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(tok, f)
    print(f"components: {out}: {base} with {variant}")


if __name__ == "__main__":
    main()
