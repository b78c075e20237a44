// Scheduling policy; see scheduler.hpp.
#include "orchestrator/scheduler.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace sweep {
namespace {

bool flag(const std::vector<bool>& v, std::size_t i) { return i < v.size() && v[i]; }

}  // namespace

Scheduler::Scheduler(const Plan& plan, const SweepSpec& spec, const Prior& prior)
    : plan_(plan), total_(static_cast<int>(plan.runs.size() + plan.points.size())) {
  const std::size_t n_runs = plan.runs.size(), n_points = plan.points.size();
  run_state_.assign(n_runs, Pending);
  point_state_.assign(n_points, Pending);
  point_done_.resize(n_points);
  for (std::size_t p = 0; p < n_points; ++p) point_done_[p] = flag(prior.point_done, p);

  // Points of each run (counting sort, keeps point order within a run).
  run_first_.assign(n_runs + 1, 0);
  for (const EvalPoint& p : plan.points) ++run_first_[p.run + 1];
  for (std::size_t r = 0; r < n_runs; ++r) run_first_[r + 1] += run_first_[r];
  run_points_.resize(n_points);
  std::vector<int> fill(run_first_.begin(), run_first_.end() - 1);
  for (std::size_t p = 0; p < n_points; ++p) run_points_[fill[plan.points[p].run]++] = static_cast<int>(p);

  // One group per (model, eval cost): within a group, cost order is priority order.
  std::map<std::pair<int, double>, int> group_ids;
  group_of_run_.reserve(n_runs);
  for (const TrainRun& run : plan.runs) {
    // The run's own settings (a train.seq_len or model.NAME.* axis changes its
    // cost); an eval.* axis's points share the run's group at its eval cost.
    const SweepSpec& settings = run_settings(plan, spec, run);
    train_flops_.push_back(train_cost(run, settings));
    const double e = eval_cost(run, settings);
    auto [it, added] = group_ids.emplace(std::make_pair(run.model, e), static_cast<int>(groups_.size()));
    if (added) {
      Group g;
      g.model = run.model;
      g.ranks = run.model >= 0 && static_cast<std::size_t>(run.model) < spec.models.size()
                    ? std::max(1, spec.models[run.model].ranks_per_job)
                    : 1;
      g.eval_flops = e;
      groups_.push_back(std::move(g));
    }
    group_of_run_.push_back(it->second);
  }

  for (std::size_t r = 0; r < n_runs; ++r) {
    bool evals_pending = false;
    for (int i = run_first_[r]; i < run_first_[r + 1]; ++i) {
      if (point_done_[run_points_[i]]) {
        point_state_[run_points_[i]] = Done;
        ++finished_;
      } else {
        evals_pending = true;
      }
    }
    if (flag(prior.run_done, r) && (!evals_pending || flag(prior.run_has_weights, r))) {
      run_state_[r] = Done;
      ++finished_;
      for (int i = run_first_[r]; i < run_first_[r + 1]; ++i)
        if (!point_done_[run_points_[i]]) make_ready({JobKind::Eval, run_points_[i]});
    } else {
      make_ready({JobKind::Train, static_cast<int>(r)});
    }
  }
}

int Scheduler::run_of(JobRef job) const {
  return job.kind == JobKind::Train ? job.index : plan_.points[job.index].run;
}

int Scheduler::ranks(JobRef job) const { return groups_[group_of_run_[run_of(job)]].ranks; }

double Scheduler::priority(JobRef job) const {
  const Group& g = groups_[group_of_run_[run_of(job)]];
  return job.kind == JobKind::Train ? train_flops_[job.index] + g.eval_flops : g.eval_flops;
}

void Scheduler::make_ready(JobRef job) {
  Group& g = groups_[group_of_run_[run_of(job)]];
  if (job.kind == JobKind::Train) {
    run_state_[job.index] = Ready;
    g.trains.insert({-priority(job), job.index});
  } else {
    point_state_[job.index] = Ready;
    g.evals.push(job.index);
  }
}

std::optional<JobRef> Scheduler::next() { return pick(std::numeric_limits<int>::max(), 0.0, 0.0, nullptr); }

