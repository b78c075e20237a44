// Curves over scale: one (task, prompt, metric) series against model size
// (params) or training compute (flops), with its random baseline.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "analysis/metric_registry.hpp"
#include "analysis/tidy.hpp"

namespace sweep::analysis {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct CurvePoint {
  double scale = 0;  // parameters or FLOPs
  double value = 0;  // as stored (not oriented), in the metric's own scale (percent read as fractions)
  double std_err = kNaN;
  std::int64_t n = 0;  // examples behind value; 0 unknown
};

struct Curve {
  std::string family;               // model series; curves never mix families
  std::string task, prompt, metric;
  MetricInfo info;                  // the metric's registry entry (direction, kind, chance)
  std::string axis;                 // "params" or "flops"
  std::vector<CurvePoint> points;   // sorted by scale, one per scale
  double baseline = kNaN;           // random baseline in the metric's units; NaN: none
  std::string baseline_source;      // column, metric_rows, command_line, registry, none
  std::vector<std::string> notes;   // what was read differently from the source (percent scales)
};

// Where random baselines come from, in order of precedence: the store's
// random_baseline column (schema_version 3), rows with metric
// "random_baseline" (matched on family and task, and on prompt when theirs is
// set), the command line (--baseline TASK=P, accuracy metrics), then the
// registry's chance (0 for exact match of free text); else none.
using BaselineOverrides = std::map<std::string, double>;  // task -> P

// Builds every ability curve from tidy rows: rows with a task, except loss
// metrics and random_baseline rows, one curve set per (family, task, prompt,
// metric). Axis "params": one point per model size, from the rows trained on
// the most data for that size (its best-trained point); axis "flops": one
// point per training compute (rows without one are left out), only when every
// model size has one data size (else the points zigzag between models and the
// curve's notes say it is not judged). Rows sharing a
// point are averaged (standard errors combined, n summed).
// Every metric must be in `metrics` (throws naming the row's file, line and
// column otherwise). A 0-1 metric whose values reach above 1 and stay within
// 100, or that the source declares scale = 100, is read as percent (divided by
// 100, with a note); values outside the metric's range throw.
std::vector<Curve> build_curves(const std::vector<TidyRow>& rows, const BaselineOverrides& overrides,
                                const MetricRegistry& metrics);

}  // namespace sweep::analysis
