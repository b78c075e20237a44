// Grid expansion; see grid.hpp.
#include "spec/grid.hpp"

#include "spec/model_size.hpp"
#include "spec/rng.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "spec/settings.hpp"

namespace sweep {
namespace {

// A fingerprint of what a task file's prompts and grades use, so an edited
// file makes new point ids while a moved one keeps them.
std::uint64_t file_fingerprint(const TaskFile& f) {
  std::ostringstream os;
  os.precision(17);
  const auto field = [&](const std::string& s) { os << s.size() << ':' << s; };
  for (const std::string* s : {&f.description, &f.task_prefix, &f.example_input_prefix, &f.example_output_prefix,
                               &f.choice_prefix, &f.few_shot_example_separator, &f.stop_string, &f.output_regex})
    field(*s);
  os << f.append_choices_to_input;
  for (const auto& m : f.metrics) field(m);
  field(f.preferred_score);
  for (const FileExample& e : f.examples) {
    field(e.input);
    field(e.context);
    field(e.steps);
    for (const auto& t : e.targets) field("t" + t);
    for (std::size_t i = 0; i < e.choices.size(); ++i) field("c" + e.choices[i]), os << e.scores[i] << ';';
  }
  return mix64(fnv1a(os.str()));
}

std::string task_config(const TaskSpec& t) {
  std::ostringstream os;
  os.precision(17);
  os << t.name << "(" << to_string(t.kind);
  if (t.file) {
    os << ",examples=" << t.file->examples.size() << ",file=" << std::hex << file_fingerprint(*t.file) << std::dec;
    if (t.kind == TaskKind::Jsonl)
      os << ",question_field=" << t.fields.question << ",answer_field=" << t.fields.answer
         << ",choices_field=" << t.fields.choices << ",context_field=" << t.fields.context
         << ",steps_field=" << t.fields.steps;
    return os.str() + ")";
  }
  switch (t.kind) {
    case TaskKind::Addition: os << ",digits=" << t.digits; break;
    case TaskKind::Multiplication: os << ",digits=" << t.digits << ",digits_b=" << t.digits_b; break;
    case TaskKind::Modular: os << ",digits=" << t.digits << ",modulus=" << t.modulus; break;
    case TaskKind::Unscramble: os << ",min_length=" << t.min_length << ",max_length=" << t.max_length; break;
    case TaskKind::Largest:
      os << ",digits=" << t.digits << ",options=" << t.options << ",scoring=" << to_string(t.scoring);
      break;
    case TaskKind::Redefine: os << ",symbols=" << t.symbols << ",fact_fraction=" << t.fact_fraction; break;
    case TaskKind::Negation:
      os << ",symbols=" << t.symbols << ",options=" << t.options << ",fact_fraction=" << t.fact_fraction
         << ",scoring=" << to_string(t.scoring);
      break;
    case TaskKind::BigBench:
    case TaskKind::Jsonl: break;  // above
  }
  return os.str() + ")";
}

// The corpus of a run: its grid's built-in tasks (a task file's examples
// never enter a corpus, so adding one to a grid keeps every run id).
std::string corpus_config(const SweepSpec& spec) {
  std::string s;
  for (int t : spec.grid.task) {
    const TaskSpec& task = spec.tasks[static_cast<std::size_t>(t)];
    if (!task.file) s += (s.empty() ? "" : "+") + task_config(task);
  }
  return s;
}

// A GPT's config names its tokenizer only when it is not bytes, and its
// corpus files only when there are some, so synthetic byte-level runs keep
// the ids they had before tokenizers and [data] existed.
// The corpus files, as the grid names them (after resolution).
std::string data_config(const DataSpec& d) {
  if (!d.files()) return "";
  std::string s;
  for (const auto& g : d.train) s += ";train=" + g;
  for (const auto& g : d.valid) s += ";valid=" + g;
  s += std::string(";format=") + text::to_string(d.read.format) + ";text_field=" + d.read.text_field +
       ";documents=" + text::to_string(d.read.documents);
  return s;
}

}  // namespace

std::int64_t config_id(const std::string& config) { return static_cast<std::int64_t>(mix64(fnv1a(config)) >> 1); }

std::string run_config(const SweepSpec& spec, int model, std::int64_t data_tokens) {
  const ModelSpec& m = spec.models[model];
  const TrainSpec& t = spec.train;
  std::ostringstream os;
  os.precision(17);
  if (m.pretrained()) {
    // Nothing is trained: the run only scores the held-out corpus. The folder
    // and dtype are in the config, so another checkpoint or dtype is another run.
    os << "seed=" << spec.seed << ";model=" << m.name << ";hf=" << m.folder(data_tokens)
       << ";dtype=" << to_string(m.dtype) << ";tokenizer=" << m.tokenizer_hash << data_config(spec.data)
       << ";data_tokens=" << data_tokens << ";seq_len=" << t.seq_len << ";filler_fraction=" << t.filler_fraction
       << ";cot_fraction=" << t.cot_fraction << ";instruction_fraction=" << t.instruction_fraction
       << ";eval_loss_tokens=" << t.eval_loss_tokens << ";corpus=";
    return os.str() + corpus_config(spec);
  }
  if (m.external()) {
    // Nothing is trained: the run only scores the held-out corpus.
    os << "seed=" << spec.seed << ";model=" << m.name << ";torchscript=" << m.torchscript << ";n_params=" << m.n_params
       << ";tokenizer=" << m.tokenizer_hash << data_config(spec.data) << ";data_tokens=" << data_tokens << ";seq_len=" << t.seq_len
       << ";filler_fraction=" << t.filler_fraction << ";cot_fraction=" << t.cot_fraction
       << ";instruction_fraction=" << t.instruction_fraction << ";eval_loss_tokens=" << t.eval_loss_tokens
       << ";corpus=";
    return os.str() + corpus_config(spec);
  }
  os << "seed=" << spec.seed << ";model=" << m.name << ";n_layer=" << m.n_layer << ";d_model=" << m.d_model
     << ";n_head=" << m.n_head << (m.tokenizer == "bytes" ? "" : ";tokenizer=" + m.tokenizer_hash)
     << data_config(spec.data) << ";lr=" << (m.lr > 0 ? m.lr : t.lr) << ";data_tokens=" << data_tokens
     << ";seq_len=" << t.seq_len << ";batch_size=" << t.batch_size << ";min_lr_ratio=" << t.min_lr_ratio
     << ";warmup_steps=" << t.warmup_steps << ";weight_decay=" << t.weight_decay << ";beta1=" << t.beta1
     << ";beta2=" << t.beta2 << ";grad_clip=" << t.grad_clip << ";cot_fraction=" << t.cot_fraction
     << ";filler_fraction=" << t.filler_fraction << ";instruction_fraction=" << t.instruction_fraction
     << ";eval_loss_tokens=" << t.eval_loss_tokens << ";corpus=";
  return os.str() + corpus_config(spec);
}

std::string point_config(const SweepSpec& spec, const std::string& run_config, PromptStyle prompt, int task) {
  std::ostringstream os;
  os << run_config << ";prompt=" << to_string(prompt) << ";task=" << task_config(spec.tasks[task])
     << ";examples=" << spec.eval.examples << ";few_shot_k=" << spec.eval.few_shot_k
     << ";eval_batch_size=" << spec.eval.batch_size;
  return os.str();
}

std::vector<std::int64_t> run_data_tokens(const SweepSpec& spec, int model) {
  const ModelSpec& m = spec.models[model];
  if (m.suite) {
    std::vector<std::int64_t> out;
    for (std::int64_t d : spec.grid.data_tokens)
      if (m.checkpoints.count(d)) out.push_back(d);
    return out;
  }
  if (m.pretrained()) return {m.data_tokens};
  if (m.external()) return {0};
  return spec.grid.data_tokens;
}

std::vector<std::int64_t> skipped_data_tokens(const SweepSpec& spec, int model) {
  const ModelSpec& m = spec.models[model];
  std::vector<std::int64_t> out;
  if (!m.suite) return out;
  for (std::int64_t d : spec.grid.data_tokens)
    if (!m.checkpoints.count(d)) out.push_back(d);
  return out;
}

bool has_point(const SweepSpec& spec, PromptStyle prompt, int task) {
  const TaskSpec& t = spec.tasks[static_cast<std::size_t>(task)];
  if (prompt != PromptStyle::Cot || !t.file) return true;
  return std::any_of(t.file->examples.begin(), t.file->examples.end(),
                     [](const FileExample& e) { return !e.steps.empty(); });
}

std::vector<std::pair<PromptStyle, int>> skipped_prompt_tasks(const SweepSpec& spec) {
  std::vector<std::pair<PromptStyle, int>> out;
  for (PromptStyle p : spec.grid.prompt)
    for (int t : spec.grid.task)
      if (!has_point(spec, p, t)) out.emplace_back(p, t);
  return out;
}

std::int64_t budget_tokens(double compute, std::int64_t n_params, std::int64_t batch_tokens) {
  const double batches = std::round(compute / (6.0 * static_cast<double>(n_params)) / static_cast<double>(batch_tokens));
  // At most 2^62 tokens: int64's largest quotient rounds up as a double, and
  // its product with batch_tokens would overflow.
  const double most = std::floor(std::ldexp(1.0, 62) / static_cast<double>(batch_tokens));
  return static_cast<std::int64_t>(std::clamp(batches, 1.0, most)) * batch_tokens;
}

namespace {

// The combinations of the run axes (model, data_tokens or compute, the
// setting axes), each zip group advancing as one counter; the first group
// changes slowest.
class Combinations {
 public:
  explicit Combinations(const GridAxes& g) {
    names_ = {"model", g.budgets() ? "compute" : "data_tokens"};
    std::vector<std::size_t> sizes = {g.model.size(), g.budgets() ? g.compute.size() : g.data_tokens.size()};
    for (const SettingAxis& a : g.settings) names_.push_back(a.key), sizes.push_back(a.values.size());
    group_of_.assign(names_.size(), -1);
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (group_of_[i] >= 0) continue;
      const int group = static_cast<int>(group_size_.size());
      group_size_.push_back(sizes[i]);
      group_of_[i] = group;
      for (const auto& zipped : g.zip)
        if (std::find(zipped.begin(), zipped.end(), names_[i]) != zipped.end())
          for (const std::string& other : zipped)
            group_of_[static_cast<std::size_t>(std::find(names_.begin(), names_.end(), other) - names_.begin())] = group;
    }
    counter_.assign(group_size_.size(), 0);
    done_ = std::find(group_size_.begin(), group_size_.end(), 0) != group_size_.end();
  }
  bool done() const { return done_; }
  // Value index of axis i (0 model, 1 data_tokens/compute, 2.. settings).
  std::size_t at(std::size_t axis) const { return counter_[static_cast<std::size_t>(group_of_[axis])]; }
  void next() {
    for (std::size_t k = counter_.size(); k-- > 0;) {
      if (++counter_[k] < group_size_[k]) return;
      counter_[k] = 0;
    }
    done_ = true;
  }

