// A compute-optimal allocation law, N_opt ~ C^a and D_opt ~ C^b, as each of
// the three Chinchilla approaches reports it: exponents, bootstrap intervals,
// degrees of freedom and whether the data identify them.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "analysis/loss_fit.hpp"

namespace sweep::analysis {

struct Allocation {
  double a = std::numeric_limits<double>::quiet_NaN();  // N_opt ~ C^a
  double b = std::numeric_limits<double>::quiet_NaN();  // D_opt ~ C^b
  double a_coefficient = std::numeric_limits<double>::quiet_NaN();  // N_opt = a_coefficient * C^a
  Interval a_interval{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  Interval b_interval{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  int resamples = 0;  // bootstrap resamples that gave an exponent
  Identification id;
};

// Least squares of log y on log x: y = exp(intercept) x^slope. Needs at least
// two distinct positive x and positive y.
struct LogLogLine {
  double slope = 0, intercept = 0;
};
std::optional<LogLogLine> fit_log_log(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace sweep::analysis
