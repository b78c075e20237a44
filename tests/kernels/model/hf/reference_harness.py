#!/usr/bin/env python3
"""Makes tests/kernels/model/hf/fixtures/*.jsonl from reference implementations
that sweep did not write: nanoGPT's model.py for GPT-2 and Lightning-AI litgpt's
model.py, config.py and HF weight conversion for GPT-NeoX and the Llama family.
Not run by CI (CI compares `sweep score` against the committed fixtures);
FIXTURES.md says how the fixtures were made and lists every shim below.

    reference_harness.py REF_DIR MODELS_DIR IDS_FILE OUT_DIR [NAME ...]

REF_DIR holds the references as extracted from their repositories (model.py:
nanoGPT's; litgpt/{model,config}.py and litgpt/scripts/convert_hf_checkpoint.py:
litgpt's), unedited; this file only imports them. MODELS_DIR is what
make_tiny_checkpoints.py wrote, IDS_FILE the token ids of score_text.txt as
`sweep tokenize` printed them (one line of space-separated ids per text line).
Writes OUT_DIR/NAME.jsonl, one {"ids": [...], "logprobs": [null, ...]} per line:
logprobs[i] = log p(ids[i] | ids[<i]) from an fp32 forward pass, the softmax
over every row of the model's output head.

Also checks each reference: the probabilities at every position sum to one,
and an independent numpy forward pass written here from Hugging Face's
modeling code's formulas (check_numpy) agrees to 1e-4.
"""
import json
import math
import os
import struct
import sys
import types

import numpy as np
import torch
import torch.nn.functional as F

# ---- reading the model folders (no safetensors package on Debian) ----------

_DTYPES = {"F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": ("<u2", 2)}


