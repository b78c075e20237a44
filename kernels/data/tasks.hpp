// A task of the grid: its spec, bound to the sweep seed. Every question falls,
// by a hash of its split key (the question, or what the task says) and the sweep
// seed, into either the training split or the held-out evaluation split, so
// eval examples never appear in a training corpus by construction, whichever
// tasks share a corpus. The generators live in kernels/data/tasks/ (one file each).
// A task file's task (bigbench, jsonl) has no generator and no training split:
// every example is evaluation data, never sampled for a corpus.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/rng.hpp"
#include "kernels/data/tasks/registry.hpp"
#include "spec/spec.hpp"
#include "spec/task_file.hpp"

namespace sweep {

enum class Split { Train, Eval };

// Share of each task's question space held out for evaluation.
constexpr double kEvalFraction = 0.1;

class Task {
 public:
  Task(TaskSpec spec, std::uint64_t sweep_seed);

  const TaskSpec& spec() const { return spec_; }
  // A built-in task's registry entry; a task file has none (throws std::logic_error).
  const TaskDef& def() const;
  // The task file's examples and formatting; null for a built-in task.
  const TaskFile* file() const { return spec_.file.get(); }
  std::uint64_t sweep_seed() const { return sweep_seed_; }

  // What `instruction` prompts show: the built-in's instruction, or the task
  // file's description ("" when the file has none).
  std::string instruction() const;

  // The split a split key belongs to: a function of (sweep seed, key) only.
  // Every example of a task file is Eval.
  Split split_of(const std::string& key) const;
  Split split_of(const Example& ex) const { return split_of(ex.key()); }

  // A random example from the given split (rejection sampling over the space).
  // A task file has no training split: Split::Train throws std::logic_error.
  Example sample(Split split, Rng& rng) const;

  // The first n held-out examples of this task, the same for every model; a
  // task file's first min(n, examples) in file order (with_steps, for cot:
  // of the examples with worked steps; built-ins always have steps).
  std::vector<Example> eval_examples(int n, bool with_steps = false) const;

  // The k few-shot exemplars of the query eval_examples(n, with_steps)[query_index],
  // seeded by (sweep seed, task name, query index). Built-ins draw from the
  // training split; a task file draws k of its other examples (with_steps:
  // other examples with worked steps) without replacement, as BIG-bench does,
  // never the query; fewer than k when the file has fewer.
  std::vector<Example> exemplars(int query_index, int k, bool with_steps = false) const;

  // Exact-match random baseline of an example (see the task's file); a task
  // file's: 1 / choices for multiple choice, 0 for free generation.
  double chance(const Example& ex) const;

  // A corpus line stating one of the task's facts; "" if the task has none.
  bool has_facts() const { return def_ && def_->fact != nullptr; }
  std::string fact(Rng& rng) const { return has_facts() ? def_->fact(spec_, sweep_seed_, rng) : ""; }

  // Multiple-choice tasks scored by option log-likelihood (else by generation);
  // a task file when every example has choices.
  bool scores_choices() const;

 private:
  TaskSpec spec_;
  std::uint64_t sweep_seed_;
  const TaskDef* def_;  // null for a task file
};

}  // namespace sweep
