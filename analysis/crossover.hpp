// Crossovers: the scale where one prompt style overtakes another on the same
// task and metric (e.g. chain of thought helping only above some size).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/curve.hpp"

namespace sweep::analysis {

struct Crossover {
  std::string task, metric, axis;
  std::string leader, trailer;  // prompt styles: leader overtakes trailer
  double scale = kNaN;          // where the difference crosses 0, interpolated in log scale
  double lead = 0;              // leader minus trailer at the largest scale (oriented)
};

// `p` overtakes `q` (same task, metric and axis; compared at their shared
// scales, oriented so higher is better) when p - q is positive at every scale
// from some point on, exceeds `threshold` at the largest scale, and was
// negative at some smaller scale. The crossover scale is the root of p - q
// between the last non-positive and the first positive scale.
std::optional<Crossover> overtakes(const Curve& p, const Curve& q, double threshold);

// Every crossover among curves of the same (task, metric, axis), over all
// ordered pairs of prompt styles; the threshold of each pair is the larger of
// the two curves' change thresholds.
std::vector<Crossover> find_crossovers(const std::vector<Curve>& curves, const std::vector<double>& thresholds);

}  // namespace sweep::analysis
