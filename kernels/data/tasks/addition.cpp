// addition: a + b with n-digit operands. Exact-match random baseline: one over
// the 2*10^n - 1 possible sums.
#include "kernels/data/tasks/registry.hpp"

namespace sweep {

Example addition_example(std::uint64_t a, std::uint64_t b, int digits) {
  Example ex;
  ex.question = std::to_string(a) + "+" + std::to_string(b);
  ex.answer = std::to_string(a + b);
  std::uint64_t x = a, y = b, carry = 0;
  for (int i = 0; i < digits; ++i) {
    const std::uint64_t da = x % 10, db = y % 10, s = da + db + carry;
    if (i) ex.steps += ", ";
    ex.steps += std::to_string(da) + "+" + std::to_string(db);
    if (carry) ex.steps += "+1";
    ex.steps += "=" + std::to_string(s);
    carry = s / 10;
    x /= 10;
    y /= 10;
  }
  return ex;
}

TaskDef addition_task() {
  return {TaskKind::Addition, "Add the two numbers.", false,
          [](const TaskSpec& spec, std::uint64_t, Rng& rng) {
            const std::uint64_t range = pow10(spec.digits);
            const std::uint64_t a = rng.below(range);
            return addition_example(a, rng.below(range), spec.digits);
          },
          [](const TaskSpec& spec, const Example&) { return 1.0 / static_cast<double>(2 * pow10(spec.digits) - 1); },
          nullptr};
}

}  // namespace sweep
