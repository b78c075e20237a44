// Expands a SweepSpec into the jobs of a sweep: one train run per (model,
// data_tokens) and one eval point per (run, prompt, task). Pure. A model
// trained elsewhere has one eval-only "run" (its held-out loss) per checkpoint:
// a torchscript file or an hf folder one, a checkpoint suite one for each
// grid.data_tokens value it has a checkpoint for.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "spec/spec.hpp"

namespace sweep {

struct TrainRun {
  std::int64_t run_id = 0;  // stable: hash of the run's resolved config
  std::string config;       // resolved config: every setting the run's result depends on
  int model = 0;            // index into SweepSpec::models
  // Training tokens D: the grid's value, or a pretrained checkpoint's (a
  // suite's key, the declared data_tokens), 0 for a torchscript model.
  std::int64_t data_tokens = 0;
  std::int64_t n_params = 0;  // from the model's shape (spec/model_size.hpp), or its folder's (hf)
  std::int64_t n_params_non_embedding = 0;  // less the embeddings (0: a torchscript model, unknown)
  double train_flops = 0.0;   // 6 * n_params * data_tokens
};

struct EvalPoint {
  std::int64_t point_id = 0;  // stable: hash of the point's resolved config
  std::string config;         // its run's config plus the eval settings
  int run = 0;                // index into Plan::runs
  PromptStyle prompt = PromptStyle::ZeroShot;
  int task = 0;               // index into SweepSpec::tasks
};

struct Plan {
  std::vector<TrainRun> runs;
  std::vector<EvalPoint> points;
};

struct ExpandOptions {
  // false: leave TrainRun/EvalPoint config empty and ids 0 (planning only; a
  // point's config is ~450 bytes, so a 1,000,000-point grid saves ~500 MB).
  bool configs = true;
};

// Runs in axis order (model-major), points in (run, prompt, task) order.
Plan expand(const SweepSpec& spec, const ExpandOptions& options = {});

// Canonical "key=value;" texts of everything a result depends on: the seed, the
// model's shape and learning rate, the training settings, the corpus's tasks
// (every grid task), data_tokens; for a point also the prompt, its task and the
// eval settings. Changing any of them changes the id.
std::string run_config(const SweepSpec& spec, int model, std::int64_t data_tokens);

// The data_tokens of a model's runs: the grid's (a trained GPT), the suite's
// checkpoints among them in grid order, the declared data_tokens of one hf
// folder, or 0 (torchscript).
std::vector<std::int64_t> run_data_tokens(const SweepSpec& spec, int model);
// The grid's data_tokens a suite model has no checkpoint for (its points
// are not in the plan); empty for every other model.
std::vector<std::int64_t> skipped_data_tokens(const SweepSpec& spec, int model);
std::string point_config(const SweepSpec& spec, const std::string& run_config, PromptStyle prompt, int task);

// Whether (prompt, task) has eval points: every pair but cot on a task file
// none of whose examples gives worked steps (nothing to prompt cot with).
bool has_point(const SweepSpec& spec, PromptStyle prompt, int task);
// The grid's (prompt, task) pairs without points, in axis order (sweep plan lists them).
std::vector<std::pair<PromptStyle, int>> skipped_prompt_tasks(const SweepSpec& spec);

// Non-negative int64 id of a config text, the same in every run and language.
std::int64_t config_id(const std::string& config);

}  // namespace sweep
