// Grid-file loader: parses a sweeps/*.toml file with toml++ into a SweepSpec,
// checking every table, key, type and value, and reports the first problem as
// one line "FILE:LINE:COL: key.path: what" (the reading helpers behind those
// lines: toml_reader.hpp). Tables and keys are visited in file
// order, so the reported problem is the first one in its table.
#include "spec/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "hf/model_dir.hpp"
#include "spec/overrides.hpp"
#include "spec/settings.hpp"
#include "spec/toml_reader.hpp"
#include "text/tokenizer.hpp"

namespace sweep {
namespace {

using namespace grid_toml;

const Keys kTopKeys = {"sweep", "grid", "data", "model", "task", "train", "eval"};
const Keys kDataKeys = {"tokenizer", "train", "valid", "format", "text_field", "documents"};
const Keys kSweepKeys = {"name", "seed", "out", "job_timeout", "max_retries"};
const Keys kGridKeys = {"model", "data_tokens", "compute", "prompt", "task", "zip", "exclude",
                        "min_tokens_per_param", "max_tokens_per_param"};
const Keys kModelKeys = {"n_layer",     "d_model",     "n_head",          "lr",    "ranks_per_job",
                         "torchscript", "n_params",    "tokenizer",       "hf",    "checkpoints",
                         "tokens_per_step", "dtype",   "data_tokens"};
const Keys kGptModelKeys = {"n_layer", "d_model", "n_head", "lr"};
const Keys kTorchscriptModelKeys = {"torchscript", "n_params", "tokenizer", "ranks_per_job"};
const Keys kHfModelKeys = {"hf", "checkpoints", "tokens_per_step", "dtype", "data_tokens", "ranks_per_job"};
// Keys only a pretrained model takes.
const Keys kHfOnlyKeys = {"checkpoints", "tokens_per_step", "dtype", "data_tokens"};

bool listed(const Keys& keys, std::string_view key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); }

// A checkpoint suite as the grid file writes it; its checkpoints are chosen
// once grid.data_tokens is read (Loader::resolve_suite).
struct SuiteDecl {
  std::size_t model = 0;         // index into SweepSpec::models
  std::string path;              // key path of `checkpoints`
  const toml::node* at = nullptr;
  std::string pattern;           // "DIR/step{step}", resolved; empty: a table
  std::int64_t tokens_per_step = 0;
  struct Entry {
    std::int64_t tokens = 0;
    std::string folder;          // resolved
    const toml::node* at = nullptr;
    std::string path;
  };
  std::vector<Entry> entries;    // a table's, in file order
};
// Every key some task kind takes; a key here that the table's kind does not take
// is "not allowed for kind", anything else an unknown key.
const Keys kAnyTaskKeys = {"kind",          "digits",        "digits_b",      "modulus",       "min_length",
                           "max_length",    "options",       "symbols",       "fact_fraction", "scoring",
                           "path",          "question_field", "answer_field", "choices_field", "context_field",
                           "steps_field"};
Keys task_keys(TaskKind k) {
  switch (k) {
    case TaskKind::Addition: return {"kind", "digits"};
    case TaskKind::Multiplication: return {"kind", "digits", "digits_b"};
    case TaskKind::Modular: return {"kind", "digits", "modulus"};
    case TaskKind::Unscramble: return {"kind", "min_length", "max_length"};
    case TaskKind::Largest: return {"kind", "digits", "options", "scoring"};
    case TaskKind::Redefine: return {"kind", "symbols", "fact_fraction"};
    case TaskKind::Negation: return {"kind", "symbols", "options", "fact_fraction", "scoring"};
    case TaskKind::BigBench: return {"kind", "path"};
    case TaskKind::Jsonl:
      return {"kind", "path", "question_field", "answer_field", "choices_field", "context_field", "steps_field"};
  }
  return {};
}
Keys field_keys(const std::vector<SettingField>& fields) {
  Keys keys;
  for (const SettingField& f : fields) keys.emplace_back(f.key);
  return keys;
}
const Keys kTrainKeys = field_keys(train_fields());
const Keys kEvalKeys = field_keys(eval_fields());

constexpr const auto& kPrompts = kAllPrompts;
constexpr const auto& kKinds = kAllTaskKinds;

// Rank 0 holds every point's resolved config (~450 bytes) and /points row, so
// a grid is bounded (~1 GB at this size); see "Limits" in README.md.
constexpr std::int64_t kMaxGridPoints = 1'000'000;
// Each combination of setting axes is a SweepSpec of its own in the plan
// (Plan::variants); a study sweeps a handful of settings, not thousands.
constexpr std::int64_t kMaxSettingCombinations = 10'000;
constexpr std::size_t kMaxPathLength = 4095;           // PATH_MAX less the NUL
constexpr std::size_t kMaxGridBytes = 4u << 20;        // a grid file is a few KB; 4 MiB is no typo
constexpr std::int64_t kMaxRanksPerJob = 4096;  // ranks in one job's group

// The grid's tables, each read by its own member, in file order.
class Loader : TomlReader {
 public:
  explicit Loader(const std::string& file) : TomlReader(file) {}

  void load(const toml::table& root, SweepSpec& spec) const {
    check_keys(root, "", kTopKeys);
    if (const toml::node* n = root.get("sweep")) read_sweep(table(*n, "sweep"), spec);
    if (spec.out.empty()) spec.out = "results/" + spec.name + ".h5";
    const toml::node* data_tokenizer = nullptr;  // where [data] names one, for its errors
    if (const toml::node* n = root.get("data")) data_tokenizer = read_data(table(*n, "data"), spec.data);
    std::vector<SuiteDecl> suites;
    if (const toml::node* n = root.get("model")) read_models(table(*n, "model"), spec.models, suites);
    for (ModelSpec& m : spec.models)
      if (m.tokenizer.empty() && !m.pretrained())
        set_tokenizer(m, spec.data.tokenizer, data_tokenizer, "data.tokenizer");
    if (const toml::node* n = root.get("task")) read_tasks(table(*n, "task"), spec.tasks);
    if (const toml::node* n = root.get("train")) read_train(table(*n, "train"), spec.train);
    if (const toml::node* n = root.get("eval")) read_eval(table(*n, "eval"), spec.eval);
    const toml::node* grid = root.get("grid");
    if (!grid) fail(root.source(), "grid", "missing required table [grid]");
    read_grid(table(*grid, "grid"), spec);
    for (const SuiteDecl& s : suites) resolve_suite(s, spec);
  }

