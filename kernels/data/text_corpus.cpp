// Real-text rows; see text_corpus.hpp.
#include "kernels/data/text_corpus.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include "spec/data_check.hpp"
#include "spec/rng.hpp"

namespace sweep {
namespace {

std::int64_t windows(const text::TokenSource& s, std::int64_t T) {
  return corpus_windows(static_cast<std::int64_t>(s.size()), T);
}

}  // namespace

std::shared_ptr<const TextCorpus> TextCorpus::open(const DataSpec& data, const std::string& tokenizer) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TextCorpus>> opened;  // by tokenizer and files
  std::string key = tokenizer + '\n' + text::to_string(data.read.format) + '\n' + data.read.text_field + '\n' +
                    text::to_string(data.read.documents);
  for (const auto& g : data.train) key += "\ntrain=" + g;
  for (const auto& g : data.valid) key += "\nvalid=" + g;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = opened[key];
  if (slot) return slot;
  auto c = std::make_shared<TextCorpus>();
  c->tokenizer = text::Tokenizer::shared(tokenizer);
  if (data.files()) {
    c->train = std::make_shared<const text::TokenSource>(data.train, "", data.read, *c->tokenizer);
    c->valid = std::make_shared<const text::TokenSource>(data.valid, "", data.read, *c->tokenizer);
    c->train_globs = data.train;
  }
  slot = std::move(c);
  return slot;
}

std::int64_t TextCorpus::train_capacity(std::int64_t T) const { return train ? windows(*train, T) * T : -1; }

void TextCorpus::require(std::int64_t data_tokens, std::int64_t T) const {
  if (!train) return;
  const std::string short_by =
      data_shortfall(train_globs, static_cast<std::int64_t>(train->size()), tokenizer->name(), T, data_tokens);
  if (!short_by.empty()) throw std::runtime_error(short_by);
}

TextRows::TextRows(std::shared_ptr<const TextCorpus> corpus, std::int64_t T, std::uint64_t sweep_seed)
    : corpus_(std::move(corpus)), T_(T) {
  const std::int64_t m = windows(*corpus_->train, T);
  if (m > static_cast<std::int64_t>(UINT32_MAX)) throw std::runtime_error("train split has more than 2^32 windows");
  order_.resize(static_cast<std::size_t>(m));
  for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<std::uint32_t>(i);
  // Fisher-Yates from the sweep seed alone: every model and data size draws
  // the same order, so runs differ only in how far along it they read.
  Rng rng(derive_seed(sweep_seed, "text/train"));
  for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng.below(i)]);
}

std::vector<std::int64_t> TextRows::take(std::int64_t n) {
  if (next_ + n > static_cast<std::int64_t>(order_.size()))
    throw std::runtime_error("train split exhausted: " + std::to_string(order_.size()) + " sequences of " +
                             std::to_string(T_) + " tokens");
  std::vector<std::int64_t> out(static_cast<std::size_t>(n * (T_ + 1)));
  for (std::int64_t r = 0; r < n; ++r)
    corpus_->train->copy(static_cast<std::size_t>(order_[static_cast<std::size_t>(next_ + r)]) * T_,
                         static_cast<std::size_t>(T_ + 1), out.data() + r * (T_ + 1));
  next_ += n;
  return out;
}

std::int64_t held_out_rows_available(const TextCorpus& corpus, std::int64_t T) { return windows(*corpus.valid, T); }

std::vector<std::int64_t> held_out_rows(const TextCorpus& corpus, std::int64_t T, std::int64_t n) {
  if (n > held_out_rows_available(corpus, T)) throw std::runtime_error("valid split has too few tokens");
  std::vector<std::int64_t> out(static_cast<std::size_t>(n * (T + 1)));
  for (std::int64_t r = 0; r < n; ++r)
    corpus.valid->copy(static_cast<std::size_t>(r * T), static_cast<std::size_t>(T + 1), out.data() + r * (T + 1));
  return out;
}

}  // namespace sweep
