// sweep prepare's ranks; see prepare_command.hpp. Rank 0 plans, broadcasts
// the plan (manifest JSON and the units to do with their ranks), works on its
// own units while it drains the others' messages, and writes manifest.json
// after each finished unit. MPI is used from each rank's main thread only. A failure anywhere stops every rank after its
// unit in hand; nothing half-written is left under a shard's name.
#include "cli/prepare_command.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/prepare_progress.hpp"
#include "cli/run_command.hpp"
#include "common/clock.hpp"
#include "text/manifest.hpp"
#include "text/prepare_unit.hpp"
#include "text/tokenizer.hpp"
#include "wire/mpi_transport.hpp"

namespace po = sweep::cli::po;
namespace fs = std::filesystem;

namespace sweep {
namespace {

using text::Manifest;
using text::ShardRecord;
using text::WorkUnit;

cli::OptionTable prepare_options() {
  cli::OptionTable table("Options", {}, "inputs");
  table.add()
      ("help,h", "print this help and exit")
      ("tokenizer,t", po::value<std::string>(), "\"bytes\" or the path of a tokenizer.json (required)")
      ("out,o", po::value<std::string>(),
       "folder of the shards and manifest.json (required). Created if absent; an existing folder must hold the "
       "manifest of a run with the same inputs, options and tokenizer, which is then resumed (its finished shards "
       "are checked by SHA-256 and kept); anything else is refused, never overwritten")
      ("format", po::value<std::string>()->default_value("auto"),
       "auto (by extension: .txt, .jsonl, each optionally .gz or .zst), txt or jsonl")
      ("text-field", po::value<std::string>()->default_value("text"), "JSONL: the string field holding a document")
      ("documents", po::value<std::string>()->default_value("file"),
       "txt: a document per file (file) or per block of lines between blank lines (paragraph)")
      ("unit-mb", po::value<double>()->default_value(64.0),
       "MB of an uncompressed JSONL or paragraph-text file per work unit, cut at the next document boundary; "
       "every other file is one unit. Unit i of a split is the shard SPLIT_%06d.bin")
      ("valid", po::value<std::vector<std::string>>(),
       "GLOB of validation files (repeat the option for more): their units become valid_%06d.bin")
      ("valid-fraction", po::value<double>()->default_value(0.0),
       "instead of --valid: hold out this share of the training documents, chosen by a hash of their text (so "
       "duplicates stay on one side); train unit i writes its held-out documents to valid_%06d.bin")
      ("progress", po::value<std::string>()->default_value("auto"),
       "live: one line on standard error updated in place; lines: a line every --progress-every seconds; "
       "auto: live when standard error is a terminal")
      ("progress-every", po::value<double>()->default_value(10.0), "seconds between progress lines (lines mode)")
      ("quiet,q", "no progress line (notes, errors and the summary are still printed)");
  return table;
}

constexpr const char* kSynopsis =
    "usage: [mpirun -np N] sweep prepare --tokenizer T --out DIR [options] INPUTS...\n"
    "Tokenizes text into llm.c shards (a 256 x int32 header, then uint16 tokens, or uint32 when the\n"
    "vocabulary exceeds 65536) in DIR, with DIR/manifest.json (tokenizer name and hash, sources,\n"
    "units, each shard's tokens, bytes and SHA-256). INPUTS are files or globs of .txt or .jsonl,\n"
    "optionally .gz/.zst. Every document is preceded by the tokenizer's end-of-text token. The work\n"
    "units are spread over the MPI ranks; the shards are the same bytes for any rank count.\n"
    "A killed run is resumed by running the same command again.\n\n";
constexpr const char* kExitStatus =
    "\nExit status: 0 done; 1 failed while tokenizing (fix the input, then rerun to resume);\n"
    "2 bad command line, unusable inputs or a refused --out folder (nothing written).\n";

struct Settings {
  std::string tokenizer, out;
  std::vector<std::string> inputs, valid;
  text::PlanOptions plan;
  std::string progress;
  double progress_every = 10.0;
};

// Checks the command line; throws po::error with what is wrong.
Settings settings_of(const po::variables_map& vm) {
  Settings s;
  if (!vm.count("tokenizer")) throw po::error("missing --tokenizer");
  if (!vm.count("out")) throw po::error("missing --out DIR");
  if (!vm.count("inputs")) throw po::error("no INPUTS");
  s.tokenizer = vm["tokenizer"].as<std::string>();
  s.out = vm["out"].as<std::string>();
  s.inputs = vm["inputs"].as<std::vector<std::string>>();
  if (vm.count("valid")) s.valid = vm["valid"].as<std::vector<std::string>>();
  const std::string format = vm["format"].as<std::string>();
  if (format == "auto") s.plan.read.format = text::FileFormat::Auto;
  else if (format == "txt") s.plan.read.format = text::FileFormat::Text;
  else if (format == "jsonl") s.plan.read.format = text::FileFormat::Jsonl;
  else throw po::error("--format must be auto, txt or jsonl, got " + format);
  s.plan.read.text_field = vm["text-field"].as<std::string>();
  const std::string docs = vm["documents"].as<std::string>();
  if (docs == "file") s.plan.read.documents = text::TextDocuments::File;
  else if (docs == "paragraph") s.plan.read.documents = text::TextDocuments::Paragraph;
  else throw po::error("--documents must be file or paragraph, got " + docs);
  const double mb = vm["unit-mb"].as<double>();
  if (!(mb > 0) || mb > 2048) throw po::error("--unit-mb must be in (0, 2048]");
  s.plan.unit_bytes = static_cast<std::uint64_t>(mb * (1 << 20));
  s.plan.valid_fraction = vm["valid-fraction"].as<double>();
  if (!(s.plan.valid_fraction >= 0 && s.plan.valid_fraction < 1)) throw po::error("--valid-fraction must be in [0, 1)");
  if (s.plan.valid_fraction > 0 && !s.valid.empty()) throw po::error("--valid and --valid-fraction exclude each other");
  s.progress = vm.count("quiet") ? "none" : vm["progress"].as<std::string>();
  if (s.progress == "auto") s.progress = stderr_is_terminal() ? "live" : "lines";
  if (s.progress != "live" && s.progress != "lines" && s.progress != "none")
    throw po::error("--progress must be auto, live or lines, got " + s.progress);
  s.progress_every = vm["progress-every"].as<double>();
  return s;
}

// What rank 0 decided, as every rank gets it.
struct Plan {
  std::string error;      // set: nothing to do, exit 2
  std::string manifest;   // JSON of the manifest as this run starts
  std::vector<int> todo;  // unit indexes
  std::vector<int> rank;  // for each of todo
};

std::string encode_plan(const Plan& p) {
  Writer w;
  w.put(p.error).put(p.manifest).put<std::uint64_t>(p.todo.size());
  for (std::size_t i = 0; i < p.todo.size(); ++i) w.put<std::int32_t>(p.todo[i]).put<std::int32_t>(p.rank[i]);
  return w.take();
}

Plan decode_plan(const std::string& bytes) {
  Reader r(bytes);
  Plan p;
  p.error = r.get_string();
  p.manifest = r.get_string();
  const auto n = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < n; ++i) {
    p.todo.push_back(r.get<std::int32_t>());
    p.rank.push_back(r.get<std::int32_t>());
  }
  return p;
}

std::string encode_records(const std::vector<ShardRecord>& records) {
  Writer w;
  w.put<std::uint64_t>(records.size());
  for (const auto& s : records)
    w.put(s.path).put(s.split).put<std::int32_t>(s.unit).put(s.tokens).put(s.bytes).put(s.documents)
        .put(s.text_bytes).put(s.sha256);
  return w.take();
}

std::vector<ShardRecord> decode_records(const std::string& bytes) {
  Reader r(bytes);
  std::vector<ShardRecord> out(r.get<std::uint64_t>());
  for (auto& s : out) {
    s.path = r.get_string();
    s.split = r.get_string();
    s.unit = r.get<std::int32_t>();
    s.tokens = r.get<std::uint64_t>();
    s.bytes = r.get<std::uint64_t>();
    s.documents = r.get<std::uint64_t>();
    s.text_bytes = r.get<std::uint64_t>();
    s.sha256 = r.get_string();
  }
  return out;
}

// Empty but for a manifest.json.tmp: a run killed while writing its first
// manifest, before any shard, left nothing else.
bool folder_is_empty(const std::string& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename() != std::string(text::kManifestFile) + ".tmp") return false;
  return true;
}