 private:
  std::vector<std::string> names_;
  std::vector<int> group_of_;
  std::vector<std::size_t> group_size_, counter_;
  bool done_ = false;
};

// Whether an exclusion matches: every axis it names has one of its values.
bool matches(const Exclusion& x, const std::map<std::string, std::string>& shown) {
  for (const auto& [name, values] : x.match) {
    const auto it = shown.find(name);
    if (it == shown.end() || std::find(values.begin(), values.end(), it->second) == values.end()) return false;
  }
  return true;
}

// Whether an exclusion names only run axes (so it removes whole runs).
bool run_exclusion(const Exclusion& x) {
  return std::all_of(x.match.begin(), x.match.end(), [](const auto& m) {
    return m.first != "prompt" && m.first != "task" && run_level_setting(m.first);
  });
}

// Whether `key` is "model.NAME.KEY" for a NAME other than `model`.
bool other_models_setting(const std::string& key, const std::string& model) {
  std::string name;
  return key.rfind("model.", 0) == 0 && setting_field(key, &name) && name != model;
}

// "key=value;..." of the swept settings among `shown`, sorted by key.
std::string axes_text(const std::map<std::string, std::string>& shown) {
  std::string out;
  for (const auto& [key, value] : shown) {
    if (key == "model" || key == "data_tokens" || key == "prompt" || key == "task") continue;
    out += (out.empty() ? "" : ";") + key + "=" + value;
  }
  return out;
}

}  // namespace

