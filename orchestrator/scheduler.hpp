// Scheduling policy, pure: which job an idle worker gets next. Jobs are ordered
// by the longest remaining path through the train -> eval dependency (a train
// run's cost plus the cost of one of its evals; an eval's own cost; costs in
// FLOPs, cost_model.hpp), largest first, so the biggest runs start early and
// small jobs fill the gaps at the end. Ties: train before eval, lower index.
//
// Optional constraints on a pick:
//  - free ranks: a job of a model with ModelSpec::ranks_per_job = k needs k
//    ranks at once (train and eval alike); next_fitting(free) returns only jobs
//    with k <= free, so a group job waits for a whole group (smaller jobs may
//    start meanwhile);
//  - a deadline: a job whose predicted seconds (CostModel::seconds) would end
//    after deadline_s is not started; it stays ready. deadline_s <= 0: none.
//
// Cost: ready jobs are kept per (model, eval cost) group, trains in an ordered
// set and evals in a heap, so a pick is O(groups * log jobs) and finish is
// O(points of the run * log jobs); a 1,000,000-point grid schedules in seconds.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <set>
#include <utility>
#include <vector>

#include "orchestrator/cost_model.hpp"
#include "spec/grid.hpp"
#include "spec/job.hpp"

namespace sweep {

// What an earlier session of the same store already finished.
struct Prior {
  std::vector<bool> run_done;         // per run: its metrics are in the store
  std::vector<bool> run_has_weights;  // per run: its checkpoint file exists
  std::vector<bool> point_done;       // per point: its metrics are in the store
};

class Scheduler {
 public:
  // Done jobs count as finished from the start. A done run whose weights are
  // gone is trained again only if one of its points still needs them.
  // `plan` must outlive the scheduler.
  Scheduler(const Plan& plan, const SweepSpec& spec, const Prior& prior = {});

  // The ready job with the longest remaining path (ties: train first, then
  // lower index), or none. It counts as running until finish() or requeue().
  std::optional<JobRef> next();
  // The same among the ready jobs that fit before the deadline: now_s +
  // cost.seconds(job) <= deadline_s (deadline_s <= 0: no deadline).
  std::optional<JobRef> next(double now_s, double deadline_s, const CostModel& cost);
  // The same among the ready jobs that need at most free_ranks ranks.
  std::optional<JobRef> next_fitting(int free_ranks);
  std::optional<JobRef> next_fitting(int free_ranks, double now_s, double deadline_s, const CostModel& cost);

  // Records a finished job. When a train run fails, its eval points can never
  // run: they are returned (indices into Plan::points) and counted as finished.
  std::vector<int> finish(JobRef job, bool ok);

  // A running job goes back to the ready set (a retry, or a stopped job).
  void requeue(JobRef job);

  // A ready job that will never run (given up before it started): counted as
  // finished, and its eval points, for a train job, are returned as skipped.
  // A job that is not ready is left alone ({}).
  std::vector<int> abandon(JobRef job);

  // Ranks the job needs at once (its model's ranks_per_job, at least 1).
  int ranks(JobRef job) const;
  // Its priority: the longest remaining path in FLOPs.
  double priority(JobRef job) const;

  bool all_finished() const { return finished_ == total_; }
  int total() const { return total_; }
  int finished() const { return finished_; }
  int running() const { return running_; }

 private:
  enum State : std::uint8_t { Pending, Ready, Running, Done };
  struct Group {
    int model = 0;
    int ranks = 1;
    double eval_flops = 0.0;
    std::set<std::pair<double, int>> trains;  // (-priority, run index): best first
    std::priority_queue<int, std::vector<int>, std::greater<int>> evals;  // lowest index first; stale entries skipped
  };
  std::optional<JobRef> pick(int free_ranks, double now_s, double deadline_s, const CostModel* cost);
  void make_ready(JobRef job);
  int run_of(JobRef job) const;

  const Plan& plan_;
  std::vector<Group> groups_;
  std::vector<int> group_of_run_;
  std::vector<double> train_flops_;  // per run (cost_model.hpp)
  std::vector<int> run_first_, run_points_;  // points of run r: run_points_[run_first_[r] .. run_first_[r+1])
  std::vector<State> run_state_, point_state_;
  std::vector<bool> point_done_;
  int total_ = 0, finished_ = 0, running_ = 0;
};

}  // namespace sweep
