#!/usr/bin/env python3
"""Writes tiny Hugging Face model folders (random weights) for sweep's hf tests.

    make_tiny_checkpoints.py OUT_DIR
    make_tiny_checkpoints.py --bench OUT_DIR   # OUT_DIR/bench-gpt2 only

--bench writes one GPT-2-shaped folder of benchmark size instead (6 layers,
d 384, 6 heads, vocabulary 50257, context 1024; ~120 MB) for bench/hf_eval.

Each folder is laid out as transformers' save_pretrained leaves it: config.json
(sorted keys, the architecture's own keys), model.safetensors (or two shards and
model.safetensors.index.json) and tokenizer.json. Tensor names and shapes are
transformers' own, e.g. GPT-2's Conv1D weights stored (in, out) and GPT-NeoX's
fused query_key_value interleaved per head. Sizes: hidden 64, 2 layers, 4 heads,
vocabulary a few hundred, so each folder is a few hundred kB.

Needs only numpy, and the bytes are the same on every machine: weights come from
numpy.random.RandomState (a stream-stable generator) through additions only (a
sum of four uniforms, roughly normal), never through libm, and the safetensors
and JSON writers here fix every byte. tests/kernels/model/hf/fixtures/ holds
log-probabilities that reference implementations computed from these folders,
so a change here invalidates them (FIXTURES.md says how to remake them).
"""
import json
import os
import re
import struct
import sys

import numpy as np

HIDDEN = 64
LAYERS = 2
HEADS = 4
TRANSFORMERS_VERSION = "4.46.0"

# The tokenizer's merges are learned from this paragraph (ASCII, so the ASCII
# form of GPT-2's pre-tokenizer regex below splits it exactly as GPT-2's does).
TRAINING_TEXT = (
    "The quick brown fox jumps over the lazy dog. A language model assigns a "
    "probability to every sequence of tokens; the more data it sees, the lower "
    "its loss on held-out text. We train the models on the grid, then we "
    "evaluate them on the same tasks, and we compare the results with the "
    "scaling laws that others have found. There are three things to measure: "
    "the loss, the accuracy on the tasks, and the time it takes to train. "
    "In 2020 there were models with 175 billion parameters; in the years that "
    "followed, the number of tokens they were trained on grew faster than "
    "the number of parameters. It's the ratio of the two that matters, and "
    "they're still learning how to choose it. The model that was trained "
    "the longest is not the one that is the best, but the one that is the "
    "best for the compute that was spent on it. Then there is the question "
    "of the data: where it comes from, what is in it, and whether the test "
    "set is in the training set too."
)
NUM_MERGES = 100
EOT = "<|endoftext|>"
GPT2_ASCII_PATTERN = re.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    """GPT-2's byte -> printable character table, in GPT-2's id order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + \
        list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [(b, chr(c)) for b, c in zip(bs, cs)]


def learn_merges():
    """Byte-pair merges learned from TRAINING_TEXT: the most frequent adjacent
    pair within a word, ties to the lexicographically smallest; a pair whose
    merged string is already a token is passed over so the vocabulary stays
    one string per id."""
    table = dict(bytes_to_unicode())
    words = {}
    for w in GPT2_ASCII_PATTERN.findall(TRAINING_TEXT):
        key = tuple(table[b] for b in w.encode("utf-8"))
        words[key] = words.get(key, 0) + 1
    tokens = set(table.values())
    merges = []
    while len(merges) < NUM_MERGES:
        counts = {}
        for w, n in words.items():
            for pair in zip(w, w[1:]):
                counts[pair] = counts.get(pair, 0) + n
        candidates = sorted((-n, pair) for pair, n in counts.items() if pair[0] + pair[1] not in tokens)
        if not candidates or -candidates[0][0] < 2:
            raise SystemExit("make_tiny_checkpoints.py: the training text yields only %d merges" % len(merges))
        a, b = candidates[0][1]
        merges.append((a, b))
        tokens.add(a + b)
        merged = {}
        for w, n in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + n
        words = merged
    return merges


def tokenizer_json():
    """A GPT-2-style byte-level BPE tokenizer.json: ids 0..255 the byte
    characters in GPT-2's order, then one id per merge, then <|endoftext|>."""
    vocab = {}
    for _, ch in bytes_to_unicode():
        vocab[ch] = len(vocab)
    merges = learn_merges()
    for a, b in merges:
        vocab[a + b] = len(vocab)
    eot_id = len(vocab)
    vocab[EOT] = eot_id
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": eot_id, "content": EOT, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True}],
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": ["%s %s" % m for m in merges]},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n", eot_id