Plan expand(const SweepSpec& spec, const ExpandOptions& options) {
  Plan plan;
  const GridAxes& g = spec.grid;
  std::map<std::string, int> variant_of;  // setting value indices -> Plan::variants
  const auto variant = [&](const Combinations& c, bool with_eval) {
    std::string key;
    for (std::size_t a = 0; a < g.settings.size(); ++a)
      if (with_eval || run_level_setting(g.settings[a].key)) key += std::to_string(c.at(a + 2)) + ",";
      else key += "-,";
    const auto [it, added] = variant_of.emplace(key, static_cast<int>(plan.variants.size()));
    if (added) {
      SweepSpec v = spec;
      v.text.clear();  // the grid file's text is the base spec's (provenance); a variant needs only settings
      for (std::size_t a = 0; a < g.settings.size(); ++a)
        if (with_eval || run_level_setting(g.settings[a].key))
          apply_setting(v, g.settings[a].key, g.settings[a].values[c.at(a + 2)]);
      plan.variants.push_back(std::move(v));
    }
    return it->second;
  };
  if (g.settings.empty()) plan.variants.push_back(spec);

  std::map<std::string, int> run_of;                // run config -> run index
  std::vector<std::vector<EvalPoint>> points_of;    // per run
  std::set<std::string> point_keys, skipped_keys, excluded_runs;
  for (Combinations c(g); !c.done(); c.next()) {
    const int m = g.model[c.at(0)];
    std::map<std::string, std::string> shown;       // axis -> canonical value
    shown["model"] = spec.models[static_cast<std::size_t>(m)].name;
    if (g.budgets()) shown["compute"] = setting_text(SettingValue{false, 0, g.compute[c.at(1)]});
    else shown["data_tokens"] = std::to_string(g.data_tokens[c.at(1)]);
    std::map<std::string, std::string> run_shown = shown, eval_shown;
    for (std::size_t a = 0; a < g.settings.size(); ++a) {
      // Another model's setting is not one of this run's: leaving it out keeps
      // the run's axes, its points and the exclusions that name it to that model.
      if (other_models_setting(g.settings[a].key, shown["model"])) continue;
      (run_level_setting(g.settings[a].key) ? run_shown : eval_shown)[g.settings[a].key] =
          g.settings[a].shown[c.at(a + 2)];
    }
    if (std::any_of(g.exclude.begin(), g.exclude.end(),
                    [&](const Exclusion& x) { return run_exclusion(x) && matches(x, run_shown); })) {
      std::string key;
      for (const auto& [name, value] : run_shown) key += name + "=" + value + ";";
      excluded_runs.insert(key);
      continue;
    }
    const int rv = g.settings.empty() ? 0 : variant(c, false);
    const SweepSpec& vs = plan.variants[static_cast<std::size_t>(rv)];
    const ModelSpec& model = vs.models[static_cast<std::size_t>(m)];
    std::int64_t n_params = model.n_params, n_params_non_embedding = model.n_params_non_embedding;
    if (!model.external()) {
      n_params = gpt_param_count(model.n_layer, model.d_model, padded_vocab(model.vocab_size), vs.train.seq_len);
      n_params_non_embedding = gpt_non_embedding_param_count(model.n_layer, model.d_model);
    }
    std::int64_t d = 0;
    double budget = 0.0;
    if (g.budgets()) {
      budget = g.compute[c.at(1)];
      d = budget_tokens(budget, n_params, static_cast<std::int64_t>(vs.train.batch_size) * vs.train.seq_len);
      const double ratio = static_cast<double>(d) / static_cast<double>(n_params);
      std::string why;
      char buf[160];
      if (g.min_tokens_per_param > 0 && ratio < g.min_tokens_per_param)
        std::snprintf(buf, sizeof buf, "D/N %.3g < min_tokens_per_param %.3g", ratio, g.min_tokens_per_param), why = buf;
      if (g.max_tokens_per_param > 0 && ratio > g.max_tokens_per_param)
        std::snprintf(buf, sizeof buf, "D/N %.3g > max_tokens_per_param %.3g", ratio, g.max_tokens_per_param), why = buf;
      if (!why.empty()) {
        const std::string axes = axes_text(run_shown);
        if (skipped_keys.insert(shown["model"] + "|" + axes).second)
          plan.skipped.push_back({m, budget, d, n_params, axes, why});
        continue;
      }
    } else {
      d = g.data_tokens[c.at(1)];
      if (model.suite && !model.checkpoints.count(d)) continue;  // sweep plan lists it (skipped_data_tokens)
      if (model.pretrained() && !model.suite) d = model.data_tokens;
      else if (model.external() && !model.pretrained()) d = 0;
    }
    std::string config = run_config(vs, m, d);
    if (g.budgets()) config += ";compute_budget=" + shown["compute"];
    auto [found, added] = run_of.emplace(config, static_cast<int>(plan.runs.size()));
    const int r = found->second;
    if (added) {
      TrainRun run;
      if (options.configs) {
        run.config = config;
        run.run_id = config_id(config);
      }
      run.model = m;
      run.data_tokens = d;
      run.n_params = n_params;
      run.n_params_non_embedding = n_params_non_embedding;
      run.train_flops = 6.0 * static_cast<double>(n_params) * static_cast<double>(d);
      run.compute_budget = budget;
      run.variant = rv;
      run.axes = axes_text(run_shown);
      plan.runs.push_back(std::move(run));
      points_of.emplace_back();
    }
    const int pv = eval_shown.empty() ? rv : variant(c, true);
    std::map<std::string, std::string> point_shown = run_shown;
    point_shown.insert(eval_shown.begin(), eval_shown.end());
    const std::string point_axes = axes_text(point_shown);
    for (PromptStyle p : g.prompt)
      for (int t : g.task) {
        if (!has_point(spec, p, t)) continue;
        point_shown["prompt"] = to_string(p);
        point_shown["task"] = spec.tasks[static_cast<std::size_t>(t)].name;
        // Seen already: a combination that differs only in another model's setting.
        if (!point_keys.insert(std::to_string(r) + "|" + point_axes + "|" + point_shown["prompt"] + "|" +
                               point_shown["task"])
                 .second)
          continue;
        if (std::any_of(g.exclude.begin(), g.exclude.end(),
                        [&](const Exclusion& x) { return !run_exclusion(x) && matches(x, point_shown); })) {
          ++plan.excluded_points;
          continue;
        }
        EvalPoint point;
        if (options.configs) {
          point.config = point_config(plan.variants[static_cast<std::size_t>(pv)], config, p, t);
          point.point_id = config_id(point.config);
        }
        point.run = r;
        point.prompt = p;
        point.task = t;
        point.variant = pv;
        point.axes = point_axes;
        points_of[static_cast<std::size_t>(r)].push_back(std::move(point));
      }
  }
  plan.excluded_runs = static_cast<std::int64_t>(excluded_runs.size());
  for (auto& points : points_of)
    for (EvalPoint& p : points) plan.points.push_back(std::move(p));
  return plan;
}

}  // namespace sweep
