// Scores a model on one (task, prompt style) point. Generation-graded points
// (every task, except multiple-choice tasks scored by log-likelihood outside
// cot) generate greedily up to a length cap and report exact_match,
// edit_distance, logprob, seq_logprob and ece; choice-scored points compare the
// options' log-likelihoods and report mc_accuracy, mc_accuracy_norm, brier, ece,
// logprob and seq_logprob (of the gold option). A task file's point adds
// BIG-bench's exact_str_match or multiple_choice_grade, and bleu / rouge1,
// rouge2, rougeLsum where the file's metrics ask (file_grading.hpp); exact_match
// accepts any of its answers. Every metric of a point comes
// from the same generations and forward passes; formulas and random baselines
// in kernels/eval/metrics.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/metric.hpp"
#include "kernels/device/collectives.hpp"
#include "kernels/model/language_model.hpp"
#include "kernels/eval/metrics.hpp"
#include "kernels/data/tasks.hpp"

namespace sweep {

struct EvalResult {
  std::vector<MetricValue> metrics;
  // The first eval example, as the model saw it: the rendered prompt, its gold
  // continuation and what the model answered (generation, or the option it ranked first).
  std::string example_context, example_target, example_output;

  const MetricValue& metric(const std::string& name) const;  // throws if absent
};

struct Generation {
  std::string text;      // up to max_new tokens, stopped before a newline
  double logprob = 0.0;  // sum of log p of every chosen token (the newline that stopped it included)
  bool operator==(const Generation& o) const { return text == o.text && logprob == o.logprob; }
};

// Greedy continuations of each context, up to max_new tokens (per row, or
// one for all), a newline or the block size; a row's continuation is the one
// it gets alone, whatever else is in the batch. Uses the model's key/value
// cache when it has one (model.incremental), else
// generate_greedy_full_recompute; both give the same tokens.
std::vector<Generation> generate_greedy(const LanguageModel& model, const std::vector<std::string>& contexts,
                                        const std::vector<int>& max_new);
std::vector<Generation> generate_greedy(const LanguageModel& model, const std::vector<std::string>& contexts,
                                        int max_new);

// The same generation by a full forward pass over the whole prefix for every
// new token (the reference for the cached path, and TorchScript models' path).
std::vector<Generation> generate_greedy_full_recompute(const LanguageModel& model,
                                                       const std::vector<std::string>& contexts,
                                                       const std::vector<int>& max_new);
std::vector<Generation> generate_greedy_full_recompute(const LanguageModel& model,
                                                       const std::vector<std::string>& contexts, int max_new);

// Sum of log p(target | context) over the target's tokens, per pair.
std::vector<double> target_logprob(const LanguageModel& model, const std::vector<std::string>& contexts,
                                   const std::vector<std::string>& targets);

// Target log-probabilities (as target_logprob) and greedy generations (as
// generate_greedy, max_new tokens) of the same contexts. With a key/value
// cache both come from one forward pass over context + target, which scores
// the targets and is the generation's prefill; without one, two calls.
struct ScoredGenerations {
  std::vector<double> target_logprob;
  std::vector<Generation> generations;
};
ScoredGenerations score_and_generate(const LanguageModel& model, const std::vector<std::string>& contexts,
                                     const std::vector<std::string>& targets, const std::vector<int>& max_new);

// `check` runs before each batch; an exception from it abandons the eval.
// With a group, every rank calls evaluate with the same arguments; batches of
// eval.batch_size examples are dealt round-robin and the per-example values
// gathered, so every rank returns exactly the metrics one rank alone would
// (the example's output text only on group rank 0, which runs batch 0).
EvalResult evaluate(const LanguageModel& model, const Task& task, PromptStyle style, const EvalSpec& eval,
                    int seq_len, std::uint64_t sweep_seed, const std::function<void()>& check = {},
                    const Collectives* group = nullptr);

}  // namespace sweep
