// Shards and text as one token sequence; see token_source.hpp.
#include "text/token_source.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "text/manifest.hpp"

namespace sweep::text {
namespace {

// Refuses shards whose folder's manifest.json was written for another tokenizer.
void check_manifest(const std::string& shard, const Tokenizer& tokenizer, std::map<std::string, bool>& checked) {
  std::string dir = std::filesystem::path(shard).parent_path().string();
  if (dir.empty()) dir = ".";
  if (!checked.emplace(dir, true).second) return;
  const auto m = read_manifest(dir);
  if (!m) return;
  if (m->tokenizer_hash != tokenizer.hash())
    throw CorpusError(shard + ": tokenized by " + m->tokenizer_name + " (" + m->tokenizer_hash + ", " + dir + "/" +
                      kManifestFile + "), but this grid's tokenizer is " + tokenizer.name() + " (" +
                      tokenizer.hash() + ")");
}

}  // namespace

TokenSource::TokenSource(const std::vector<std::string>& globs, const std::string& base_dir,
                         const ReadOptions& options, const Tokenizer& tokenizer) {
  const auto files = expand_globs(globs, base_dir);
  std::map<std::string, bool> checked;
  for (const auto& path : files) {
    Piece p;
    p.path = path;
    p.first = total_;
    const FileFormat f = format_of(path, options.format);
    if (f == FileFormat::LlmcBin || f == FileFormat::NanogptBin) {
      check_manifest(path, tokenizer, checked);
      shards_.push_back(Shard::open(path, f));
      p.shard = static_cast<int>(shards_.size()) - 1;
      p.size = shards_.back().size();
      for (std::size_t i = 0; i < p.size; i += std::max<std::size_t>(1, p.size / 64))
        if (shards_.back()[i] >= tokenizer.vocab_size())
          throw CorpusError(path + ": token " + std::to_string(shards_.back()[i]) + " at " + std::to_string(i) +
                            " is outside the tokenizer's vocabulary of " + std::to_string(tokenizer.vocab_size()));
    } else {
      const auto eot = tokenizer.eot();
      if (!eot) throw CorpusError(path + ": tokenizer " + tokenizer.name() + " has no end-of-text token to join documents");
      p.local = text_tokens_.size();
      for_each_document(path, options, [&](std::string_view doc) {
        text_tokens_.push_back(*eot);
        tokenizer.encode(doc, text_tokens_);
      });
      p.size = text_tokens_.size() - p.local;
    }
    total_ += p.size;
    pieces_.push_back(std::move(p));
  }
  if (total_ == 0) {
    std::string all;
    for (const auto& g : globs) all += (all.empty() ? "" : " ") + g;
    throw CorpusError(all + ": empty corpus (no documents or tokens in " + std::to_string(files.size()) + " files)");
  }
}

void TokenSource::copy(std::size_t begin, std::size_t n, std::int64_t* out) const {
  if (begin > total_ || n > total_ - begin)
    throw std::out_of_range("TokenSource: tokens [" + std::to_string(begin) + ", " + std::to_string(begin + n) +
                            ") of " + std::to_string(total_));
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), begin,
                             [](std::size_t b, const Piece& p) { return b < p.first; });
  --it;
  while (n > 0) {
    const std::size_t at = begin - it->first;
    const std::size_t take = std::min(n, it->size - at);
    if (it->shard >= 0) {
      shards_[static_cast<std::size_t>(it->shard)].copy(at, take, out);
    } else {
      const TokenId* t = text_tokens_.data() + it->local + at;
      for (std::size_t i = 0; i < take; ++i) out[i] = t[i];
    }
    out += take;
    begin += take;
    n -= take;
    ++it;
  }
}

std::string TokenSource::description() const {
  std::string s = std::to_string(pieces_.size()) + (pieces_.size() == 1 ? " file, " : " files, ") +
                  std::to_string(total_) + " tokens";
  for (std::size_t i = 0; i < pieces_.size(); ++i) {
    if (i == 8) {
      s += ", ... (" + std::to_string(pieces_.size() - 8) + " more)";
      break;
    }
    s += (i == 0 ? ": " : ", ") + pieces_[i].path + " (" + std::to_string(pieces_[i].size) +
         (pieces_[i].shard >= 0 ? ")" : " tokenized)");
  }
  return s;
}

}  // namespace sweep::text