 private:
  void read_sweep(const toml::table& t, SweepSpec& spec) const {
    const std::string p = "sweep";
    check_keys(t, p, kSweepKeys);
    if (const toml::node* n = t.get("name")) {
      spec.name = to_str(*n, key_path(p, "name"));
      check_name(spec.name, n->source(), key_path(p, "name"));
    }
    get_int(t, p, "seed", 0, kNoMax, spec.seed);
    get_float(t, p, "job_timeout", kNonNegative, spec.job_timeout);
    get_int(t, p, "max_retries", 0, 100, spec.max_retries);
    if (const toml::node* n = t.get("out")) {
      spec.out = to_str(*n, key_path(p, "out"));
      if (spec.out.empty() || spec.out.size() > kMaxPathLength || spec.out.find('\0') != std::string::npos)
        fail(n->source(), key_path(p, "out"),
             "expected a path of 1.." + std::to_string(kMaxPathLength) + " bytes without NUL, got " +
                 std::to_string(spec.out.size()) + " bytes");
      // Relative to the grid file's folder, so a grid names the same store
      // from whatever directory it is run.
      spec.out = relative_to_file(file_, spec.out);
    }
  }

  void read_models(const toml::table& t, std::vector<ModelSpec>& models, std::vector<SuiteDecl>& suites) const {
    for (const auto& [key, node] : in_file_order(t)) {
      const std::string p = key_path("model", key->str());
      check_name(key->str(), key->source(), p);
      SuiteDecl suite;
      suite.model = models.size();
      models.push_back(read_model(table(*node, p), p, std::string(key->str()), suite));
      if (models.back().suite) suites.push_back(std::move(suite));
    }
  }

  ModelSpec read_model(const toml::table& t, const std::string& p, std::string name, SuiteDecl& suite) const {
    check_keys(t, p, kModelKeys);
    ModelSpec m;
    m.name = std::move(name);
    m.tokenizer.clear();  // none of its own yet: [data] tokenizer's, once all tables are read
    if (const toml::node* r = t.get("ranks_per_job"))
      m.ranks_per_job = static_cast<int>(to_int(*r, key_path(p, "ranks_per_job"), 1, kMaxRanksPerJob));
    if (t.get("hf") || t.get("checkpoints")) {
      read_hf_model(t, p, m, suite);
      return m;
    }
    if (const toml::node* ts = t.get("torchscript")) {
      // A model sweep did not train: its shape keys make no sense here.
      for (const auto& [key, node] : in_file_order(t))
        if (!listed(kTorchscriptModelKeys, key->str()))
          fail(key->source(), key_path(p, key->str()),
               "not allowed with torchscript (expected one of: " + join(kTorchscriptModelKeys) + ")");
      const std::string& file = to_str(*ts, key_path(p, "torchscript"));
      if (file.empty()) fail(ts->source(), key_path(p, "torchscript"), "expected a non-empty path");
      m.torchscript = relative_to_file(file_, file);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(m.torchscript, ec))
        fail(ts->source(), key_path(p, "torchscript"), "expected an existing TorchScript file, got " + toml_quoted(file) +
                                                          " (" + m.torchscript + " not found)");
      m.n_params = to_int(need(t, p, "n_params"), key_path(p, "n_params"), 1, kNoMax);
      read_model_tokenizer(t, p, m);
      return m;
    }
    for (std::string_view key : {"n_params"})
      if (auto it = t.find(key); it != t.end())
        fail(it->first.source(), key_path(p, key), "allowed only with torchscript (expected one of: " +
                                                        join(kGptModelKeys) + ", tokenizer, or torchscript, n_params)");
    for (const auto& [key, node] : in_file_order(t))
      if (listed(kHfOnlyKeys, key->str()))
        fail(key->source(), key_path(p, key->str()),
             "allowed only with hf or checkpoints (a pretrained model; expected one of: " + join(kGptModelKeys) +
                 ", tokenizer)");
    read_model_tokenizer(t, p, m);
    for (const SettingField& f : gpt_model_fields()) {
      const toml::node* n = f.model_int ? &need(t, p, f.key) : t.get(f.key);
      if (!n) continue;
      const SettingValue v = setting_value(*n, key_path(p, f.key), f.range);
      if (f.model_int) m.*(f.model_int) = static_cast<int>(v.i);
      else m.*(f.model_float) = v.f;
    }
    const toml::node& d_model = *t.get("d_model");
    if (m.d_model % m.n_head != 0)
      fail(d_model.source(), key_path(p, "d_model"),
           "expected a positive integer divisible by n_head (" + std::to_string(m.n_head) + "), got " +
               std::to_string(m.d_model));
    return m;
  }

  // [model.NAME] hf = "DIR", or a checkpoint suite: checkpoints = { TOKENS =
  // "DIR", ... } or "DIR/step{step}" with tokens_per_step. The suite's
  // folders are checked once grid.data_tokens has chosen them.
  void read_hf_model(const toml::table& t, const std::string& p, ModelSpec& m, SuiteDecl& suite) const {
    for (const auto& [key, node] : in_file_order(t)) {
      if (key->str() == "tokenizer")
        fail(key->source(), key_path(p, "tokenizer"),
             "not allowed with hf: a pretrained model's tokenizer is its folder's tokenizer.json");
      if (!listed(kHfModelKeys, key->str()))
        fail(key->source(), key_path(p, key->str()),
             "not allowed with hf (expected one of: " + join(kHfModelKeys) + ")");
    }
    if (const toml::node* n = t.get("dtype")) m.dtype = to_enum(*n, key_path(p, "dtype"), kAllModelDTypes);
    const toml::node* hf = t.get("hf");
    const toml::node* checkpoints = t.get("checkpoints");
    const toml::node* per_step = t.get("tokens_per_step");
    if (hf && checkpoints)
      fail(checkpoints->source(), key_path(p, "checkpoints"),
           "not allowed with hf (a suite names each checkpoint's folder itself)");
    if (hf) {
      if (per_step)
        fail(per_step->source(), key_path(p, "tokens_per_step"), "allowed only with a checkpoints pattern");
      const std::string path = key_path(p, "hf");
      m.hf = folder(*hf, path);
      get_int(t, p, "data_tokens", 1, kNoMax, m.data_tokens);
      set_shape(m, inspect_at(m.hf, *hf, path), *hf, path);
      return;
    }
    if (const toml::node* d = t.get("data_tokens"))
      fail(d->source(), key_path(p, "data_tokens"),
           "not allowed with checkpoints (each checkpoint's tokens are its key)");
    m.suite = true;
    suite.path = key_path(p, "checkpoints");
    suite.at = checkpoints;
    if (checkpoints->is_string()) {
      const std::string& pattern = to_str(*checkpoints, suite.path);
      if (pattern.find("{step}") == std::string::npos)
        fail(checkpoints->source(), suite.path,
             "expected a table { TOKENS = \"DIR\", ... } or a folder pattern with {step}, got " +
                 toml_quoted(pattern));
      if (!per_step)
        fail(checkpoints->source(), suite.path, "a folder pattern needs tokens_per_step (tokens trained per step)");
      suite.pattern = relative_to_file(file_, pattern);
      suite.tokens_per_step = to_int(*per_step, key_path(p, "tokens_per_step"), 1, kNoMax);
      return;
    }
    if (per_step) fail(per_step->source(), key_path(p, "tokens_per_step"), "allowed only with a checkpoints pattern");
    const toml::table* entries = checkpoints->as_table();
    if (!entries)
      fail(checkpoints->source(), suite.path,
           "expected a table { TOKENS = \"DIR\", ... } or a folder pattern with {step}, got " + type_name(*checkpoints));
    if (entries->empty()) fail(checkpoints->source(), suite.path, "expected at least one checkpoint");
    for (const auto& [key, node] : in_file_order(*entries)) {
      SuiteDecl::Entry e;
      e.path = key_path(suite.path, key->str());
      e.tokens = token_count(key->str(), key->source(), e.path);
      e.folder = folder(*node, e.path);
      e.at = node;
      for (const SuiteDecl::Entry& before : suite.entries)
        if (before.tokens == e.tokens)
          fail(key->source(), e.path,
               "duplicate token count " + std::to_string(e.tokens) + " (already " + before.path + ")");
      suite.entries.push_back(std::move(e));
    }
  }