# ---- weights ---------------------------------------------------------------

class Weights:
    """Draws tensors in the order they are asked for from one seeded stream."""

    def __init__(self, seed):
        self.rs = np.random.RandomState(seed)
        self.tensors = {}  # name -> float32 array, in insertion order

    def normal(self, name, shape, std):
        rows = []
        # Row blocks keep the float64 draws of a large embedding small.
        for start in range(0, shape[0], 4096):
            n = min(4096, shape[0] - start)
            u = self.rs.random_sample((4, n) + tuple(shape[1:]))
            # Sum of four U(0,1): mean 2, variance 1/3; scaled to unit variance.
            z = (u[0] + u[1] + u[2] + u[3] - 2.0) * 1.7320508075688772
            rows.append((z * std).astype(np.float32))
        self.tensors[name] = np.concatenate(rows)

    def norm(self, name, n):
        """A norm's scale: around 1."""
        self.normal(name, (n,), 0.1)
        self.tensors[name] = (self.tensors[name] + np.float32(1.0)).astype(np.float32)

    def bias(self, name, n):
        self.normal(name, (n,), 0.02)


def gpt2_weights(seed, vocab, positions, inner, hidden=HIDDEN, layers=LAYERS):
    w = Weights(seed)
    C = hidden
    w.normal("transformer.wte.weight", (vocab, C), 0.1)
    w.normal("transformer.wpe.weight", (positions, C), 0.05)
    for i in range(layers):
        p = "transformer.h.%d." % i
        w.norm(p + "ln_1.weight", C)
        w.bias(p + "ln_1.bias", C)
        w.normal(p + "attn.c_attn.weight", (C, 3 * C), 0.08)  # Conv1D: (in, out)
        w.bias(p + "attn.c_attn.bias", 3 * C)
        w.normal(p + "attn.c_proj.weight", (C, C), 0.05)
        w.bias(p + "attn.c_proj.bias", C)
        w.norm(p + "ln_2.weight", C)
        w.bias(p + "ln_2.bias", C)
        w.normal(p + "mlp.c_fc.weight", (C, inner), 0.08)
        w.bias(p + "mlp.c_fc.bias", inner)
        w.normal(p + "mlp.c_proj.weight", (inner, C), 0.05)
        w.bias(p + "mlp.c_proj.bias", C)
    w.norm("transformer.ln_f.weight", C)
    w.bias("transformer.ln_f.bias", C)
    return w.tensors  # tied: save_pretrained leaves lm_head.weight out


def neox_weights(seed, vocab, inner):
    w = Weights(seed)
    C = HIDDEN
    w.normal("gpt_neox.embed_in.weight", (vocab, C), 0.1)
    for i in range(LAYERS):
        p = "gpt_neox.layers.%d." % i
        w.norm(p + "input_layernorm.weight", C)
        w.bias(p + "input_layernorm.bias", C)
        w.norm(p + "post_attention_layernorm.weight", C)
        w.bias(p + "post_attention_layernorm.bias", C)
        # Rows grouped per head: (n_head, [q k v], head_dim) flattened.
        w.normal(p + "attention.query_key_value.weight", (3 * C, C), 0.08)
        w.bias(p + "attention.query_key_value.bias", 3 * C)
        w.normal(p + "attention.dense.weight", (C, C), 0.05)
        w.bias(p + "attention.dense.bias", C)
        w.normal(p + "mlp.dense_h_to_4h.weight", (inner, C), 0.08)
        w.bias(p + "mlp.dense_h_to_4h.bias", inner)
        w.normal(p + "mlp.dense_4h_to_h.weight", (C, inner), 0.05)
        w.bias(p + "mlp.dense_4h_to_h.bias", C)
    w.norm("gpt_neox.final_layer_norm.weight", C)
    w.bias("gpt_neox.final_layer_norm.bias", C)
    w.normal("embed_out.weight", (vocab, C), 0.1)
    return w.tensors


