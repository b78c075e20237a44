// Tokenizers: sweep's byte-level default and Hugging Face's tokenizer.json
// format (BPE with the ByteLevel or Split/regex pre-tokenizers of GPT-2,
// GPT-NeoX, Llama-3 and Qwen; Metaspace/byte-fallback BPE of Llama-2 and
// Gemma), giving exactly the ids the Hugging Face `tokenizers` library gives.
// Pure C++: no torch, no MPI.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sweep::text {

using TokenId = std::uint32_t;

// A tokenizer.json that cannot be used: unreadable, not JSON, or a model
// type, pre-tokenizer, normalizer or decoder sweep does not implement (the
// message names the file and the component).
struct TokenizerError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Tokenizer {
 public:
  // One id per byte (vocabulary 256); its end-of-text token is byte 0.
  static Tokenizer bytes();
  // "bytes" or the path of a tokenizer.json.
  static Tokenizer load(const std::string& name_or_path);
  static Tokenizer from_file(const std::string& path);
  // load(name_or_path), once per process: every caller (eval jobs, corpora,
  // pretrained models) shares the same instance. Thread-safe.
  static std::shared_ptr<const Tokenizer> shared(const std::string& name_or_path);

  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // Ids of `text` as Hugging Face's encode(text, add_special_tokens=False)
  // gives them: added/special tokens written in the text are matched, none are
  // added. Appends to `out`. Thread-safe (const).
  void encode(std::string_view text, std::vector<TokenId>& out) const;
  std::vector<TokenId> encode(std::string_view text) const;

  // Text of `ids` as Hugging Face's decode(ids, skip_special_tokens=False).
  std::string decode(const std::vector<TokenId>& ids) const;

  // Largest id + 1, added tokens included.
  std::size_t vocab_size() const;
  // The token documents are joined with: <|endoftext|>, <|end_of_text|>,
  // </s> or <eos>, whichever the vocabulary has, special added tokens first
  // (byte 0 for bytes); none if it has none of them.
  std::optional<TokenId> eot() const;
  // The UTF-8 bytes a token stands for in running text (ByteLevel tokens
  // mapped back, "▁" as a space, <0xNN> as one byte; special tokens "").
  // Their lengths give eval_bpb's byte count.
  const std::string& token_bytes(TokenId id) const;
  // Ids whose token_bytes contain a newline: generation stops at them.
  const std::vector<TokenId>& newline_ids() const;

  // "bytes" or the path it was loaded from.
  const std::string& name() const;
  // "bytes" or "sha256:<hex>" of the tokenizer.json's bytes: what shards'
  // manifests and grids are compared by.
  const std::string& hash() const;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sweep::text
