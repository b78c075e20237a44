// A task of the grid: its spec, bound to the sweep seed. Every question falls,
// by a hash of its split key (the question, or what the task says) and the sweep
// seed, into either the training split or the held-out evaluation split, so
// eval examples never appear in a training corpus by construction, whichever
// tasks share a corpus. The generators live in kernels/data/tasks/ (one file each).
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
  const TaskDef& def() const { return *def_; }
  std::uint64_t sweep_seed() const { return sweep_seed_; }

  // The split a split key belongs to: a function of (sweep seed, key) only.
  Split split_of(const std::string& key) const;
  Split split_of(const Example& ex) const { return split_of(ex.key()); }

  // A random example from the given split (rejection sampling over the space).
  Example sample(Split split, Rng& rng) const;

  // The first n held-out examples of this task, the same for every model.
  std::vector<Example> eval_examples(int n) const;

  // Exact-match random baseline of an example (see the task's file).
  double chance(const Example& ex) const { return def_->chance(spec_, ex); }

  // A corpus line stating one of the task's facts; "" if the task has none.
  bool has_facts() const { return def_->fact != nullptr; }
  std::string fact(Rng& rng) const { return def_->fact ? def_->fact(spec_, sweep_seed_, rng) : ""; }

  // Multiple-choice tasks scored by option log-likelihood (else by generation).
  bool scores_choices() const { return def_->multiple_choice && spec_.scoring == Scoring::Loglikelihood; }

  // The task file a file task reads (its metrics list decides BLEU/ROUGE); null for built-ins.
  const TaskFile* file() const { return file_; }

 private:
  TaskSpec spec_;
  std::uint64_t sweep_seed_;
  const TaskDef* def_;
  const TaskFile* file_ = nullptr;
};

}  // namespace sweep