def llama_weights(seed, vocab, inner, n_kv, head_dim, tied, qkv_bias=False, qk_norm=False):
    w = Weights(seed)
    C = HIDDEN
    w.normal("model.embed_tokens.weight", (vocab, C), 0.1)
    for i in range(LAYERS):
        p = "model.layers.%d." % i
        w.norm(p + "input_layernorm.weight", C)
        w.normal(p + "self_attn.q_proj.weight", (HEADS * head_dim, C), 0.08)
        w.normal(p + "self_attn.k_proj.weight", (n_kv * head_dim, C), 0.08)
        w.normal(p + "self_attn.v_proj.weight", (n_kv * head_dim, C), 0.08)
        if qkv_bias:
            w.normal(p + "self_attn.q_proj.bias", (HEADS * head_dim,), 0.05)
            w.normal(p + "self_attn.k_proj.bias", (n_kv * head_dim,), 0.05)
            w.normal(p + "self_attn.v_proj.bias", (n_kv * head_dim,), 0.05)
        if qk_norm:
            w.norm(p + "self_attn.q_norm.weight", head_dim)
            w.norm(p + "self_attn.k_norm.weight", head_dim)
        w.normal(p + "self_attn.o_proj.weight", (C, HEADS * head_dim), 0.05)
        w.norm(p + "post_attention_layernorm.weight", C)
        w.normal(p + "mlp.gate_proj.weight", (inner, C), 0.08)
        w.normal(p + "mlp.up_proj.weight", (inner, C), 0.08)
        w.normal(p + "mlp.down_proj.weight", (C, inner), 0.05)
    w.norm("model.norm.weight", C)
    if not tied:
        w.normal("lm_head.weight", (vocab, C), 0.1)
    return w.tensors


# ---- configs ---------------------------------------------------------------

def gpt2_config(vocab, positions, eot, hidden=HIDDEN, layers=LAYERS, heads=HEADS):
    # tie_word_embeddings is absent, as in GPT-2's own config.json: true by default.
    return {
        "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
        "bos_token_id": eot, "embd_pdrop": 0.1, "eos_token_id": eot, "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": positions, "n_embd": hidden,
        "n_head": heads, "n_inner": None, "n_layer": layers, "n_positions": positions,
        "reorder_and_upcast_attn": False, "resid_pdrop": 0.1, "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True, "summary_activation": None, "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True, "summary_type": "cls_index", "summary_use_proj": True,
        "torch_dtype": "float32", "transformers_version": TRANSFORMERS_VERSION, "use_cache": True,
        "vocab_size": vocab,
    }


def neox_config(vocab, inner, parallel, eot):
    return {
        "architectures": ["GPTNeoXForCausalLM"], "attention_bias": True, "attention_dropout": 0.0,
        "bos_token_id": eot, "classifier_dropout": 0.1, "eos_token_id": eot, "hidden_act": "gelu",
        "hidden_dropout": 0.0, "hidden_size": HIDDEN, "initializer_range": 0.02,
        "intermediate_size": inner, "layer_norm_eps": 1e-05, "max_position_embeddings": 64,
        "model_type": "gpt_neox", "num_attention_heads": HEADS, "num_hidden_layers": LAYERS,
        "rope_scaling": None, "rotary_emb_base": 10000, "rotary_pct": 0.25,
        "tie_word_embeddings": False, "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION, "use_cache": True,
        "use_parallel_residual": parallel, "vocab_size": vocab,
    }


