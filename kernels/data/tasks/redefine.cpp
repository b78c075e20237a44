// redefine (a distractor task in the spirit of the Inverse Scaling Prize's
// "Redefine Math"): the corpus states facts "bab=7" often (fact_fraction of the
// task's lines); a question redefines the symbol, "let bab=3. bab=", and the
// right answer follows the redefinition (never the stated value). A model that
// memorises facts but ignores the context answers 7. Exact-match random
// baseline: 1/10 (a uniform digit).
#include "kernels/data/tasks/registry.hpp"

namespace sweep {

int redefine_fact_value(std::uint64_t sweep_seed, const std::string& symbol) {
  return static_cast<int>(derive_seed(sweep_seed, "redefine/" + symbol) % 10);
}

Example redefine_example(const std::string& symbol, int value) {
  Example ex;
  ex.question = "let " + symbol + "=" + std::to_string(value) + ". " + symbol;
  ex.answer = std::to_string(value);
  ex.steps = symbol + " was set to " + ex.answer;
  return ex;
}

TaskDef redefine_task() {
  return {TaskKind::Redefine, "Use the value the question gives the symbol.", false,
          [](const TaskSpec& spec, std::uint64_t seed, Rng& rng) {
            const std::string symbol = symbol_name(static_cast<int>(rng.below(static_cast<std::uint64_t>(spec.symbols))));
            const int fact = redefine_fact_value(seed, symbol);
            // One of the nine other digits: the redefinition always contradicts the fact.
            const int value = (fact + 1 + static_cast<int>(rng.below(9))) % 10;
            return redefine_example(symbol, value);
          },
          [](const TaskSpec&, const Example&) { return 0.1; },
          [](const TaskSpec& spec, std::uint64_t seed, Rng& rng) {
            const std::string symbol = symbol_name(static_cast<int>(rng.below(static_cast<std::uint64_t>(spec.symbols))));
            return symbol + "=" + std::to_string(redefine_fact_value(seed, symbol));
          }};
}

}  // namespace sweep
