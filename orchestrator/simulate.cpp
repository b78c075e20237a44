// Discrete-event simulation; see simulate.hpp.
#include "orchestrator/simulate.hpp"

#include <algorithm>
#include <deque>
#include <queue>
#include <random>
#include <stdexcept>
#include <vector>

#include "orchestrator/dispatch.hpp"
#include "orchestrator/scheduler.hpp"

namespace sweep {
namespace {

int workers_of(int ranks) {
  if (ranks < 2) throw std::invalid_argument("simulate: needs at least 2 ranks (rank 0 schedules, the others work)");
  return ranks - 1;
}

int model_ranks(const SweepSpec& spec, int model) {
  return model >= 0 && static_cast<std::size_t>(model) < spec.models.size()
             ? std::max(1, spec.models[model].ranks_per_job)
             : 1;
}

// Points of each run, as offsets into a flat list (plan order within a run).
struct RunPoints {
  std::vector<int> first, points;
  explicit RunPoints(const Plan& plan) : first(plan.runs.size() + 1, 0), points(plan.points.size()) {
    for (const EvalPoint& p : plan.points) ++first[p.run + 1];
    for (std::size_t r = 0; r < plan.runs.size(); ++r) first[r + 1] += first[r];
    std::vector<int> fill(first.begin(), first.end() - 1);
    for (std::size_t p = 0; p < plan.points.size(); ++p) points[fill[plan.points[p].run]++] = static_cast<int>(p);
  }
};

// Plan-wide figures that do not depend on the order: totals, critical path, bound.
SimResult totals(const Plan& plan, const SweepSpec& spec, const CostModel& cost, const RunPoints& rp, int workers) {
  SimResult s;
  s.train_jobs = static_cast<int>(plan.runs.size());
  s.eval_jobs = static_cast<int>(plan.points.size());
  s.jobs = s.train_jobs + s.eval_jobs;
  for (int r = 0; r < s.train_jobs; ++r) {
    const double rate = cost.flops_per_s(plan.runs[r].model);
    const int k = model_ranks(spec, plan.runs[r].model);
    double flops = cost.flops({JobKind::Train, r}), longest = 0.0;
    int longest_point = -1;
    for (int i = rp.first[r]; i < rp.first[r + 1]; ++i) {
      const double ef = cost.flops({JobKind::Eval, rp.points[i]});
      flops += ef;
      if (ef > longest || longest_point < 0) longest = ef, longest_point = rp.points[i];
    }
    s.total_flops += flops;
    s.total_seconds += k * flops / rate;
    const double path = (cost.flops({JobKind::Train, r}) + longest) / rate;
    if (path > s.critical_path_s || s.critical_run < 0) {
      s.critical_path_s = path;
      s.critical_run = r;
      s.critical_point = longest_point;
    }
  }
  s.lower_bound_s = std::max(s.total_seconds / workers, s.critical_path_s);
  return s;
}

// A job in flight of simulate(); jobs ending together end in (kind, index) order.
struct Running {
  double end;
  JobRef job;
  std::vector<int> ranks;  // group rank 0 first: its Result, then the others' Ready
  bool cut;                // stopped at the deadline (a train run keeping its restart point)
};
struct Later {
  bool operator()(const Running& a, const Running& b) const {
    if (a.end != b.end) return a.end > b.end;
    if (a.job.kind != b.job.kind) return a.job.kind > b.job.kind;
    return a.job.index > b.job.index;
  }
};

void finish_stats(SimResult& s, double ran_seconds, int workers) {
  s.utilisation = s.makespan_s > 0 ? ran_seconds / (static_cast<double>(workers) * s.makespan_s) : 0.0;
}

}  // namespace

SimResult plan_totals(const Plan& plan, const SweepSpec& spec, const CostModel& cost, int ranks) {
  return totals(plan, spec, cost, RunPoints(plan), workers_of(ranks));
}

SimResult simulate(const Plan& plan, const SweepSpec& spec, const CostModel& cost, int ranks, double deadline_s,
                   const SimTrace& trace) {
  const int workers = workers_of(ranks);
  const RunPoints rp(plan);
  SimResult s = totals(plan, spec, cost, rp, workers);
  Scheduler sched(plan, spec);
  DispatchRules rules;
  rules.workers = workers;
  rules.time_limit_s = deadline_s;
  rules.restart_points = spec.train.checkpoint_every > 0;
  std::priority_queue<Running, std::vector<Running>, Later> running;
  std::deque<int> idle;
  double now = 0.0, ran = 0.0;
  bool stopped = false;
  // As on the master, every rank that turns idle (a Ready or a Result
  // message) is followed by a dispatch round.
  auto turn_idle = [&](int rank) {
    idle.push_back(rank);
    if (stopped) return;
    const DispatchRound round = dispatch(sched, cost, rules, now, idle);
    for (const Assignment& a : round.assignments) {
      if (trace) trace(now, a);
      double end = now + cost.seconds(a.job);
      const bool cut = deadline_s > 0 && end > deadline_s;  // a train run with restart points
      if (cut) end = deadline_s;
      ran += static_cast<double>(a.ranks.size()) * (end - now);
      ++s.started;
      s.cut_off += cut;
      running.push({end, a.job, a.ranks, cut});
    }
    stopped = round.stop;
  };
  for (int w = 1; w <= workers; ++w) turn_idle(w);
  while (!running.empty()) {
    const Running r = running.top();
    running.pop();
    now = r.end;
    // The time limit stops the sweep: jobs in flight end, none start.
    if (deadline_s > 0 && now >= deadline_s) stopped = true;
    if (!r.cut) sched.finish(r.job, true);
    for (int rank : r.ranks) turn_idle(rank);
  }
  s.makespan_s = now;
  finish_stats(s, ran, workers);
  return s;
}

SimResult simulate_round_robin(const Plan& plan, const SweepSpec& spec, const CostModel& cost, int ranks) {
  const int workers = workers_of(ranks);
  const RunPoints rp(plan);
  SimResult s = totals(plan, spec, cost, rp, workers);
  std::vector<double> busy(workers, 0.0);
  double ran = 0.0;
  for (int r = 0; r < s.train_jobs; ++r) {
    // Its train run, and later its evals: the sum is what the worker spends on it.
    double sec = cost.seconds({JobKind::Train, r});
    for (int i = rp.first[r]; i < rp.first[r + 1]; ++i) sec += cost.seconds({JobKind::Eval, rp.points[i]});
    busy[r % workers] += sec;
    ran += sec;
  }
  s.started = s.jobs;
  s.makespan_s = busy.empty() ? 0.0 : *std::max_element(busy.begin(), busy.end());
  finish_stats(s, ran, workers);
  return s;
}

SimResult simulate_random(const Plan& plan, const SweepSpec& spec, const CostModel& cost, int ranks,
                          std::uint64_t seed) {
  const int workers = workers_of(ranks);
  const RunPoints rp(plan);
  SimResult s = totals(plan, spec, cost, rp, workers);
  std::mt19937_64 rng(seed);
  std::vector<JobRef> ready;
  ready.reserve(plan.runs.size());
  for (std::size_t r = 0; r < plan.runs.size(); ++r) ready.push_back({JobKind::Train, static_cast<int>(r)});
  std::priority_queue<Running, std::vector<Running>, Later> events;
  int free = workers;
  double now = 0.0, ran = 0.0;
  for (;;) {
    while (free > 0 && !ready.empty()) {
      const std::size_t i = std::uniform_int_distribution<std::size_t>(0, ready.size() - 1)(rng);
      std::swap(ready[i], ready.back());
      const JobRef job = ready.back();
      ready.pop_back();
      const double sec = cost.seconds(job);
      --free;
      ran += sec;
      ++s.started;
      events.push({now + sec, job, {}, false});
    }
    if (events.empty()) break;
    now = events.top().end;
    while (!events.empty() && events.top().end == now) {
      const JobRef done = events.top().job;
      events.pop();
      ++free;
      if (done.kind == JobKind::Train)
        for (int i = rp.first[done.index]; i < rp.first[done.index + 1]; ++i)
          ready.push_back({JobKind::Eval, rp.points[i]});
    }
  }
  s.makespan_s = now;
  finish_stats(s, ran, workers);
  return s;
}

}  // namespace sweep
