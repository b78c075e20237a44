#!/usr/bin/env python3
"""Writes the tokenizer parity corpus: at least 1 MB of varied text, one
document line per line, deterministic for a given seed and machine.

Sources: Debian's license texts (/usr/share/common-licenses), package docs
(/usr/share/doc: copyright, README, changelog.Debian.gz decompressed), the
word list of wamerican (/usr/share/dict/words), and generated edge cases:
runs of spaces and newlines, tabs, CJK, emoji and other 4-byte UTF-8,
combining marks, digit runs, code, contractions, Unicode spaces (NEL, NBSP,
U+3000, U+180E), BOM, case-folding letters, special-token strings, and
invalid UTF-8 bytes.

usage: make_corpus.py OUT [--seed N] [--min-bytes N]
"""
import argparse
import gzip
import os
import random
import sys

DOC_BUDGET = 520_000
DOC_FILE_CAP = 24_000


def licenses():
    root = "/usr/share/common-licenses"
    seen = set()
    out = []
    for name in sorted(os.listdir(root)):
        real = os.path.realpath(os.path.join(root, name))
        if real in seen or not os.path.isfile(real):
            continue
        seen.add(real)
        with open(real, "rb") as f:
            out.append(f.read())
    if not out:
        sys.exit("make_corpus: no license texts in " + root)
    return out


def docs():
    root = "/usr/share/doc"
    out, total = [], 0
    for pkg in sorted(os.listdir(root)):
        d = os.path.join(root, pkg)
        if not os.path.isdir(d) or os.path.islink(d):
            continue
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if not os.path.isfile(p) or os.path.islink(p):
                continue
            low = name.lower()
            try:
                if low == "copyright" or low.startswith("readme") and not low.endswith(".gz"):
                    with open(p, "rb") as f:
                        data = f.read(DOC_FILE_CAP)
                elif low in ("changelog.debian.gz", "readme.gz", "readme.md.gz"):
                    with gzip.open(p, "rb") as f:
                        data = f.read(DOC_FILE_CAP)
                else:
                    continue
            except (OSError, EOFError):
                continue
            out.append(data)
            total += len(data)
            if total >= DOC_BUDGET:
                return out
    return out


def words(rng):
    path = "/usr/share/dict/words"
    try:
        with open(path, "rb") as f:
            ws = f.read().split(b"\n")
    except OSError:
        sys.exit("make_corpus: " + path + " is missing (Debian package wamerican)")
    ws = [w for w in ws if w][::6]
    lines, i = [], 0
    seps = [b" ", b" ", b" ", b"  ", b"\t", b", ", b" - ", b"   "]
    while i < len(ws):
        n = rng.randint(5, 16)
        parts = ws[i:i + n]
        i += n
        line = b""
        for k, w in enumerate(parts):
            if rng.random() < 0.1:
                w = w.upper()
            elif rng.random() < 0.15:
                w = w.capitalize()
            line += (rng.choice(seps) if k else b"") + w
        lines.append(line)
    return [b"\n".join(lines) + b"\n"]


PIECES = [
    "hello", "world", "The", "quick", "brown", "fox", "it's", "IT'S", "we're", "They'll", "I'd", "you've",
    "I'M", "don't", "o'clock", "rock'n'roll", "'s", "'", "''", "’s", "ſ'S", "Straße", "naïve", "café", "Ǆemal",
    "日本語", "中文字符", "한국어", "ひらがな", "カタカナ", "Ελληνικά", "Русский", "עברית", "العربية", "हिन्दी",
    "ไทย", "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𐍈", "🀄", "e\u0301", "a\u0308\u0304", "Z\u0351\u0311\u0307",
    "\u0915\u094d\u0937", "0", "7", "42", "123", "1234", "12345678901234567890", "3.14159", "1,000,000", "٣٤٥",
    "²³", "½", "Ⅻ", "def", "foo(bar);", "x += 1", "if (a && b) {", "}", "return;", "#include <stdio.h>",
    "std::vector<int>", "=>", "!==", "/* c */", "// note", "<div class=\"x\">", "</div>", "$HOME", "@user",
    "#tag", "https://example.com/a?b=c&d=e", "user@example.org", "...", "—", "–", "…", "«guillemets»",
    "\"quoted\"", "(parens)", "[brackets]", "{braces}", "a_b", "__init__", "CamelCase", "snake_case", "ALLCAPS",
    "\u00a0", "\u3000", "\u0085", "\u2028", "\u200b", "\ufeff", "\u2581", "\u2581\u2581", "Ġ", "Ċ", "<0x0A>",
    "<|endoftext|>", "<|end_of_text|>", "<|begin_of_text|>", "</s>", "<s>", "<unk>", "<eos>", "<bos>",
    "<|im_start|>", "<think>", "</think>", "<start_of_turn>", "<|endoftext", "endoftext|>", "<pad>",
]
SPACES = [" ", " ", " ", "  ", "   ", "    ", "\t", "\t\t", " \t ", "\r", "\r\n", "\u00a0", "\u3000", "\u0085", ""]
INVALID = [b"\xff", b"\xfe", b"\xc0\xaf", b"\xe2\x82", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\x80\x80",
           b"\xf4\x90\x80\x80", b"\xc3", b"\xe0\x80\x80", b"\xf8\x88\x80\x80\x80"]


