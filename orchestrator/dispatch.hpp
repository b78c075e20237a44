// One dispatch round, pure: which ready jobs go to which idle workers now.
// The master (master.cpp) and the simulator behind `sweep plan` (simulate.cpp)
// both call it, so a plan predicts the order a sweep runs its jobs in.
//
// While workers are idle, a round takes, in order:
//  - the scheduler's pick among the jobs that need at most the idle ranks and
//    are predicted to end before the time limit (Scheduler::next_fitting);
//  - failing that, and only when train runs save restart points
//    (train.checkpoint_every > 0), the scheduler's pick ignoring the time limit
//    if it is a train run: stopped at the limit, it keeps its progress and
//    continues on --resume. An eval would lose its work, so it stays ready.
// A job of k ranks takes the longest-idle worker (its group rank 0, the one
// that reports), then idle workers on that worker's host, then any, so a
// group's traffic stays on one node where it can.
//
// When nothing starts, nothing runs, every worker is idle and jobs are left,
// none of those can finish before the time limit: the round says stop (the
// sweep stops, resumable). Fewer idle workers may just be too few for a group.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "orchestrator/cost_model.hpp"
#include "orchestrator/scheduler.hpp"
#include "spec/job.hpp"

namespace sweep {

// What stays fixed over a sweep.
struct DispatchRules {
  int workers = 0;              // worker ranks (world size - 1)
  double time_limit_s = 0.0;    // seconds from the sweep's start; <= 0: none
  bool restart_points = false;  // train runs save restart points (spec.train.checkpoint_every > 0)
  std::vector<std::string> hosts;  // host name per world rank; a rank past its end is on host ""
};

struct Assignment {
  JobRef job;
  std::vector<int> ranks;  // world ranks; the first is group rank 0
};

struct DispatchRound {
  std::vector<Assignment> assignments;  // in the order the jobs were picked
  bool stop = false;                    // nothing left can finish before the time limit
};

// Picks jobs from `sched` (each counts as running from here on) for the ranks
// in `idle` (longest idle first), which loses the ranks it hands out. `now_s`:
// seconds since the sweep's start.
DispatchRound dispatch(Scheduler& sched, const CostModel& cost, const DispatchRules& rules, double now_s,
                       std::deque<int>& idle);

}  // namespace sweep
