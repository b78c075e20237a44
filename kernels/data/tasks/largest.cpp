// largest (multiple choice): which of `options` distinct n-digit numbers is the
// largest. The options are the numbers themselves. Random baselines: exact
// match and accuracy 1/options.
#include <algorithm>

#include "kernels/data/tasks/registry.hpp"

namespace sweep {

Example largest_example(const std::vector<std::uint64_t>& numbers) {
  Example ex;
  ex.question = "largest of";
  for (std::uint64_t n : numbers) {
    ex.question += " " + std::to_string(n);
    ex.choices.push_back(std::to_string(n));
  }
  const auto max = std::max_element(numbers.begin(), numbers.end());
  ex.gold = static_cast<int>(max - numbers.begin());
  ex.answer = ex.choices[static_cast<std::size_t>(ex.gold)];
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (static_cast<int>(i) == ex.gold) continue;
    if (!ex.steps.empty()) ex.steps += ", ";
    ex.steps += ex.choices[i] + "<" + ex.answer;
  }
  return ex;
}

TaskDef largest_task() {
  return {TaskKind::Largest, "Give the largest of the numbers.", true,
          [](const TaskSpec& spec, std::uint64_t, Rng& rng) {
            // The loader keeps options <= 10^digits, so distinct numbers exist.
            std::vector<std::uint64_t> numbers;
            while (numbers.size() < static_cast<std::size_t>(spec.options)) {
              const std::uint64_t n = rng.below(pow10(spec.digits));
              if (std::find(numbers.begin(), numbers.end(), n) == numbers.end()) numbers.push_back(n);
            }
            return largest_example(numbers);
          },
          [](const TaskSpec& spec, const Example&) { return 1.0 / spec.options; },
          nullptr};
}

}  // namespace sweep
