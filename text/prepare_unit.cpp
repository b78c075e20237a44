// A work unit from documents to shards; see prepare_unit.hpp.
#include "text/prepare_unit.hpp"

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

ShardRecord write_part(const Part& part, const std::string& name, const std::string& split, int unit,
                       std::size_t vocab_size, const std::string& dir) {
  const std::string bytes = llmc_shard_bytes(part.tokens, vocab_size);
  ShardRecord r;
  r.path = name;
  r.split = split;
  r.unit = unit;
  r.tokens = part.tokens.size();
  r.bytes = bytes.size();
  r.documents = part.documents;
  r.text_bytes = part.text_bytes;
  r.sha256 = sha256_hex(bytes);
  write_file_atomically(dir + "/" + name, bytes);
  return r;
}

}  // namespace

std::vector<ShardRecord> prepare_unit(const WorkUnit& unit, const PlanOptions& options, const Tokenizer& tokenizer,
                                      const std::string& dir, const UnitProgress& progress) {
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
  std::vector<ShardRecord> records;
  records.push_back(write_part(kept, unit.shard, unit.split, unit.index, tokenizer.vocab_size(), dir));
  if (!unit.held_out.empty())
    records.push_back(write_part(held, unit.held_out, "valid", unit.index, tokenizer.vocab_size(), dir));
  return records;
}

}  // namespace sweep::text
