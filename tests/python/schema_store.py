"""Writes a sweep store with h5py, for Python tests that need a store of a
given content without running a sweep (the C++ writer is reachable only from
C++). The column layout of every table is read from hdf5_schema/SCHEMA.md
itself (its `numpy` column), so a test store has the documented compound
types, and a change of the document changes the test stores with it.

    import schema_store
    schema_store.write(path, {"metrics": [dict(...), ...], "runs": [...], "curves": [...]})

Each row is a dict by column name; columns a row leaves out are 0, 0.0 or "".
Tables not given are written empty. Root attribute: schema_version (5 unless
given), which is what the readers check.
"""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_schema_doc  # noqa: E402

SCHEMA_MD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hdf5_schema", "SCHEMA.md")
TABLES = ["points", "metrics", "errors", "runs", "curves", "examples"]


def dtypes(schema_md=SCHEMA_MD):
    """{table: numpy structured dtype} as SCHEMA.md documents each table (packed, in column order)."""
    sections = check_schema_doc.parse_doc(schema_md)
    status = {r["name"]: int(r["value"]) for r in sections["Status enum"]}
    out = {}
    for table in TABLES:
        fields = []
        for row in sections[f"`/{table}`"]:
            code = row["numpy"].split("`")[0].strip()
            if "enum" in row["numpy"]:
                fields.append((row["column"], h5py.enum_dtype(status, basetype=np.dtype(code))))
            elif np.dtype(code).kind == "S":
                # UTF-8 as the C++ writer stores it: HDF5 converts no ASCII string to UTF-8.
                fields.append((row["column"], h5py.string_dtype("utf-8", np.dtype(code).itemsize)))
            else:
                fields.append((row["column"], np.dtype(code)))
        out[table] = np.dtype(fields)
    return out


def write(path, tables, schema_version=5, drop_columns=None):
    """A store at `path` holding `tables` ({name: [row dict]}). `drop_columns`
    ({table: [column]}) leaves columns out, to write an older layout."""
    types = dtypes()
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["schema_version"] = np.int32(schema_version)
        f.attrs["sessions"] = np.int32(1)
        for name, dt in types.items():
            dropped = set((drop_columns or {}).get(name, []))
            if dropped:
                dt = np.dtype([(n, dt.fields[n][0]) for n in dt.names if n not in dropped])
            rows = tables.get(name, [])
            data = np.zeros(len(rows), dtype=dt)
            for i, row in enumerate(rows):
                unknown = set(row) - set(dt.names)
                if unknown:
                    raise KeyError(f"{path}: /{name} has no column {sorted(unknown)}")
                for column, value in row.items():
                    data[column][i] = value.encode("utf-8") if isinstance(value, str) else value
            f.create_dataset(name, data=data, maxshape=(None,), chunks=True)
