// manifest.json of a folder of shards written by sweep prepare: the
// tokenizer (name, hash, vocabulary size, eot), what the shards were made
// from (sources with size and mtime, read options, the work units) and each
// finished shard (split, tokens, bytes, SHA-256, documents, text bytes).
// Written atomically after every shard, so a killed run can resume: a rerun
// compares its own plan with the manifest's and skips recorded shards whose
// files still have their checksum.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "text/prepare_plan.hpp"

namespace sweep::text {

constexpr const char* kManifestFile = "manifest.json";

struct ShardRecord {
  std::string path;   // file name in the folder
  std::string split;  // "train" or "valid"
  int unit = 0;
  std::uint64_t tokens = 0, bytes = 0, documents = 0, text_bytes = 0;
  std::string sha256;  // hex of the file's bytes
};

struct Manifest {
  std::string sweep_version;
  std::string tokenizer_name, tokenizer_hash;
  std::uint64_t vocab_size = 0;
  std::int64_t eot = -1;
  PlanOptions options;
  std::vector<SourceFile> sources;
  std::vector<WorkUnit> units;
  std::vector<ShardRecord> shards;  // kept in unit order, train before held-out
  bool complete = false;
};

// Pretty-printed JSON (2-space indent, keys in a fixed order).
std::string manifest_json(const Manifest& m);
// Throws CorpusError "PATH: not a sweep prepare manifest: ..." on bad input.
Manifest parse_manifest(const std::string& text, const std::string& path);

// DIR/manifest.json if it exists (throws CorpusError if it cannot be read or parsed).
std::optional<Manifest> read_manifest(const std::string& dir);
// Writes DIR/manifest.json atomically.
void write_manifest(const std::string& dir, const Manifest& m);

// Adds or replaces `records` (by path) and keeps the order.
void record_shards(Manifest& m, const std::vector<ShardRecord>& records);

// Why shards recorded in `existing` cannot be continued by a run planned as
// `wanted` (another tokenizer: both named; other sources, options or
// units), or "" when they can. `dir` names the folder in the message.
std::string manifest_mismatch(const Manifest& existing, const Manifest& wanted, const std::string& dir);

// Indexes of the units in `m` still to do: a unit is done when each of its
// shards is recorded and the file in `dir` has the recorded size and
// SHA-256. `notes` gets a line for each shard file found but not trusted
// (it will be written again).
std::vector<int> units_to_do(const Manifest& m, const std::string& dir, std::vector<std::string>& notes);

}  // namespace sweep::text