// Rank 0: the manifest this run works towards and the units still to do.
// Writes DIR/manifest.json (creating DIR) when there is work. Throws
// CorpusError (or TokenizerError) when the inputs or DIR cannot be used.
Plan plan_run(const Settings& s, const text::Tokenizer& tok, const char* version, Manifest& m,
              std::vector<std::string>& notes, int ranks) {
  Plan p;
  const auto train = text::expand_globs(s.inputs, "");
  const auto valid = text::expand_globs(s.valid, "");
  for (const auto& v : valid)
    if (std::find(train.begin(), train.end(), v) != train.end())
      throw text::CorpusError(v + ": given both as an input and with --valid");
  if (!tok.eot()) throw text::TokenizerError(tok.name() + ": has no end-of-text token to put before each document");
  m.sweep_version = version;
  m.tokenizer_name = tok.name();
  m.tokenizer_hash = tok.hash();
  m.vocab_size = tok.vocab_size();
  m.eot = *tok.eot();
  m.options = s.plan;
  m.sources = text::describe_sources(train, valid);
  m.units = text::plan_units(m.sources, s.plan);
  std::error_code ec;
  const bool exists = fs::exists(s.out, ec);
  std::vector<int> todo;
  if (exists) {
    if (!fs::is_directory(s.out)) throw text::CorpusError(s.out + ": exists and is not a folder");
    const auto existing = text::read_manifest(s.out);
    if (!existing) {
      if (!folder_is_empty(s.out))
        throw text::CorpusError(s.out + ": not empty and holds no " + std::string(text::kManifestFile) +
                                "; refusing to write shards into it (use an empty or new folder)");
    } else {
      const std::string why = text::manifest_mismatch(*existing, m, s.out);
      if (!why.empty()) throw text::CorpusError(why);
      todo = text::units_to_do(*existing, s.out, notes);
      // Keep the records of the shards that were checked; the rest are redone.
      for (const auto& r : existing->shards)
        if (std::find(todo.begin(), todo.end(), r.unit) == todo.end()) m.shards.push_back(r);
      m.complete = existing->complete && todo.empty();
    }
    if (!existing) for (const auto& u : m.units) todo.push_back(u.index);
  } else {
    fs::create_directories(s.out, ec);
    if (ec) throw text::CorpusError(s.out + ": cannot create the folder: " + ec.message());
    for (const auto& u : m.units) todo.push_back(u.index);
  }
  std::vector<WorkUnit> units;
  for (int i : todo) units.push_back(m.units[static_cast<std::size_t>(i)]);
  p.todo = todo;
  p.rank = text::assign_units(units, ranks);
  if (!m.complete) text::write_manifest(s.out, m);
  p.manifest = text::manifest_json(m);
  return p;
}

