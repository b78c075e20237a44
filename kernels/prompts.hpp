// Renders task examples as training lines and as eval prompts in each prompt
// style, following lm-evaluation-harness's layout: k exemplars, each followed by
// the few-shot delimiter "\n", then the query. Training lines use the same two
// forms, so a prompt looks like a stretch of the corpus:
//   direct: "47+85=132"
//   cot:    "47+85: 7+5=12, 4+8+1=13. The answer is 132."
#pragma once

#include <string>
#include <vector>

#include "kernels/tasks.hpp"

namespace sweep {

constexpr const char* kAnswerMarker = "The answer is ";

std::string direct_line(const Example& ex);
std::string cot_line(const Example& ex);

struct Prompt {
  std::string context;  // what the model is given
  std::string target;   // the gold continuation (scored by logprob)
  std::string answer;   // what exact match compares against
  int exemplars = 0;    // exemplars kept after fitting the context window
};

// The eval prompt for `query`. Exemplars come from the training split (so never
// the query). Leading exemplars are dropped until context + target + 1 fits in
// `max_tokens`; throws if even zero exemplars do not fit.
Prompt render_prompt(const Task& task, PromptStyle style, const Example& query,
                     const std::vector<Example>& exemplars, int max_tokens);

// The answer a model's generated continuation gives: direct styles read up to the
// first newline; cot reads what follows the last answer marker, up to "." or newline.
std::string extract_answer(PromptStyle style, const std::string& generated);

}  // namespace sweep