def llama_config(vocab, inner, n_kv, eot, tied, rope_theta, rope_scaling, dtype="float32"):
    return {
        "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
        "bos_token_id": eot, "eos_token_id": eot, "head_dim": HIDDEN // HEADS, "hidden_act": "silu",
        "hidden_size": HIDDEN, "initializer_range": 0.02, "intermediate_size": inner,
        "max_position_embeddings": 64, "mlp_bias": False, "model_type": "llama",
        "num_attention_heads": HEADS, "num_hidden_layers": LAYERS, "num_key_value_heads": n_kv,
        "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": rope_scaling,
        "rope_theta": rope_theta, "tie_word_embeddings": tied, "torch_dtype": dtype,
        "transformers_version": TRANSFORMERS_VERSION, "use_cache": True, "vocab_size": vocab,
    }


LLAMA3_SCALING = {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                  "original_max_position_embeddings": 16, "rope_type": "llama3"}


def mistral_config(vocab, inner, n_kv, eot):
    return {
        "architectures": ["MistralForCausalLM"], "attention_dropout": 0.0, "bos_token_id": eot,
        "eos_token_id": eot, "head_dim": HIDDEN // HEADS, "hidden_act": "silu", "hidden_size": HIDDEN,
        "initializer_range": 0.02, "intermediate_size": inner, "max_position_embeddings": 64,
        "model_type": "mistral", "num_attention_heads": HEADS, "num_hidden_layers": LAYERS,
        "num_key_value_heads": n_kv, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
        "sliding_window": None, "tie_word_embeddings": False, "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION, "use_cache": True, "vocab_size": vocab,
    }


def qwen2_config(vocab, inner, n_kv, eot):
    return {
        "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": eot,
        "eos_token_id": eot, "hidden_act": "silu", "hidden_size": HIDDEN, "initializer_range": 0.02,
        "intermediate_size": inner, "max_position_embeddings": 64, "max_window_layers": LAYERS,
        "model_type": "qwen2", "num_attention_heads": HEADS, "num_hidden_layers": LAYERS,
        "num_key_value_heads": n_kv, "rms_norm_eps": 1e-06, "rope_scaling": None,
        "rope_theta": 1000000.0, "sliding_window": None, "tie_word_embeddings": True,
        "torch_dtype": "float32", "transformers_version": TRANSFORMERS_VERSION, "use_cache": True,
        "use_sliding_window": False, "vocab_size": vocab,
    }


