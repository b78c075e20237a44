#!/usr/bin/env python3
"""Compares sweep's ids and decodes with the references' (see reference.js)
and prints the counts; exits 1 unless sweep equals Hugging Face's Rust crate
on every line (ids and decode) and round-trips wherever the crate does.

usage: compare.py NAME CORPUS DIR   (DIR holds rust.ids js.ids rust.decoded
                                     sweep.ids sweep.decoded, and optionally
                                     random.ids rust.random.decoded
                                     sweep.random.decoded)
"""
import os
import sys


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def main():
    name, corpus, d = sys.argv[1:4]
    text = read_lines(corpus)
    # What Node and sweep tokenize: invalid bytes as U+FFFD (maximal subparts).
    seen = [l.decode("utf-8", "replace").encode("utf-8") for l in text]
    rust = read_lines(os.path.join(d, "rust.ids"))
    js = read_lines(os.path.join(d, "js.ids"))
    ours = read_lines(os.path.join(d, "sweep.ids"))
    rust_dec = read_lines(os.path.join(d, "rust.decoded"))
    ours_dec = read_lines(os.path.join(d, "sweep.decoded"))
    n = len(text)
    for what, lines in [("rust.ids", rust), ("js.ids", js), ("sweep.ids", ours), ("rust.decoded", rust_dec),
                        ("sweep.decoded", ours_dec)]:
        if len(lines) != n:
            print(f"{name}: {what} has {len(lines)} lines, the corpus {n}")
            return 1
    tokens = sum(len(l.split()) for l in ours)
    vs_rust = [i for i in range(n) if ours[i] != rust[i]]
    vs_js = [i for i in range(n) if ours[i] != js[i]]
    dec_diff = [i for i in range(n) if ours_dec[i] != rust_dec[i]]
    rt_ours = [i for i in range(n) if ours_dec[i] != seen[i]]
    rt_rust = set(i for i in range(n) if rust_dec[i] != seen[i])
    rt_only_ours = [i for i in rt_ours if i not in rt_rust]
    print(f"{name}: {n} lines, {sum(len(l) + 1 for l in text)} bytes, {tokens} tokens")
    print(f"{name}: ids differing from HF Rust (tokenizers@0.23.2): {len(vs_rust)} lines")
    print(f"{name}: ids differing from pure JS (@huggingface/tokenizers@0.2.0): {len(vs_js)} lines")
    print(f"{name}: decode differing from HF Rust: {len(dec_diff)} lines")
    print(f"{name}: decode(encode(x)) != x: {len(rt_ours)} lines (HF Rust: {len(rt_rust)}; "
          f"sweep only: {len(rt_only_ours)})")

    def show(label, idx, other):
        for i in idx[:3]:
            print(f"  {label} line {i + 1}: text {seen[i][:120]!r}")
            print(f"    sweep: {ours[i][:200].decode()}")
            print(f"    {other}: {(rust if other == 'rust' else js)[i][:200].decode()}")

    show("vs Rust", vs_rust, "rust")
    show("vs pure JS", vs_js, "js")
    for i in dec_diff[:3]:
        print(f"  decode line {i + 1}: sweep {ours_dec[i][:120]!r} rust {rust_dec[i][:120]!r}")
    for i in sorted(rt_rust)[:2]:
        print(f"  HF's own round trip fails on line {i + 1}: {seen[i][:80]!r} -> {rust_dec[i][:80]!r}")
    random_same = True
    if os.path.exists(os.path.join(d, "random.ids")):
        n_random = len(read_lines(os.path.join(d, "random.ids")))
        with open(os.path.join(d, "rust.random.decoded"), "rb") as f:
            want = f.read()
        with open(os.path.join(d, "sweep.random.decoded"), "rb") as f:
            got = f.read()
        random_same = want == got
        print(f"{name}: decode of {n_random} random id sequences: "
              f"{'identical to' if random_same else 'DIFFERENT from'} HF Rust")
    ok = not vs_rust and not dec_diff and not rt_only_ours and random_same
    print(f"{name}: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
