// Expands a SweepSpec into the jobs of a sweep: one train run per (model,
// data_tokens) and one eval point per (run, prompt, task). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orchestrator/spec.hpp"

namespace sweep {

struct TrainRun {
  std::int64_t run_id = 0;  // stable: hash of (model name, data_tokens)
  int model = 0;            // index into SweepSpec::models
  std::int64_t data_tokens = 0;
  std::int64_t n_params = 0;  // from the model's shape (kernels/model_size.hpp)
  double train_flops = 0.0;   // 6 * n_params * data_tokens
};

struct EvalPoint {
  std::int64_t point_id = 0;  // stable: hash of (model name, data_tokens, prompt, task name)
  int run = 0;                // index into Plan::runs
  PromptStyle prompt = PromptStyle::ZeroShot;
  int task = 0;               // index into SweepSpec::tasks
};

struct Plan {
  std::vector<TrainRun> runs;
  std::vector<EvalPoint> points;
};

// Runs in axis order (model-major), points in (run, prompt, task) order.
Plan expand(const SweepSpec& spec);

std::int64_t run_id(const std::string& model, std::int64_t data_tokens);
std::int64_t point_id(const std::string& model, std::int64_t data_tokens, PromptStyle prompt,
                      const std::string& task);

}  // namespace sweep
