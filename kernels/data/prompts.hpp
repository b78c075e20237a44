// Renders task examples as training lines and as eval prompts in each prompt
// style, following lm-evaluation-harness's layout: description, then k
// exemplars each followed by the few-shot delimiter, then the query; the target
// follows the target delimiter. Here the target delimiter is "=" (":" before
// worked steps) and the few-shot delimiter "\n", because the training corpus is
// made of lines and a prompt should look like a stretch of it:
//   direct:      "47+85=132"
//   cot:         "47+85: 7+5=12, 4+8+1=13. The answer is 132."
//   instruction: "Add the two numbers.\n47+85=132"
// Multiple-choice tasks scored by log-likelihood compare the options as
// continuations of the same context ("largest of 42 17 93 5=" + "93", ...), as
// the harness's multiple_choice output type does. A cot prompt is always
// graded on its generation: the answer is read after the marker.
//
// A task file (bigbench, jsonl) is rendered BIG-bench's way (default_format_fn
// and make_nshot_dataset of bigbench/api/json_task.py), with the file's keys:
//   task_prefix + [exemplar + few_shot_example_separator]... + query, where an
//   example is example_input_prefix + input [+ choice_prefix + choice ...]
//   + example_output_prefix, and an exemplar is followed by its first target
//   ("\nQ: 2+2\nA: 4\n\nQ: 3+5\nA: " with the defaults). Choices are appended
//   only with append_choices_to_input, in file order; log-likelihood options
//   are the choices as they are, continuations of the context ending in the
//   output prefix, as BIG-bench scores them. instruction puts the file's
//   description on its own line first and shows no exemplars; cot needs the
//   example's worked steps (target: steps + ". The answer is X.").
#pragma once

#include <string>
#include <vector>

#include "kernels/data/tasks.hpp"

namespace sweep {

constexpr const char* kAnswerMarker = "The answer is ";

std::string direct_line(const Example& ex);
std::string cot_line(const Example& ex);
// The task's description on its own line, then the direct line.
std::string instruction_line(const Task& task, const Example& ex);

struct Prompt {
  std::string context;  // what the model is given
  std::string target;   // the gold continuation (scored by logprob)
  std::string answer;   // what exact match compares against
  // Scored by option log-likelihood: the options as continuations of context,
  // and the gold index (target == choices[gold]). Empty: graded on generation.
  std::vector<std::string> choices;
  int gold = -1;
  int exemplars = 0;    // exemplars kept after fitting the context window
  // Task files: every accepted answer and each choice's score (from the
  // Example), and how a generation is cut before BIG-bench's grading: up to
  // the first stop_string, then the first match of output_regex ("" : none).
  std::vector<std::string> answers;
  std::vector<double> choice_scores;
  std::string stop_string, output_regex;
};

// The eval prompt for `query`. Exemplars (few_shot, cot) come from
// Task::exemplars, so never the query; zero_shot and instruction ignore them. Leading
// exemplars are dropped until context + longest continuation + 1 fits in
// `max_tokens`; throws if even zero exemplars do not fit.
Prompt render_prompt(const Task& task, PromptStyle style, const Example& query,
                     const std::vector<Example>& exemplars, int max_tokens);

// The answer a model's generated continuation gives: direct styles read up to the
// first newline; cot reads what follows the last answer marker, up to "." or newline.
std::string extract_answer(PromptStyle style, const std::string& generated);

}  // namespace sweep
