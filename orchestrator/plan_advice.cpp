// Planning advice; see plan_advice.hpp.
#include "orchestrator/plan_advice.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

namespace sweep {

std::vector<BudgetWork> budget_work(const Plan& plan, const SweepSpec& spec) {
  std::vector<BudgetWork> out;
  std::map<double, std::size_t> index;
  for (double c : spec.grid.compute) {
    index.emplace(c, out.size());
    out.push_back(BudgetWork{});
    out.back().compute = c;
  }
  for (const TrainRun& run : plan.runs) {
    const auto it = index.find(run.compute_budget);
    if (it == index.end()) continue;
    BudgetWork& b = out[it->second];
    const double ratio = static_cast<double>(run.data_tokens) / static_cast<double>(std::max<std::int64_t>(1, run.n_params));
    if (b.runs == 0) {
      b.min_params = b.max_params = run.n_params;
      b.min_tokens_per_param = b.max_tokens_per_param = ratio;
    }
    ++b.runs;
    b.train_flops += run.train_flops;
    b.min_params = std::min(b.min_params, run.n_params);
    b.max_params = std::max(b.max_params, run.n_params);
    b.min_tokens_per_param = std::min(b.min_tokens_per_param, ratio);
    b.max_tokens_per_param = std::max(b.max_tokens_per_param, ratio);
  }
  for (const SkippedRun& s : plan.skipped) {
    const auto it = index.find(s.compute_budget);
    if (it != index.end()) ++out[it->second].skipped;
  }
  return out;
}

bool bound_by_critical_path(const SimResult& s) {
  return s.makespan_s > 0 && s.critical_path_s >= kCriticalShare * s.makespan_s;
}

Saturation saturating_ranks(const Plan& plan, const SweepSpec& spec, const CostModel& cost) {
  Saturation out;
  if (plan.runs.empty()) return out;
  // Enough ranks for every job at once: each starts as soon as it is ready,
  // so the makespan is the critical path itself.
  int widest = 1;
  long long every_job = 0;
  for (const TrainRun& run : plan.runs) {
    const int k = run.model >= 0 && static_cast<std::size_t>(run.model) < spec.models.size()
                      ? std::max(1, spec.models[static_cast<std::size_t>(run.model)].ranks_per_job)
                      : 1;
    widest = std::max(widest, k);
    every_job += k;
  }
  for (const EvalPoint& p : plan.points) {
    const int model = plan.runs[static_cast<std::size_t>(p.run)].model;
    every_job += model >= 0 && static_cast<std::size_t>(model) < spec.models.size()
                     ? std::max(1, spec.models[static_cast<std::size_t>(model)].ranks_per_job)
                     : 1;
  }
  const int most = static_cast<int>(std::min<long long>(INT_MAX - 1, every_job) + 1);

  std::map<int, SimResult> seen;
  auto run = [&](int ranks) -> const SimResult& {
    auto it = seen.find(ranks);
    if (it == seen.end()) {
      it = seen.emplace(ranks, simulate(plan, spec, cost, ranks)).first;
      ++out.simulations;
    }
    return it->second;
  };
  auto saturated = [&](int ranks) {
    const SimResult& s = run(ranks);
    return s.started == s.jobs && s.makespan_s <= kSaturatedWithin * s.critical_path_s;
  };
  // total / workers <= makespan, so fewer workers than this cannot be saturated.
  const SimResult totals = plan_totals(plan, spec, cost, 2);
  const double critical = totals.critical_path_s;
  double workers = critical > 0 ? totals.total_seconds / (kSaturatedWithin * critical) : 1.0;
  workers = std::ceil(workers * (1 - 1e-12));
  int lo = std::max({2, 1 + widest, static_cast<int>(std::min<double>(most, 1 + workers))});

  int bad = lo - 1, good = lo;
  while (!saturated(good)) {
    if (good >= most) break;  // cannot happen: there every job starts when ready
    bad = good;
    good = static_cast<int>(std::min<long long>(most, 2LL * good));
  }
  while (good - bad > std::max(1, good / kRankTolerance)) {
    const int mid = bad + (good - bad) / 2;
    (saturated(mid) ? good : bad) = mid;
  }
  out.ranks = good;
  out.makespan_s = run(good).makespan_s;
  return out;
}

}  // namespace sweep
