// How far a sweep is and when it will end, pure: the master's status line and
// `sweep status` both call estimate() on plain structs, and tests drive it
// through simulated sweeps.
//
// Progress counts work, not jobs: a finished job (any outcome) counts its
// predicted FLOPs, a running job the fraction it has done. A train run's
// fraction is measured (tokens so far / its D, from the curve rows it
// streams); a job that streams nothing (an eval) is credited with the time it
// has run at the corrected speed, at most 95% of it.
//
// The ETA is the cost model's prediction of the work left, corrected by the
// speed measured on the running jobs: speed = (predicted seconds of the work
// they did + W) / (seconds they took + W), W seconds of "prior" that keep the
// cost model's word while little has been measured. Finished jobs need no such
// correction: the cost model has already learnt its rates from them. A running
// job with a measured fraction goes on at its own pace, blended the same way
// with that speed (worth a tenth of its predicted time). The work left is then
// spread over the workers, but never finishes before its longest chain (a
// train run and then the eval waiting for it):
//   eta = max(sum of rank-seconds left / workers, longest chain left).
#pragma once

#include <string>
#include <vector>

namespace sweep {

enum class JobPhase { Pending, Running, Finished };

// One job of the session's work, as the cost model and the transport know it.
struct JobProgress {
  JobPhase phase = JobPhase::Pending;
  double flops = 0.0;        // predicted FLOPs (CostModel::flops)
  double predicted_s = 0.0;  // predicted seconds on its group, at the cost model's current rates
  int ranks = 1;             // ranks its group takes
  // Running only:
  double seconds = 0.0;       // since it started
  double done = -1.0;         // fraction done as measured (curve tokens / D); < 0: not measured
  double done_s = -1.0;       // seconds into the job when `done` was measured (< 0: now, at `seconds`)
  double done_at_start = 0.0; // the fraction it started from (a restart point's), part of no measurement
  int waits_for = -1;         // index of the job that must finish before it starts (an eval's train run); -1: none
};

struct ProgressInput {
  std::vector<JobProgress> jobs;  // the jobs this session runs (jobs done before it are left out)
  int workers = 1;                // worker ranks
  // W above, as a share of the sweep's predicted time (all its jobs'
  // predicted rank-seconds / workers): the cost model's word weighs as much as
  // measuring that share of the sweep.
  double prior_share = 0.05;
};

struct ProgressEstimate {
  double flops_done = 0.0, flops_total = 0.0;  // finished jobs' FLOPs plus running jobs' done fraction
  double fraction = 1.0;  // flops_done / flops_total (1 with nothing to do)
  double speed = 1.0;     // measured speed relative to the cost model (2: twice as fast as predicted)
  double measured_s = 0.0;  // seconds of running jobs that the speed was measured on
  double eta_s = 0.0;       // seconds until the last job ends
};

ProgressEstimate estimate(const ProgressInput& in);

// "[########............]": `width` cells, filled by `fraction` (clamped to 0..1).
std::string progress_bar(double fraction, int width = 20);

}  // namespace sweep
