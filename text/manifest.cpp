// manifest.json read, write and compare; see manifest.hpp.
#include "text/manifest.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/sha256.hpp"
#include "text/atomic_file.hpp"

namespace sweep::text {
namespace {

using nlohmann::ordered_json;

constexpr const char* kKind = "sweep prepare manifest";
constexpr int kManifestVersion = 1;

std::string in_dir(const std::string& dir, const std::string& name) { return dir + "/" + name; }

FileFormat format_named(const std::string& s) {
  for (FileFormat f : {FileFormat::Auto, FileFormat::Text, FileFormat::Jsonl, FileFormat::LlmcBin, FileFormat::NanogptBin})
    if (s == to_string(f)) return f;
  throw std::invalid_argument("unknown format " + s);
}

}  // namespace

std::string manifest_json(const Manifest& m) {
  ordered_json j;
  j["kind"] = kKind;
  j["manifest_version"] = kManifestVersion;
  j["sweep_version"] = m.sweep_version;
  j["complete"] = m.complete;
  j["tokenizer"] = {{"name", m.tokenizer_name}, {"hash", m.tokenizer_hash}, {"vocab_size", m.vocab_size},
                    {"eot", m.eot}};
  j["options"] = {{"format", to_string(m.options.read.format)},
                  {"text_field", m.options.read.text_field},
                  {"documents", to_string(m.options.read.documents)},
                  {"unit_bytes", m.options.unit_bytes},
                  {"valid_fraction", m.options.valid_fraction}};
  std::uint64_t tokens[2] = {0, 0};
  for (const auto& s : m.shards) tokens[s.split == "train" ? 0 : 1] += s.tokens;
  j["tokens"] = {{"train", tokens[0]}, {"valid", tokens[1]}};
  j["sources"] = ordered_json::array();
  for (const auto& s : m.sources)
    j["sources"].push_back({{"path", s.path}, {"split", s.split}, {"bytes", s.bytes}, {"mtime_ns", s.mtime_ns}});
  j["units"] = ordered_json::array();
  for (const auto& u : m.units)
    j["units"].push_back({{"index", u.index}, {"split", u.split}, {"source", u.source}, {"begin", u.begin},
                          {"end", u.end}, {"shard", u.shard}, {"held_out", u.held_out}});
  j["shards"] = ordered_json::array();
  for (const auto& s : m.shards)
    j["shards"].push_back({{"path", s.path}, {"split", s.split}, {"unit", s.unit}, {"tokens", s.tokens},
                           {"bytes", s.bytes}, {"sha256", s.sha256}, {"documents", s.documents},
                           {"text_bytes", s.text_bytes}});
  return j.dump(2) + "\n";
}

Manifest parse_manifest(const std::string& text, const std::string& path) {
  try {
    const auto j = ordered_json::parse(text);
    if (!j.is_object() || j.value("kind", "") != kKind) throw std::invalid_argument("no \"kind\": \"" + std::string(kKind) + "\"");
    if (j.at("manifest_version").get<int>() != kManifestVersion)
      throw std::invalid_argument("manifest_version " + j.at("manifest_version").dump() + ", this sweep reads " +
                                  std::to_string(kManifestVersion));
    Manifest m;
    m.sweep_version = j.at("sweep_version").get<std::string>();
    m.complete = j.at("complete").get<bool>();
    const auto& t = j.at("tokenizer");
    m.tokenizer_name = t.at("name").get<std::string>();
    m.tokenizer_hash = t.at("hash").get<std::string>();
    m.vocab_size = t.at("vocab_size").get<std::uint64_t>();
    m.eot = t.at("eot").get<std::int64_t>();
    const auto& o = j.at("options");
    m.options.read.format = format_named(o.at("format").get<std::string>());
    m.options.read.text_field = o.at("text_field").get<std::string>();
    m.options.read.documents =
        o.at("documents").get<std::string>() == "paragraph" ? TextDocuments::Paragraph : TextDocuments::File;
    m.options.unit_bytes = o.at("unit_bytes").get<std::uint64_t>();
    m.options.valid_fraction = o.at("valid_fraction").get<double>();
    for (const auto& s : j.at("sources"))
      m.sources.push_back({s.at("path").get<std::string>(), s.at("split").get<std::string>(),
                           s.at("bytes").get<std::uint64_t>(), s.at("mtime_ns").get<std::int64_t>()});
    for (const auto& u : j.at("units")) {
      WorkUnit w;
      w.index = u.at("index").get<int>();
      w.split = u.at("split").get<std::string>();
      w.source = u.at("source").get<std::string>();
      w.begin = u.at("begin").get<std::uint64_t>();
      w.end = u.at("end").get<std::uint64_t>();
      w.shard = u.at("shard").get<std::string>();
      w.held_out = u.at("held_out").get<std::string>();
      m.units.push_back(std::move(w));
    }
    for (const auto& s : j.at("shards")) {
      ShardRecord r;
      r.path = s.at("path").get<std::string>();
      r.split = s.at("split").get<std::string>();
      r.unit = s.at("unit").get<int>();
      r.tokens = s.at("tokens").get<std::uint64_t>();
      r.bytes = s.at("bytes").get<std::uint64_t>();
      r.sha256 = s.at("sha256").get<std::string>();
      r.documents = s.at("documents").get<std::uint64_t>();
      r.text_bytes = s.at("text_bytes").get<std::uint64_t>();
      m.shards.push_back(std::move(r));
    }
    return m;
  } catch (const std::exception& e) {
    throw CorpusError(path + ": not a sweep prepare manifest: " + e.what());
  }
}

std::optional<Manifest> read_manifest(const std::string& dir) {
  const std::string path = in_dir(dir, kManifestFile);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    throw CorpusError(path + ": cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_manifest(text.str(), path);
}

void write_manifest(const std::string& dir, const Manifest& m) {
  write_file_atomically(in_dir(dir, kManifestFile), manifest_json(m));
}

void record_shards(Manifest& m, const std::vector<ShardRecord>& records) {
  for (const auto& r : records) {
    auto it = std::find_if(m.shards.begin(), m.shards.end(), [&](const ShardRecord& s) { return s.path == r.path; });
    if (it != m.shards.end()) *it = r;
    else m.shards.push_back(r);
  }
  std::stable_sort(m.shards.begin(), m.shards.end(), [](const ShardRecord& a, const ShardRecord& b) {
    return a.unit != b.unit ? a.unit < b.unit : a.split > b.split;  // "train" before "valid"
  });
}

std::string manifest_mismatch(const Manifest& existing, const Manifest& wanted, const std::string& dir) {
  const std::string head = dir + ": holds shards ";
  if (existing.tokenizer_hash != wanted.tokenizer_hash || existing.vocab_size != wanted.vocab_size ||
      existing.eot != wanted.eot)
    return head + "of tokenizer " + existing.tokenizer_name + " (" + existing.tokenizer_hash +
           "), not of this run's tokenizer " + wanted.tokenizer_name + " (" + wanted.tokenizer_hash +
           "); refusing to mix them (use another --out)";
  if (existing.sources != wanted.sources) {
    std::string what = "other input files";
    for (std::size_t i = 0; i < std::max(existing.sources.size(), wanted.sources.size()); ++i) {
      if (i >= existing.sources.size()) { what = "no input " + wanted.sources[i].path; break; }
      if (i >= wanted.sources.size()) { what = "also input " + existing.sources[i].path; break; }
      if (!(existing.sources[i] == wanted.sources[i])) {
        what = existing.sources[i].path == wanted.sources[i].path
                   ? "input " + wanted.sources[i].path + " as it was then (its size or mtime changed since)"
                   : "input " + existing.sources[i].path + " where this run has " + wanted.sources[i].path;
        break;
      }
    }
    return head + "made from " + what + "; refusing to mix them (use another --out)";
  }
  const auto& a = existing.options;
  const auto& b = wanted.options;
  if (a.read.format != b.read.format || a.read.text_field != b.read.text_field ||
      a.read.documents != b.read.documents || a.unit_bytes != b.unit_bytes || a.valid_fraction != b.valid_fraction)
    return head + "made with other options (--format " + to_string(a.read.format) + " --text-field " +
           a.read.text_field + " --documents " + to_string(a.read.documents) + " --unit-mb " +
           std::to_string(static_cast<double>(a.unit_bytes) / (1 << 20)) + " --valid-fraction " +
           std::to_string(a.valid_fraction) + "); refusing to mix them (use another --out)";
  if (existing.units != wanted.units) return head + "of another plan of work units; refusing to mix them (use another --out)";
  return "";
}

std::vector<int> units_to_do(const Manifest& m, const std::string& dir, std::vector<std::string>& notes) {
  std::map<std::string, const ShardRecord*> recorded;
  for (const auto& s : m.shards) recorded[s.path] = &s;
  const auto done = [&](const std::string& name) {
    const std::string path = in_dir(dir, name);
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    const auto it = recorded.find(name);
    if (it == recorded.end()) {
      if (exists) notes.push_back(path + ": not in the manifest (killed before it was recorded); writing it again");
      return false;
    }
    if (!exists) {
      notes.push_back(path + ": recorded in the manifest but missing; writing it again");
      return false;
    }
    if (static_cast<std::uint64_t>(st.st_size) != it->second->bytes || sha256_file(path) != it->second->sha256) {
      notes.push_back(path + ": differs from its manifest entry (size or SHA-256); writing it again");
      return false;
    }
    return true;
  };
  std::vector<int> todo;
  for (const auto& u : m.units) {
    bool ok = done(u.shard);
    if (!u.held_out.empty()) ok = done(u.held_out) && ok;
    if (!ok) todo.push_back(u.index);
  }
  return todo;
}

}  // namespace sweep::text
