// Cost model, pure: predicted seconds of a job = FLOPs / throughput.
//
// FLOPs: training 6 * N * D (TrainRun::train_flops); an eval point ~ 2 * N per
// evaluated token, over eval.examples x train.seq_len tokens, read from the
// point's own settings (a grid may sweep them); the "train" job
// of a pretrained (hf) model ~ 2 * N per held-out token it scores
// (train.eval_loss_tokens): its D is the pretraining's, not work done here. Throughput is
// FLOP/s per rank: a default given at construction, re-estimated per model from
// finished jobs (observe): total FLOPs / total seconds observed for that model;
// a model not yet observed uses the pooled rate of all observed models; with
// nothing observed, the default. This is the one place job costs are defined.
#pragma once

#include <vector>

#include "spec/grid.hpp"
#include "spec/job.hpp"

namespace sweep {

// FLOP/s per rank assumed before any job has finished: what a 1-thread CPU
// rank trains at here (bench/RESULTS.md); GPU sweeps pass their own.
constexpr double kDefaultThroughput = 5e10;

// The settings a job runs with: its variant's (Plan::spec_of), or `spec` for a
// plan made by hand without variants.
const SweepSpec& run_settings(const Plan& plan, const SweepSpec& spec, const TrainRun& run);
const SweepSpec& point_settings(const Plan& plan, const SweepSpec& spec, const EvalPoint& point);

// Estimated FLOPs of a train run and of one eval point of that run; `spec`:
// the settings the job runs with (run_settings, point_settings).
double train_cost(const TrainRun& run, const SweepSpec& spec);
double eval_cost(const TrainRun& run, const SweepSpec& spec);

class CostModel {
 public:
  // `plan` and `spec` must outlive the model. flops_per_s > 0: default per rank.
  CostModel(const Plan& plan, const SweepSpec& spec, double default_flops_per_s);

  // The job's model index (into SweepSpec::models) and its estimated FLOPs.
  int model(JobRef job) const;
  double flops(JobRef job) const;
  // Predicted wall seconds of the job on one group of ranks.
  double seconds(JobRef job) const { return flops(job) / flops_per_s(model(job)); }

  // A finished job of `model` did `flops` in `seconds` (ignored unless both > 0).
  void observe(int model, double flops, double seconds);
  void observe(JobRef job, double seconds) { observe(model(job), flops(job), seconds); }

  // Current throughput estimate for a model: its own, else pooled, else the default.
  double flops_per_s(int model) const;
  double default_flops_per_s() const { return default_; }

 private:
  struct Seen {
    double flops = 0.0, seconds = 0.0;
  };
  const Plan& plan_;
  std::vector<double> train_flops_;  // per run
  std::vector<double> eval_flops_;   // per point: its settings may differ from its run's siblings'
  std::vector<Seen> seen_;          // per model
  Seen pooled_;
  double default_;
};

}  // namespace sweep
