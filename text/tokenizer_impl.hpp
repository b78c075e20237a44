// Tokenizer's private state, shared by tokenizer.cpp (encode/decode) and
// tokenizer_json.cpp (loading); not part of the public interface.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "text/added_tokens.hpp"
#include "text/bpe.hpp"
#include "text/decoders.hpp"
#include "text/normalizers.hpp"
#include "text/pretokenizers.hpp"
#include "text/tokenizer.hpp"

namespace sweep::text {

// Outside the class so tokenizer_json.cpp's helpers can fill it.
struct TokenizerState {
  std::string name = "bytes";
  std::string hash = "bytes";
  std::size_t vocab_size = 256;
  std::optional<TokenId> eot = 0;
  std::vector<std::string> token_bytes;
  std::vector<TokenId> newline_ids;

  // The tokenizer.json pipeline; `model` is null for the byte tokenizer.
  std::unique_ptr<Bpe> model;
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<PreTokenizer> pre_tokenizer;
  std::unique_ptr<Decoder> decoder;
  AddedTokenMatcher raw_added;         // matched in the text as written
  AddedTokenMatcher normalized_added;  // matched after normalization
  // Every id's token string (added tokens over the model's), for decode;
  // `known` marks ids that have one.
  std::vector<std::string> tokens;
  std::vector<bool> known;
};

struct Tokenizer::Impl : TokenizerState {};

}  // namespace sweep::text
