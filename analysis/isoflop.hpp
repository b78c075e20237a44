// Chinchilla approach 2, isoFLOP profiles (Hoffmann et al. 2022, section 3.2):
// per compute budget, a parabola of loss in log N whose vertex is N_opt(C),
// D_opt = C / (6 N_opt), then N_opt ~ C^a and D_opt ~ C^b by least squares in
// log-log, with bootstrap intervals. Formulas and rules: analysis/README.md.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "analysis/allocation.hpp"
#include "analysis/replicates.hpp"

namespace sweep::analysis {

// loss = c0 + c1 u + c2 u^2 with u = ln N - center (centred for conditioning).
struct Parabola {
  double center = 0, c0 = 0, c1 = 0, c2 = 0;
  double at(double ln_n) const;
};
// Weighted least squares through (ln N_i, loss_i) with weights w_i; needs 3
// distinct ln N (throws std::invalid_argument otherwise).
Parabola fit_parabola(const std::vector<double>& ln_n, const std::vector<double>& loss,
                      const std::vector<double>& weight);

struct IsoflopBudget {
  double compute = 0;   // C of the profile (the budget, or the group's geometric-mean 6ND)
  int points = 0;       // cells on the profile
  int distinct_n = 0;
  Parabola parabola;    // fitted when distinct_n >= 3
  bool fitted = false;
  bool identified = false;  // fitted, opens upward, vertex inside the profile's N range
  std::string reason;       // why not identified
  double n_opt = std::numeric_limits<double>::quiet_NaN();
  double d_opt = std::numeric_limits<double>::quiet_NaN();
  double loss_min = std::numeric_limits<double>::quiet_NaN();
  double n_lo = 0, n_hi = 0;  // the profile's N range
};

struct IsoflopOptions {
  int resamples = 200;              // bootstrap resamples; 0: no intervals
  std::uint64_t seed = 20240501;    // fixed, so a report is reproducible
  // Without budgets, cells sorted by 6ND join a profile while their C is within
  // this fraction above the profile's smallest C.
  double group_tolerance = 0.1;
};

struct IsoflopAnalysis {
  bool from_budgets = false;  // grouped by the compute_budget column (else by 6ND)
  std::vector<IsoflopBudget> budgets;
  Allocation allocation;      // over the identified budgets; id counts budgets
  std::vector<std::string> notes;
};

IsoflopAnalysis isoflop_analysis(const std::vector<LossCell>& cells, const IsoflopOptions& options = {});

}  // namespace sweep::analysis