std::optional<JobRef> Scheduler::next(double now_s, double deadline_s, const CostModel& cost) {
  return pick(std::numeric_limits<int>::max(), now_s, deadline_s, &cost);
}

std::optional<JobRef> Scheduler::next_fitting(int free_ranks) { return pick(free_ranks, 0.0, 0.0, nullptr); }

std::optional<JobRef> Scheduler::next_fitting(int free_ranks, double now_s, double deadline_s, const CostModel& cost) {
  return pick(free_ranks, now_s, deadline_s, &cost);
}

std::optional<JobRef> Scheduler::pick(int free_ranks, double now_s, double deadline_s, const CostModel* cost) {
  const bool timed = cost && deadline_s > 0;
  auto fits = [&](JobRef j) { return !timed || now_s + cost->seconds(j) <= deadline_s; };
  int best_group = -1;
  JobRef best;
  double best_priority = 0.0;
  std::set<std::pair<double, int>>::iterator best_train;
  auto better = [&](JobRef j, double pr) {
    if (best_group < 0) return true;
    if (pr != best_priority) return pr > best_priority;
    if (j.kind != best.kind) return j.kind == JobKind::Train;
    return j.index < best.index;
  };
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    Group& g = groups_[gi];
    if (g.ranks > free_ranks) continue;
    // Trains: the largest that fits. Within a group seconds grow with priority.
    if (!g.trains.empty()) {
      auto it = g.trains.begin();
      if (timed) {
        const double budget = deadline_s - now_s;
        const double threshold = budget * cost->flops_per_s(g.model) + g.eval_flops;
        it = g.trains.lower_bound({-threshold, std::numeric_limits<int>::min()});
        // Exact check with the model's own formula (rounding at the boundary).
        while (it != g.trains.begin() && fits({JobKind::Train, std::prev(it)->second})) --it;
        while (it != g.trains.end() && !fits({JobKind::Train, it->second})) ++it;
      }
      if (it != g.trains.end()) {
        const JobRef j{JobKind::Train, it->second};
        if (better(j, -it->first)) {
          best_group = static_cast<int>(gi), best = j, best_priority = -it->first, best_train = it;
        }
      }
    }
    // Evals: all of a group cost the same; the lowest index.
    while (!g.evals.empty() && point_state_[g.evals.top()] != Ready) g.evals.pop();
    if (!g.evals.empty()) {
      const JobRef j{JobKind::Eval, g.evals.top()};
      if (fits(j) && better(j, g.eval_flops)) best_group = static_cast<int>(gi), best = j, best_priority = g.eval_flops;
    }
  }
  if (best_group < 0) return std::nullopt;
  Group& g = groups_[best_group];
  if (best.kind == JobKind::Train) {
    g.trains.erase(best_train);
    run_state_[best.index] = Running;
  } else {
    g.evals.pop();
    point_state_[best.index] = Running;
  }
  ++running_;
  return best;
}

std::vector<int> Scheduler::finish(JobRef job, bool ok) {
  --running_;
  ++finished_;
  std::vector<int> skipped;
  if (job.kind != JobKind::Train) {
    point_state_[job.index] = Done;
    return skipped;
  }
  run_state_[job.index] = Done;
  for (int i = run_first_[job.index]; i < run_first_[job.index + 1]; ++i) {
    const int p = run_points_[i];
    if (point_done_[p] || point_state_[p] != Pending) continue;
    if (ok) {
      make_ready({JobKind::Eval, p});
    } else {
      skipped.push_back(p);
      point_state_[p] = Done;
      ++finished_;
    }
  }
  return skipped;
}

void Scheduler::requeue(JobRef job) {
  --running_;
  make_ready(job);
}

std::vector<int> Scheduler::abandon(JobRef job) {
  if (job.kind == JobKind::Train) {
    if (run_state_[job.index] != Ready) return {};
    groups_[group_of_run_[job.index]].trains.erase({-priority(job), job.index});
  } else if (point_state_[job.index] != Ready) {
    return {};  // its heap entry, if any, is skipped once the state changes
  }
  ++running_;  // finish() below accounts for it as a job that ran and failed
  return finish(job, false);
}

}  // namespace sweep
