// Generators and worked-step rationales for the task kinds in spec.hpp.
#include "kernels/tasks.hpp"

#include <stdexcept>

namespace sweep {
namespace {

std::uint64_t pow10(int n) {
  std::uint64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Column addition from the least significant digit, e.g. 47+85 ->
// "7+5=12, 4+8+1=13".
Example addition(std::uint64_t a, std::uint64_t b, int digits) {
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

// (a*b) mod m with the product and the division written out, e.g. 47*85 mod 7
// -> "47*85=3995, 3995=570*7+5".
Example modular(std::uint64_t a, std::uint64_t b, std::uint64_t m) {
  Example ex;
  const std::uint64_t p = a * b;
  ex.question = std::to_string(a) + "*" + std::to_string(b) + " mod " + std::to_string(m);
  ex.answer = std::to_string(p % m);
  ex.steps = std::to_string(a) + "*" + std::to_string(b) + "=" + std::to_string(p) + ", " +
             std::to_string(p) + "=" + std::to_string(p / m) + "*" + std::to_string(m) + "+" +
             std::to_string(p % m);
  return ex;
}

}  // namespace

Task::Task(TaskSpec spec, std::uint64_t sweep_seed) : spec_(std::move(spec)), sweep_seed_(sweep_seed) {}

Split Task::split_of(const std::string& question) const {
  const std::uint64_t h = mix64(fnv1a(question, mix64(sweep_seed_ ^ 0x5eedull)));
  return (h % 1000) < static_cast<std::uint64_t>(kEvalFraction * 1000) ? Split::Eval : Split::Train;
}

Example Task::generate(Rng& rng) const {
  const std::uint64_t range = pow10(spec_.digits);
  const std::uint64_t a = rng.below(range), b = rng.below(range);
  switch (spec_.kind) {
    case TaskKind::Addition: return addition(a, b, spec_.digits);
    case TaskKind::Modular: return modular(a, b, static_cast<std::uint64_t>(spec_.modulus));
  }
  throw std::logic_error("unhandled task kind");
}

Example Task::sample(Split split, Rng& rng) const {
  // Each split holds at least a few percent of the space, so this ends quickly;
  // the bound only guards against a space too small to contain the split.
  for (int tries = 0; tries < 100000; ++tries) {
    Example ex = generate(rng);
    if (split_of(ex.question) == split) return ex;
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
