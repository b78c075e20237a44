// Task splits and sampling; see tasks.hpp.
#include "kernels/data/tasks.hpp"

#include <stdexcept>

namespace sweep {

Task::Task(TaskSpec spec, std::uint64_t sweep_seed)
    : spec_(std::move(spec)), sweep_seed_(sweep_seed), def_(&task_def(spec_.kind)) {}

Split Task::split_of(const std::string& key) const {
  const std::uint64_t h = mix64(fnv1a(key, mix64(sweep_seed_ ^ 0x5eedull)));
  return (h % 1000) < static_cast<std::uint64_t>(kEvalFraction * 1000) ? Split::Eval : Split::Train;
}

Example Task::sample(Split split, Rng& rng) const {
  // Each split holds at least a few percent of the space, so this ends quickly;
  // the bound only guards against a space too small to contain the split.
  for (int tries = 0; tries < 100000; ++tries) {
    Example ex = def_->generate(spec_, sweep_seed_, rng);
    if (split_of(ex) == split) return ex;
  }
  throw std::runtime_error("task " + spec_.name + ": question space too small for a " +
                           (split == Split::Eval ? "held-out" : "training") + " split");
}

std::vector<Example> Task::eval_examples(int n) const {
  Rng rng(derive_seed(sweep_seed_, "eval-examples/" + spec_.name));
  std::vector<Example> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(sample(Split::Eval, rng));
  return out;
}

}  // namespace sweep
