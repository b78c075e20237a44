// Cost model; see cost_model.hpp.
#include "orchestrator/cost_model.hpp"

#include <stdexcept>

namespace sweep {

const SweepSpec& run_settings(const Plan& plan, const SweepSpec& spec, const TrainRun& run) {
  return plan.variants.empty() ? spec : plan.spec_of(run);
}

const SweepSpec& point_settings(const Plan& plan, const SweepSpec& spec, const EvalPoint& point) {
  return plan.variants.empty() ? spec : plan.spec_of(point);
}

double train_cost(const TrainRun& run, const SweepSpec& spec) {
  const bool pretrained = run.model >= 0 && static_cast<std::size_t>(run.model) < spec.models.size() &&
                          spec.models[run.model].pretrained();
  if (pretrained) return 2.0 * static_cast<double>(run.n_params) * spec.train.eval_loss_tokens;
  return run.train_flops;
}

double eval_cost(const TrainRun& run, const SweepSpec& spec) {
  return 2.0 * static_cast<double>(run.n_params) * spec.eval.examples * spec.train.seq_len;
}

CostModel::CostModel(const Plan& plan, const SweepSpec& spec, double default_flops_per_s)
    : plan_(plan), seen_(spec.models.size()), default_(default_flops_per_s) {
  if (!(default_flops_per_s > 0)) throw std::invalid_argument("CostModel: default throughput must be > 0");
  train_flops_.reserve(plan.runs.size());
  eval_flops_.reserve(plan.points.size());
  for (const TrainRun& r : plan.runs) train_flops_.push_back(train_cost(r, run_settings(plan, spec, r)));
  for (const EvalPoint& p : plan.points)
    eval_flops_.push_back(eval_cost(plan.runs[static_cast<std::size_t>(p.run)], point_settings(plan, spec, p)));
}

int CostModel::model(JobRef job) const {
  return plan_.runs[job.kind == JobKind::Train ? job.index : plan_.points[job.index].run].model;
}

double CostModel::flops(JobRef job) const {
  return job.kind == JobKind::Train ? train_flops_[job.index] : eval_flops_[job.index];
}

void CostModel::observe(int model, double flops, double seconds) {
  if (!(flops > 0) || !(seconds > 0) || model < 0) return;
  if (static_cast<std::size_t>(model) >= seen_.size()) seen_.resize(model + 1);
  seen_[model].flops += flops;
  seen_[model].seconds += seconds;
  pooled_.flops += flops;
  pooled_.seconds += seconds;
}

double CostModel::flops_per_s(int model) const {
  if (model >= 0 && static_cast<std::size_t>(model) < seen_.size() && seen_[model].seconds > 0)
    return seen_[model].flops / seen_[model].seconds;
  if (pooled_.seconds > 0) return pooled_.flops / pooled_.seconds;
  return default_;
}

}  // namespace sweep
