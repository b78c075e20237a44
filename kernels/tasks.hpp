// Procedurally generated tasks. Every question falls, by a hash of its text and
// the sweep seed, into either the training split or the held-out evaluation
// split, so eval examples never appear in a training corpus by construction,
// whichever tasks share a corpus.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/rng.hpp"
#include "orchestrator/spec.hpp"

namespace sweep {

struct Example {
  std::string question;  // e.g. "47+85"
  std::string steps;     // worked reasoning, e.g. "7+5=12, 4+8+1=13"
  std::string answer;    // e.g. "132"
};

enum class Split { Train, Eval };

// Share of each task's question space held out for evaluation.
constexpr double kEvalFraction = 0.1;

class Task {
 public:
  Task(TaskSpec spec, std::uint64_t sweep_seed);

  const TaskSpec& spec() const { return spec_; }

  // The split a question belongs to: a function of (sweep seed, question) only.
  Split split_of(const std::string& question) const;

  // A random example from the given split (rejection sampling over the space).
  Example sample(Split split, Rng& rng) const;

  // The first n held-out examples of this task, the same for every model.
  std::vector<Example> eval_examples(int n) const;

 private:
  Example generate(Rng& rng) const;

  TaskSpec spec_;
  std::uint64_t sweep_seed_;
};

}  // namespace sweep
