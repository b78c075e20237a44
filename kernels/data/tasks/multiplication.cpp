// multiplication: a * b, a with `digits` and b with `digits_b` digits. Exact-match
// random baseline: one over the possible products 0 .. (10^n - 1)(10^m - 1).
#include "kernels/data/tasks/registry.hpp"

namespace sweep {

Example multiplication_example(std::uint64_t a, std::uint64_t b) {
  Example ex;
  ex.question = std::to_string(a) + "*" + std::to_string(b);
  ex.answer = std::to_string(a * b);
  // One partial product per digit of b (zeros included, so every example of a
  // task has the same shape), then the running sum when there is more than one.
  std::uint64_t rest = b, place = 1, sum = 0;
  int parts = 0;
  std::string sums;
  do {
    const std::uint64_t partial = a * (rest % 10) * place;
    ex.steps += (parts ? ", " : "") + std::to_string(a) + "*" + std::to_string((rest % 10) * place) + "=" +
                std::to_string(partial);
    if (parts) sums += ", " + std::to_string(sum) + "+" + std::to_string(partial) + "=" + std::to_string(sum + partial);
    sum += partial;
    rest /= 10;
    place *= 10;
    ++parts;
  } while (rest > 0);
  ex.steps += sums;
  return ex;
}

TaskDef multiplication_task() {
  return {TaskKind::Multiplication, "Multiply the two numbers.", false,
          [](const TaskSpec& spec, std::uint64_t, Rng& rng) {
            const std::uint64_t a = rng.below(pow10(spec.digits));
            return multiplication_example(a, rng.below(pow10(spec.digits_b)));
          },
          [](const TaskSpec& spec, const Example&) {
            return 1.0 / (static_cast<double>(pow10(spec.digits) - 1) * static_cast<double>(pow10(spec.digits_b) - 1) + 1.0);
          },
          nullptr};
}

}  // namespace sweep