// Thrown out of a unit's progress callback when rank 0 asks every rank to stop.
struct StopRequested {};

// Rank 0's bookkeeping: every rank's progress, the manifest, failures.
class Leader {
 public:
  Leader(const MpiTransport& tx, Manifest& m, const Settings& s, const Plan& plan)
      : tx_(tx), m_(m), dir_(s.out), printer_(s.progress, s.progress_every), bytes_(tx.size(), 0),
        tokens_(tx.size(), 0), start_(steady_seconds()) {
    units_total_ = static_cast<int>(plan.todo.size());
    for (int i : plan.todo) {
      const auto& u = m.units[static_cast<std::size_t>(i)];
      bytes_total_ += u.end - u.begin;
    }
  }

  void note(const std::string& line) { printer_.note(line); }

  void own_progress(std::uint64_t bytes, std::uint64_t tokens) {
    bytes_[0] = bytes;
    tokens_[0] = tokens;
    drain();
    show(false);
    if (!failure_.empty()) throw StopRequested{};
  }

  void shards_done(const std::vector<ShardRecord>& records) {
    text::record_shards(m_, records);
    text::write_manifest(dir_, m_);
    ++units_done_;
    for (const auto& r : records) tokens_made_ += r.tokens;
  }

  void fail(const std::string& why) {
    if (!failure_.empty()) return;  // the first failure is the one reported; the others follow from the stop
    failure_ = why;
    printer_.note(why);
    for (int r = 1; r < tx_.size(); ++r) tx_.send(r, Tag::Stop);
  }

  // After rank 0's own units: until every other rank has finished.
  void wait_for_ranks() {
    while (finished_ < tx_.size() - 1) {
      if (auto msg = tx_.receive(std::chrono::milliseconds(200))) handle(*msg);
      show(false);
    }
  }

  const std::string& failure() const { return failure_; }
  int units_done() const { return units_done_; }
  std::uint64_t tokens_made() const { return tokens_made_; }
  std::uint64_t bytes_total() const { return bytes_total_; }
  double elapsed() const { return steady_seconds() - start_; }