  // A table key as a token count: digits, `_` between them ("2_097_152_000").
  std::int64_t token_count(std::string_view key, const toml::source_region& at, const std::string& path) const {
    std::int64_t n = 0;
    bool ok = !key.empty() && key.front() != '_' && key.back() != '_' && key.find("__") == std::string_view::npos;
    for (char c : key) {
      if (c == '_') continue;
      ok = ok && c >= '0' && c <= '9' && n <= (kNoMax - (c - '0')) / 10;  // n * 10 + digit fits
      if (!ok) break;
      n = n * 10 + (c - '0');
    }
    if (!ok || n < 1)
      fail(at, path, "expected a positive token count as the key (digits, `_` between them), got " + toml_quoted(key));
    return n;
  }

  // A non-empty folder path, resolved against the grid file's folder.
  std::string folder(const toml::node& n, const std::string& path) const {
    const std::string& dir = to_str(n, path);
    if (dir.empty() || dir.size() > kMaxPathLength || dir.find('\0') != std::string::npos)
      fail(n.source(), path, "expected the path of a Hugging Face model folder, got " + toml_quoted(dir));
    return relative_to_file(file_, dir);
  }

  // hf::inspect of a folder; its error becomes the grid key's.
  hf::ModelDir inspect_at(const std::string& dir, const toml::node& at, const std::string& path) const {
    try {
      return hf::inspect(dir);
    } catch (const std::exception& e) {
      fail(at.source(), path, e.what());
    }
  }

  // Parameter counts and tokenizer of an inspected folder.
  void set_shape(ModelSpec& m, const hf::ModelDir& d, const toml::node& at, const std::string& path) const {
    m.n_params = d.params.total;
    m.n_params_non_embedding = d.params.non_embedding;
    set_tokenizer(m, d.tokenizer_json, &at, path);
  }

  // Chooses a suite's checkpoints for grid.data_tokens and checks each chosen
  // folder (every folder of a table); the first chosen gives the shape and
  // tokenizer, and every other must have the same shape.
  void resolve_suite(const SuiteDecl& s, SweepSpec& spec) const {
    ModelSpec& m = spec.models[s.model];
    const auto in_grid = [&](std::int64_t d) {
      return std::find(spec.grid.data_tokens.begin(), spec.grid.data_tokens.end(), d) != spec.grid.data_tokens.end();
    };
    const auto add = [&](std::int64_t tokens, const std::string& dir, const toml::node& at, const std::string& path,
                         bool chosen) {
      const hf::ModelDir d = inspect_at(dir, at, path);
      if (m.n_params == 0) set_shape(m, d, at, path);
      else if (d.params.total != m.n_params)
        fail(at.source(), path,
             dir + ": " + std::to_string(d.params.total) + " parameters, expected the suite's " +
                 std::to_string(m.n_params) + " (every checkpoint of a suite has one shape)");
      if (chosen) m.checkpoints.emplace(tokens, dir);
    };
    std::string missing;  // why each grid value has no checkpoint (a pattern's message)
    if (s.pattern.empty()) {
      for (const SuiteDecl::Entry& e : s.entries) add(e.tokens, e.folder, *e.at, e.path, in_grid(e.tokens));
    } else {
      for (std::int64_t d : spec.grid.data_tokens) {
        std::string why;
        if (d % s.tokens_per_step != 0) {
          why = "not a multiple of tokens_per_step";
        } else {
          const std::string dir = step_folder(s.pattern, d / s.tokens_per_step);
          std::error_code ec;
          if (std::filesystem::is_directory(dir, ec)) add(d, dir, *s.at, s.path, true);
          else why = dir + " not found";
        }
        if (!why.empty()) missing += (missing.empty() ? "" : ", ") + std::to_string(d) + " (" + why + ")";
      }
    }
    const bool in_grid_models =
        std::find(spec.grid.model.begin(), spec.grid.model.end(), static_cast<int>(s.model)) != spec.grid.model.end();
    if (m.checkpoints.empty() && in_grid_models)
      fail(s.at->source(), s.path,
           "no checkpoint for any of grid.data_tokens" +
               (s.pattern.empty() ? " (the suite has " + join(s.entries, [](const SuiteDecl::Entry& e) {
                                      return std::to_string(e.tokens);
                                    }) + ")"
                                  : ": " + missing));
    if (!m.checkpoints.empty()) m.hf = m.checkpoints.begin()->second;
  }

  static std::string step_folder(const std::string& pattern, std::int64_t step) {
    std::string out = pattern;
    for (std::size_t at = out.find("{step}"); at != std::string::npos; at = out.find("{step}", at))
      out.replace(at, 6, std::to_string(step));
    return out;
  }

  void read_model_tokenizer(const toml::table& t, const std::string& p, ModelSpec& m) const {
    const toml::node* tok = t.get("tokenizer");
    if (!tok) return;
    const std::string& name = to_str(*tok, key_path(p, "tokenizer"));
    set_tokenizer(m, resolve_tokenizer(name, *tok, key_path(p, "tokenizer")), tok, key_path(p, "tokenizer"));
  }

  // "bytes", or a tokenizer.json path taken from the grid file's folder.
  std::string resolve_tokenizer(const std::string& name, const toml::node& n, const std::string& path) const {
    if (name == "bytes") return name;
    if (name.empty() || name.size() > kMaxPathLength || name.find('\0') != std::string::npos)
      fail(n.source(), path, "expected \"bytes\" or the path of a tokenizer.json, got " + toml_quoted(name));
    return relative_to_file(file_, name);
  }

