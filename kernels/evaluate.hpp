// Scores a trained model on one (task, prompt style) point: exact match of the
// greedily generated answer, and the mean per-token log-probability of the gold
// target (a smooth metric beside the all-or-nothing one).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernels/gpt.hpp"
#include "kernels/tasks.hpp"

namespace sweep {

struct MetricStat {
  double mean = 0.0;
  double std_err = 0.0;  // sample std / sqrt(n)
  std::int64_t n = 0;
};

struct EvalResult {
  MetricStat exact_match;  // fraction in [0, 1]
  MetricStat logprob;      // mean per-token log-prob of the target (nats, <= 0)
};

// Greedy continuations of each context, up to max_new tokens or a newline.
std::vector<std::string> generate_greedy(GPT& model, const std::vector<std::string>& contexts, int max_new);

// Sum of log p(target | context) over the target's tokens, per pair.
std::vector<double> target_logprob(GPT& model, const std::vector<std::string>& contexts,
                                   const std::vector<std::string>& targets);

// `check` runs before each batch; an exception from it abandons the eval.
EvalResult evaluate(GPT& model, const Task& task, PromptStyle style, const EvalSpec& eval, int seq_len,
                    std::uint64_t sweep_seed, const std::function<void()>& check = {});

MetricStat mean_stat(const std::vector<double>& xs);

}  // namespace sweep
