// A split's tokens for the trainer: shards (llm.c or nanoGPT, memory-mapped)
// and text/JSONL files (read and tokenized into memory, each document
// preceded by the end-of-text token), concatenated in glob order. Shards from
// a folder whose manifest.json names another tokenizer than the grid's are
// refused. No torch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "text/documents.hpp"
#include "text/shards.hpp"
#include "text/tokenizer.hpp"

namespace sweep::text {

class TokenSource {
 public:
  // Throws CorpusError naming the file: a glob matching nothing, a bad
  // shard, a manifest of another tokenizer (both named), an empty corpus.
  TokenSource(const std::vector<std::string>& globs, const std::string& base_dir, const ReadOptions& options,
              const Tokenizer& tokenizer);

  std::size_t size() const { return total_; }
  // Tokens [begin, begin + n) into `out`, across file boundaries. Throws
  // std::out_of_range past size().
  void copy(std::size_t begin, std::size_t n, std::int64_t* out) const;
  // "3 files, 1234567 tokens: a.bin (1000000), b.jsonl (234567 tokenized), ..."
  std::string description() const;

 private:
  struct Piece {
    std::string path;
    std::size_t first = 0;  // offset of its first token in the concatenation
    std::size_t size = 0;
    int shard = -1;         // index into shards_, or -1: tokens in text_tokens_ from `local`
    std::size_t local = 0;
  };
  std::vector<Shard> shards_;
  std::vector<TokenId> text_tokens_;
  std::vector<Piece> pieces_;
  std::size_t total_ = 0;
};

}  // namespace sweep::text
