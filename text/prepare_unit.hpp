// One work unit of sweep prepare: read its documents, tokenize each preceded
// by the tokenizer's end-of-text token (llm.c's fineweb convention), and
// write its shard(s) atomically. The same unit gives the same bytes on any
// rank. No MPI: the driver (cli/prepare_command.cpp) hands units out.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "text/manifest.hpp"
#include "text/tokenizer.hpp"

namespace sweep::text {

// Called now and then with the unit's file bytes consumed and tokens made so
// far; may throw to abandon the unit (nothing is written then).
using UnitProgress = std::function<void(std::uint64_t consumed_bytes, std::uint64_t tokens)>;

// Writes DIR/unit.shard (and DIR/unit.held_out) and returns their records.
// Throws CorpusError (bad input, naming the file and line) or TokenizerError.
std::vector<ShardRecord> prepare_unit(const WorkUnit& unit, const PlanOptions& options, const Tokenizer& tokenizer,
                                      const std::string& dir, const UnitProgress& progress);

}  // namespace sweep::text
