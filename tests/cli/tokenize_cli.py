#!/usr/bin/python3
"""`sweep tokenize`: one output line per input line (empty lines too, a
missing final newline tolerated), standard input as "-", --decode, and the
one-line errors naming the file (and line) with a non-zero exit.

usage: tokenize_cli.py SWEEP
"""
import json
import os
import subprocess
import sys
import tempfile

sweep = sys.argv[1]
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, stdin=b""):
    return subprocess.run([sweep, "tokenize", *args], input=stdin, capture_output=True)


with tempfile.TemporaryDirectory() as tmp:
    def write(name, data):
        p = os.path.join(tmp, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    text = write("text.txt", b"ab\n\ncd")
    r = run("--tokenizer", "bytes", text)
    expect(r.returncode == 0 and r.stdout == b"97 98\n\n99 100\n", f"bytes: one line per line, got {r.stdout!r}")

    r = run("--tokenizer", "bytes", "-", stdin=b"x\n")
    expect(r.returncode == 0 and r.stdout == b"120\n", f"'-' reads standard input, got {r.stdout!r}")

    ids = write("ids.txt", b"97 98\n\n99 100\n")
    r = run("--tokenizer", "bytes", "--decode", ids)
    expect(r.returncode == 0 and r.stdout == b"ab\n\ncd\n", f"--decode, got {r.stdout!r}")

    bad = write("bad.txt", b"97\n97 x\n")
    r = run("--tokenizer", "bytes", "--decode", bad)
    expect(r.returncode == 1 and f'{bad}:2: "x" is not a token id'.encode() in r.stderr,
           f"a bad id names file and line, got {r.stderr!r}")
    expect(r.stdout == b"", "nothing is printed when a line fails")

    big = write("big.txt", b"99999\n")
    r = run("--tokenizer", "bytes", "--decode", big)
    expect(r.returncode == 1 and f"{big}:1: id 99999 is outside the vocabulary (256)".encode() in r.stderr,
           f"an id outside the vocabulary, got {r.stderr!r}")

    r = run("--tokenizer", "bytes", os.path.join(tmp, "missing.txt"))
    expect(r.returncode == 1 and b"missing.txt" in r.stderr and r.stderr.count(b"\n") == 1,
           f"a missing input is one line naming it, got {r.stderr!r}")

    r = run("--tokenizer", os.path.join(tmp, "nope.json"), text)
    expect(r.returncode == 1 and b"nope.json" in r.stderr, f"a missing tokenizer is named, got {r.stderr!r}")

    unsupported = write("wp.json", json.dumps({"model": {"type": "WordPiece", "vocab": {}}}).encode())
    r = run("--tokenizer", unsupported, text)
    expect(r.returncode == 1 and b'wp.json: model type "WordPiece" is not supported' in r.stderr,
           f"an unsupported tokenizer is named, got {r.stderr!r}")

    r = run(text)
    expect(r.returncode == 2 and b"--tokenizer" in r.stderr, f"--tokenizer is required, got {r.returncode}")
    r = run("--help")
    expect(r.returncode == 0 and b"--decode" in r.stdout, "--help lists the options")

    # A BPE tokenizer.json with a merge and a special token.
    tok = write("tokenizer.json", json.dumps({
        "added_tokens": [{"id": 3, "content": "<|endoftext|>", "special": True, "normalized": False,
                          "lstrip": False, "rstrip": False, "single_word": False}],
        "normalizer": None, "pre_tokenizer": None, "decoder": None,
        "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}).encode())
    words = write("words.txt", b"abab\n<|endoftext|>ba\n")
    r = run("--tokenizer", tok, words)
    expect(r.returncode == 0 and r.stdout == b"2 2\n3 1 0\n", f"tokenizer.json encode, got {r.stdout!r}")
    r = run("--tokenizer", tok, "--decode", write("bpe_ids.txt", b"2 2\n"))
    expect(r.returncode == 0 and r.stdout == b"ab ab\n", f"tokenizer.json decode, got {r.stdout!r}")

print("tokenize_cli:", "FAIL" if failures else "ok")
sys.exit(1 if failures else 0)