def qwen3_config(vocab, inner, n_kv, head_dim, eot):
    return {
        "architectures": ["Qwen3ForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
        "bos_token_id": eot, "eos_token_id": eot, "head_dim": head_dim, "hidden_act": "silu",
        "hidden_size": HIDDEN, "initializer_range": 0.02, "intermediate_size": inner,
        "max_position_embeddings": 64, "max_window_layers": LAYERS, "model_type": "qwen3",
        "num_attention_heads": HEADS, "num_hidden_layers": LAYERS, "num_key_value_heads": n_kv,
        "rms_norm_eps": 1e-06, "rope_scaling": None, "rope_theta": 1000000.0, "sliding_window": None,
        "tie_word_embeddings": False, "torch_dtype": "float32",
        "transformers_version": TRANSFORMERS_VERSION, "use_cache": True, "use_sliding_window": False,
        "vocab_size": vocab,
    }


# ---- writers ---------------------------------------------------------------

def to_bf16_bits(a):
    """float32 -> bfloat16 bit patterns, round to nearest even (no NaNs here)."""
    u = a.astype("<f4").view("<u4").astype(np.uint64)
    r = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return r.astype("<u2")


def encode(tensors, dtype):
    """name -> (safetensors dtype, shape, little-endian bytes)."""
    out = {}
    for name, a in tensors.items():
        if dtype == "F32":
            raw = a.astype("<f4").tobytes()
        elif dtype == "F16":
            raw = a.astype("<f2").tobytes()
        elif dtype == "BF16":
            raw = to_bf16_bits(a).tobytes()
        else:
            raise ValueError(dtype)
        out[name] = (dtype, list(a.shape), raw)
    return out


def write_safetensors(path, encoded):
    """The safetensors layout: u64 LE header length, the JSON header (tensors in
    name order, padded with spaces to 8 bytes), then the data in header order."""
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name in sorted(encoded):
        dtype, shape, raw = encoded[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name in sorted(encoded):
            f.write(encoded[name][2])


def write_json(path, doc):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")


def write_model(out, name, config, tensors, tokenizer, dtype="F32", shards=1):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    write_json(os.path.join(d, "config.json"), config)
    with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
        f.write(tokenizer)
    encoded = encode(tensors, dtype)
    if shards == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), encoded)
        return
    names = sorted(encoded)
    per = (len(names) + shards - 1) // shards
    weight_map = {}
    for s in range(shards):
        file = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        part = {n: encoded[n] for n in names[s * per:(s + 1) * per]}
        write_safetensors(os.path.join(d, file), part)
        for n in part:
            weight_map[n] = file
    total = sum(len(raw) for _, _, raw in encoded.values())
    write_json(os.path.join(d, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": weight_map})


def main():
    bench = len(sys.argv) == 3 and sys.argv[1] == "--bench"
    if len(sys.argv) != 2 and not bench:
        raise SystemExit("usage: make_tiny_checkpoints.py [--bench] OUT_DIR")
    out = sys.argv[-1]
    tok, eot = tokenizer_json()
    if bench:
        write_model(out, "bench-gpt2", gpt2_config(50257, 1024, eot, hidden=384, layers=6, heads=6),
                    gpt2_weights(9, 50257, 1024, 4 * 384, hidden=384, layers=6), tok)
        return
    n_ids = eot + 1
    gpt2_vocab = n_ids        # GPT-2: the embedding has exactly the tokenizer's ids
    padded_vocab = 384        # NeoX and the Llama family pad the embedding past them
    kv = 2
    llama_args = dict(vocab=padded_vocab, inner=128, n_kv=kv, head_dim=HIDDEN // HEADS, tied=False)

    def gpt2(seed):
        return gpt2_config(gpt2_vocab, 64, eot), gpt2_weights(seed, gpt2_vocab, 64, 4 * HIDDEN)

    def neox(seed, parallel=True):
        return neox_config(padded_vocab, 4 * HIDDEN, parallel, eot), neox_weights(seed, padded_vocab, 4 * HIDDEN)

    def llama(seed, dtype="float32"):
        return (llama_config(padded_vocab, 128, kv, eot, False, 500000.0, LLAMA3_SCALING, dtype),
                llama_weights(seed, **llama_args))

    models = [
        ("gpt2",) + gpt2(1),
        ("neox",) + neox(2),
        ("neox-serial",) + neox(3, parallel=False),
        ("llama",) + llama(4),
        ("mistral", mistral_config(padded_vocab, 128, kv, eot),
         llama_weights(5, padded_vocab, 128, kv, HIDDEN // HEADS, tied=False)),
        ("qwen2", qwen2_config(padded_vocab, 128, kv, eot),
         llama_weights(6, padded_vocab, 128, kv, HIDDEN // HEADS, tied=True, qkv_bias=True)),
        ("qwen3", qwen3_config(padded_vocab, 128, kv, 32, eot),
         llama_weights(7, padded_vocab, 128, kv, 32, tied=False, qk_norm=True)),
        ("smollm", llama_config(padded_vocab, 128, 1, eot, True, 100000.0, None),
         llama_weights(8, padded_vocab, 128, 1, HIDDEN // HEADS, tied=True)),
        ("suite/gpt2/step1000",) + gpt2(101),
        ("suite/gpt2/step2000",) + gpt2(102),
        ("suite/neox/step1000",) + neox(201),
        ("suite/neox/step2000",) + neox(202),
        ("suite/llama/step1000",) + llama(401),
        ("suite/llama/step2000",) + llama(402),
    ]
    for name, config, tensors in models:
        write_model(out, name, config, tensors, tok)
    # The llama weights again: stored in half precisions and in two shards.
    _, llama_tensors = llama(4)
    write_model(out, "llama-bf16", llama(4, "bfloat16")[0], llama_tensors, tok, dtype="BF16")
    write_model(out, "llama-fp16", llama(4, "float16")[0], llama_tensors, tok, dtype="F16")
    write_model(out, "llama-sharded", llama(4)[0], llama_tensors, tok, shards=2)


if __name__ == "__main__":
    main()
