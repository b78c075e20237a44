// Ability verdicts: the shape of one curve over scale. Definitions and
// thresholds: analysis/README.md.
#pragma once

#include <string>
#include <vector>

#include "analysis/curve.hpp"
#include "analysis/sigmoid_fit.hpp"

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
  // Used by the metric-artefact check: a first step carrying more than this
  // share of the rise is a jump.
  double jump_share = 0.5;
  // The sharpness test (analysis/README.md, "Sharpness"): the sigmoid must beat
  // the straight line in log scale by this much (quasi-)AIC ...
  double min_delta_aic = 10;
  // ... rise from 10% to 90% within this share of the curve's span of log scale ...
  double max_width_share = 1.0 / 3.0;
  // ... after at least this many points near chance: within near_chance_share
  // of the rise above the floor, or not significantly above chance ...
  int min_points_at_chance = 2;
  double near_chance_share = 0.1;
  // ... and rise by at least this share of the room above chance (bounded metrics).
  double min_headroom_share = 0.1;
  int bootstrap = 200;  // parametric resamples for the emergence scale's interval
};

struct Verdict {
  Shape shape = Shape::Flat;
  double threshold = 0;          // the change that counted as real, metric units
  std::vector<bool> above_chance;  // per point: clearly above the baseline; empty: no baseline
  int first_above = -1;          // index from which every point is clearly above chance; -1 none
  // Emergent curves: the last scale near chance, the first above it, and the
  // emergence scale: the fitted sigmoid's midpoint, with its 95% interval.
  double at_chance_below = kNaN, above_chance_from = kNaN, emergence_scale = kNaN;
  double emergence_lo = kNaN, emergence_hi = kNaN;
  double extreme_scale = kNaN;   // U / inverted U: scale of the interior minimum / maximum
  double breakthroughness = kNaN;
  // The sharpness test of a rising curve (fit.fitted false when not run).
  SharpFit sharp;
  std::string reason;  // one line: why this verdict
};

// Scores oriented so that higher is better (the registry's lower-is-better metrics negated).
std::vector<double> oriented_values(const Curve& c);
double oriented_baseline(const Curve& c);

// Standard error of each point: the stored one, else binomial sqrt(p(1-p)/n)
// for binomial metrics with n, else 0.
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
//   emergent        the last really above the first, and the sharpness test
//                   holds: a sigmoid in log scale beats a straight line by
//                   min_delta_aic, rises within max_width_share of the span,
//                   midway inside the range, after min_points_at_chance points
//                   near chance, by at least min_headroom_share of the room;
//   smooth_positive any other rise (the reason says which rule failed).
Verdict classify(const Curve& c, const VerdictOptions& o = {});

}  // namespace sweep::analysis
