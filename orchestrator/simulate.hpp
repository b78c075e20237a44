// Discrete-event simulation of a sweep, pure: predicts the makespan of a plan
// on P MPI ranks. Rank 0 is the master and runs no jobs, so P - 1 identical
// workers run jobs; each job takes CostModel::seconds and needs its model's
// ranks_per_job workers at once. Dispatch and messaging cost nothing.
//
// simulate() runs the master's own dispatch (dispatch.hpp: the Scheduler's
// picks, ranks_per_job groups, host affinity, the time limit and the restart
// point rule) with ranks turning idle one message at a time as on the master:
// at start workers 1..P-1 in order; when jobs end together, in (kind, index)
// order, each job's group rank 0 first. The two baselines are what a job
// array or a hand-written script does:
//  - round robin: train run i goes to worker i % (P-1) before the sweep
//    starts; each worker runs its runs, then their evals, in order;
//  - random: whenever a worker is free it takes a uniformly random ready job.
// Baselines count every job as one rank and ignore the deadline.
// All three are O(jobs log jobs).
#pragma once

#include <cstdint>
#include <functional>

#include "orchestrator/cost_model.hpp"
#include "orchestrator/dispatch.hpp"
#include "spec/grid.hpp"

namespace sweep {

struct SimResult {
  double makespan_s = 0.0;         // time the last started job ends
  int jobs = 0, train_jobs = 0, eval_jobs = 0;  // in the plan
  int started = 0;                 // jobs run (all, unless a deadline or too few ranks stops some)
  int cut_off = 0;                 // of those, train runs started for their restart points and stopped at the deadline
  double total_flops = 0.0;        // of every job in the plan
  double total_seconds = 0.0;      // rank-seconds of every job in the plan (seconds x ranks)
  double critical_path_s = 0.0;    // longest train + eval chain
  int critical_run = -1;           // the train run that chain starts with (Plan::runs index); -1: no runs
  int critical_point = -1;         // its longest eval (Plan::points index); -1: the run has none
  double lower_bound_s = 0.0;      // max(total_seconds / (P-1), critical path)
  double utilisation = 0.0;        // rank-seconds run / ((P-1) * makespan)
};

// The figures of a SimResult that do not depend on the order jobs run in:
// job counts, totals, the critical path and the lower bound on `ranks`.
SimResult plan_totals(const Plan& plan, const SweepSpec& spec, const CostModel& cost, int ranks);

// The policy, optionally with a deadline in seconds from the start (<= 0:
// none), which acts as the master's --time-limit: a job that would end after
// it is not started, except a train run when spec.train.checkpoint_every > 0,
// which runs until the deadline stops it; at the deadline the sweep stops.
// ranks >= 2. `trace`, if given, sees every job start: when, and on which ranks.
using SimTrace = std::function<void(double start_s, const Assignment& started)>;
SimResult simulate(const Plan& plan, const SweepSpec& spec, const CostModel& cost, int ranks,
                   double deadline_s = 0.0, const SimTrace& trace = {});
SimResult simulate_round_robin(const Plan& plan, const SweepSpec& spec, const CostModel& cost, int ranks);
SimResult simulate_random(const Plan& plan, const SweepSpec& spec, const CostModel& cost, int ranks,
                          std::uint64_t seed = 1);

}  // namespace sweep
