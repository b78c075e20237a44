#!/usr/bin/python3
"""Checks hdf5_schema/SCHEMA.md against a real results store.

Usage: /usr/bin/python3 tests/python/check_schema_doc.py STORE.h5 SCHEMA.md

Every dataset, column, attribute and status-enum member documented in SCHEMA.md
must exist in STORE.h5 with the documented type, and nothing undocumented may
exist. What is parsed (see SCHEMA.md, "Checking this document"):
  ## `/NAME`            then a table with columns `column`, `HDF5 type`
  ## Root attributes    then a table with `attribute`, `HDF5 type` (`<k>` = 1, 2, ...)
  ## Dataset attributes then a table with `attribute`, `HDF5 type` (every dataset)
  ## Status enum        then a table with `name`, `value` (/points.status)
Types: int32 int64 uint64 float64 (little-endian), string[N], string (any fixed
length), enum uint8.

Prints one summary line; exits 0 if they match, 1 on any mismatch (each printed
on stderr), 2 on a usage or parse error.
"""
import re
import sys


def die(msg, code=2):
    print(f"check_schema_doc: {msg}", file=sys.stderr)
    sys.exit(code)


def cells(line):
    return [c.strip().strip("`").strip() for c in line.strip().strip("|").split("|")]


def parse_doc(path):
    """Returns {section heading: [row dicts of its first table]}."""
    sections = {}
    heading = None
    table = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            heading = line[3:].strip()
            table = None
        elif heading is not None and line.lstrip().startswith("|") and heading not in sections:
            header = cells(line)
            if i + 1 < len(lines) and re.match(r"^\s*\|[\s:|-]+\|\s*$", lines[i + 1]):
                rows = []
                i += 2
                while i < len(lines) and lines[i].lstrip().startswith("|"):
                    rows.append(dict(zip(header, cells(lines[i]))))
                    i += 1
                sections[heading] = rows
                continue
        i += 1
    return sections


def type_name(dt, h5py):
    """The SCHEMA.md notation for a numpy dtype read by h5py."""
    if h5py.check_enum_dtype(dt) is not None:
        return f"enum {'u' if dt.kind == 'u' else ''}int{8 * dt.itemsize}"
    if h5py.check_string_dtype(dt) is not None and dt.kind == "O":
        return "variable-length string"
    if dt.kind == "S":
        return f"string[{dt.itemsize}]"
    if dt.byteorder == ">":
        return f"big-endian {dt.name}"
    if dt.kind in "iuf":
        return {"i": "int", "u": "uint", "f": "float"}[dt.kind] + str(8 * dt.itemsize)
    return str(dt)


def matches(doc_type, actual):
    doc_type = doc_type.strip()
    if doc_type == "string":
        return actual.startswith("string[")
    return doc_type == actual


