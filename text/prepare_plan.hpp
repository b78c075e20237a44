// sweep prepare's plan: input files cut into work units, deterministically
// and independently of the rank count, so the shards are the same bytes
// whatever -np is. A splittable file (uncompressed JSONL, or text read as
// paragraphs) is cut at the first document boundary after every
// `unit_bytes`; any other file is one unit. Unit i of a split becomes the
// shard SPLIT_%06d.bin; with a valid fraction, train unit i also writes
// valid_%06d.bin with its held-out documents. Pure functions: no MPI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/documents.hpp"

namespace sweep::text {

// An input file as it was when planned; a resume requires it unchanged.
struct SourceFile {
  std::string path;
  std::string split;  // "train" or "valid" (files given with --valid)
  std::uint64_t bytes = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const SourceFile& o) const {
    return path == o.path && split == o.split && bytes == o.bytes && mtime_ns == o.mtime_ns;
  }
};

struct WorkUnit {
  int index = 0;         // in plan order: train units, then valid units
  std::string split;     // "train" or "valid"
  std::string source;    // the file
  std::uint64_t begin = 0, end = 0;  // byte range of the file on disk
  std::string shard;     // file name in the output folder
  std::string held_out;  // with a valid fraction (train units only): the valid shard's file name, else ""
  bool operator==(const WorkUnit& o) const {
    return index == o.index && split == o.split && source == o.source && begin == o.begin && end == o.end &&
           shard == o.shard && held_out == o.held_out;
  }
};

struct PlanOptions {
  ReadOptions read;
  std::uint64_t unit_bytes = 64ull << 20;
  double valid_fraction = 0.0;  // share of train documents held out (by a hash of their text)
};

// Size and mtime of each file; throws CorpusError naming an unreadable one.
std::vector<SourceFile> describe_sources(const std::vector<std::string>& train, const std::vector<std::string>& valid);

// Throws CorpusError naming a file that is not text or JSONL (a shard, an unknown extension).
std::vector<WorkUnit> plan_units(const std::vector<SourceFile>& sources, const PlanOptions& options);

// Which rank does each unit: the largest units first, each to the rank with
// the fewest bytes so far (ties: the lower rank). Only the speed depends on
// it, not the shards.
std::vector<int> assign_units(const std::vector<WorkUnit>& units, int ranks);

// Whether a train document is held out for validation: a hash of its text
// below `fraction` of the hash range, so a document and its exact duplicates
// fall on the same side.
bool held_out(std::string_view document, double fraction);

}  // namespace sweep::text
