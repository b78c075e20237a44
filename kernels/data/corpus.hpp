// The training (and held-out) corpus: an endless, deterministic stream of lines
// mixing every grid task's examples, in direct or worked-step form (cot_fraction),
// some preceded by the task's instruction line (instruction_fraction), the facts
// of tasks that have them (fact_fraction of such a task's lines), and filler
// prose (filler_fraction). Task files' tasks are left out (their examples are
// evaluation data). Runs with more data_tokens see a superset of what smaller runs saw: the
// stream depends on the sweep seed and the split only.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "spec/rng.hpp"
#include "kernels/data/tasks.hpp"
#include "text/tokenizer.hpp"

namespace sweep {

class Corpus {
 public:
  // Lines become tokens through `tokenizer` (null: bytes); it must outlive the corpus.
  Corpus(std::vector<Task> tasks, const TrainSpec& train, std::uint64_t sweep_seed, Split split,
         const text::Tokenizer* tokenizer = nullptr);

  // The next n tokens of the stream; consecutive calls continue where the last stopped.
  std::vector<std::int64_t> take(std::size_t n);

  // One corpus line, without its newline (exposed for tests).
  std::string next_line();

 private:
  std::vector<Task> tasks_;
  double cot_fraction_;
  double filler_fraction_;
  double instruction_fraction_;
  Split split_;
  const text::Tokenizer* tokenizer_;
  Rng rng_;
  std::deque<std::int64_t> pending_;
};

// Filler prose from a tiny grammar: plain sentences the model must also predict,
// so not every token is arithmetic.
std::string filler_sentence(Rng& rng);

}  // namespace sweep
