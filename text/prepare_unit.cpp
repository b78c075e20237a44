// A work unit from documents to shards; see prepare_unit.hpp.
#include "text/prepare_unit.hpp"

#include <cstdint>

#include "common/sha256.hpp"
#include "text/atomic_file.hpp"
#include "text/shards.hpp"

namespace sweep::text {
namespace {

// Tokens and counts of one of a unit's shards while it is filled.
struct Part {
  std::vector<TokenId> tokens;
  std::uint64_t documents = 0, text_bytes = 0;
};

// Frees the tokens as soon as they are bytes: a unit holds one copy at a time.
void add_part(UnitShards& out, Part&& part, const std::string& name, const std::string& split, int unit,
              std::size_t vocab_size, const std::string& source) {
  if (part.tokens.size() > static_cast<std::size_t>(INT32_MAX))
    throw CorpusError(source + ": " + std::to_string(part.tokens.size()) + " tokens in one work unit, more than an "
                      "llm.c shard counts (2^31-1); cut the file into smaller ones (or a smaller --unit-mb)");
  ShardRecord r;
  r.path = name;
  r.split = split;
  r.unit = unit;
  r.tokens = part.tokens.size();
  r.documents = part.documents;
  r.text_bytes = part.text_bytes;
  out.bytes.push_back(llmc_shard_bytes(part.tokens, vocab_size));
  r.bytes = out.bytes.back().size();
  std::vector<TokenId>().swap(part.tokens);
  out.records.push_back(std::move(r));
}

}  // namespace

UnitShards tokenize_unit(const WorkUnit& unit, const PlanOptions& options, const Tokenizer& tokenizer,
                         const UnitProgress& progress) {
  const auto eot = tokenizer.eot();
  if (!eot) throw TokenizerError(tokenizer.name() + ": has no end-of-text token to put before each document");
  DocumentReader reader(unit.source, options.read, unit.begin, unit.end);
  Part kept, held;
  // Bytes of text between progress calls: often enough for a live line,
  // rarely enough to cost nothing.
  constexpr std::uint64_t kEvery = 1 << 20;
  std::uint64_t since = 0;
  std::string_view doc;
  while (reader.next(doc)) {
    Part& part = !unit.held_out.empty() && held_out(doc, options.valid_fraction) ? held : kept;
    part.tokens.push_back(*eot);
    tokenizer.encode(doc, part.tokens);
    ++part.documents;
    part.text_bytes += doc.size();
    since += doc.size();
    if (since >= kEvery && progress) {
      since = 0;
      progress(reader.consumed(), kept.tokens.size() + held.tokens.size());
    }
  }
  if (progress) progress(reader.consumed(), kept.tokens.size() + held.tokens.size());
  UnitShards out;
  add_part(out, std::move(kept), unit.shard, unit.split, unit.index, tokenizer.vocab_size(), unit.source);
  if (!unit.held_out.empty())
    add_part(out, std::move(held), unit.held_out, "valid", unit.index, tokenizer.vocab_size(), unit.source);
  return out;
}

std::vector<ShardRecord> write_unit_shards(UnitShards shards, const std::string& dir) {
  for (std::size_t i = 0; i < shards.records.size(); ++i) {
    shards.records[i].sha256 = sha256_hex(shards.bytes[i]);
    write_file_atomically(dir + "/" + shards.records[i].path, shards.bytes[i]);
    std::string().swap(shards.bytes[i]);
  }
  return std::move(shards.records);
}

std::vector<ShardRecord> prepare_unit(const WorkUnit& unit, const PlanOptions& options, const Tokenizer& tokenizer,
                                      const std::string& dir, const UnitProgress& progress) {
  return write_unit_shards(tokenize_unit(unit, options, tokenizer, progress), dir);
}

}  // namespace sweep::text
