// Task splits and sampling; see tasks.hpp.
#include "kernels/data/tasks.hpp"

#include <algorithm>
#include <stdexcept>

namespace sweep {
namespace {

// A task-file example as the prompts and graders take it. A JSONL context goes
// before the question on its own line ("context\nquestion"), the layout of
// lm-evaluation-harness's reading-comprehension tasks without their labels.
Example file_example(const FileExample& f) {
  Example ex;
  ex.question = f.context.empty() ? f.input : f.context + "\n" + f.input;
  ex.steps = f.steps;
  ex.choices = f.choices;
  ex.gold = f.gold;
  ex.choice_scores = f.scores;
  if (!f.targets.empty()) {
    ex.answers = f.targets;
  } else if (f.gold >= 0) {
    ex.answers = {f.choices[static_cast<std::size_t>(f.gold)]};
  }
  if (!ex.answers.empty()) ex.answer = ex.answers.front();
  return ex;
}

// The file's examples a prompt may use, in file order: all, or (with_steps)
// those with worked steps.
std::vector<std::size_t> candidates(const TaskFile& f, bool with_steps) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < f.examples.size(); ++i)
    if (!with_steps || !f.examples[i].steps.empty()) out.push_back(i);
  return out;
}

}  // namespace

Task::Task(TaskSpec spec, std::uint64_t sweep_seed)
    : spec_(std::move(spec)), sweep_seed_(sweep_seed), def_(spec_.file ? nullptr : &task_def(spec_.kind)) {}

const TaskDef& Task::def() const {
  if (!def_) throw std::logic_error("task " + spec_.name + " is a task file: it has no built-in definition");
  return *def_;
}

std::string Task::instruction() const { return def_ ? def_->instruction : spec_.file->description; }

Split Task::split_of(const std::string& key) const {
  if (file()) return Split::Eval;
  const std::uint64_t h = mix64(fnv1a(key, mix64(sweep_seed_ ^ 0x5eedull)));
  return (h % 1000) < static_cast<std::uint64_t>(kEvalFraction * 1000) ? Split::Eval : Split::Train;
}

Example Task::sample(Split split, Rng& rng) const {
  if (const TaskFile* f = file()) {
    if (split == Split::Train)
      throw std::logic_error("task " + spec_.name + ": a task file's examples are evaluation data, never trained on");
    return file_example(f->examples[rng.below(f->examples.size())]);
  }
  // Each split holds at least a few percent of the space, so this ends quickly;
  // the bound only guards against a space too small to contain the split.
  for (int tries = 0; tries < 100000; ++tries) {
    Example ex = def_->generate(spec_, sweep_seed_, rng);
    if (split_of(ex) == split) return ex;
  }
  throw std::runtime_error("task " + spec_.name + ": question space too small for a " +
                           (split == Split::Eval ? "held-out" : "training") + " split");
}

std::vector<Example> Task::eval_examples(int n, bool with_steps) const {
  std::vector<Example> out;
  if (const TaskFile* f = file()) {
    const std::vector<std::size_t> all = candidates(*f, with_steps);
    const std::size_t m = std::min(all.size(), static_cast<std::size_t>(std::max(n, 0)));
    for (std::size_t i = 0; i < m; ++i) out.push_back(file_example(f->examples[all[i]]));
    return out;
  }
  Rng rng(derive_seed(sweep_seed_, "eval-examples/" + spec_.name));
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(sample(Split::Eval, rng));
  return out;
}

std::vector<Example> Task::exemplars(int query_index, int k, bool with_steps) const {
  Rng rng(derive_seed(sweep_seed_, "exemplars/" + spec_.name + "/" + std::to_string(query_index)));
  std::vector<Example> out;
  const TaskFile* f = file();
  if (!f) {
    for (int j = 0; j < k; ++j) out.push_back(sample(Split::Train, rng));
    return out;
  }
  std::vector<std::size_t> pool = candidates(*f, with_steps);
  if (query_index >= 0 && static_cast<std::size_t>(query_index) < pool.size())
    pool.erase(pool.begin() + query_index);
  // A partial Fisher-Yates shuffle: k distinct draws, in draw order.
  for (std::size_t j = 0; j < pool.size() && static_cast<int>(j) < k; ++j) {
    std::swap(pool[j], pool[j + rng.below(pool.size() - j)]);
    out.push_back(file_example(f->examples[pool[j]]));
  }
  return out;
}

double Task::chance(const Example& ex) const {
  if (file()) return ex.choices.empty() ? 0.0 : 1.0 / static_cast<double>(ex.choices.size());
  return def_->chance(spec_, ex);
}

bool Task::scores_choices() const {
  if (const TaskFile* f = file()) return f->multiple_choice();
  return def_->multiple_choice && spec_.scoring == Scoring::Loglikelihood;
}

}  // namespace sweep
