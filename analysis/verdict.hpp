// Ability verdicts: the shape of one curve over scale. Definitions and
// thresholds: analysis/README.md.
#pragma once

#include <string>
#include <vector>

#include "analysis/curve.hpp"

namespace sweep::analysis {

enum class Shape { Flat, SmoothPositive, Emergent, Inverse, UShaped, InvertedU };
const char* to_string(Shape s);

struct VerdictOptions {
  // Smallest change that counts, on a 0-1 scale (accuracy: 2 points; times
  // metric_scale for metrics reported 0-100: 2 BLEU points).
  double min_effect = 0.02;
  // Standard errors a change must exceed. Three, not two: the compared points
  // are the curve's own extremes, picked after looking (a 2-sigma blip among
  // nine points is likely).
  double noise_sigmas = 3.0;
  // With a single at-chance point before the rise, the first step must carry
  // more than this share of the whole rise to call it emergent.
  double jump_share = 0.5;
};

struct Verdict {
  Shape shape = Shape::Flat;
  double threshold = 0;          // the change that counted as real, metric units
  std::vector<bool> above_chance;  // per point: clearly above the baseline; empty: no baseline
  int first_above = -1;          // index from which every point is clearly above chance; -1 none
  // Emergent curves: the last scale at chance, the first clearly above, and
  // the emergence scale: where the curve crosses half-way from the baseline
  // to its best value (interpolated in log scale).
  double at_chance_below = kNaN, above_chance_from = kNaN, emergence_scale = kNaN;
  double extreme_scale = kNaN;   // U / inverted U: scale of the interior minimum / maximum
  double breakthroughness = kNaN;
};

// Scores oriented so that higher is better (losses, edit distance negated).
std::vector<double> oriented_values(const Curve& c);
double oriented_baseline(const Curve& c);

// Standard error of each point: the stored one, else binomial sqrt(p(1-p)/n)
// for accuracy-like metrics with n, else 0.
std::vector<double> point_errors(const Curve& c);

// A curve's typical change threshold: max(min_effect, noise_sigmas * median
// nonzero standard error). Used for crossovers and metric artefacts.
double change_threshold(const Curve& c, const VerdictOptions& o);

// Classifies a curve (points sorted by scale). "i really above j" means
// y_i - y_j > max(min_effect, noise_sigmas * sqrt(se_i^2 + se_j^2)):
//   flat            the best point not really above the worst, or no net trend;
//   u_shaped        both ends really above an interior minimum;
//   inverted_u      an interior maximum really above both ends;
//   inverse         the first point really above the last;
//   emergent        the last really above the first, not clearly above chance up to some scale, clearly above
//                   at every larger scale, with at least two at-chance points, or one
//                   and a first step carrying more than jump_share of the rise;
//   smooth_positive any other rise (above chance from the smallest scale, or rising
//                   from chance gradually), and every rise of a metric without baseline.
Verdict classify(const Curve& c, const VerdictOptions& o = {});

}  // namespace sweep::analysis
