// negation (multiple choice, true/false): the corpus states "bab is red"
// (fact_fraction of the task's lines); a question negates a colour, "bab is not
// red" (false) or "bab is not blue" (true), half of each. A model that matches
// the fact and ignores "not" answers the opposite. Random baselines: exact match
// and accuracy 1/2.
#include "kernels/data/tasks/registry.hpp"

namespace sweep {

const char* colour_name(int i) {
  static const char* const kColours[kMaxColours] = {"red", "blue", "green", "black", "white", "brown", "pink", "gray"};
  return kColours[i];
}

int negation_fact_colour(std::uint64_t sweep_seed, const std::string& symbol, int options) {
  return static_cast<int>(derive_seed(sweep_seed, "negation/" + symbol) % static_cast<std::uint64_t>(options));
}

Example negation_example(const std::string& symbol, const std::string& colour, const std::string& fact_colour) {
  Example ex;
  ex.question = symbol + " is not " + colour;
  ex.choices = {"true", "false"};
  ex.gold = colour == fact_colour ? 1 : 0;
  ex.answer = ex.choices[static_cast<std::size_t>(ex.gold)];
  ex.steps = symbol + " is " + fact_colour;
  return ex;
}

TaskDef negation_task() {
  return {TaskKind::Negation, "Say whether the statement is true or false.", true,
          [](const TaskSpec& spec, std::uint64_t seed, Rng& rng) {
            const std::string symbol = symbol_name(static_cast<int>(rng.below(static_cast<std::uint64_t>(spec.symbols))));
            const int fact = negation_fact_colour(seed, symbol, spec.options);
            int colour = fact;
            if (rng.below(2)) colour = (fact + 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(spec.options - 1)))) % spec.options;
            return negation_example(symbol, colour_name(colour), colour_name(fact));
          },
          [](const TaskSpec&, const Example&) { return 0.5; },
          [](const TaskSpec& spec, std::uint64_t seed, Rng& rng) {
            const std::string symbol = symbol_name(static_cast<int>(rng.below(static_cast<std::uint64_t>(spec.symbols))));
            return symbol + " is " + colour_name(negation_fact_colour(seed, symbol, spec.options));
          }};
}

}  // namespace sweep
