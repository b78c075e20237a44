#!/usr/bin/python3
"""Regenerate the published-curve CSVs in this folder from the project's shared
reference files.

    /usr/bin/python3 tests/analysis/published/make_csvs.py [LMEVAL_CSV [OBSSCALING_CSV [OUT_DIR]]]

Defaults: /work/shared/reference/external/lmeval_pythia_opt.csv,
/work/shared/reference/external/obsscaling_families.csv, and this script's folder.

The inputs encode the model family in the task column as `task@family`.
The outputs split that into a `family` column and a plain `task`; every other
column and value is copied as text, unchanged (no re-parsing, no rounding).
  lmeval_pythia.csv  rows of LMEVAL_CSV with family pythia
  lmeval_opt.csv     rows of LMEVAL_CSV with family opt
  obsscaling.csv     all rows of OBSSCALING_CSV
Row order within each output is the input's order. Python 3 stdlib only.
"""
import csv
import os
import sys

IN_COLUMNS = ["model", "n_params", "data_tokens", "flops", "task", "prompt", "metric",
              "value", "stderr", "n_examples", "random_baseline"]
OUT_COLUMNS = ["model", "family", "n_params", "data_tokens", "flops", "task", "prompt",
               "metric", "value", "stderr", "n_examples", "random_baseline"]

DEFAULT_LMEVAL = "/work/shared/reference/external/lmeval_pythia_opt.csv"
DEFAULT_OBS = "/work/shared/reference/external/obsscaling_families.csv"


def read_rows(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != IN_COLUMNS:
            sys.exit(f"{path}: columns {reader.fieldnames}, expected {IN_COLUMNS}")
        rows = []
        for line, r in enumerate(reader, start=2):
            task, sep, family = r["task"].partition("@")
            if not sep or not task or not family or "@" in family:
                sys.exit(f"{path}:{line}: task {r['task']!r} is not TASK@FAMILY")
            out = dict(r)
            out["task"] = task
            out["family"] = family
            rows.append(out)
    return rows


def write_rows(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=OUT_COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in OUT_COLUMNS})
    print(f"{path}: {len(rows)} rows")


def main(argv):
    lmeval = argv[1] if len(argv) > 1 else DEFAULT_LMEVAL
    obs = argv[2] if len(argv) > 2 else DEFAULT_OBS
    out_dir = argv[3] if len(argv) > 3 else os.path.dirname(os.path.abspath(__file__))

    lm_rows = read_rows(lmeval)
    families = sorted({r["family"] for r in lm_rows})
    if families != ["opt", "pythia"]:
        sys.exit(f"{lmeval}: families {families}, expected opt and pythia")
    for fam in ("pythia", "opt"):
        write_rows(os.path.join(out_dir, f"lmeval_{fam}.csv"),
                   [r for r in lm_rows if r["family"] == fam])
    write_rows(os.path.join(out_dir, "obsscaling.csv"), read_rows(obs))


if __name__ == "__main__":
    main(sys.argv)
