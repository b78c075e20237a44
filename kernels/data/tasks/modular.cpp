// modular: (a * b) mod m with n-digit operands. Exact-match random baseline: 1/m.
#include "kernels/data/tasks/registry.hpp"

namespace sweep {

Example modular_example(std::uint64_t a, std::uint64_t b, std::uint64_t m) {
  Example ex;
  const std::uint64_t p = a * b;
  ex.question = std::to_string(a) + "*" + std::to_string(b) + " mod " + std::to_string(m);
  ex.answer = std::to_string(p % m);
  ex.steps = std::to_string(a) + "*" + std::to_string(b) + "=" + std::to_string(p) + ", " + std::to_string(p) + "=" +
             std::to_string(p / m) + "*" + std::to_string(m) + "+" + std::to_string(p % m);
  return ex;
}

TaskDef modular_task() {
  return {TaskKind::Modular, "Give the product of the two numbers modulo the last number.", false,
          [](const TaskSpec& spec, std::uint64_t, Rng& rng) {
            const std::uint64_t range = pow10(spec.digits);
            const std::uint64_t a = rng.below(range);
            return modular_example(a, rng.below(range), static_cast<std::uint64_t>(spec.modulus));
          },
          [](const TaskSpec& spec, const Example&) { return 1.0 / spec.modulus; },
          nullptr};
}

}  // namespace sweep
