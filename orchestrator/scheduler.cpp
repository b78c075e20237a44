// Scheduling policy; see scheduler.hpp.
#include "orchestrator/scheduler.hpp"

#include <algorithm>

namespace sweep {

double train_cost(const TrainRun& run) { return run.train_flops; }

double eval_cost(const TrainRun& run, const SweepSpec& spec) {
  return 2.0 * static_cast<double>(run.n_params) * spec.eval.examples * spec.train.seq_len;
}

namespace {

bool flag(const std::vector<bool>& v, std::size_t i) { return i < v.size() && v[i]; }

}  // namespace

Scheduler::Scheduler(const Plan& plan, const SweepSpec& spec, const Prior& prior)
    : plan_(plan), total_(static_cast<int>(plan.runs.size() + plan.points.size())) {
  for (std::size_t p = 0; p < plan.points.size(); ++p) point_done_.push_back(flag(prior.point_done, p));
  for (std::size_t r = 0; r < plan.runs.size(); ++r) {
    eval_cost_.push_back(eval_cost(plan.runs[r], spec));
    bool evals_pending = false;
    for (std::size_t p = 0; p < plan.points.size(); ++p) {
      if (plan.points[p].run != static_cast<int>(r)) continue;
      if (point_done_[p]) ++finished_;
      else evals_pending = true;
    }
    if (flag(prior.run_done, r) && (!evals_pending || flag(prior.run_has_weights, r))) {
      ++finished_;
      for (std::size_t p = 0; p < plan.points.size(); ++p)
        if (plan.points[p].run == static_cast<int>(r) && !point_done_[p])
          ready_.push_back({{JobKind::Eval, static_cast<int>(p)}, eval_cost_[r]});
    } else {
      ready_.push_back({{JobKind::Train, static_cast<int>(r)}, train_cost(plan.runs[r]) + eval_cost_.back()});
    }
  }
}

std::optional<JobRef> Scheduler::next() {
  if (ready_.empty()) return std::nullopt;
  auto best = std::max_element(ready_.begin(), ready_.end(), [](const Ready& a, const Ready& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    if (a.job.kind != b.job.kind) return a.job.kind > b.job.kind;  // train before eval on ties
    return a.job.index > b.job.index;
  });
  JobRef job = best->job;
  ready_.erase(best);
  ++running_;
  return job;
}

std::vector<int> Scheduler::finish(JobRef job, bool ok) {
  --running_;
  ++finished_;
  std::vector<int> skipped;
  if (job.kind != JobKind::Train) return skipped;
  for (std::size_t p = 0; p < plan_.points.size(); ++p) {
    if (plan_.points[p].run != job.index || point_done_[p]) continue;
    if (ok) {
      ready_.push_back({{JobKind::Eval, static_cast<int>(p)}, eval_cost_[job.index]});
    } else {
      skipped.push_back(static_cast<int>(p));
      ++finished_;
    }
  }
  return skipped;
}

void Scheduler::requeue(JobRef job) {
  --running_;
  const double priority = job.kind == JobKind::Train
                              ? train_cost(plan_.runs[job.index]) + eval_cost_[job.index]
                              : eval_cost_[plan_.points[job.index].run];
  ready_.push_back({job, priority});
}

std::vector<int> Scheduler::abandon(JobRef job) {
  auto it = std::find_if(ready_.begin(), ready_.end(), [&](const Ready& r) {
    return r.job.kind == job.kind && r.job.index == job.index;
  });
  if (it == ready_.end()) return {};
  ready_.erase(it);
  ++running_;  // finish() below accounts for it as a job that ran and failed
  return finish(job, false);
}

}  // namespace sweep
