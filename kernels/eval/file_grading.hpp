// How evaluate() grades one example of a task file (a Prompt carrying answers
// or choice scores) under BIG-bench's metric names, beside sweep's own
// metrics; pure, so a Prompt and a generation suffice to check it.
#pragma once

#include <string>
#include <vector>

#include "kernels/data/prompts.hpp"
#include "kernels/eval/text_metrics.hpp"

namespace sweep {

// A task file's example: BIG-bench's metrics apply (built-in tasks: none).
bool graded_as_task_file(const Prompt& p);

// A generation-graded example: BIG-bench's postprocessed generation
// (postprocess_generation with the prompt's stop_string and output_regex) and
// whether it is one of the accepted answers (Prompt::answers; the answer when
// empty).
struct GenerationGrade {
  std::string prediction;
  double exact_str_match = 0;
};
GenerationGrade grade_generation(const Prompt& p, const std::string& generated);
// exact_str_match's random baseline: a uniform guess among the K options when
// the example has them (1/K), else 0 (free generation).
double exact_str_match_baseline(const Prompt& p);

// A choice-scored example: the chosen option's score (Prompt::choice_scores;
// without scores, 1 for the gold option, else 0), from the options'
// log-likelihoods.
double grade_choices(const Prompt& p, const std::vector<double>& loglikelihoods);
// multiple_choice_grade's random baseline: the mean option score (a uniform guess).
double multiple_choice_grade_baseline(const Prompt& p);

}  // namespace sweep
