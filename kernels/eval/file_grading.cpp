// Task-file grading under BIG-bench's names; see file_grading.hpp.
#include "kernels/eval/file_grading.hpp"

#include <algorithm>
#include <stdexcept>

namespace sweep {

bool graded_as_task_file(const Prompt& p) { return !p.answers.empty() || !p.choice_scores.empty(); }

GenerationGrade grade_generation(const Prompt& p, const std::string& generated) {
  GenerationGrade g;
  g.prediction = postprocess_generation(generated, p.stop_string, p.output_regex);
  g.exact_str_match = exact_str_match(g.prediction, p.answers.empty() ? std::vector<std::string>{p.answer} : p.answers);
  return g;
}

double exact_str_match_baseline(const Prompt& p) {
  const std::size_t k = std::max(p.choices.size(), p.choice_scores.size());
  return k > 0 ? 1.0 / static_cast<double>(k) : 0.0;
}

double grade_choices(const Prompt& p, const std::vector<double>& loglikelihoods) {
  if (!p.choice_scores.empty()) return multiple_choice_grade(loglikelihoods, p.choice_scores);
  std::vector<double> onehot(loglikelihoods.size(), 0.0);
  if (p.gold < 0 || static_cast<std::size_t>(p.gold) >= onehot.size())
    throw std::invalid_argument("grade_choices: gold index " + std::to_string(p.gold) + " of " +
                                std::to_string(onehot.size()) + " options");
  onehot[static_cast<std::size_t>(p.gold)] = 1.0;
  return multiple_choice_grade(loglikelihoods, onehot);
}

double multiple_choice_grade_baseline(const Prompt& p) {
  if (p.choice_scores.empty()) return p.choices.empty() ? 0.0 : 1.0 / static_cast<double>(p.choices.size());
  double sum = 0;
  for (double s : p.choice_scores) sum += s;
  return sum / static_cast<double>(p.choice_scores.size());
}

}  // namespace sweep
