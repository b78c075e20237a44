// Work units of sweep prepare; see prepare_plan.hpp.
#include "text/prepare_plan.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <numeric>

namespace sweep::text {
namespace {

std::string shard_name(const std::string& split, int n) {
  char name[64];
  std::snprintf(name, sizeof name, "%s_%06d.bin", split.c_str(), n);
  return name;
}

}  // namespace

std::vector<SourceFile> describe_sources(const std::vector<std::string>& train, const std::vector<std::string>& valid) {
  std::vector<SourceFile> out;
  for (const auto* files : {&train, &valid}) {
    for (const auto& path : *files) {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0) throw CorpusError(path + ": " + std::strerror(errno));
      if (S_ISDIR(st.st_mode)) throw CorpusError(path + ": is a directory");
      SourceFile s;
      s.path = path;
      s.split = files == &train ? "train" : "valid";
      s.bytes = static_cast<std::uint64_t>(st.st_size);
      s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<WorkUnit> plan_units(const std::vector<SourceFile>& sources, const PlanOptions& options) {
  std::vector<WorkUnit> units;
  int per_split[2] = {0, 0};
  for (const char* split : {"train", "valid"}) {
    const bool train = std::strcmp(split, "train") == 0;
    for (const auto& src : sources) {
      if (src.split != split) continue;
      const FileFormat f = format_of(src.path, options.read.format);
      if (f != FileFormat::Text && f != FileFormat::Jsonl)
        throw CorpusError(src.path + ": an " + std::string(to_string(f)) +
                          " shard holds tokens already; sweep prepare reads .txt and .jsonl (optionally .gz/.zst)");
      std::vector<std::uint64_t> cuts = {0};
      if (options.unit_bytes > 0 && splittable(src.path, options.read)) {
        for (std::uint64_t at = options.unit_bytes; at < src.bytes; at += options.unit_bytes) {
          const std::uint64_t b = next_document_boundary(src.path, options.read, std::max(at, cuts.back() + 1));
          if (b > cuts.back() && b < src.bytes) cuts.push_back(b);
          at = std::max(at, b);
        }
      }
      cuts.push_back(src.bytes);
      for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
        WorkUnit u;
        u.index = static_cast<int>(units.size());
        u.split = split;
        u.source = src.path;
        u.begin = cuts[k];
        u.end = cuts[k + 1];
        const int n = per_split[train ? 0 : 1]++;
        u.shard = shard_name(split, n);
        if (train && options.valid_fraction > 0) u.held_out = shard_name("valid", n);
        units.push_back(std::move(u));
      }
    }
  }
  return units;
}

std::vector<int> assign_units(const std::vector<WorkUnit>& units, int ranks) {
  std::vector<int> order(units.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return units[a].end - units[a].begin > units[b].end - units[b].begin;
  });
  std::vector<std::uint64_t> load(static_cast<std::size_t>(std::max(ranks, 1)), 0);
  std::vector<int> rank_of(units.size(), 0);
  for (int u : order) {
    const auto r = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    rank_of[u] = static_cast<int>(r);
    load[r] += units[u].end - units[u].begin + 1;  // +1: empty units still spread
  }
  return rank_of;
}

bool held_out(std::string_view document, double fraction) {
  if (fraction <= 0) return false;
  // FNV-1a, then a splitmix64 finaliser so short texts spread over the range.
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : document) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return static_cast<double>(h >> 11) * 0x1.0p-53 < fraction;
}

}  // namespace sweep::text
