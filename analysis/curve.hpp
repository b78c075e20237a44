// Curves over scale: one (task, prompt, metric) series against model size
// (params) or training compute (flops), with its random baseline.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "analysis/tidy.hpp"

namespace sweep::analysis {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct CurvePoint {
  double scale = 0;  // parameters or FLOPs
  double value = 0;  // as stored (not oriented)
  double std_err = kNaN;
  std::int64_t n = 0;  // examples behind value; 0 unknown
};

struct Curve {
  std::string task, prompt, metric;
  std::string axis;                 // "params" or "flops"
  std::vector<CurvePoint> points;   // sorted by scale, one per scale
  double baseline = kNaN;           // random baseline in the metric's units; NaN: none
  std::string baseline_source;      // column, metric_rows, command_line, default_zero, none
};

// Where random baselines come from, in order of precedence: the store's
// random_baseline column (schema_version 3), rows with metric
// "random_baseline" (matched on task, and on prompt when theirs is set), the
// command line (--baseline TASK=P, accuracy-like metrics), then 0 for
// accuracy-like metrics (exact match of free text); other metrics get none.
using BaselineOverrides = std::map<std::string, double>;  // task -> P

// Builds every ability curve from tidy rows: rows with a task, except loss
// metrics and random_baseline rows. Axis "params": one point per model size,
// from the rows trained on the most data for that size (its best-trained
// point); axis "flops": one point per training compute. Rows sharing a point
// are averaged (standard errors combined, n summed).
std::vector<Curve> build_curves(const std::vector<TidyRow>& rows, const BaselineOverrides& overrides);

}  // namespace sweep::analysis
