"""The held-out loss of the largest model at the most data is below that of the
smallest model at the least data, and n_params grows with model size: the
minimum a scaling curve must show. Usage: loss_falls_with_scale.py STORE.h5"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "hdf5_schema" / "python"))
import sweepstore  # noqa: E402

df = sweepstore.table(sys.argv[1], "metrics")
loss = df[df.metric == "eval_loss"]
if loss.empty:
    sys.exit("loss_falls_with_scale: no eval_loss rows")
small = loss[(loss.n_params == loss.n_params.min()) & (loss.data_tokens == loss.data_tokens.min())]
large = loss[(loss.n_params == loss.n_params.max()) & (loss.data_tokens == loss.data_tokens.max())]
if len(small) != 1 or len(large) != 1:
    sys.exit("loss_falls_with_scale: want one run at each corner of the grid")
s, l = small.iloc[0], large.iloc[0]
print(f"eval_loss: {l.model} (n_params {l.n_params}, {l.data_tokens} tokens) = {l.value:.4f}; "
      f"{s.model} (n_params {s.n_params}, {s.data_tokens} tokens) = {s.value:.4f}")
if not l.value < s.value:
    sys.exit("loss_falls_with_scale: the largest run's loss is not below the smallest's")
sizes = loss.groupby("model").n_params.first().sort_values()
print("n_params by model: " + ", ".join(f"{m}={n}" for m, n in sizes.items()))
if sizes.nunique() != len(sizes):
    sys.exit("loss_falls_with_scale: two models have the same n_params")
