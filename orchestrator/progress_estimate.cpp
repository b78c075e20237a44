// Progress and ETA; see progress_estimate.hpp.
#include "orchestrator/progress_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace sweep {
namespace {

// The part of a running job done since it started (its measured fraction less a restart point's).
double measured_part(const JobProgress& j) { return std::max(0.0, std::min(j.done, 1.0) - j.done_at_start); }
// Seconds into the job when its fraction was measured (done_s, or seconds if not given).
double measured_s(const JobProgress& j) { return j.done_s >= 0 ? std::min(j.done_s, j.seconds) : j.seconds; }

}  // namespace

ProgressEstimate estimate(const ProgressInput& in) {
  ProgressEstimate e;
  // The speed, from running jobs whose progress is measured; the prior weighs
  // as much as measuring prior_share of the sweep's predicted time.
  double predicted = 0.0, took = 0.0, sweep_s = 0.0;
  for (const JobProgress& j : in.jobs) {
    sweep_s += j.predicted_s * std::max(1, j.ranks);
    if (j.phase != JobPhase::Running || j.done < 0 || measured_s(j) <= 0) continue;
    predicted += j.predicted_s * measured_part(j);
    took += measured_s(j);
  }
  const double w = std::max(in.prior_share * sweep_s / std::max(1, in.workers), 1e-9);
  e.speed = (predicted + w) / (took + w);
  e.measured_s = took;

  // Each job's fraction done and seconds left.
  std::vector<double> left(in.jobs.size(), 0.0);
  double rank_seconds_left = 0.0;
  for (std::size_t i = 0; i < in.jobs.size(); ++i) {
    const JobProgress& j = in.jobs[i];
    double done = 0.0, speed = e.speed;
    if (j.phase == JobPhase::Finished) {
      done = 1.0;
    } else if (j.phase == JobPhase::Running && j.done >= 0) {
      // Its own pace, with the sweep's speed worth a tenth of its predicted
      // time; it has gone on at that pace since its fraction was measured.
      const double wj = 0.1 * j.predicted_s / e.speed;
      if (wj > 0) speed = (j.predicted_s * measured_part(j) + wj * e.speed) / (measured_s(j) + wj);
      done = std::min(j.done, 1.0);
      if (j.predicted_s > 0) done = std::min(1.0, done + (j.seconds - measured_s(j)) * speed / j.predicted_s);
    } else if (j.phase == JobPhase::Running) {
      done = std::min(0.95, j.predicted_s > 0 ? j.seconds * e.speed / j.predicted_s : 0.95);
    }
    e.flops_total += j.flops;
    e.flops_done += j.flops * done;
    left[i] = speed > 0 ? j.predicted_s * (1.0 - done) / speed : 0.0;
    rank_seconds_left += left[i] * std::max(1, j.ranks);
  }
  double chain = 0.0;
  for (std::size_t i = 0; i < in.jobs.size(); ++i) {
    const int before = in.jobs[i].waits_for;
    const bool waits = before >= 0 && static_cast<std::size_t>(before) < left.size();
    chain = std::max(chain, left[i] + (waits && left[i] > 0 ? left[static_cast<std::size_t>(before)] : 0.0));
  }
  e.fraction = e.flops_total > 0 ? e.flops_done / e.flops_total : 1.0;
  e.eta_s = std::max(rank_seconds_left / std::max(1, in.workers), chain);
  return e;
}

std::string progress_bar(double fraction, int width) {
  const int full = static_cast<int>(std::floor(std::clamp(fraction, 0.0, 1.0) * width + 1e-9));
  return "[" + std::string(static_cast<std::size_t>(full), '#') + std::string(static_cast<std::size_t>(width - full), '.') + "]";
}

}  // namespace sweep