  void show(bool final) {
    PrepareCounts c;
    c.elapsed_s = elapsed();
    for (auto b : bytes_) c.bytes += b;
    for (auto t : tokens_) c.tokens += t;
    c.bytes_total = bytes_total_;
    c.units_done = units_done_;
    c.units_total = units_total_;
    printer_.update(c, final);
  }

 private:
  void drain() {
    while (auto msg = tx_.receive(std::chrono::milliseconds(0))) handle(*msg);
  }

  void handle(const Transport::Message& msg) {
    Reader r(msg.bytes);
    switch (msg.tag) {
      case Tag::PrepareProgress:
        bytes_[static_cast<std::size_t>(msg.source)] = r.get<std::uint64_t>();
        tokens_[static_cast<std::size_t>(msg.source)] = r.get<std::uint64_t>();
        break;
      case Tag::PrepareDone:
        shards_done(decode_records(msg.bytes));
        break;
      case Tag::PrepareFailed:
        fail(r.get_string());
        break;
      case Tag::PrepareFinished:
        ++finished_;
        break;
      default:
        fail("sweep prepare: rank " + std::to_string(msg.source) + " sent an unexpected message (tag " +
             std::to_string(static_cast<int>(msg.tag)) + ")");
    }
  }

  const MpiTransport& tx_;
  Manifest& m_;
  std::string dir_;
  PrepareProgressPrinter printer_;
  std::vector<std::uint64_t> bytes_, tokens_;  // latest of each rank, cumulative over its units
  double start_;
  std::uint64_t bytes_total_ = 0, tokens_made_ = 0;
  int units_total_ = 0, units_done_ = 0, finished_ = 0;
  std::string failure_;
};

// Runs this rank's units. Rank 0 passes its Leader; the others report over
// the wire. A unit's shards are written as it is tokenized, then
// checksummed, fsync'ed and renamed into place on a second thread while the
// next unit is tokenized; a unit is reported only once its files are in place. Returns the first error, "stopped", or "".
std::string run_units(const MpiTransport& tx, const Manifest& m, const Plan& plan, const text::Tokenizer& tok,
                      const std::string& dir, Leader* leader) {
  std::uint64_t bytes_before = 0, tokens_before = 0;  // of this rank's tokenized units
  double last_sent = -1e300;
  const auto send_progress = [&](std::uint64_t bytes, std::uint64_t tokens) {
    Writer w;
    w.put<std::uint64_t>(bytes).put<std::uint64_t>(tokens);
    tx.send(0, Tag::PrepareProgress, w.take());
  };
  std::future<std::vector<ShardRecord>> writing;  // the previous unit's shards
  const auto finish_writing = [&] {
    if (!writing.valid()) return;
    const auto records = writing.get();  // rethrows the writer's error
    if (leader != nullptr) leader->shards_done(records);
    else tx.send(0, Tag::PrepareDone, encode_records(records));
  };
  // On the way out: the shards in flight are whole once written, so they are
  // still recorded; a second error is dropped for the first.
  const auto drain = [&](std::string why) {
    try {
      finish_writing();
    } catch (const std::exception& e) {
      if (why.empty() || why == "stopped") why = e.what();
    }
    return why;
  };
  for (std::size_t k = 0; k < plan.todo.size(); ++k) {
    if (plan.rank[k] != tx.rank()) continue;
    const WorkUnit& unit = m.units[static_cast<std::size_t>(plan.todo[k])];
    const auto progress = [&](std::uint64_t bytes, std::uint64_t tokens) {
      if (leader != nullptr) return leader->own_progress(bytes_before + bytes, tokens_before + tokens);
      if (tx.pending(0, Tag::Stop)) throw StopRequested{};
      const double now = steady_seconds();
      if (now - last_sent < 0.2) return;
      last_sent = now;
      send_progress(bytes_before + bytes, tokens_before + tokens);
    };
    try {
      text::UnitShards shards = text::tokenize_unit(unit, m.options, tok, dir, progress);
      finish_writing();
      bytes_before += unit.end - unit.begin;
      for (const auto& r : shards.records) tokens_before += r.tokens;
      if (leader != nullptr) leader->own_progress(bytes_before, tokens_before);
      else send_progress(bytes_before, tokens_before);
      writing = std::async(std::launch::async, [s = std::move(shards)]() mutable {
        return text::commit_unit_shards(std::move(s));
      });
    } catch (const StopRequested&) {
      return drain("stopped");
    } catch (const std::exception& e) {
      return drain(e.what());
    }
  }
  return drain("");
}

