// Scheduling policy, pure: which job an idle worker gets next. Jobs are ordered
// by the longest remaining path through the train -> eval dependency (a train
// run's cost plus its costliest eval; an eval's own cost), largest first, so the
// biggest runs start early and small jobs fill the gaps at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "orchestrator/grid.hpp"

namespace sweep {

enum class JobKind : std::uint8_t { Train = 0, Eval = 1 };

struct JobRef {
  JobKind kind = JobKind::Train;
  int index = 0;  // into Plan::runs or Plan::points
};

// Estimated FLOPs: training 6*N*D; eval ~2*N per token over examples x seq_len.
double train_cost(const TrainRun& run);
double eval_cost(const TrainRun& run, const SweepSpec& spec);

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
  Scheduler(const Plan& plan, const SweepSpec& spec, const Prior& prior = {});

  // The ready job with the longest remaining path (ties: lower index), or none.
  std::optional<JobRef> next();

  // Records a finished job. When a train run fails, its eval points can never
  // run: they are returned (indices into Plan::points) and counted as finished.
  std::vector<int> finish(JobRef job, bool ok);

  // A running job goes back to the ready set (a retry, or a stopped job).
  void requeue(JobRef job);

  // A ready job that will never run (given up before it started): counted as
  // finished, and its eval points, for a train job, are returned as skipped.
  std::vector<int> abandon(JobRef job);

  bool all_finished() const { return finished_ == total_; }
  int total() const { return total_; }
  int finished() const { return finished_; }
  int running() const { return running_; }

 private:
  struct Ready {
    JobRef job;
    double priority;
  };
  const Plan& plan_;
  std::vector<double> eval_cost_;  // per run
  std::vector<bool> point_done_;
  std::vector<Ready> ready_;
  int total_ = 0, finished_ = 0, running_ = 0;
};

}  // namespace sweep
