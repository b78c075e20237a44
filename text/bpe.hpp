// The BPE model of tokenizer.json ("model": {"type": "BPE"}): a word's
// characters (or their <0xNN> bytes) merged pair by pair in merge-rank
// order, as the Hugging Face crate does, with a bounded word cache.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "text/tokenizer.hpp"

namespace sweep::text {

class Bpe {
 public:
  // From the "model" object; throws TokenizerError for other model types,
  // merges naming tokens outside the vocabulary, or options sweep lacks.
  explicit Bpe(const nlohmann::json& model);
  ~Bpe();

  // Appends the ids of one pre-tokenized word. Thread-safe.
  void tokenize(std::string_view word, std::vector<TokenId>& out) const;

  std::optional<TokenId> token_to_id(const std::string& token) const;
  // The model's token for `id`; nullptr if it has none.
  const std::string* id_to_token(TokenId id) const;
  // Largest model id + 1.
  std::size_t size() const { return id_to_token_.size(); }
  bool byte_fallback() const { return byte_fallback_; }

 private:
  void merge_word(std::string_view word, std::vector<TokenId>& out) const;

  std::unordered_map<std::string, TokenId> vocab_;
  std::vector<std::string> id_to_token_;
  std::vector<bool> has_id_;
  struct Merge {
    std::uint32_t rank;
    TokenId new_id;
  };
  // Merges by (left id << 32 | right id): open addressing with linear
  // probing, since this lookup is the inner loop of encoding.
  class MergeTable {
   public:
    void reserve(std::size_t n);
    // Inserts or overwrites (later duplicates win, as in the crate).
    void set(std::uint64_t key, Merge m);
    const Merge* find(std::uint64_t key) const {
      for (std::size_t i = slot(key);; i = (i + 1) & mask_) {
        if (keys_[i] == key) return &values_[i];
        if (keys_[i] == kEmpty) return nullptr;
      }
    }

   private:
    static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
    std::size_t slot(std::uint64_t key) const {
      return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
    }
    std::vector<std::uint64_t> keys_ = std::vector<std::uint64_t>(1, kEmpty);
    std::vector<Merge> values_ = std::vector<Merge>(1);
    std::size_t mask_ = 0, size_ = 0;
    int shift_ = 63;
  };
  MergeTable merges_;
  // Ids of single-character tokens by code point (BMP), -1 where none: the
  // first step of every word without hashing strings.
  std::vector<std::int32_t> char_ids_;
  std::optional<TokenId> unk_;
  bool byte_fallback_ = false;
  bool fuse_unk_ = false;
  bool ignore_merges_ = false;
  std::string prefix_;                        // continuing_subword_prefix: before every character but the first
  std::string suffix_;                        // end_of_word_suffix: after the last character
  std::array<std::int64_t, 256> byte_ids_{};  // <0xNN> tokens, -1 where absent

  // Word -> ids, sharded so threads rarely contend; a full shard is cleared.
  struct CacheShard {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<TokenId>> words;
  };
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kShardCapacity = 8192;
  static constexpr std::size_t kMaxCachedWord = 256;
  mutable std::unique_ptr<CacheShard[]> cache_;
};

}  // namespace sweep::text
