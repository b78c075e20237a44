#!/usr/bin/python3
"""Watches a sweep's results store while the sweep runs (h5py SWMR reader).

Usage: /usr/bin/python3 hdf5_schema/examples/read_live.py results/tiny.h5 [--every 5] [--once]

Prints job progress, row counts and the latest metric and loss-curve rows every
few seconds, until you press Ctrl-C (or after one report with --once). Works
during a sweep and after it: the file is opened with swmr=True and every
dataset is refreshed before it is read. Strings are fixed-length bytes in the
file and are decoded here. Schema: hdf5_schema/SCHEMA.md.
"""
import argparse
import time

import h5py


def text(b):
    return b.decode("utf-8")


def report(f):
    for name in ("points", "metrics", "curves", "runs", "errors"):
        f[name].refresh()  # see rows appended (and /points rows rewritten) since the last look
    points, metrics, curves = f["points"], f["metrics"], f["curves"]
    names = {v: k for k, v in h5py.check_enum_dtype(points.dtype["status"]).items()}
    status = points["status"] if len(points) else []
    counts = {}
    for s in status:
        counts[names.get(int(s), f"?{s}")] = counts.get(names.get(int(s), f"?{s}"), 0) + 1
    by_status = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"{time.strftime('%H:%M:%S')}  {counts.get('done', 0)}/{len(points)} jobs done"
          f" ({by_status or 'none'}); {len(metrics)} metrics rows, {len(f['runs'])} runs,"
          f" {len(curves)} curve rows, {len(f['errors'])} errors", flush=True)
    if len(metrics):
        m = metrics[-1]  # one row: a numpy record
        where = f"{text(m['prompt'])}/{text(m['task'])}" if m["prompt"] else "train run"
        print(f"  last metric: {text(m['model'])} D={m['data_tokens']} {where}"
              f" {text(m['metric'])} = {m['value']:.4g} +- {m['stderr']:.2g}")
    if len(curves):
        c = curves[-1]
        print(f"  last curve row: run {c['run_id']} attempt {c['attempt']} step {c['step']}"
              f" tokens {c['tokens']} loss {c['loss']:.4f} lr {c['lr']:.3g}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    ap.add_argument("--every", type=float, default=5.0, metavar="SECONDS")
    ap.add_argument("--once", action="store_true", help="print one report and exit")
    args = ap.parse_args()
    with h5py.File(args.store, "r", swmr=True) as f:
        print(f"{args.store}: sweep {text(f.attrs['sweep_name'])!r},"
              f" schema_version {int(f.attrs['schema_version'])}, session {int(f.attrs['sessions'])}")
        try:
            while True:
                report(f)
                if args.once:
                    break
                time.sleep(args.every)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
