"""sweep prepare under mpirun, as specifications.

  ranks   the same inputs on 1 and 2 ranks give byte-identical shards and the
          same manifest (token counts, checksums)
  resume  a 2-rank run killed (SIGKILL to every process) after its first shard
          leaves only whole shards; rerunning the same command finishes it,
          byte-identical to an uninterrupted run, without redoing kept shards
  refuse  another tokenizer (a manifest naming one), other inputs, or a folder
          of other files is refused with one line naming both, nothing changed
  errors  a malformed JSONL line, a missing input, a corrupt .gz: exit status
          and one line naming the file (and line)

argv: MODE WORKDIR SWEEP MPIRUN..."""
import gzip
import hashlib
import json
import pathlib
import random
import shutil
import signal
import struct
import subprocess
import sys
import time

mode, work, sweep, mpirun = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
WORDS = ("the of and to in is was for on that with as by at from his her an were are which this be or has "
         "model token shard rank scale loss data corpus layer tensor gradient step valid train résumé naïve 東京").split()


def corpus(folder, megabytes, seed=1):
    """JSONL (plain, .gz), paragraph text, and .zst text when zstd is installed; about `megabytes` MB."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    def doc():
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 400)))
    per_file = int(megabytes * 1e6 / 4)
    files = []
    for name in ("a.jsonl", "b.jsonl"):
        lines, size = [], 0
        while size < per_file:
            lines.append(json.dumps({"id": len(lines), "text": doc()}, ensure_ascii=False))
            size += len(lines[-1]) + 1
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(folder / name)
    with gzip.open(folder / "c.jsonl.gz", "wt", encoding="utf-8") as f:
        for i in range(2000):
            f.write(json.dumps({"text": doc()}) + "\n")
    files.append(folder / "c.jsonl.gz")
    paras, size = [], 0
    while size < per_file:
        paras.append(doc().replace(" the ", "\nthe "))
        size += len(paras[-1]) + 2
    (folder / "d.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    files.append(folder / "d.txt")
    if shutil.which("zstd"):
        (folder / "e.txt").write_text("\n\n \n".join(paras[:500]) + "\n", encoding="utf-8")
        subprocess.run(["zstd", "-q", "--rm", str(folder / "e.txt")], check=True)
        files.append(folder / "e.txt.zst")
    return [str(f) for f in files]


def run(np, args, check=True, timeout=600):
    cmd = mpirun + ["-np", str(np), sweep, "prepare", "--tokenizer", "bytes", "--documents", "paragraph",
                    "--quiet"] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        sys.exit(f"prepare_cli: {' '.join(cmd)} exited {p.returncode}\n{p.stderr}")
    return p


def shard_files(folder):
    return sorted(p.name for p in folder.glob("*.bin"))


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def same_shards(a, b, what):
    if shard_files(a) != shard_files(b):
        sys.exit(f"prepare_cli: {what}: different shard files {shard_files(a)} vs {shard_files(b)}")
    for name in shard_files(a):
        if (a / name).read_bytes() != (b / name).read_bytes():
            sys.exit(f"prepare_cli: {what}: {name} differs")
    ma, mb = (json.loads((f / "manifest.json").read_text()) for f in (a, b))
    for key in ("shards", "units", "tokens", "tokenizer", "complete"):
        if ma[key] != mb[key]:
            sys.exit(f"prepare_cli: {what}: manifests differ in {key!r}")
    return ma


def whole_llmc(path):
    """Whether an llm.c shard holds exactly the tokens its header says."""
    data = path.read_bytes()
    magic, version, count = struct.unpack("<3i", data[:12])
    width = 2 if version == 1 else 4
    return magic == 20240520 and len(data) == 1024 + count * width


def one_line(stderr):
    """The one line sweep wrote, less mpirun's own notice of a non-zero exit (a block between dashed lines)."""
    lines, inside = [], False
    for l in stderr.splitlines():
        if l.strip() and set(l.strip()) == {"-"}:
            inside = not inside
        elif l.strip() and not inside:
            lines.append(l)
    if len(lines) != 1:
        sys.exit(f"prepare_cli: expected one error line, got:\n{stderr}")
    return lines[0]