// Rank 0, every unit done: marks the manifest complete, unless the inputs
// held no document at all (an empty corpus: one line naming the inputs).
bool finish(Manifest& m, const Settings& s) {
  std::uint64_t documents = 0;
  for (const auto& r : m.shards) documents += r.documents;
  if (documents == 0) {
    std::string all;
    for (const auto& g : s.inputs) all += (all.empty() ? "" : " ") + g;
    std::cerr << all << ": empty corpus: no documents in " << m.sources.size() << " files\n";
    return false;
  }
  m.complete = true;
  text::write_manifest(s.out, m);
  return true;
}

}  // namespace

int prepare_command(int argc, char** argv, const char* version) {
  const bool first = first_process_by_environment();
  const auto table = prepare_options();
  Settings s;
  try {
    const auto vm = table.parse(argc - 1, argv + 1);
    if (vm.count("help")) {
      if (first) table.usage(std::cout, kSynopsis, kExitStatus);
      return 0;
    }
    s = settings_of(vm);
  } catch (const po::error& e) {
    if (first) std::cerr << "sweep prepare: " << e.what() << " (see sweep prepare --help)\n";
    return 2;
  }

  MpiSession mpi(argc, argv);
  MpiTransport tx;
  const bool leader_rank = tx.rank() == 0;
  std::optional<text::Tokenizer> tok;
  std::string tok_error;
  try {
    tok.emplace(text::Tokenizer::load(s.tokenizer));
  } catch (const std::exception& e) {
    tok_error = e.what();
  }

  Manifest m;
  std::vector<std::string> notes;
  std::string payload;
  if (leader_rank) {
    Plan p;
    try {
      if (!tok) throw text::TokenizerError(tok_error);
      p = plan_run(s, *tok, version, m, notes, tx.size());
    } catch (const std::exception& e) {
      p = Plan{};
      p.error = e.what();
    }
    payload = encode_plan(p);
  }
  tx.broadcast(payload);
  const Plan plan = decode_plan(payload);
  if (!plan.error.empty()) {
    if (leader_rank) std::cerr << plan.error << "\n";
    return 2;
  }
  if (!leader_rank) m = text::parse_manifest(plan.manifest, s.out + "/" + text::kManifestFile);

  if (!leader_rank) {
    const std::string error =
        tok ? run_units(tx, m, plan, *tok, s.out, nullptr) : "rank " + std::to_string(tx.rank()) + ": " + tok_error;
    if (!error.empty() && error != "stopped") {
      Writer w;
      w.put(error);
      tx.send(0, Tag::PrepareFailed, w.take());
    }
    tx.send(0, Tag::PrepareFinished);
    return error.empty() ? 0 : 1;
  }

  Leader leader(tx, m, s, plan);
  for (const auto& n : notes) leader.note(n);
  if (plan.todo.empty()) {
    // Killed after its last shard was recorded, before the manifest said it was complete.
    if (!m.complete && !finish(m, s)) return 1;
    std::cout << "sweep prepare: " << s.out << ": up to date (" << m.shards.size() << " shards)\n";
    return 0;
  }
  const std::string error = run_units(tx, m, plan, *tok, s.out, &leader);
  if (!error.empty() && error != "stopped") leader.fail(error);
  leader.wait_for_ranks();
  leader.show(true);
  if (!leader.failure().empty()) return 1;

  if (!finish(m, s)) return 1;
  std::uint64_t documents = 0, tokens[2] = {0, 0};
  int shards[2] = {0, 0};
  for (const auto& r : m.shards) {
    documents += r.documents;
    tokens[r.split == "train" ? 0 : 1] += r.tokens;
    ++shards[r.split == "train" ? 0 : 1];
  }
  const double secs = std::max(leader.elapsed(), 1e-9);
  char rates[256];
  std::snprintf(rates, sizeof rates, "%.1f MB in %.2f s: %.2f MB/s, %.2fM tokens/s on %d ranks",
                static_cast<double>(leader.bytes_total()) / 1e6, secs,
                static_cast<double>(leader.bytes_total()) / 1e6 / secs,
                static_cast<double>(leader.tokens_made()) / secs / 1e6, tx.size());
  std::cout << "sweep prepare: " << s.out << ": " << shards[0] << " train shards (" << tokens[0] << " tokens), "
            << shards[1] << " valid shards (" << tokens[1] << " tokens), " << documents << " documents; this run: "
            << leader.units_done() << " units, " << rates << "\n";
  return 0;
}

}  // namespace sweep
