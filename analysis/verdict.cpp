// Ability verdicts: a curve's shape over scale; see verdict.hpp and analysis/README.md.
#include "analysis/verdict.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/breakthrough.hpp"
#include "analysis/chance.hpp"

namespace sweep::analysis {

const char* to_string(Shape s) {
  switch (s) {
    case Shape::Flat: return "flat";
    case Shape::SmoothPositive: return "smooth_positive";
    case Shape::Emergent: return "emergent";
    case Shape::Inverse: return "inverse";
    case Shape::UShaped: return "u_shaped";
    case Shape::InvertedU: return "inverted_u";
  }
  return "?";
}

std::vector<double> oriented_values(const Curve& c) {
  const double sign = lower_is_better(c.metric) ? -1.0 : 1.0;
  std::vector<double> y;
  for (const auto& p : c.points) y.push_back(sign * p.value);
  return y;
}

double oriented_baseline(const Curve& c) { return lower_is_better(c.metric) ? -c.baseline : c.baseline; }

std::vector<double> point_errors(const Curve& c) {
  std::vector<double> se;
  for (const auto& p : c.points) {
    if (std::isfinite(p.std_err)) se.push_back(p.std_err);
    else if (p.n > 0 && accuracy_like(c.metric))
      se.push_back(std::sqrt(std::clamp(p.value, 0.0, 1.0) * (1 - std::clamp(p.value, 0.0, 1.0)) / p.n));
    else se.push_back(0.0);
  }
  return se;
}

double change_threshold(const Curve& c, const VerdictOptions& o) {
  std::vector<double> se;
  for (const double e : point_errors(c))
    if (e > 0) se.push_back(e);
  double median = 0;
  if (!se.empty()) {
    std::sort(se.begin(), se.end());
    median = se[se.size() / 2];
  }
  return std::max(o.min_effect * metric_scale(c.metric), o.noise_sigmas * median);
}

namespace {

// Where y first reaches `level`, interpolated linearly in log scale.
double crossing_scale(const Curve& c, const std::vector<double>& y, double level) {
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] < level) continue;
    if (i == 0) return c.points[0].scale;
    const double t = (level - y[i - 1]) / (y[i] - y[i - 1]);
    const double l0 = std::log(c.points[i - 1].scale), l1 = std::log(c.points[i].scale);
    return std::exp(l0 + t * (l1 - l0));
  }
  return kNaN;
}

}  // namespace

Verdict classify(const Curve& c, const VerdictOptions& o) {
  Verdict v;
  const std::vector<double> y = oriented_values(c);
  const std::size_t n = y.size();
  v.threshold = change_threshold(c, o);
  v.breakthroughness = breakthroughness(y);
  const double base = oriented_baseline(c);
  if (std::isfinite(base)) {
    for (const auto& p : c.points) {
      const double val = lower_is_better(c.metric) ? -p.value : p.value;
      const double min_effect = o.min_effect * metric_scale(c.metric);
      v.above_chance.push_back(above_chance(val, base, p.std_err, p.n, accuracy_like(c.metric), min_effect).clearly);
    }
    int k = static_cast<int>(n);
    while (k > 0 && v.above_chance[k - 1]) --k;
    v.first_above = k < static_cast<int>(n) ? k : -1;
  }
  if (n < 2) return v;
  const auto imin = static_cast<std::size_t>(std::min_element(y.begin(), y.end()) - y.begin());
  const auto imax = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());
  // Point i is really above point j: by at least min_effect and by more than
  // noise_sigmas standard errors of the difference.
  const std::vector<double> se = point_errors(c);
  const auto above = [&](std::size_t i, std::size_t j) {
    return y[i] - y[j] > std::max(o.min_effect * metric_scale(c.metric), o.noise_sigmas * std::hypot(se[i], se[j]));
  };
  const std::size_t last = n - 1;
  if (!above(imax, imin)) return v;  // flat
  if (imin > 0 && imin < last && above(0, imin) && above(last, imin)) {
    v.shape = Shape::UShaped;
    v.extreme_scale = c.points[imin].scale;
    return v;
  }
  if (imax > 0 && imax < last && above(imax, 0) && above(imax, last)) {
    v.shape = Shape::InvertedU;
    v.extreme_scale = c.points[imax].scale;
    return v;
  }
  if (above(0, last)) {
    v.shape = Shape::Inverse;
    return v;
  }
  if (!above(last, 0)) return v;  // no net trend: flat
  v.shape = Shape::SmoothPositive;
  const int k = v.first_above;
  if (k >= 1) {
    // At chance up to k-1 (by construction point k-1 is not clearly above),
    // and nowhere clearly above before it.
    const bool at_chance_before = std::none_of(v.above_chance.begin(), v.above_chance.begin() + k, [](bool b) { return b; });
    const double rise = y[imax] - y[imin];
    const bool sharp = k >= 2 || (y[1] - y[0]) > o.jump_share * rise;
    if (at_chance_before && sharp) {
      v.shape = Shape::Emergent;
      v.at_chance_below = c.points[k - 1].scale;
      v.above_chance_from = c.points[k].scale;
      v.emergence_scale = crossing_scale(c, y, base + 0.5 * (y[imax] - base));
    }
  }
  return v;
}

}  // namespace sweep::analysis