if mode == "ranks":
    inputs = corpus(work / "in", 4)
    args = ["--unit-mb", "0.5", "--valid-fraction", "0.05"]
    run(1, ["--out", str(work / "np1")] + args + inputs)
    run(2, ["--out", str(work / "np2")] + args + inputs)
    m = same_shards(work / "np1", work / "np2", "-np 1 vs -np 2")
    if not m["complete"] or m["tokens"]["train"] == 0 or m["tokens"]["valid"] == 0:
        sys.exit(f"prepare_cli: manifest incomplete or empty: {m['tokens']}")
    for s in m["shards"]:
        if hashlib.sha256((work / "np1" / s["path"]).read_bytes()).hexdigest() != s["sha256"]:
            sys.exit(f"prepare_cli: {s['path']}: checksum differs from the manifest")
    # Validation files of their own (--valid): numbered from 0, after the train units.
    args = ["--unit-mb", "0.5", "--valid", inputs[2]]
    run(1, ["--out", str(work / "v1")] + args + inputs[:2] + inputs[3:])
    run(2, ["--out", str(work / "v2")] + args + inputs[:2] + inputs[3:])
    mv = same_shards(work / "v1", work / "v2", "--valid, -np 1 vs -np 2")
    valid = [s["path"] for s in mv["shards"] if s["split"] == "valid"]
    if valid != ["valid_000000.bin"] or mv["tokens"]["valid"] == 0:
        sys.exit(f"prepare_cli: --valid gave {valid}, {mv['tokens']}")
    print(f"prepare_cli ranks: {len(m['shards'])} shards, {m['tokens']} tokens (--valid-fraction 0.05), and "
          f"{len(mv['shards'])} shards, {mv['tokens']} tokens (--valid FILE): identical for -np 1 and -np 2")

elif mode == "resume":
    inputs = corpus(work / "in", 40)
    args = ["--unit-mb", "1"] + inputs
    reference = run(2, ["--out", str(work / "ref")] + args)
    out = work / "out"
    cmd = mpirun + ["-np", "2", sweep, "prepare", "--tokenizer", "bytes", "--documents", "paragraph", "--quiet",
                    "--out", str(out)] + args
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 120
    def recorded():
        try:  # replaced atomically, so whole whenever it exists
            return len(json.loads((out / "manifest.json").read_text())["shards"])
        except (OSError, ValueError):
            return 0
    # Killed as soon as a shard is recorded in the manifest: a fast machine could otherwise finish all units.
    while time.time() < deadline and p.poll() is None and recorded() == 0:
        time.sleep(0.002)
    if p.poll() is not None:
        sys.exit("prepare_cli: the run ended before it could be killed; give it more input")
    # mpirun puts each rank in a process group of its own, inside the session
    # started for it here: kill the whole session at once.
    subprocess.run(["pkill", "-9", "-s", str(p.pid)], check=False)
    p.wait()
    while subprocess.run(["pgrep", "-s", str(p.pid)], capture_output=True).returncode == 0:
        time.sleep(0.05)
    killed = json.loads((out / "manifest.json").read_text())
    kept = shard_files(out)
    if killed["complete"] or not kept:
        sys.exit(f"prepare_cli: kill came too late or too early ({len(kept)} shards, complete={killed['complete']})")
    broken = [n for n in kept if not whole_llmc(out / n)]
    if broken:
        sys.exit(f"prepare_cli: partial shards under their final names after the kill: {broken}")
    total = len(killed["units"])
    second = run(2, ["--out", str(out)] + args)
    m = same_shards(work / "ref", out, "killed and resumed vs uninterrupted")
    redone = int(second.stdout.split("this run: ")[1].split(" units")[0])
    if redone >= total:
        sys.exit(f"prepare_cli: the rerun redid all {total} units")
    third = run(2, ["--out", str(out)] + args)
    if "up to date" not in third.stdout:
        sys.exit(f"prepare_cli: a third run did work: {third.stdout}")
    print(f"prepare_cli resume: killed with {len(kept)} of {total} shards on disk "
          f"({len(killed['shards'])} recorded); the rerun did {redone} units; shards identical to the "
          f"uninterrupted run; a third run is up to date")

