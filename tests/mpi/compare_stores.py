"""Two stores of the same grid and seed hold the same /metrics (values, standard
errors and random baselines) and the same /examples (prompts and model outputs),
whatever the rank count that wrote them (rows may arrive in another order)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

import numpy as np  # noqa: E402


def load(path):
    df = sweepstore.table(path, "metrics")
    return df.sort_values(["point_id", "metric"]).reset_index(drop=True)


a, b = load(sys.argv[1]), load(sys.argv[2])
if len(a) != len(b) or len(a) == 0:
    sys.exit(f"compare_stores: row counts differ or empty: {len(a)} vs {len(b)}")
keys = ["point_id", "model", "n_params", "data_tokens", "prompt", "task", "metric", "n_examples"]
if not a[keys].equals(b[keys]):
    sys.exit("compare_stores: the stores hold different points or metrics")
for col in ("value", "stderr", "random_baseline"):
    diff = np.abs(a[col].to_numpy() - b[col].to_numpy())
    worst = int(np.argmax(diff))
    if diff[worst] != 0.0:
        r = a.iloc[worst]
        sys.exit(f"compare_stores: {col} differs, worst {r['model']} {r['data_tokens']} {r['prompt']} "
                 f"{r['task']} {r['metric']}: {a[col][worst]!r} vs {b[col][worst]!r}")
ea = sweepstore.table(sys.argv[1], "examples").sort_values("point_id").reset_index(drop=True)
eb = sweepstore.table(sys.argv[2], "examples").sort_values("point_id").reset_index(drop=True)
if not ea.equals(eb):
    sys.exit(f"compare_stores: /examples differ ({len(ea)} vs {len(eb)} rows)")
print(f"compare_stores: {len(a)} metrics rows and {len(ea)} examples identical")
