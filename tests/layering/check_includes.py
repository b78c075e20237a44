#!/usr/bin/env python3
"""The house's layering, checked over every #include of sweep's own code.

Each source folder may include only the folders below it in LAYERS (and
itself); torch and MPI headers only where TORCH and MPI allow. The allowed
table is a DAG, so the folder graph drawn from the code has no cycles when
this check passes; the graph is also searched for cycles directly. Exits 1 with
one line per offending include (file:line: what it includes, what is allowed).

    check_includes.py SOURCE_DIR            check the tree
    check_includes.py SOURCE_DIR --graph    print the folder graph drawn from the code
    check_includes.py --self-test           the check passes a downward tree, fails upward ones
"""
import os
import re
import sys

# folder -> folders it may include (besides itself), lowest layers first.
KERNEL_BASE = ["common", "text", "hf", "spec"]
LAYERS = {
    "common": [],
    "text": ["common"],
    "hf": ["common", "text"],
    "spec": ["common", "text", "hf"],
    "wire": ["common", "spec"],
    "hdf5_schema": ["common"],
    "analysis": ["common", "hdf5_schema"],
    "orchestrator": ["common", "spec", "wire", "hdf5_schema"],
    "kernels/data": KERNEL_BASE,
    "kernels/device": KERNEL_BASE + ["wire"],
    "kernels/model": KERNEL_BASE + ["kernels/device"],
    "kernels/eval": KERNEL_BASE + ["wire", "kernels/data", "kernels/model", "kernels/device"],
    "kernels/train": KERNEL_BASE + ["wire", "kernels/data", "kernels/model", "kernels/device"],
    "workers": KERNEL_BASE + ["wire", "kernels/data", "kernels/model", "kernels/eval", "kernels/train",
                              "kernels/device"],
    # The front ends reach the worker side only through workers/entry.hpp (a
    # C function loaded at run time), never its headers that pull in torch.
    "cli": ["common", "text", "hf", "spec", "wire", "hdf5_schema", "analysis", "orchestrator", "workers/entry.hpp"],
}
# Where torch and MPI headers may appear (the orchestrator, the store and the
# front ends stay free of torch; MPI lives in the wire and the collectives).
TORCH = ("kernels/model", "kernels/eval", "kernels/train", "kernels/device", "workers")
MPI = ("wire", "kernels/device/collectives")
SOURCE = re.compile(r".*\.(cpp|hpp|h|cc)$")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def folder_of(path):
    """The layer a repository path belongs to (longest LAYERS key that prefixes it)."""
    best = None
    for key in LAYERS:
        if path == key or path.startswith(key + "/"):
            if best is None or len(key) > len(best):
                best = key
    return best


def allowed(src_folder, target):
    if folder_of(target) == src_folder:
        return True
    for a in LAYERS[src_folder]:
        if target == a or target.startswith(a + "/"):
            return True
    return False


def scan(root):
    problems, edges = [], {}
    for top in LAYERS:
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for dirpath, _, files in os.walk(base):
            for name in files:
                if not SOURCE.match(name):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root)
                src = folder_of(rel)
                if src != top:
                    continue  # walked again under its own (deeper) key
                with open(full, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        kind, target = m.groups()
                        where = f"{rel}:{n}"
                        if kind == "<":
                            if target.startswith(("torch/", "ATen/", "c10/")) and not rel.startswith(TORCH):
                                problems.append(f"{where}: includes <{target}>; torch headers belong in {', '.join(TORCH)}")
                            if target in ("mpi.h", "nccl.h") and not rel.startswith(MPI):
                                problems.append(f"{where}: includes <{target}>; MPI is called only in {', '.join(MPI)}")
                            continue
                        if not os.path.exists(os.path.join(root, target)):
                            problems.append(f'{where}: includes "{target}", which does not exist (a stale path?)')
                            continue
                        dst = folder_of(target)
                        if dst is None:
                            problems.append(f'{where}: includes "{target}", outside every layer')
                            continue
                        if dst != src:
                            edges.setdefault(src, set()).add(dst)
                        if not allowed(src, target):
                            problems.append(f'{where}: {src} includes "{target}" ({dst}); {src} may include only '
                                            f"{', '.join(LAYERS[src]) or 'nothing of sweep'}")
    return problems, edges


def cycles(edges):
    found, state = [], {}

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                found.append(" -> ".join(path[path.index(nxt):] + [nxt]) if nxt in path else f"{node} -> {nxt}")
            elif state.get(nxt) is None:
                visit(nxt, path + [nxt])
        state[node] = 2

    for n in sorted(edges):
        if state.get(n) is None:
            visit(n, [n])
    return found


def self_test():
    """Small trees: a downward include passes; an upward one, a cycle, torch in
    the orchestrator, a stale path and the front end past the worker entry each fail."""
    import tempfile

    def tree(files):
        root = tempfile.mkdtemp()
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(text)
        return root

    base = {"spec/spec.hpp": "#pragma once\n", "common/clock.hpp": "#pragma once\n"}
    good = dict(base, **{"orchestrator/master.cpp": '#include "spec/spec.hpp"\n#include "common/clock.hpp"\n',
                         "cli/main.cpp": '#include "workers/entry.hpp"\n', "workers/entry.hpp": "#pragma once\n"})
    bad = {
        "upward": dict(base, **{"spec/grid.cpp": '#include "orchestrator/master.hpp"\n',
                                "orchestrator/master.hpp": "#pragma once\n"}),
        "torch in orchestrator": dict(base, **{"orchestrator/master.cpp": "#include <torch/torch.h>\n"}),
        "mpi in spec": dict(base, **{"spec/grid.cpp": "#include <mpi.h>\n"}),
        "stale path": dict(base, **{"spec/grid.cpp": '#include "spec/gone.hpp"\n'}),
        "cli past the worker entry": dict(base, **{"cli/main.cpp": '#include "workers/worker.hpp"\n',
                                                   "workers/worker.hpp": "#pragma once\n"}),
    }
    failures = []
    if scan(tree(good))[0]:
        failures.append("a downward tree was refused: " + "; ".join(scan(tree(good))[0]))
    for name, files in bad.items():
        if not scan(tree(files))[0]:
            failures.append(f"{name}: not caught")
    if cycles({"a": {"b"}, "b": {"a"}}) == []:
        failures.append("a two-folder cycle was not found")
    for f in failures:
        print("self-test:", f)
    print("self-test", "failed" if failures else f"ok: {len(bad)} bad trees refused, a cycle found")
    return 1 if failures else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    problems, edges = scan(root)
    if "--graph" in sys.argv:
        for src in sorted(edges):
            print(f"{src} -> {', '.join(sorted(edges[src]))}")
    for c in cycles(edges):
        problems.append(f"folder cycle: {c}")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layering problem(s); the allowed table is LAYERS in {__file__}", file=sys.stderr)
        return 1
    print(f"layering ok: {len(edges)} folders with includes, no upward include, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