elif mode == "refuse":
    inputs = corpus(work / "in", 1)
    out = work / "out"
    run(2, ["--out", str(out)] + inputs)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["tokenizer"].update(name="gpt2/tokenizer.json", hash="sha256:" + "ab" * 32, vocab_size=50257, eot=50256)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    before = digest(out)
    p = run(2, ["--out", str(out)] + inputs, check=False)
    line = one_line(p.stderr)
    if p.returncode != 2 or "gpt2/tokenizer.json" not in line or "sha256:" + "ab" * 32 not in line or "tokenizer bytes" not in line:
        sys.exit(f"prepare_cli: another tokenizer's folder not refused naming both (exit {p.returncode}): {line}")
    p2 = run(2, ["--out", str(out)] + inputs[:1], check=False)
    if p2.returncode != 2 or "refusing" not in one_line(p2.stderr):
        sys.exit(f"prepare_cli: other inputs not refused (exit {p2.returncode}): {p2.stderr}")
    (work / "other").mkdir()
    (work / "other" / "notes.txt").write_text("mine")
    p3 = run(1, ["--out", str(work / "other")] + inputs, check=False)
    if p3.returncode != 2 or "not empty" not in one_line(p3.stderr):
        sys.exit(f"prepare_cli: a folder of other files not refused (exit {p3.returncode}): {p3.stderr}")
    if digest(out) != before or sorted(p.name for p in (work / "other").iterdir()) != ["notes.txt"]:
        sys.exit("prepare_cli: a refused run changed the folder")
    print(f"prepare_cli refuse: {line}")

elif mode == "errors":
    (work / "in").mkdir()
    bad = work / "in" / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": "fine"}\n{"text": broken}\n')
    p = run(2, ["--out", str(work / "o1"), str(bad)], check=False)
    line = one_line(p.stderr)
    if p.returncode != 1 or f"{bad}:3: not a JSON object" not in line:
        sys.exit(f"prepare_cli: malformed line (exit {p.returncode}): {p.stderr}")
    p = run(2, ["--out", str(work / "o2"), str(work / "in" / "missing.jsonl")], check=False)
    if p.returncode != 2 or f"{work / 'in' / 'missing.jsonl'}: no such file" not in one_line(p.stderr):
        sys.exit(f"prepare_cli: missing input (exit {p.returncode}): {p.stderr}")
    gz = work / "in" / "cut.jsonl.gz"
    gz.write_bytes(gzip.compress(b'{"text": "x"}\n' * 100000)[:2000])
    p = run(2, ["--out", str(work / "o3"), str(gz)], check=False)
    if p.returncode != 1 or f"{gz}: corrupt gzip data" not in one_line(p.stderr):
        sys.exit(f"prepare_cli: corrupt .gz (exit {p.returncode}): {p.stderr}")
    empty = work / "in" / "empty.txt"
    empty.write_text("")
    p = run(1, ["--out", str(work / "o4"), str(empty)], check=False)
    if p.returncode == 0 or "empty corpus" not in one_line(p.stderr):
        sys.exit(f"prepare_cli: empty corpus (exit {p.returncode}): {p.stderr}")
    good = work / "in" / "good.jsonl"
    good.write_text('{"text": "fine"}\n')
    p = run(1, ["--out", str(work / "o5"), "--valid", str(good), str(good)], check=False)
    if p.returncode != 2 or f"{good}: given both as an input and with --valid" not in one_line(p.stderr):
        sys.exit(f"prepare_cli: a file both train and valid (exit {p.returncode}): {p.stderr}")
    print("prepare_cli errors: malformed JSONL line, missing input, corrupt .gz, empty corpus, a file in both "
          "splits: one line each")
else:
    sys.exit(f"prepare_cli: unknown mode {mode}")