def main():
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        die("usage: check_schema_doc.py STORE.h5 SCHEMA.md")
    store, doc = sys.argv[1], sys.argv[2]
    try:
        import h5py
    except ImportError as e:
        die(f"{e}; run with Debian's /usr/bin/python3 (python3-h5py)")
    try:
        sections = parse_doc(doc)
    except OSError as e:
        die(f"cannot read {doc}: {e}")

    datasets = {m.group(1): rows for h, rows in sections.items()
                if (m := re.fullmatch(r"`/(\w+)`", h))}
    root_doc = sections.get("Root attributes")
    ds_attr_doc = sections.get("Dataset attributes")
    enum_doc = sections.get("Status enum")
    if not datasets or root_doc is None or ds_attr_doc is None or enum_doc is None:
        die(f"{doc}: expected '## `/name`' dataset tables and 'Root attributes', "
            "'Dataset attributes', 'Status enum' tables")
    for name, rows in datasets.items():
        if not rows or "column" not in rows[0] or "HDF5 type" not in rows[0]:
            die(f"{doc}: the table under ## `/{name}` lacks 'column' and 'HDF5 type' columns")

    problems = []
    try:
        f = h5py.File(store, "r")
    except OSError:
        try:
            f = h5py.File(store, "r", swmr=True)
        except OSError as e:
            die(f"cannot open {store}: {e}")

    n_columns = 0
    with f:
        # Root attributes.
        exact = {r["attribute"]: r["HDF5 type"] for r in root_doc if "<k>" not in r["attribute"]}
        patterns = [(re.compile(re.escape(r["attribute"]).replace(re.escape("<k>"), "[1-9][0-9]*") + "$"),
                     r["HDF5 type"]) for r in root_doc if "<k>" in r["attribute"]]
        for name, want in exact.items():
            if name not in f.attrs:
                problems.append(f"root attribute '{name}' is documented but missing")
        for name in f.attrs:
            actual = type_name(f.attrs.get_id(name).dtype, h5py)
            want = exact.get(name)
            if want is None:
                want = next((t for p, t in patterns if p.match(name)), None)
            if want is None:
                problems.append(f"root attribute '{name}' ({actual}) is not documented")
            elif not matches(want, actual):
                problems.append(f"root attribute '{name}' is {actual}, documented as {want}")

        # Datasets.
        for name in f:
            if name not in datasets:
                problems.append(f"/{name} is not documented")
        ds_attrs = {r["attribute"]: r["HDF5 type"] for r in ds_attr_doc}
        for name, rows in datasets.items():
            if name not in f:
                problems.append(f"dataset /{name} is documented but missing")
                continue
            ds = f[name]
            if not isinstance(ds, h5py.Dataset) or ds.dtype.names is None:
                problems.append(f"/{name} is not a compound dataset")
                continue
            documented = [r["column"] for r in rows]
            actual_cols = list(ds.dtype.names)
            n_columns += len(documented)
            for r in rows:
                col = r["column"]
                if col not in ds.dtype.names:
                    problems.append(f"/{name}: column '{col}' is documented but missing")
                    continue
                actual = type_name(ds.dtype.fields[col][0], h5py)
                if not matches(r["HDF5 type"], actual):
                    problems.append(f"/{name}: column '{col}' is {actual}, documented as {r['HDF5 type']}")
            for col in actual_cols:
                if col not in documented:
                    problems.append(f"/{name}: column '{col}' "
                                    f"({type_name(ds.dtype.fields[col][0], h5py)}) is not documented")
            common = [c for c in actual_cols if c in documented]
            if common != [c for c in documented if c in actual_cols]:
                problems.append(f"/{name}: columns are in order {actual_cols}, documented {documented}")
            for a, want in ds_attrs.items():
                if a not in ds.attrs:
                    problems.append(f"/{name}: attribute '{a}' is documented but missing")
            for a in ds.attrs:
                actual = type_name(ds.attrs.get_id(a).dtype, h5py)
                if a not in ds_attrs:
                    problems.append(f"/{name}: attribute '{a}' ({actual}) is not documented")
                elif not matches(ds_attrs[a], actual):
                    problems.append(f"/{name}: attribute '{a}' is {actual}, documented as {ds_attrs[a]}")

        # The status enum.
        if "points" in f and f["points"].dtype.names and "status" in f["points"].dtype.names:
            mapping = h5py.check_enum_dtype(f["points"].dtype.fields["status"][0])
            want = {r["name"]: int(r["value"]) for r in enum_doc}
            if mapping is None:
                problems.append("/points: column 'status' is not an enum")
            elif dict(mapping) != want:
                problems.append(f"/points: status enum is {dict(mapping)}, documented as {want}")

    if problems:
        for p in problems:
            print(f"check_schema_doc: MISMATCH: {p}", file=sys.stderr)
        print(f"check_schema_doc: FAIL: {len(problems)} mismatches between {store} and {doc}")
        sys.exit(1)
    print(f"check_schema_doc: OK: {len(datasets)} datasets, {n_columns} columns, "
          f"{len(root_doc)} root attributes (or patterns) of {doc} match {store}")


if __name__ == "__main__":
    main()
