// Grid expansion; see grid.hpp.
#include "spec/grid.hpp"

#include "spec/model_size.hpp"
#include "spec/rng.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

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

Plan expand(const SweepSpec& spec, const ExpandOptions& options) {
  Plan plan;
  const std::size_t runs = spec.grid.model.size() * spec.grid.data_tokens.size();
  plan.runs.reserve(runs);
  plan.points.reserve(runs * spec.grid.prompt.size() * spec.grid.task.size());
  for (int m : spec.grid.model) {
    const ModelSpec& model = spec.models[m];
    for (std::int64_t d : run_data_tokens(spec, m)) {
      TrainRun run;
      if (options.configs) {
        run.config = run_config(spec, m, d);
        run.run_id = config_id(run.config);
      }
      run.model = m;
      run.data_tokens = d;
      if (model.external()) {
        run.n_params = model.n_params;
        run.n_params_non_embedding = model.n_params_non_embedding;
      } else {
        run.n_params = gpt_param_count(model.n_layer, model.d_model, padded_vocab(model.vocab_size), spec.train.seq_len);
        run.n_params_non_embedding = gpt_non_embedding_param_count(model.n_layer, model.d_model);
      }
      run.train_flops = 6.0 * static_cast<double>(run.n_params) * static_cast<double>(d);
      const int r = static_cast<int>(plan.runs.size());
      plan.runs.push_back(run);
      for (PromptStyle p : spec.grid.prompt)
        for (int t : spec.grid.task) {
          if (!has_point(spec, p, t)) continue;
          EvalPoint point;
          if (options.configs) {
            point.config = point_config(spec, run.config, p, t);
            point.point_id = config_id(point.config);
          }
          point.run = r;
          point.prompt = p;
          point.task = t;
          plan.points.push_back(point);
        }
    }
  }
  return plan;
}

}  // namespace sweep
