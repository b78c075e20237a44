// A work unit from documents to shards; see prepare_unit.hpp.
#include "text/prepare_unit.hpp"

#include <cstdint>

#include "common/sha256.hpp"

namespace sweep::text {
namespace {

// One of a unit's shards while it is filled.
struct Part {
  Part(const std::string& dir, const std::string& name, std::size_t vocab_size) : file(dir + "/" + name, vocab_size) {}
  LlmcShardWriter file;
  std::uint64_t documents = 0, text_bytes = 0;
};

}  // namespace

UnitShards tokenize_unit(const WorkUnit& unit, const PlanOptions& options, const Tokenizer& tokenizer,
                         const std::string& dir, const UnitProgress& progress) {
  const auto eot = tokenizer.eot();
  if (!eot) throw TokenizerError(tokenizer.name() + ": has no end-of-text token to put before each document");
  DocumentReader reader(unit.source, options.read, unit.begin, unit.end);
  std::vector<Part> parts;
  parts.reserve(2);
  parts.emplace_back(dir, unit.shard, tokenizer.vocab_size());
  if (!unit.held_out.empty()) parts.emplace_back(dir, unit.held_out, tokenizer.vocab_size());
  const auto tokens = [&] { return parts.front().file.tokens() + (parts.size() > 1 ? parts.back().file.tokens() : 0); };
  // Bytes of text between progress calls: often enough for a live line,
  // rarely enough to cost nothing.
  constexpr std::uint64_t kEvery = 1 << 20;
  std::uint64_t since = 0;
  std::vector<TokenId> ids;
  std::string_view doc;
  while (reader.next(doc)) {
    Part& part = parts.size() > 1 && held_out(doc, options.valid_fraction) ? parts.back() : parts.front();
    ids.clear();
    ids.push_back(*eot);
    tokenizer.encode(doc, ids);
    if (part.file.tokens() + ids.size() > static_cast<std::uint64_t>(INT32_MAX))
      throw CorpusError(unit.source + ": more than 2^31-1 tokens in one work unit, more than an llm.c shard "
                        "counts; cut the file into smaller ones (or use a smaller --unit-mb)");
    part.file.append(ids.data(), ids.size());
    ++part.documents;
    part.text_bytes += doc.size();
    since += doc.size();
    if (since >= kEvery && progress) {
      since = 0;
      progress(reader.consumed(), tokens());
    }
  }
  if (progress) progress(reader.consumed(), tokens());
  UnitShards out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    Part& p = parts[i];
    p.file.finish();
    ShardRecord r;
    r.path = i == 0 ? unit.shard : unit.held_out;
    r.split = i == 0 ? unit.split : "valid";
    r.unit = unit.index;
    r.tokens = p.file.tokens();
    r.bytes = p.file.bytes();
    r.documents = p.documents;
    r.text_bytes = p.text_bytes;
    out.records.push_back(std::move(r));
    out.files.push_back(std::move(p.file));
  }
  return out;
}

std::vector<ShardRecord> commit_unit_shards(UnitShards shards) {
  for (std::size_t i = 0; i < shards.records.size(); ++i) {
    shards.records[i].sha256 = sha256_file(shards.files[i].tmp_path());
    shards.files[i].commit();
  }
  return std::move(shards.records);
}

std::vector<ShardRecord> prepare_unit(const WorkUnit& unit, const PlanOptions& options, const Tokenizer& tokenizer,
                                      const std::string& dir, const UnitProgress& progress) {
  return commit_unit_shards(tokenize_unit(unit, options, tokenizer, dir, progress));
}

}  // namespace sweep::text