  // Loads the tokenizer (once per file per process) for its vocabulary and
  // hash; a file that cannot be used fails at the key that named it.
  void set_tokenizer(ModelSpec& m, const std::string& resolved, const toml::node* at, const std::string& path) const {
    m.tokenizer = resolved;
    if (resolved == "bytes") return;
    static std::mutex mutex;
    static std::map<std::string, std::pair<std::int64_t, std::string>> loaded;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = loaded.find(resolved);
    if (it == loaded.end()) {
      try {
        const text::Tokenizer tok = text::Tokenizer::from_file(resolved);
        it = loaded.emplace(resolved, std::make_pair(static_cast<std::int64_t>(tok.vocab_size()), tok.hash())).first;
      } catch (const std::exception& e) {
        fail(at->source(), path, std::string("cannot use tokenizer: ") + e.what());
      }
    }
    m.vocab_size = it->second.first;
    m.tokenizer_hash = it->second.second;
  }

  // Returns the node of its tokenizer key (null: none).
  const toml::node* read_data(const toml::table& t, DataSpec& d) const {
    const std::string p = "data";
    check_keys(t, p, kDataKeys);
    const toml::node* tokenizer = t.get("tokenizer");
    if (tokenizer)
      d.tokenizer = resolve_tokenizer(to_str(*tokenizer, key_path(p, "tokenizer")), *tokenizer, key_path(p, "tokenizer"));
    d.train = globs(t, p, "train");
    d.valid = globs(t, p, "valid");
    if (!d.valid.empty() && d.train.empty())
      fail(t.get("valid")->source(), key_path(p, "valid"), "needs train files too ([data] train = [...])");
    if (const toml::node* n = t.get("format")) d.read.format = to_enum(*n, key_path(p, "format"), text::kAllFileFormats);
    if (const toml::node* n = t.get("text_field")) {
      d.read.text_field = to_str(*n, key_path(p, "text_field"));
      if (d.read.text_field.empty()) fail(n->source(), key_path(p, "text_field"), "expected a non-empty field name");
    }
    if (const toml::node* n = t.get("documents"))
      d.read.documents = to_enum(*n, key_path(p, "documents"), text::kAllTextDocuments);
    if (!d.train.empty() && d.valid.empty())
      fail(t.get("train")->source(), key_path(p, "train"),
           "needs held-out files too: [data] valid = [...] (eval_loss and eval_bpb are scored on them)");
    return tokenizer;
  }