def read_safetensors(path):
    """name -> float32 numpy array (half precisions upcast exactly)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        np_dtype, _ = _DTYPES[info["dtype"]]
        a, b = info["data_offsets"]
        arr = np.frombuffer(data[base + a:base + b], dtype=np_dtype).reshape(info["shape"])
        if info["dtype"] == "BF16":
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        out[name] = arr.astype(np.float32)
    return out


def read_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for file in files:
        weights.update(read_safetensors(os.path.join(model_dir, file)))
    return weights


def read_config(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        return json.load(f)


# ---- shims: what the references import but Debian's torch 1.13 lacks -------

def sdpa_shim(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """torch 2's F.scaled_dot_product_attention, written plainly: softmax(q k^T *
    scale + mask) v. q, k, v: (B, nh, T, hs) with equal head counts (litgpt
    expands grouped keys and values before calling it)."""
    assert dropout_p == 0.0
    if scale is None:
        scale = 1.0 / math.sqrt(q.size(-1))
    att = (q @ k.transpose(-2, -1)) * scale  # (B, nh, T, S)
    T, S = q.size(-2), k.size(-2)
    if is_causal:
        causal = torch.ones(T, S, dtype=torch.bool, device=q.device).tril(diagonal=S - T)
        att = att.masked_fill(~causal, float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            att = att.masked_fill(~attn_mask, float("-inf"))
        else:
            att = att + attn_mask
    return torch.softmax(att, dim=-1) @ v  # (B, nh, T, hs)


def install_litgpt_shims():
    """Stubs for modules litgpt/scripts/convert_hf_checkpoint.py imports but the
    copy_weights_* functions used here never call (lazy loading, safetensors
    reading, progress bars, checkpoint saving), and the SDPA shim."""
    class NotYetLoadedTensor:  # lightning.fabric.utilities.load._NotYetLoadedTensor
        pass

    def unused(*args, **kwargs):
        raise RuntimeError("reference_harness: a stubbed function was called")

    for name in ("lightning", "lightning.fabric", "lightning.fabric.utilities"):
        sys.modules[name] = types.ModuleType(name)
    load = types.ModuleType("lightning.fabric.utilities.load")
    load._NotYetLoadedTensor = NotYetLoadedTensor
    sys.modules["lightning.fabric.utilities.load"] = load
    sys.modules["safetensors"] = types.ModuleType("safetensors")
    st = types.ModuleType("safetensors.torch")
    st.load_file = unused
    sys.modules["safetensors.torch"] = st
    tq = types.ModuleType("tqdm")
    tq.tqdm = type("tqdm", (), {})
    sys.modules["tqdm"] = tq
    utils = types.ModuleType("litgpt.utils")
    utils.extend_checkpoint_dir = unused
    utils.incremental_save = type("incremental_save", (), {})
    utils.lazy_load = unused
    utils.save_config = unused
    sys.modules["litgpt.utils"] = utils
    if not hasattr(F, "scaled_dot_product_attention"):
        F.scaled_dot_product_attention = sdpa_shim


# ---- GPT-2 through nanoGPT ---------------------------------------------------

CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


def nanogpt_model(ref_dir, model_dir):
    sys.path.insert(0, ref_dir)
    import model as nanogpt  # nanoGPT's model.py
    sys.path.pop(0)
    cfg = read_config(model_dir)
    assert cfg["activation_function"] == "gelu_new" and cfg.get("n_inner") is None
    conf = nanogpt.GPTConfig(block_size=cfg["n_positions"], vocab_size=cfg["vocab_size"],
                             n_layer=cfg["n_layer"], n_head=cfg["n_head"], n_embd=cfg["n_embd"],
                             dropout=0.0, bias=True)
    m = nanogpt.GPT(conf)
    # nanoGPT's MLP uses the exact GELU; HF GPT-2's gelu_new is the tanh form.
    for block in m.transformer.h:
        block.mlp.gelu = torch.nn.GELU(approximate="tanh")
    sd = {}
    for name, a in read_weights(model_dir).items():
        t = torch.from_numpy(a.copy())
        # HF's Conv1D stores (in, out); nanoGPT's Linear wants (out, in), as its from_pretrained does.
        sd[name] = t.t().contiguous() if name.endswith(CONV1D) else t
    sd["lm_head.weight"] = sd["transformer.wte.weight"]  # tied
    missing, unexpected = m.load_state_dict(sd, strict=False)
    assert not unexpected and all(k.endswith(".attn.bias") for k in missing), (missing, unexpected)
    m.eval()

    def logits(idx):  # (1, T) -> (1, T, V)
        out, _ = m(idx, targets=idx)  # with targets nanoGPT returns every position's logits
        return out
    return logits


# ---- GPT-NeoX and the Llama family through litgpt ---------------------------

def litgpt_config(Config, cfg):
    arch = cfg["architectures"][0]
    common = dict(block_size=cfg["max_position_embeddings"], n_layer=cfg["num_hidden_layers"],
                  n_embd=cfg["hidden_size"], n_head=cfg["num_attention_heads"],
                  vocab_size=cfg["vocab_size"], padded_vocab_size=cfg["vocab_size"],
                  intermediate_size=cfg["intermediate_size"])
    if arch == "GPTNeoXForCausalLM":
        assert cfg["hidden_act"] == "gelu" and not cfg["tie_word_embeddings"]
        # As litgpt's Pythia entries: LayerNorm, GptNeoxMLP, biases everywhere.
        return Config(name="tiny-neox", **common, rotary_percentage=cfg["rotary_pct"],
                      parallel_residual=cfg["use_parallel_residual"], bias=True,
                      norm_class_name="LayerNorm", norm_eps=cfg["layer_norm_eps"],
                      mlp_class_name="GptNeoxMLP", rope_base=cfg["rotary_emb_base"],
                      gelu_approximate="none")
    assert cfg["hidden_act"] == "silu" and not cfg.get("mlp_bias", False)
    assert cfg.get("sliding_window") is None
    n_head = cfg["num_attention_heads"]
    extra = {}
    scaling = cfg.get("rope_scaling")
    if scaling is not None:
        assert scaling["rope_type"] == "llama3"
        # As litgpt's Llama-3.1 entries.
        extra["rope_adjustments"] = dict(factor=scaling["factor"], low_freq_factor=scaling["low_freq_factor"],
                                         high_freq_factor=scaling["high_freq_factor"],
                                         original_max_seq_len=scaling["original_max_position_embeddings"])
    attn_bias = arch == "Qwen2ForCausalLM" or cfg.get("attention_bias", False)
    assert not (arch != "Qwen2ForCausalLM" and attn_bias), "o_proj bias not mapped"
    return Config(name="tiny-" + cfg["model_type"], **common, n_query_groups=cfg["num_key_value_heads"],
                  head_size=cfg.get("head_dim") or cfg["hidden_size"] // n_head, rotary_percentage=1.0,
                  parallel_residual=False, bias=False, attn_bias=attn_bias, norm_class_name="RMSNorm",
                  norm_eps=cfg["rms_norm_eps"], mlp_class_name="LLaMAMLP", rope_base=cfg["rope_theta"],
                  norm_qk=arch == "Qwen3ForCausalLM", **extra)


def litgpt_model(ref_dir, model_dir):
    install_litgpt_shims()
    sys.path.insert(0, ref_dir)
    from litgpt.config import Config
    from litgpt.model import GPT
    import litgpt.scripts.convert_hf_checkpoint as convert
    sys.path.pop(0)
    cfg = read_config(model_dir)
    config = litgpt_config(Config, cfg)
    hf = {name: torch.from_numpy(a.copy()) for name, a in read_weights(model_dir).items()}
    sd = {}
    arch = cfg["architectures"][0]
    if arch == "GPTNeoXForCausalLM":
        convert.copy_weights_gpt_neox(config, sd, hf)
    elif arch == "Qwen2ForCausalLM":
        convert.copy_weights_qwen_2_5(config, {}, sd, hf)
    elif arch == "Qwen3ForCausalLM":
        convert.copy_weights_qwen_3(config, {}, sd, hf)
    else:  # Llama, Mistral
        convert.copy_weights_hf_llama(config, {}, sd, hf)
    m = GPT(config)
    m.load_state_dict(sd, strict=True)
    m.eval()
    return lambda idx: m(idx)


# ---- an independent numpy forward from HF's formulas (a cross-check) --------

def _layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def _rms_norm(x, w, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w


def _gelu_erf(x):
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def _gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def _attend(q, k, v):
    """q: (H, T, d), k, v: (Hkv, T, d); causal softmax attention -> (T, H*d)."""
    H, T, d = q.shape
    rep = H // k.shape[0]
    k = np.repeat(k, rep, axis=0)
    v = np.repeat(v, rep, axis=0)
    s = q @ k.transpose(0, 2, 1) / math.sqrt(d)  # (H, T, T)
    s = s + np.triu(np.full((T, T), -np.inf), 1)
    s = np.exp(s - s.max(-1, keepdims=True))
    s = s / s.sum(-1, keepdims=True)
    return (s @ v).transpose(1, 0, 2).reshape(T, H * d)


def _inv_freq(cfg, rot):
    base = cfg.get("rope_theta", cfg.get("rotary_emb_base", 10000.0))
    inv = 1.0 / base ** (np.arange(0, rot, 2) / rot)
    sc = cfg.get("rope_scaling")
    if sc:  # Llama 3.1: keep high frequencies, divide low ones by factor, blend between
        lo_wl = sc["original_max_position_embeddings"] / sc["low_freq_factor"]
        hi_wl = sc["original_max_position_embeddings"] / sc["high_freq_factor"]
        out = []
        for f in inv:
            wl = 2 * math.pi / f
            if wl < hi_wl:
                out.append(f)
            elif wl > lo_wl:
                out.append(f / sc["factor"])
            else:
                s = (sc["original_max_position_embeddings"] / wl - sc["low_freq_factor"]) / \
                    (sc["high_freq_factor"] - sc["low_freq_factor"])
                out.append((1 - s) * f / sc["factor"] + s * f)
        inv = np.array(out)
    return inv


def _rope(x, inv):
    """x: (H, T, rot) rotate-half form, as HF's Llama and GPT-NeoX apply it."""
    T = x.shape[1]
    ang = np.outer(np.arange(T), inv)
    ang = np.concatenate([ang, ang], -1)  # (T, rot)
    half = x.shape[-1] // 2
    rot = np.concatenate([-x[..., half:], x[..., :half]], -1)
    return x * np.cos(ang) + rot * np.sin(ang)


