// Expands a SweepSpec into the jobs of a sweep: one train run per combination
// of model, data_tokens (or a compute budget) and the swept settings (zip groups
// moving together, [[grid.exclude]] combinations left out), and one eval point
// per (run, eval settings, prompt, task). Pure. A model
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
  double compute_budget = 0.0;  // a budget grid's C its D came from; 0 otherwise
  int variant = 0;            // index into Plan::variants: the settings it runs with
  std::string axes;           // its swept settings, "key=value;..." sorted by key (store column `axes`)
};

struct EvalPoint {
  std::int64_t point_id = 0;  // stable: hash of the point's resolved config
  std::string config;         // its run's config plus the eval settings
  int run = 0;                // index into Plan::runs
  PromptStyle prompt = PromptStyle::ZeroShot;
  int task = 0;               // index into SweepSpec::tasks
  int variant = 0;            // index into Plan::variants: its run's settings plus its eval settings
  std::string axes;           // its run's axes plus swept eval settings
};

// A budget-grid run left out because its D is outside the grid's tokens per
// parameter (sweep plan lists them).
struct SkippedRun {
  int model = 0;
  double compute_budget = 0.0;
  std::int64_t data_tokens = 0;
  std::int64_t n_params = 0;
  std::string axes;
  std::string why;  // "D/N 0.8 < min_tokens_per_param 2"
};

struct Plan {
  std::vector<TrainRun> runs;
  std::vector<EvalPoint> points;
  // The settings each job runs with: the spec with one combination of the
  // grid's setting axes applied (variants[0] is the spec itself when the grid
  // sweeps none). Workers read seed, train, eval and models from here.
  std::vector<SweepSpec> variants;
  std::vector<SkippedRun> skipped;
  std::int64_t excluded_runs = 0;    // combinations [[grid.exclude]] left out
  std::int64_t excluded_points = 0;
  const SweepSpec& spec_of(const TrainRun& r) const { return variants[static_cast<std::size_t>(r.variant)]; }
  const SweepSpec& spec_of(const EvalPoint& p) const { return variants[static_cast<std::size_t>(p.variant)]; }
};

struct ExpandOptions {
  // false: leave TrainRun/EvalPoint config empty and ids 0 (planning only; a
  // point's config is ~450 bytes, so a 1,000,000-point grid saves ~500 MB).
  bool configs = true;
};

// Runs in axis order (model-major, then data_tokens or compute, then the
// setting axes in file order); two combinations with the same run config (a
// model.NAME.KEY axis on another model's runs) are one run. Points in (run,
// eval settings, prompt, task) order.
Plan expand(const SweepSpec& spec, const ExpandOptions& options = {});

// A budget's D for a model of n_params: C / (6 N) rounded to whole batches of
// batch_tokens (at least one batch).
std::int64_t budget_tokens(double compute, std::int64_t n_params, std::int64_t batch_tokens);

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