def edge_cases(rng, n_lines):
    lines = []
    for i in range(n_lines):
        kind = i % 10
        if kind == 0:  # runs of whitespace only, and around words
            line = rng.choice(SPACES) * rng.randint(1, 12) + rng.choice(PIECES) + " " * rng.randint(0, 9)
            line = line.encode()
        elif kind == 1:  # digit runs
            line = " ".join(str(rng.randint(0, 10 ** rng.randint(1, 25))) for _ in range(rng.randint(1, 8))).encode()
        elif kind == 2:  # invalid UTF-8 in text
            parts = []
            for _ in range(rng.randint(2, 8)):
                parts.append(rng.choice(INVALID) if rng.random() < 0.4 else rng.choice(PIECES).encode())
                parts.append(rng.choice(SPACES).encode())
            line = b"".join(parts)
        elif kind == 3:  # random code points from interesting blocks
            blocks = [(0x20, 0x7e), (0xa0, 0x24f), (0x300, 0x36f), (0x370, 0x3ff), (0x400, 0x4ff), (0x590, 0x6ff),
                      (0x900, 0x97f), (0xe00, 0xe7f), (0x1100, 0x11ff), (0x2000, 0x206f), (0x2190, 0x23ff),
                      (0x3000, 0x30ff), (0x4e00, 0x4fff), (0xac00, 0xad00), (0xfe00, 0xfe0f), (0xff00, 0xffef),
                      (0x1f300, 0x1f6ff), (0x1f900, 0x1f9ff), (0x1d400, 0x1d4ff), (0x20000, 0x200ff)]
            cps = []
            for _ in range(rng.randint(1, 40)):
                lo, hi = rng.choice(blocks)
                cps.append(chr(rng.randint(lo, hi)))
            line = "".join(cps).encode("utf-8", "surrogatepass")
        elif kind == 4:  # code
            line = (" " * rng.choice([0, 2, 4, 8]) + rng.choice([
                "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }",
                "def f(x):  return x**2 + 3*x - 1  # comment",
                "const y = await fetch(`${base}/api/v1/items?id=${id}`);",
                "SELECT name, COUNT(*) FROM t WHERE x > 10 GROUP BY name;",
                "if err != nil { return fmt.Errorf(\"x: %w\", err) }",
                "\tprintf(\"%d\\n\", argc);",
                "    let v: Vec<u32> = (0..10).map(|i| i * i).collect();",
            ])).encode()
        elif kind == 5:  # contractions and apostrophes
            line = " ".join(rng.choice(["it's", "IT'S", "He'LL", "we'Ve", "she'd", "'twas", "y'all", "it’s",
                                        "don't", "CAN'T", "'s'", "''s", "'m", " 're", "O'Neil's"])
                            for _ in range(rng.randint(2, 12))).encode()
        else:  # mixtures of everything
            parts = []
            for _ in range(rng.randint(1, 25)):
                parts.append(rng.choice(PIECES))
                parts.append(rng.choice(SPACES))
            line = "".join(parts).encode()
        lines.append(line)
    return [b"\n".join(lines) + b"\n"]


def long_lines():
    """Lines longer than the word caches take, and long runs of one kind."""
    return [("\n".join([" " * 5000 + "x", "a" * 3000, "\t" * 300 + "  " * 50, "1" * 1000, "\U0001F600" * 500,
                         "'s" * 300, "\u2581" * 200 + "abc", "<|endoftext|>" * 20, " <s> " * 30,
                         "x\u0085\u0085 y\u00a0\u00a0z", "\r\r\r \r"]) + "\n").encode()]


# Characters where regex engines disagree about \s, case folding or letters:
# U+180E (White_Space before Unicode 6.3; PCRE2 still counts it), NEL, BOM,
# long s and Kelvin sign (fold to s, k), dotted/dotless i, controls, NUL.
TRICKY = ["\u017f", "\u212a", "\u0130", "\u0131", "\u180e", "\u200b", "\ufeff", "\u1680", "\u2007", "\u202f",
          "\u205f", "\u3000", "\u0085", "\u00a0", "\u000b", "\u000c", "\u001c", "\u001f", "\u0000", "\u2028",
          "\u2029", "'", "\u2019", "S", "s", "T", "t", "RE", "re", "VE", "LL", "ll", "D", "M", "\u0301", "\u0308", " ",
          "  ", "\t", "\r", "a", "Z", "5", "55555", "\u65e5", "\U0001F600", "\U000E0001", "\U0010FFFD", "\uFFFF",
          "\uFFFE", "\u01c5", "\ufb00", "\u2168", "\u2460", "\u00bd"]


def tricky_lines(rng, n_lines):
    lines = ["".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 14))) for _ in range(n_lines)]
    return [("\n".join(lines) + "\n").encode()]


def any_code_points(rng, n_lines):
    """Code points from every plane: scripts newer than some Unicode tables."""
    lines = []
    for _ in range(n_lines):
        cps = []
        for _ in range(rng.randint(1, 10)):
            c = rng.choice([rng.randint(0x80, 0x2FFFF), rng.randint(0x30000, 0x323AF), rng.randint(0xE0000, 0xE01EF),
                            rng.randint(0x1E000, 0x1FFFF), 0x20, 0x27])
            cps.append(chr(0x41 if 0xD800 <= c <= 0xDFFF else c))
        lines.append("".join(cps))
    return [("\n".join(lines) + "\n").encode()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--min-bytes", type=int, default=1_100_000)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    chunks = licenses() + docs() + words(rng) + edge_cases(rng, 4000) + long_lines() + tricky_lines(rng, 4000) + any_code_points(rng, 3000)
    data = b"\n".join(c if c.endswith(b"\n") else c + b"\n" for c in chunks)
    # Top up with more edge cases if this machine has few docs.
    while len(data) < args.min_bytes:
        data += edge_cases(rng, 2000)[0]
    with open(args.out, "wb") as f:
        f.write(data)
    lines = data.count(b"\n")
    print(f"make_corpus: {args.out}: {len(data)} bytes, {lines} lines")


if __name__ == "__main__":
    main()
