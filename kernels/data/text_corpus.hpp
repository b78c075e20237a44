// Real text as training and held-out rows: a model's tokenizer and the train
// and valid token sources of the grid's [data] files (text/token_source.hpp).
// Training draws windows of T+1 tokens (stride T, so consecutive windows share
// a boundary token) in a seeded order: the first k windows are the same
// whatever data_tokens is, so a larger D sees a superset of a smaller D's
// text. Held-out rows are the valid split's first windows, in file order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spec/spec.hpp"
#include "text/token_source.hpp"
#include "text/tokenizer.hpp"

namespace sweep {

struct TextCorpus {
  std::shared_ptr<const text::Tokenizer> tokenizer;
  // Null without [data] files: the synthetic corpus, through `tokenizer`.
  std::shared_ptr<const text::TokenSource> train, valid;
  std::vector<std::string> train_globs;  // as [data] resolved them, for messages

  // The corpus of [data] under `tokenizer` ("bytes" or a resolved path):
  // read and tokenized once per process, then shared (ranks keep it across jobs).
  static std::shared_ptr<const TextCorpus> open(const DataSpec& data, const std::string& tokenizer);
  bool files() const { return static_cast<bool>(train); }

  // Target tokens the train split can supply at context length T: its windows x T.
  std::int64_t train_capacity(std::int64_t T) const;
  // Throws std::runtime_error, naming the train files and the shortfall, when
  // data_tokens needs more windows than the train split holds (never without files).
  void require(std::int64_t data_tokens, std::int64_t T) const;
};

// Consecutive training rows (each T+1 tokens) of a TextCorpus's train split,
// in the seeded window order.
class TextRows {
 public:
  TextRows(std::shared_ptr<const TextCorpus> corpus, std::int64_t T, std::uint64_t sweep_seed);
  // The next n rows, (n, T+1) row-major.
  std::vector<std::int64_t> take(std::int64_t n);
  void skip(std::int64_t n) { next_ += n; }

 private:
  std::shared_ptr<const TextCorpus> corpus_;
  std::int64_t T_;
  std::vector<std::uint32_t> order_;  // window index, in training order
  std::int64_t next_ = 0;
};

// The first n held-out rows (each T+1 tokens) of the valid split, (n, T+1)
// row-major; n is at most its windows (held_out_rows_available).
std::vector<std::int64_t> held_out_rows(const TextCorpus& corpus, std::int64_t T, std::int64_t n);
std::int64_t held_out_rows_available(const TextCorpus& corpus, std::int64_t T);

}  // namespace sweep