def numpy_logits(model_dir, ids):
    """Float64 forward pass of one sequence -> (T, V) logits."""
    cfg = read_config(model_dir)
    w = {k: v.astype(np.float64) for k, v in read_weights(model_dir).items()}
    arch = cfg["architectures"][0]
    T = len(ids)
    if arch == "GPT2LMHeadModel":
        C, H, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
        x = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][:T]
        for i in range(cfg["n_layer"]):
            p = "transformer.h.%d." % i
            h = _layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
            qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
            q, k, v = (a.reshape(T, H, C // H).transpose(1, 0, 2) for a in np.split(qkv, 3, -1))
            x = x + _attend(q, k, v) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
            h = _layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
            h = _gelu_tanh(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
            x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        x = _layer_norm(x, w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], eps)
        return x @ w["transformer.wte.weight"].T
    if arch == "GPTNeoXForCausalLM":
        C, H, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
        d = C // H
        rot = int(d * cfg["rotary_pct"])
        inv = _inv_freq(cfg, rot)
        x = w["gpt_neox.embed_in.weight"][ids]
        for i in range(cfg["num_hidden_layers"]):
            p = "gpt_neox.layers.%d." % i
            h = _layer_norm(x, w[p + "input_layernorm.weight"], w[p + "input_layernorm.bias"], eps)
            qkv = h @ w[p + "attention.query_key_value.weight"].T + w[p + "attention.query_key_value.bias"]
            qkv = qkv.reshape(T, H, 3 * d).transpose(1, 0, 2)  # (H, T, 3d): per head q, k, v
            q, k, v = qkv[..., :d], qkv[..., d:2 * d], qkv[..., 2 * d:]
            q = np.concatenate([_rope(q[..., :rot], inv), q[..., rot:]], -1)
            k = np.concatenate([_rope(k[..., :rot], inv), k[..., rot:]], -1)
            a = _attend(q, k, v) @ w[p + "attention.dense.weight"].T + w[p + "attention.dense.bias"]

            def mlp(h):
                h = _gelu_erf(h @ w[p + "mlp.dense_h_to_4h.weight"].T + w[p + "mlp.dense_h_to_4h.bias"])
                return h @ w[p + "mlp.dense_4h_to_h.weight"].T + w[p + "mlp.dense_4h_to_h.bias"]
            ln2 = lambda y: _layer_norm(y, w[p + "post_attention_layernorm.weight"],
                                        w[p + "post_attention_layernorm.bias"], eps)
            if cfg["use_parallel_residual"]:
                x = x + a + mlp(ln2(x))
            else:
                x = x + a
                x = x + mlp(ln2(x))
        x = _layer_norm(x, w["gpt_neox.final_layer_norm.weight"], w["gpt_neox.final_layer_norm.bias"], eps)
        return x @ w["embed_out.weight"].T
    # The Llama family.
    C, H, Hkv, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["rms_norm_eps"]
    d = cfg.get("head_dim") or C // H
    inv = _inv_freq(cfg, d)
    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d.self_attn." % i
        h = _rms_norm(x, w["model.layers.%d.input_layernorm.weight" % i], eps)

        def proj(n, heads):
            y = h @ w[p + n + "_proj.weight"].T
            if p + n + "_proj.bias" in w:
                y = y + w[p + n + "_proj.bias"]
            y = y.reshape(T, heads, d).transpose(1, 0, 2)  # (heads, T, d)
            if p + n + "_norm.weight" in w:
                y = _rms_norm(y, w[p + n + "_norm.weight"], eps)
            return y
        q, k, v = proj("q", H), proj("k", Hkv), proj("v", Hkv)
        x = x + _attend(_rope(q, inv), _rope(k, inv), v) @ w[p + "o_proj.weight"].T
        p = "model.layers.%d." % i
        h = _rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = h @ w[p + "mlp.gate_proj.weight"].T
        u = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (g / (1 + np.exp(-g)) * u) @ w[p + "mlp.down_proj.weight"].T
    x = _rms_norm(x, w["model.norm.weight"], eps)
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    return x @ head.T


# ---- scoring -----------------------------------------------------------------

def score(logits_fn, ids):
    """fp32 log p(ids[i] | ids[<i]) for i >= 1; also the largest |sum p - 1|."""
    with torch.no_grad():
        logits = logits_fn(torch.tensor([ids], dtype=torch.long))[0].float()  # (T, V)
    lp = torch.log_softmax(logits, dim=-1)
    sum_err = float((lp.exp().double().sum(-1) - 1).abs().max())
    out = [None] + [float(lp[i - 1, ids[i]]) for i in range(1, len(ids))]
    return out, sum_err, logits


def main():
    if len(sys.argv) < 5:
        raise SystemExit("usage: reference_harness.py REF_DIR MODELS_DIR IDS_FILE OUT_DIR [NAME ...]")
    ref_dir, models_dir, ids_file, out_dir = sys.argv[1:5]
    names = sys.argv[5:] or ["gpt2", "neox", "neox-serial", "llama", "mistral", "qwen2", "qwen3", "smollm",
                             "llama-bf16", "llama-fp16", "llama-sharded"]
    with open(ids_file) as f:
        lines = [[int(t) for t in line.split()] for line in f]
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    # nanoGPT picks its attention path when built: build it before the SDPA shim exists.
    for name in sorted(names, key=lambda n: n != "gpt2"):
        model_dir = os.path.join(models_dir, name)
        arch = read_config(model_dir)["architectures"][0]
        if arch == "GPT2LMHeadModel":
            fn, ref = nanogpt_model(ref_dir, model_dir), "nanoGPT"
        else:
            fn, ref = litgpt_model(ref_dir, model_dir), "litgpt"
        worst_sum, worst_np = 0.0, 0.0
        with open(os.path.join(out_dir, name + ".jsonl"), "w") as out:
            for ids in lines:
                lps, sum_err, logits = score(fn, ids)
                worst_sum = max(worst_sum, sum_err)
                ref_np = numpy_logits(model_dir, ids)
                ref_np = ref_np - ref_np.max(-1, keepdims=True)
                ref_np = ref_np - np.log(np.exp(ref_np).sum(-1, keepdims=True))
                for i in range(1, len(ids)):
                    worst_np = max(worst_np, abs(lps[i] - ref_np[i - 1, ids[i]]))
                out.write(json.dumps({"ids": ids, "logprobs": lps}) + "\n")
        print("%-14s %-8s lines %d  max|sum p - 1| %.2e  max|ref - numpy| %.2e"
              % (name, ref, len(lines), worst_sum, worst_np))
        if worst_sum > 1e-5 or worst_np > 1e-4:
            raise SystemExit("reference_harness: %s fails its cross-check" % name)


if __name__ == "__main__":
    main()
