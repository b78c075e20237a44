// One work unit of sweep prepare: read its documents, tokenize each preceded
// by the tokenizer's end-of-text token (llm.c's fineweb convention), and
// write its shard(s) atomically. The same unit gives the same bytes on any
// rank. No MPI: the driver (cli/prepare_command.cpp) hands units out.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "text/manifest.hpp"
#include "text/shard_writer.hpp"
#include "text/tokenizer.hpp"

namespace sweep::text {

// Called now and then with the unit's file bytes consumed and tokens made so
// far; may throw to abandon the unit (nothing is written then).
using UnitProgress = std::function<void(std::uint64_t consumed_bytes, std::uint64_t tokens)>;

// A unit tokenized: its shards whole under NAME.tmp, not yet in place, and
// their records (every field but sha256, which commit_unit_shards fills in).
struct UnitShards {
  std::vector<ShardRecord> records;
  std::vector<LlmcShardWriter> files;  // one per record
};

// Reads and tokenizes the unit, writing its shards as the tokens come (so a
// unit of any size needs little memory). Throws CorpusError (bad input,
// naming the file and line) or TokenizerError; the .tmp files are removed.
UnitShards tokenize_unit(const WorkUnit& unit, const PlanOptions& options, const Tokenizer& tokenizer,
                         const std::string& dir, const UnitProgress& progress);

// Checksums the shards, fsyncs them and renames them into place; their
// records. Touches nothing but the files, so it may run on another thread
// while the next unit is tokenized.
std::vector<ShardRecord> commit_unit_shards(UnitShards shards);

// Both: writes DIR/unit.shard (and DIR/unit.held_out) and returns their records.
std::vector<ShardRecord> prepare_unit(const WorkUnit& unit, const PlanOptions& options, const Tokenizer& tokenizer,
                                      const std::string& dir, const UnitProgress& progress);

}  // namespace sweep::text
