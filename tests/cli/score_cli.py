#!/usr/bin/python3
"""`sweep score`: one JSON line per input line (an empty line too, standard
input as "-"), and the one-line errors with exit status 2 for each way a model
folder can be unusable: missing, an unsupported architecture, a tokenizer with
more ids than the embedding has rows, a truncated safetensors file, a model
larger than the device's memory (SWEEP_DEVICE_MEMORY). Agreement of the numbers
with reference implementations is tests/kernels/model/hf/score_parity.py.

usage: score_cli.py SWEEP MAKE_TINY_CHECKPOINTS
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sweep, maker = sys.argv[1], sys.argv[2]
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def score(model, text, stdin=b"", env=None, *more):
    return subprocess.run([sweep, "score", "--model", model, "--text", text, *more], input=stdin,
                          capture_output=True, env=dict(os.environ, **(env or {})))


def one_error_line(r, code, *parts):
    """Exit status `code`, nothing on stdout, and one stderr line
    'sweep score: ...' holding every part."""
    err = r.stderr.decode(errors="replace")
    ok = (r.returncode == code and r.stdout == b"" and err.count("\n") == 1 and err.startswith("sweep score: ")
          and all(p in err for p in parts))
    return ok, f"exit {r.returncode}, stderr {err!r}"


with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.executable, maker, os.path.join(tmp, "tiny")], check=True, capture_output=True)
    gpt2 = os.path.join(tmp, "tiny", "gpt2")

    def write(name, data):
        p = os.path.join(tmp, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def copy(name):
        dst = os.path.join(tmp, name)
        shutil.copytree(gpt2, dst)
        return dst

    text = write("text.txt", b"The quick brown fox\n\nHi")
    r = score(gpt2, text)
    lines = r.stdout.decode().splitlines()
    expect(r.returncode == 0 and len(lines) == 3, f"one output line per input line, got {r.returncode} {lines!r}")
    if len(lines) == 3:
        first, empty, last = (json.loads(l) for l in lines)
        expect(len(first["ids"]) > 1 and len(first["logprobs"]) == len(first["ids"]),
               f"as many logprobs as ids: {first}")
        expect(first["logprobs"][0] is None and all(isinstance(x, float) and x < 0 for x in first["logprobs"][1:]),
               f"the first token unscored, the others log-probabilities: {first}")
        expect(empty == {"ids": [], "logprobs": []}, f"an empty line: {empty}")
        expect(last["logprobs"][:1] == [None], f"a line without its newline is scored: {last}")
        # Alone or batched with other lines: the same ids, the numbers to float rounding.
        def same(a, b):
            return a["ids"] == b["ids"] and all((x is None and y is None) or abs(x - y) < 1e-5
                                                for x, y in zip(a["logprobs"], b["logprobs"]))

        r2 = score(gpt2, "-", stdin=b"The quick brown fox\n")
        expect(r2.returncode == 0 and same(json.loads(r2.stdout.decode().splitlines()[0]), first),
               f"'-' reads standard input, got {r2.stdout!r}")
        r3 = score(gpt2, text, None, None, "--batch", "1")
        expect(r3.returncode == 0 and all(same(json.loads(a), json.loads(b))
                                          for a, b in zip(r3.stdout.decode().splitlines(), lines)),
               "--batch does not change the numbers")

    # A line longer than the context (64 tokens): rolling windows score every token.
    long_text = write("long.txt", b" ".join([b"the quick brown fox"] * 40) + b"\n")
    r = score(gpt2, long_text)
    row = json.loads(r.stdout) if r.returncode == 0 else {"ids": [], "logprobs": []}
    expect(r.returncode == 0 and len(row["ids"]) > 64 and len(row["logprobs"]) == len(row["ids"])
           and all(x is not None for x in row["logprobs"][1:]), f"a long line, got {r.returncode} {r.stderr!r}")

    missing = os.path.join(tmp, "no-such-model")
    expect(*one_error_line(score(missing, text), 2, missing))

    falcon = copy("falcon")
    cfg_path = os.path.join(falcon, "config.json")
    cfg = json.load(open(cfg_path))
    cfg["architectures"] = ["FalconForCausalLM"]
    json.dump(cfg, open(cfg_path, "w"))
    expect(*one_error_line(score(falcon, text), 2, cfg_path, "FalconForCausalLM"))

    wide = copy("wide-tokenizer")
    tok_path = os.path.join(wide, "tokenizer.json")
    tok = json.load(open(tok_path))
    tok["added_tokens"].append({"id": 5000, "content": "<|extra|>", "single_word": False, "lstrip": False,
                                "rstrip": False, "normalized": False, "special": True})
    json.dump(tok, open(tok_path, "w"))
    expect(*one_error_line(score(wide, text), 2, tok_path, "5001"))

    cut = copy("truncated")
    weights = os.path.join(cut, "model.safetensors")
    size = os.path.getsize(weights)
    with open(weights, "r+b") as f:
        f.truncate(size - 1000)
    expect(*one_error_line(score(cut, text), 2, weights))

    expect(*one_error_line(score(gpt2, text, env={"SWEEP_DEVICE_MEMORY": "1MiB"}), 2, gpt2, "needs ",
                           "has 1.0 MiB available"))

    missing_text = os.path.join(tmp, "missing.txt")
    expect(*one_error_line(score(gpt2, missing_text), 2, missing_text))

    r = subprocess.run([sweep, "score", "--model", gpt2], capture_output=True)
    expect(r.returncode == 2 and b"--text is required" in r.stderr, f"no --text, got {r.returncode} {r.stderr!r}")

if failures:
    sys.exit(f"{len(failures)} failure(s)")
print("score_cli: ok")