  // A non-empty array of non-empty strings, each resolved against the grid
  // file's folder (a glob's pattern characters pass through unchanged).
  std::vector<std::string> globs(const toml::table& t, const std::string& p, std::string_view key) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const std::string path = key_path(p, key);
    const toml::array& a = array(*n, path);
    if (a.empty()) fail(n->source(), path, "expected a non-empty array of file names or globs");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string ep = element_path(path, i);
      const std::string& g = to_str(a[i], ep);
      if (g.empty() || g.size() > kMaxPathLength || g.find('\0') != std::string::npos)
        fail(a[i].source(), ep, "expected a file name or glob of 1.." + std::to_string(kMaxPathLength) + " bytes");
      out.push_back(relative_to_file(file_, g));
    }
    return out;
  }

  void read_tasks(const toml::table& t, std::vector<TaskSpec>& tasks) const {
    for (const auto& [key, node] : in_file_order(t)) {
      const std::string p = key_path("task", key->str());
      check_name(key->str(), key->source(), p);
      tasks.push_back(read_task(table(*node, p), p, std::string(key->str())));
    }
  }

  TaskKind to_kind(const toml::node& n, const std::string& path) const {
    const std::string& s = to_str(n, path);
    for (TaskKind k : kKinds)
      if (s == to_string(k)) return k;
    fail(n.source(), path,
         "expected one of: " + join(kKinds, [](TaskKind k) { return std::string(to_string(k)); }) + ", got " +
             toml_quoted(s));
  }

  TaskSpec read_task(const toml::table& t, const std::string& p, std::string name) const {
    TaskSpec task;
    task.name = std::move(name);
    task.kind = to_kind(need(t, p, "kind"), key_path(p, "kind"));
    const Keys allowed = task_keys(task.kind);
    for (const auto& [key, node] : in_file_order(t)) {
      if (std::find(allowed.begin(), allowed.end(), key->str()) != allowed.end()) continue;
      if (std::find(kAnyTaskKeys.begin(), kAnyTaskKeys.end(), key->str()) != kAnyTaskKeys.end())
        fail(key->source(), key_path(p, key->str()),
             std::string("not allowed for kind ") + toml_quoted(to_string(task.kind)) + " (expected one of: " +
                 join(allowed) + ")");
      fail(key->source(), key_path(p, key->str()), "unknown key (expected one of: " + join(allowed) + ")");
    }
    if (is_file_kind(task.kind)) {
      read_task_file(t, p, task);
      return task;
    }
    get_int(t, p, "digits", 1, 9, task.digits);
    get_int(t, p, "digits_b", 1, 9, task.digits_b);
    get_int(t, p, "modulus", 2, 1000000, task.modulus);
    get_int(t, p, "min_length", 2, 15, task.min_length);
    if (const toml::node* n = t.get("max_length")) {
      task.max_length = static_cast<int>(to_int(*n, key_path(p, "max_length"), task.min_length, 15));
    } else if (task.max_length < task.min_length) {
      fail(t.get("min_length")->source(), key_path(p, "min_length"),
           "expected an integer <= max_length (" + std::to_string(task.max_length) + "), got " +
               std::to_string(task.min_length));
    }
    if (task.kind == TaskKind::Largest) {
      const std::int64_t space = static_cast<std::int64_t>(pow10_int(task.digits));
      get_int(t, p, "options", 2, std::min<std::int64_t>(10, space), task.options);
    } else {
      get_int(t, p, "options", 2, 8, task.options);  // negation: colours
    }
    get_int(t, p, "symbols", 2, 980, task.symbols);
    get_float(t, p, "fact_fraction", kUnitHalfOpen, task.fact_fraction);
    if (const toml::node* n = t.get("scoring")) task.scoring = to_enum(*n, key_path(p, "scoring"), kAllScorings);
    return task;
  }

  // The file is read here, so a bad task file is one grid error (at its
  // `path` key) before any job runs; the reader's message names the file and example.
  void read_task_file(const toml::table& t, const std::string& p, TaskSpec& task) const {
    const toml::node& at = need(t, p, "path");
    const std::string key = key_path(p, "path");
    task.path = relative_to_file(file_, to_str(at, key));
    const auto field = [&](const char* name, std::string& value) {
      if (const toml::node* n = t.get(name)) {
        value = to_str(*n, key_path(p, name));
        if (value.empty()) fail(n->source(), key_path(p, name), "expected a non-empty field name, got \"\"");
      }
    };
    field("question_field", task.fields.question);
    field("answer_field", task.fields.answer);
    field("choices_field", task.fields.choices);
    field("context_field", task.fields.context);
    field("steps_field", task.fields.steps);
    try {
      task.file = std::make_shared<const TaskFile>(task.kind == TaskKind::BigBench
                                                       ? read_bigbench_task(task.path)
                                                       : read_jsonl_task(task.path, task.fields));
    } catch (const std::runtime_error& e) {
      fail(at.source(), key, e.what());
    }
    task_path_at_[task.name] = at.source();
  }

  static std::int64_t pow10_int(int n) {
    std::int64_t x = 1;
    for (int i = 0; i < n; ++i) x *= 10;
    return x;
  }

  // One scalar key of a settings table, by its field (settings.hpp).
  template <class Struct>
  void get_field(const toml::table& t, const std::string& p, const SettingField& f, Struct& s) const {
    const toml::node* n = t.get(f.key);
    if (!n) return;
    const SettingValue v = setting_value(*n, key_path(p, f.key), f.range);
    if constexpr (std::is_same_v<Struct, TrainSpec>) {
      if (f.train_int) s.*(f.train_int) = static_cast<int>(v.i);
      else s.*(f.train_float) = v.f;
    } else {
      s.*(f.eval_int) = static_cast<int>(v.i);
    }
  }

  // A value of a key whose range is `r`: an integer, or a finite float (an integer too).
  SettingValue setting_value(const toml::node& n, const std::string& path, const SettingRange& r) const {
    SettingValue v;
    v.integer = r.integer;
    if (r.integer) v.i = to_int(n, path, r.lo, r.hi);
    else v.f = to_float(n, path, Interval{r.flo, r.fhi, r.lo_open, r.hi_open});
    return v;
  }

  void read_train(const toml::table& t, TrainSpec& s) const {
    const std::string p = "train";
    check_keys(t, p, kTrainKeys);
    for (const SettingField& f : train_fields()) get_field(t, p, f, s);
    const toml::node* eval_tokens = t.get("eval_loss_tokens");
    if (eval_tokens && s.eval_loss_tokens < s.seq_len)
      fail(eval_tokens->source(), key_path(p, "eval_loss_tokens"),
           "expected an integer >= seq_len (" + std::to_string(s.seq_len) + "), got " +
               std::to_string(s.eval_loss_tokens));
  }

  void read_eval(const toml::table& t, EvalSpec& s) const {
    const std::string p = "eval";
    check_keys(t, p, kEvalKeys);
    for (const SettingField& f : eval_fields()) get_field(t, p, f, s);
  }

  const toml::array& axis(const toml::table& t, std::string_view key) const {
    const std::string path = key_path("grid", key);
    const toml::node& n = need(t, "grid", key);
    const toml::array& a = array(n, path);
    if (a.empty()) fail(n.source(), path, "expected a non-empty array");
    return a;
  }

  // Axis values are resolved in array order, so values[j] came from axis[j].
  template <class T>
  void add_unique(std::vector<T>& values, T v, const toml::array& axis, std::size_t i, const std::string& path,
                  const std::string& shown) const {
    const auto it = std::find(values.begin(), values.end(), v);
    if (it != values.end())
      fail(axis[i].source(), path,
           "duplicate value " + shown + " (already listed at " + position(axis[it - values.begin()].source().begin) +
               ")");
    values.push_back(v);
  }

  void read_grid(const toml::table& t, SweepSpec& spec) const {
    // Every key but the core ones is a setting axis; unquoted dotted keys
    // (train.lr = [...]) arrive as nested tables and are flattened.
    std::vector<std::pair<std::string, const toml::node*>> settings;
    for (const auto& [key, node] : in_file_order(t)) {
      const std::string k(key->str());
      if (listed(kGridKeys, k)) continue;
      if (node->is_table() && (k == "train" || k == "eval" || k == "model")) {
        flatten(*node->as_table(), k, settings);
        continue;
      }
      settings.emplace_back(k, node);
    }
    for (const auto& [k, node] : settings)
      if (k != "seed" && !setting_field(k))
        fail(node->source(), key_path("grid", k),
             "unknown key (expected one of: " + join(kGridKeys) +
                 ", seed, or a setting axis: train.KEY, eval.KEY or model.NAME.KEY for a scalar key of that table)");
    if (const toml::node* m = t.get("model"); m && m->is_table())
      fail(m->source(), "grid.model",
           "expected an array of model names, got a table (quote a model setting axis: \"model.NAME.lr\" = [...])");
    const toml::array& models = axis(t, "model");
    const toml::node* compute = t.get("compute");
    const toml::node* data_tokens = t.get("data_tokens");
    if (compute && data_tokens)
      fail(compute->source(), "grid.compute",
           "not allowed with grid.data_tokens (a budget grid derives each run's D from C = 6 N D)");
    if (!compute && !data_tokens)
      fail(t.source(), "grid", "missing required key data_tokens (training tokens) or compute (budgets in FLOP)");
    const toml::node* prompt_node = t.get("prompt");
    const toml::node* task_node = t.get("task");
    if (!prompt_node || !task_node) {
      // A loss-only study (no eval points) needs a corpus that is not made of tasks.
      if (prompt_node || task_node)
        fail(t.source(), prompt_node ? "grid.task" : "grid.prompt",
             std::string("missing required key (grid.") + (prompt_node ? "prompt" : "task") +
                 " is given: points need both; leave both out for a loss-only study)");
      if (!spec.data.files())
        fail(t.source(), "grid",
             "missing required key prompt and task (a loss-only study, without them, needs [data] train files: "
             "the built-in corpus is made of the grid's tasks)");
    }
    // Every axis is checked non-empty before any of its values is resolved.
    const toml::array no_values;
    const toml::array* tokens = data_tokens ? &axis(t, "data_tokens") : nullptr;
    const toml::array& prompts = prompt_node ? axis(t, "prompt") : no_values;
    const toml::array& tasks = task_node ? axis(t, "task") : no_values;
    GridAxes& g = spec.grid;

    for (std::size_t i = 0; i < models.size(); ++i) {
      const std::string path = element_path("grid.model", i);
      const std::string& name = to_str(models[i], path);
      const auto it = std::find_if(spec.models.begin(), spec.models.end(),
                                   [&](const ModelSpec& m) { return m.name == name; });
      if (it == spec.models.end()) {
        const std::string defined =
            spec.models.empty() ? "no [model.NAME] tables are defined"
                                : "defined models: " + join(spec.models, [](const ModelSpec& m) { return m.name; });
        fail(models[i].source(), path, "unknown model " + toml_quoted(name) + " (" + defined + ")");
      }
      add_unique(g.model, static_cast<int>(it - spec.models.begin()), models, i, path, toml_quoted(name));
    }

    if (tokens) {
      for (std::size_t i = 0; i < tokens->size(); ++i) {
        const std::string path = element_path("grid.data_tokens", i);
        const std::int64_t n = to_int((*tokens)[i], path, 1, kNoMax);
        add_unique(g.data_tokens, n, *tokens, i, path, std::to_string(n));
      }
      for (const char* key : {"min_tokens_per_param", "max_tokens_per_param"})
        if (const toml::node* n = t.get(key))
          fail(n->source(), key_path("grid", key), "allowed only with grid.compute (a budget grid)");
    } else {
      read_budgets(t, spec);
    }

    for (std::size_t i = 0; i < prompts.size(); ++i) {
      const std::string path = element_path("grid.prompt", i);
      const std::string& name = to_str(prompts[i], path);
      const auto* it = std::find_if(std::begin(kPrompts), std::end(kPrompts),
                                    [&](PromptStyle p) { return name == to_string(p); });
      if (it == std::end(kPrompts))
        fail(prompts[i].source(), path,
             "unknown prompt " + toml_quoted(name) + " (expected one of: " +
                 join(kPrompts, [](PromptStyle p) { return std::string(to_string(p)); }) + ")");
      add_unique(g.prompt, *it, prompts, i, path, toml_quoted(name));
    }

    const std::size_t n_defined = spec.tasks.size();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      const std::string path = element_path("grid.task", i);
      const std::string& name = to_str(tasks[i], path);
      const auto it = std::find_if(spec.tasks.begin(), spec.tasks.end(),
                                   [&](const TaskSpec& task) { return task.name == name; });
      std::size_t index = static_cast<std::size_t>(it - spec.tasks.begin());
      if (it == spec.tasks.end()) {
        const auto* kind = std::find_if(std::begin(kKinds), std::end(kKinds),
                                        [&](TaskKind k) { return name == to_string(k); });
        if (kind != std::end(kKinds) && is_file_kind(*kind))
          fail(tasks[i].source(), path,
               "a " + toml_quoted(name) + " task reads a file: define it as [task.NAME] with kind = " +
                   toml_quoted(name) + " and path, and name that table here");
        if (kind == std::end(kKinds)) {
          const std::string defined =
              n_defined == 0 ? "none"
                             : join(std::vector<TaskSpec>(spec.tasks.begin(), spec.tasks.begin() + n_defined),
                                    [](const TaskSpec& task) { return task.name; });
          fail(tasks[i].source(), path,
               "unknown task " + toml_quoted(name) + " (defined tasks: " + defined + "; built-in kinds: " +
                   join(kBuiltinTaskKinds, [](TaskKind k) { return std::string(to_string(k)); }) + ")");
        }
        TaskSpec builtin;
        builtin.name = name;
        builtin.kind = *kind;
        spec.tasks.push_back(builtin);
      }
      add_unique(g.task, static_cast<int>(index), tasks, i, path, toml_quoted(name));
    }

    // Few-shot exemplars of a task file are its other examples: k of them need
    // k + 1 (cot counts only for a file with worked steps: without, it has no cot points).
    // An eval.few_shot_k axis replaces [eval] few_shot_k: its values are checked instead.
    const bool k_swept = std::any_of(settings.begin(), settings.end(),
                                     [](const auto& s) { return s.first == "eval.few_shot_k"; });
    for (int ti : g.task) {
      const TaskSpec& task = spec.tasks[static_cast<std::size_t>(ti)];
      if (k_swept || !prompted_with_exemplars(g, task)) continue;
      try {
        check_few_shot(*task.file, spec.eval.few_shot_k);
      } catch (const std::runtime_error& e) {
        fail(task_path_at_.at(task.name), key_path(key_path("task", task.name), "path"), e.what());
      }
    }

    double combinations = 1;
    for (const auto& [k, node] : settings) {
      g.settings.push_back(read_setting_axis(k, *node, spec));
      combinations *= static_cast<double>(g.settings.back().values.size());
      if (combinations > static_cast<double>(kMaxSettingCombinations))
        fail(node->source(), key_path("grid", k),
             "expected at most " + std::to_string(kMaxSettingCombinations) +
                 " combinations of setting axes (the product of their lengths), got more with this axis");
    }
    check_setting_combinations(spec, settings);
    if (const toml::node* z = t.get("zip")) read_zip(*z, spec);
    if (const toml::node* x = t.get("exclude")) read_exclusions(*x, spec);

    // An upper bound (zip groups and exclusions only remove combinations).
    double points = static_cast<double>(g.model.size()) *
                    static_cast<double>(g.budgets() ? g.compute.size() : g.data_tokens.size()) *
                    static_cast<double>(std::max<std::size_t>(1, g.prompt.size())) *
                    static_cast<double>(std::max<std::size_t>(1, g.task.size()));
    std::string product = std::to_string(g.model.size()) + " x " +
                          std::to_string(g.budgets() ? g.compute.size() : g.data_tokens.size()) + " x " +
                          std::to_string(g.prompt.size()) + " x " + std::to_string(g.task.size());
    for (const SettingAxis& a : g.settings) {
      points *= static_cast<double>(a.values.size());
      product += " x " + std::to_string(a.values.size());
    }
    if (points > static_cast<double>(kMaxGridPoints))
      fail(t.source(), "grid",
           "expected at most " + std::to_string(kMaxGridPoints) + " eval points (model x data_tokens x prompt x "
           "task x setting axes), got " + product + "; split the study into several grid files");
  }

  // Unquoted dotted keys of a [grid] or [[grid.exclude]] table, as "a.b.c".
  void flatten(const toml::table& t, const std::string& prefix,
               std::vector<std::pair<std::string, const toml::node*>>& out) const {
    for (const auto& [key, node] : in_file_order(t)) {
      const std::string k = prefix + "." + std::string(key->str());
      if (node->is_table() && !node->as_table()->is_inline()) flatten(*node->as_table(), k, out);
      else out.emplace_back(k, node);
    }
  }

  // grid.compute (budgets, FLOP) and the tokens-per-parameter bounds; only
  // models trained here take a budget.
  void read_budgets(const toml::table& t, SweepSpec& spec) const {
    GridAxes& g = spec.grid;
    const toml::array& budgets = axis(t, "compute");
    for (int m : g.model) {
      const ModelSpec& model = spec.models[static_cast<std::size_t>(m)];
      if (model.external())
        fail(t.get("compute")->source(), "grid.compute",
             "model " + toml_quoted(model.name) + " is " + (model.pretrained() ? "pretrained" : "a TorchScript file") +
                 ": compute budgets set the D of models trained here (give pretrained models grid.data_tokens "
                 "in a grid of their own)");
    }
    std::vector<std::string> shown;
    for (std::size_t i = 0; i < budgets.size(); ++i) {
      const std::string path = element_path("grid.compute", i);
      const double c = to_float(budgets[i], path, Interval{0, kInf, true, true});
      add_unique(shown, setting_text(SettingValue{false, 0, c}), budgets, i, path,
                 setting_text(SettingValue{false, 0, c}));
      g.compute.push_back(c);
    }
    const toml::node* lo = get_float(t, "grid", "min_tokens_per_param", kPositive, g.min_tokens_per_param);
    const toml::node* hi = get_float(t, "grid", "max_tokens_per_param", kPositive, g.max_tokens_per_param);
    if (lo && hi && g.max_tokens_per_param < g.min_tokens_per_param)
      fail(hi->source(), "grid.max_tokens_per_param",
           "expected a number >= min_tokens_per_param (" + number(g.min_tokens_per_param) + "), got " +
               number(g.max_tokens_per_param));
  }

  // The range of a setting axis's values: its key's, or a seed's.
  static SettingRange axis_range(const std::string& key) {
    if (key == "seed") return SettingRange{true, 0, kNoMax};
    return setting_field(key)->range;
  }

  SettingAxis read_setting_axis(const std::string& key, const toml::node& node, const SweepSpec& spec) const {
    const std::string path = key_path("grid", key);
    if (key == "train.checkpoint_every")
      fail(node.source(), path, "not an axis: restart points do not change a run's result (set [train] checkpoint_every)");
    std::string model;
    if (setting_field(key, &model) && key.rfind("model.", 0) == 0) {
      const auto it = std::find_if(spec.models.begin(), spec.models.end(),
                                   [&](const ModelSpec& m) { return m.name == model; });
      if (it == spec.models.end())
        fail(node.source(), path, "no model " + toml_quoted(model) + " is defined (defined models: " +
                                      join(spec.models, [](const ModelSpec& m) { return m.name; }) + ")");
      if (it->external())
        fail(node.source(), path, "model " + toml_quoted(model) + " is not trained here: only a trained GPT's " +
                                      "n_layer, d_model, n_head and lr can be swept");
      const int index = static_cast<int>(it - spec.models.begin());
      if (std::find(spec.grid.model.begin(), spec.grid.model.end(), index) == spec.grid.model.end())
        fail(node.source(), path, "model " + toml_quoted(model) + " is not in grid.model, so this axis changes no run");
    }
    const toml::array& a = array(node, path);
    if (a.empty()) fail(node.source(), path, "expected a non-empty array");
    SettingAxis axis;
    axis.key = key;
    const SettingRange range = axis_range(key);
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string ep = element_path(path, i);
      const SettingValue v = setting_value(a[i], ep, range);
      add_unique(axis.shown, setting_text(v), a, i, ep, setting_text(v));
      axis.values.push_back(v);
    }
    return axis;
  }

  // Pairs of settings that constrain each other, over every value either may
  // take (the file's or an axis's): seq_len <= eval_loss_tokens, n_head
  // divides d_model, and a task file's few-shot exemplars for each few_shot_k.
  void check_setting_combinations(const SweepSpec& spec,
                                  const std::vector<std::pair<std::string, const toml::node*>>& nodes) const {
    const GridAxes& g = spec.grid;
    const auto values_of = [&](const std::string& key, std::int64_t base) {
      for (const SettingAxis& a : g.settings)
        if (a.key == key) {
          std::vector<std::int64_t> out;
          for (const SettingValue& v : a.values) out.push_back(v.i);
          return out;
        }
      return std::vector<std::int64_t>{base};
    };
    const auto value_at = [&](std::size_t axis, std::size_t i) -> const toml::node& {
      return (*nodes[axis].second->as_array())[i];
    };
    for (std::size_t ai = 0; ai < g.settings.size(); ++ai) {
      const SettingAxis& a = g.settings[ai];
      const std::string path = key_path("grid", a.key);
      for (std::size_t i = 0; i < a.values.size(); ++i) {
        const std::int64_t v = a.values[i].i;
        const std::string ep = element_path(path, i);
        if (a.key == "train.seq_len")
          for (std::int64_t e : values_of("train.eval_loss_tokens", spec.train.eval_loss_tokens))
            if (v > e)
              fail(value_at(ai, i).source(), ep,
                   "seq_len " + std::to_string(v) + " is more than train.eval_loss_tokens " + std::to_string(e));
        if (a.key == "train.eval_loss_tokens")
          for (std::int64_t q : values_of("train.seq_len", spec.train.seq_len))
            if (v < q)
              fail(value_at(ai, i).source(), ep,
                   "expected an integer >= seq_len (" + std::to_string(q) + "), got " + std::to_string(v));
        std::string model;
        if (a.key.rfind("model.", 0) == 0 && setting_field(a.key, &model)) {
          const ModelSpec& m = *std::find_if(spec.models.begin(), spec.models.end(),
                                              [&](const ModelSpec& x) { return x.name == model; });
          const std::string field = a.key.substr(a.key.rfind('.') + 1);
          if (field == "d_model")
            for (std::int64_t h : values_of("model." + model + ".n_head", m.n_head))
              if (v % h != 0)
                fail(value_at(ai, i).source(), ep,
                     "expected a d_model divisible by n_head (" + std::to_string(h) + "), got " + std::to_string(v));
          if (field == "n_head")
            for (std::int64_t d : values_of("model." + model + ".d_model", m.d_model))
              if (d % v != 0)
                fail(value_at(ai, i).source(), ep,
                     "expected an n_head that divides d_model (" + std::to_string(d) + "), got " + std::to_string(v));
        }
        if (a.key == "eval.few_shot_k")
          for (int ti : g.task) {
            const TaskSpec& task = spec.tasks[static_cast<std::size_t>(ti)];
            if (!prompted_with_exemplars(g, task)) continue;
            try {
              check_few_shot(*task.file, static_cast<int>(v));
            } catch (const std::runtime_error& e) {
              fail(value_at(ai, i).source(), ep, "task " + task.name + ": " + e.what());
            }
          }
      }
    }
  }

  // Whether a task file's points show few-shot exemplars: few_shot, or cot on
  // a file with worked steps (without, it has no cot points).
  static bool prompted_with_exemplars(const GridAxes& g, const TaskSpec& task) {
    if (!task.file) return false;
    const auto asks = [&](PromptStyle p) { return std::find(g.prompt.begin(), g.prompt.end(), p) != g.prompt.end(); };
    const bool worked = std::any_of(task.file->examples.begin(), task.file->examples.end(),
                                    [](const FileExample& e) { return !e.steps.empty(); });
    return asks(PromptStyle::FewShot) || (worked && asks(PromptStyle::Cot));
  }

  // The names that may appear in zip and exclude: the grid's axes.
  std::vector<std::string> axis_names(const GridAxes& g) const {
    std::vector<std::string> names = {"model", g.budgets() ? "compute" : "data_tokens"};
    if (!g.prompt.empty()) names.insert(names.end(), {"prompt", "task"});
    for (const SettingAxis& a : g.settings) names.push_back(a.key);
    return names;
  }

  // The canonical spelling of every value of a named axis (as expansion matches them).
  std::vector<std::string> axis_values(const SweepSpec& spec, const std::string& name) const {
    const GridAxes& g = spec.grid;
    std::vector<std::string> out;
    if (name == "model")
      for (int m : g.model) out.push_back(spec.models[static_cast<std::size_t>(m)].name);
    else if (name == "data_tokens")
      for (std::int64_t d : g.data_tokens) out.push_back(std::to_string(d));
    else if (name == "compute")
      for (double c : g.compute) out.push_back(setting_text(SettingValue{false, 0, c}));
    else if (name == "prompt")
      for (PromptStyle p : g.prompt) out.push_back(to_string(p));
    else if (name == "task")
      for (int ti : g.task) out.push_back(spec.tasks[static_cast<std::size_t>(ti)].name);
    else
      for (const SettingAxis& a : g.settings)
        if (a.key == name) out = a.shown;
    return out;
  }

  void read_zip(const toml::node& node, SweepSpec& spec) const {
    GridAxes& g = spec.grid;
    const std::vector<std::string> names = axis_names(g);
    const toml::array& groups = array(node, "grid.zip");
    std::map<std::string, std::string> used;  // axis -> where it was zipped
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
      const std::string gp = element_path("grid.zip", gi);
      const toml::array& group = array(groups[gi], gp);
      if (group.size() < 2)
        fail(groups[gi].source(), gp, "expected an array of at least two axis names (axes that advance together)");
      std::vector<std::string> zipped;
      std::size_t length = 0;
      for (std::size_t i = 0; i < group.size(); ++i) {
        const std::string ep = element_path(gp, i);
        const std::string& name = to_str(group[i], ep);
        if (name == "prompt" || name == "task")
          fail(group[i].source(), ep, "prompt and task cannot be zipped: every run is evaluated on each of them");
        if (std::find(names.begin(), names.end(), name) == names.end())
          fail(group[i].source(), ep, "not an axis of this grid: " + toml_quoted(name) + " (axes: " +
                                          join(names, [](const std::string& n) { return n; }) + ")");
        if (const auto it = used.find(name); it != used.end())
          fail(group[i].source(), ep, toml_quoted(name) + " is already zipped at " + it->second);
        used[name] = ep;
        const std::size_t n = axis_values(spec, name).size();
        if (i == 0) length = n;
        else if (n != length)
          fail(group[i].source(), ep,
               "axis " + name + " has " + std::to_string(n) + " values and " + zipped.front() + " has " +
                   std::to_string(length) + ": zipped axes advance together and need as many values");
        zipped.push_back(name);
      }
      g.zip.push_back(std::move(zipped));
    }
  }

  void read_exclusions(const toml::node& node, SweepSpec& spec) const {
    GridAxes& g = spec.grid;
    const std::vector<std::string> names = axis_names(g);
    const toml::array& tables = array(node, "grid.exclude");
    for (std::size_t ti = 0; ti < tables.size(); ++ti) {
      const std::string tp = element_path("grid.exclude", ti);
      const toml::table& t = table(tables[ti], tp);
      if (t.empty()) fail(tables[ti].source(), tp, "expected a table of axis = value(s); an empty one excludes everything");
      std::vector<std::pair<std::string, const toml::node*>> entries;
      for (const auto& [key, value] : in_file_order(t)) {
        const std::string k(key->str());
        if (value->is_table() && !value->as_table()->is_inline()) flatten(*value->as_table(), k, entries);
        else entries.emplace_back(k, value);
      }
      Exclusion x;
      for (const auto& entry : entries) {
        // Named, not structured bindings: the lambda below captures them (C++17).
        const std::string& name = entry.first;
        const toml::node* value = entry.second;
        const std::string kp = key_path(tp, name);
        if (std::find(names.begin(), names.end(), name) == names.end())
          fail(value->source(), kp, "not an axis of this grid (axes: " +
                                        join(names, [](const std::string& n) { return n; }) + ")");
        const std::vector<std::string> allowed = axis_values(spec, name);
        std::vector<std::string> listed_values;
        const auto one = [&](const toml::node& v, const std::string& vp) {
          std::string shown;
          if (name == "model" || name == "prompt" || name == "task") shown = to_str(v, vp);
          else if (name == "data_tokens") shown = std::to_string(to_int(v, vp, 1, kNoMax));
          else if (name == "compute") shown = setting_text(SettingValue{false, 0, to_float(v, vp, kPositive)});
          else shown = setting_text(setting_value(v, vp, axis_range(name)));
          if (std::find(allowed.begin(), allowed.end(), shown) == allowed.end())
            fail(v.source(), vp, toml_quoted(shown) + " is not a value of grid." + name + " (values: " +
                                     join(allowed, [](const std::string& s) { return s; }) + ")");
          listed_values.push_back(shown);
        };
        if (const toml::array* a = value->as_array()) {
          if (a->empty()) fail(value->source(), kp, "expected a value or a non-empty array of values");
          for (std::size_t i = 0; i < a->size(); ++i) one((*a)[i], element_path(kp, i));
        } else {
          one(*value, kp);
        }
        x.match.emplace_back(name, std::move(listed_values));
      }
      g.exclude.push_back(std::move(x));
    }
  }


  // Where each task file's `path` key is, for errors found once the grid is read.
  mutable std::map<std::string, toml::source_region> task_path_at_;
};

}  // namespace

SweepSpec load_spec_text(std::string_view text, const std::string& path, const std::vector<std::string>& overrides) {
  if (text.size() > kMaxGridBytes)
    throw ConfigError(one_line(path + ": grid file is " + std::to_string(text.size()) + " bytes, expected at most " +
                               std::to_string(kMaxGridBytes) + " (4 MiB)"));
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& err) {
    throw ConfigError(
        one_line(path + ":" + position(err.source().begin) + ": syntax error: " + std::string(err.description())));
  }
  apply_overrides(root, overrides);
  SweepSpec spec;
  spec.path = path;
  spec.text = std::string(text);
  spec.overrides = overrides;
  Loader(path).load(root, spec);
  return spec;
}

SweepSpec load_spec_file(const std::string& path, const std::vector<std::string>& overrides) {
  const auto cannot_read = [&](int err) {
    return ConfigError(one_line(path + ": cannot read grid file: " + std::strerror(err)));
  };
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> f(std::fopen(path.c_str(), "rb"));
  if (!f) throw cannot_read(errno);
  std::string text;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, n);
  if (std::ferror(f.get())) throw cannot_read(errno);
  return load_spec_text(text, path, overrides);
}

}  // namespace sweep
