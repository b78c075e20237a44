// Corpus stream; see corpus.hpp.
#include "kernels/data/corpus.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "kernels/data/prompts.hpp"

namespace sweep {
namespace {

template <std::size_t N>
const char* pick(Rng& rng, const char* const (&words)[N]) {
  return words[rng.below(N)];
}

const char* const kDet[] = {"the", "a", "one", "every", "that"};
const char* const kAdj[] = {"small", "quiet", "red", "old", "bright", "heavy", "clever", "cold"};
const char* const kNoun[] = {"cat", "river", "student", "machine", "garden", "letter", "engine", "city",
                             "teacher", "number"};
const char* const kVerb[] = {"sees", "likes", "follows", "builds", "counts", "carries", "finds", "moves"};
const char* const kAdv[] = {"slowly", "today", "again", "at night", "with care", "in the morning"};

}  // namespace

std::string filler_sentence(Rng& rng) {
  std::string s = std::string(pick(rng, kDet)) + " " + pick(rng, kAdj) + " " + pick(rng, kNoun) + " " +
                  pick(rng, kVerb) + " " + pick(rng, kDet) + " " + pick(rng, kNoun);
  if (rng.below(2)) s += std::string(" ") + pick(rng, kAdv);
  return s + ".";
}

Corpus::Corpus(std::vector<Task> tasks, const TrainSpec& train, std::uint64_t sweep_seed, Split split,
               const text::Tokenizer* tokenizer)
    : tasks_(std::move(tasks)),
      cot_fraction_(train.cot_fraction),
      filler_fraction_(train.filler_fraction),
      instruction_fraction_(train.instruction_fraction),
      split_(split),
      tokenizer_(tokenizer),
      rng_(derive_seed(sweep_seed, split == Split::Train ? "corpus/train" : "corpus/heldout")) {
  if (tasks_.empty()) throw std::invalid_argument("corpus needs at least one task");
  // A task file's examples are evaluation data: they never enter a corpus, and
  // a grid of task files only trains on filler prose.
  tasks_.erase(std::remove_if(tasks_.begin(), tasks_.end(), [](const Task& t) { return t.file() != nullptr; }),
               tasks_.end());
}

std::string Corpus::next_line() {
  if (tasks_.empty() || rng_.uniform() < filler_fraction_) return filler_sentence(rng_);
  const Task& task = tasks_[rng_.below(tasks_.size())];
  // Facts are knowledge, not questions: both splits state them.
  if (task.has_facts() && rng_.uniform() < task.spec().fact_fraction) return task.fact(rng_);
  const bool cot = rng_.uniform() < cot_fraction_;
  const bool instruction = instruction_fraction_ > 0 && rng_.uniform() < instruction_fraction_;
  const Example ex = task.sample(split_, rng_);
  const std::string line = cot ? cot_line(ex) : direct_line(ex);
  return instruction ? std::string(task.def().instruction) + "\n" + line : line;
}

std::vector<std::int64_t> Corpus::take(std::size_t n) {
  while (pending_.size() < n) {
    static const text::Tokenizer bytes = text::Tokenizer::bytes();
    const auto ids = (tokenizer_ ? *tokenizer_ : bytes).encode(next_line() + "\n");
    pending_.insert(pending_.end(), ids.begin(), ids.end());
  }
  std::vector<std::int64_t> out(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

}  // namespace sweep
