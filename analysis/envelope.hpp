// Chinchilla approach 1, the training-curve envelope (Hoffmann et al. 2022,
// section 3.1): per run, the smoothed training loss against compute
// C = 6 N tokens; at each of a set of log-spaced compute values, the lowest
// loss any run reached and that run's N; then N_opt ~ C^a and D_opt ~ C^b over
// the envelope, with a bootstrap over runs. /curves holds training (batch)
// loss, so the envelope is of training loss. Rules: analysis/README.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/allocation.hpp"
#include "hdf5_schema/store.hpp"

namespace sweep::analysis {

// One run's logged training loss, in step order, one entry per step.
struct RunCurve {
  std::int64_t run_id = 0;
  double n_params = 0;
  std::vector<double> tokens;  // tokens trained after the step
  std::vector<double> loss;    // that step's batch loss
};

// The curves of a store's /curves with N from /runs. A restarted run logs again
// with the next attempt number from its restart point: each attempt holds the
// steps from its first step until the next attempt's first, so a higher
// attempt replaces the steps a lower one logged past the restart. Runs absent
// from /runs (still training) are left out.
std::vector<RunCurve> run_curves(const std::vector<store::CurveRow>& curves, const std::vector<store::RunRow>& runs);

// The trailing mean at each step over the logged steps with tokens in
// (0.9 t, t]: the same relative lag (about 5% of tokens) at every point of
// every run, so smoothing shifts all curves alike in log compute.
std::vector<double> smooth_loss(const RunCurve& run, double window_fraction = 0.1);

struct EnvelopePoint {
  double compute = 0;
  double n_params = 0;  // the winning run's N
  double tokens = 0;    // C / (6 N)
  double loss = 0;      // its smoothed loss at C (linear in log C between logged steps)
  std::int64_t run_id = 0;
  bool boundary = false;  // won by the smallest or largest N: the optimum may lie beyond the runs
};

struct EnvelopeOptions {
  int grid_points = 40;            // log-spaced compute values
  int resamples = 200;             // bootstrap over runs; 0: no intervals
  std::uint64_t seed = 20240501;
  double window_fraction = 0.1;
  // A step counts once its smoothing window holds this many logged steps (or a
  // tenth of the run's logged steps, when fewer).
  int min_window_steps = 10;
};

struct EnvelopeAnalysis {
  int runs = 0;
  std::vector<EnvelopePoint> points;  // every grid value at least 2 runs reach
  int fitted_points = 0;              // the interior points the law is fitted on
  int distinct_winners = 0;           // distinct N among them
  Allocation allocation;
  std::vector<std::string> notes;
};

// The envelope over the compute range that at least two runs cover, and the
// allocation fitted to its interior points (winners neither the smallest nor
// the largest N; all points when fewer than 2 are interior). Unidentified when
// dof = points - 2 <= 0 or fewer than 3 distinct N win.
EnvelopeAnalysis envelope_analysis(const std::vector<RunCurve>& runs, const EnvelopeOptions& options = {});

}  // namespace sweep::analysis
