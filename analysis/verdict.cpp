// Ability verdicts: a curve's shape over scale; see verdict.hpp and analysis/README.md.
#include "analysis/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

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
  const double sign = c.info.higher_is_better ? 1.0 : -1.0;
  std::vector<double> y;
  for (const auto& p : c.points) y.push_back(sign * p.value);
  return y;
}

double oriented_baseline(const Curve& c) { return c.info.higher_is_better ? c.baseline : -c.baseline; }

std::vector<double> point_errors(const Curve& c) {
  std::vector<double> se;
  for (const auto& p : c.points) {
    if (std::isfinite(p.std_err)) se.push_back(p.std_err);
    else if (p.n > 0 && c.info.binomial)
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
  return std::max(o.min_effect * c.info.scale, o.noise_sigmas * median);
}

namespace {

std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

// The sharpness test of a rising curve (README "Sharpness"): Emergent, or the
// rule that failed in v.reason.
void judge_rise(const Curve& c, const std::vector<double>& y, const std::vector<double>& se, const VerdictOptions& o,
                Verdict& v) {
  const std::size_t n = y.size();
  const double base = oriented_baseline(c);
  bool binomial = c.info.binomial && c.info.higher_is_better;
  SharpInput in;
  for (std::size_t i = 0; i < n; ++i) {
    in.points.push_back({std::log10(c.points[i].scale), y[i], se[i], static_cast<double>(c.points[i].n)});
    if (c.points[i].n <= 0 || y[i] < 0 || y[i] > 1) binomial = false;
  }
  in.binomial = binomial;
  // Accuracy rises from its chance level; other metrics from a fitted floor.
  in.floor = c.info.kind == MetricKind::Accuracy && std::isfinite(base) ? base : kNaN;
  in.bootstrap = 0;
  in.min_noise = 0.005 * c.info.scale;  // half a point of accuracy, half a BLEU point
  SharpFit f = fit_sharpness(in);
  v.sharp = f;
  if (!f.fitted) {
    v.reason = std::to_string(n) + " points: too few to test sharpness (needs " + std::to_string(f.sig_params + 1) + ")";
    return;
  }
  // Near chance is judged against the rise the data show (the fitted top may
  // lie far beyond the largest point).
  const double floor = f.floor, rise = f.top - floor;
  const double data_rise = *std::max_element(y.begin(), y.end()) - floor;
  const double x_first = in.points.front().x, x_last = in.points.back().x, span = x_last - x_first;
  std::size_t k = 0;  // leading points near chance
  for (; k < n; ++k) {
    bool near = y[k] - floor <= o.near_chance_share * data_rise;
    if (std::isfinite(base))
      near = near || !above_chance(y[k], base, se[k] > 0 ? se[k] : kNaN, c.points[k].n, binomial,
                                   o.min_effect * c.info.scale)
                          .significant;
    if (!near) break;
  }
  const double y_max = *std::max_element(y.begin(), y.end());
  const double hi = c.info.higher_is_better ? c.info.hi : -c.info.lo;  // best possible, oriented
  const double room = std::isfinite(hi) && std::isfinite(base) ? hi - base : kNaN;
  // Without a chance level the plateau is the fitted floor's.
  const std::string level = std::isfinite(base) ? "chance" : "the fitted floor";
  if (static_cast<int>(k) < o.min_points_at_chance) {
    v.reason = k == 0 ? "above " + level + " from the smallest scale"
                      : format("%.0f point near ", static_cast<double>(k)) + level +
                            format(" before the rise (needs %.0f)", o.min_points_at_chance);
  } else if (k >= n) {
    v.reason = "every point is near " + level;
  } else if (f.delta_aic < o.min_delta_aic) {
    v.reason = format("steady: a straight line in log scale fits about as well (AIC gain of the sigmoid %.1f < %.0f)",
                      f.delta_aic, o.min_delta_aic);
  } else if (!(rise > 0) || f.width > o.max_width_share * span) {
    v.reason = format("gradual: the sigmoid rises 10-90%% over %.2f of the %.2f decades (> %.2f)", f.width, span,
                      o.max_width_share * span);
  } else if (!(f.x0 > x_first && f.x0 < x_last)) {
    v.reason = "the sigmoid's midpoint lies outside the measured scales";
  } else if (std::isfinite(room) && y_max - (std::isfinite(base) ? base : floor) < o.min_headroom_share * room) {
    v.reason = format("small: the rise to %.3g is under %.0f%% of the room above chance (%.3g)", y_max - base,
                      100 * o.min_headroom_share, room);
  } else {
    if (o.bootstrap > 0) {
      in.bootstrap = o.bootstrap;
      v.sharp = f = fit_sharpness(in);
    }
    v.shape = Shape::Emergent;
    v.first_above = static_cast<int>(k);
    v.at_chance_below = c.points[k - 1].scale;
    v.above_chance_from = c.points[k].scale;
    v.emergence_scale = std::pow(10.0, f.x0);
    v.emergence_lo = std::isfinite(f.x0_lo) ? std::pow(10.0, f.x0_lo) : kNaN;
    v.emergence_hi = std::isfinite(f.x0_hi) ? std::pow(10.0, f.x0_hi) : kNaN;
    v.reason = format("sharp: the sigmoid beats a straight line by AIC %.1f and rises 10-90%% over %.2f decades", f.delta_aic,
                      f.width) +
               format(" after %.0f points near ", static_cast<double>(k)) + level;
  }
}

}  // namespace

Verdict classify(const Curve& c, const VerdictOptions& o) {
  Verdict v;
  const std::vector<double> y = oriented_values(c);
  const std::size_t n = y.size();
  v.threshold = change_threshold(c, o);
  v.breakthroughness = breakthroughness(y);
  const double base = oriented_baseline(c);
  const double min_effect = o.min_effect * c.info.scale;
  const std::vector<double> se = point_errors(c);
  if (std::isfinite(base)) {
    for (std::size_t i = 0; i < n; ++i)
      v.above_chance.push_back(
          above_chance(y[i], base, c.points[i].std_err, c.points[i].n, c.info.binomial, min_effect).clearly);
    int k = static_cast<int>(n);
    while (k > 0 && v.above_chance[k - 1]) --k;
    v.first_above = k < static_cast<int>(n) ? k : -1;
  }
  v.reason = "no change larger than the noise";
  if (n < 2) {
    v.reason = "a single point";
    return v;
  }
  const auto imin = static_cast<std::size_t>(std::min_element(y.begin(), y.end()) - y.begin());
  const auto imax = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());
  // Point i is really above point j: by at least min_effect and by more than
  // noise_sigmas standard errors of the difference.
  const auto above = [&](std::size_t i, std::size_t j) {
    return y[i] - y[j] > std::max(min_effect, o.noise_sigmas * std::hypot(se[i], se[j]));
  };
  const std::size_t last = n - 1;
  if (!above(imax, imin)) return v;  // flat
  // An interior extreme is the most extreme of n - 2 points: its margin is
  // Sidak-corrected (the tail probability of noise_sigmas shared among them),
  // else a plateau's noise makes one in a hundred 9-point curves a U.
  const double tail = 0.5 * std::erfc(o.noise_sigmas / std::sqrt(2.0)) / static_cast<double>(std::max<std::size_t>(1, n - 2));
  double z = o.noise_sigmas;
  while (0.5 * std::erfc(z / std::sqrt(2.0)) > tail) z += 0.001;
  const auto extreme_above = [&](std::size_t i, std::size_t j) {
    return y[i] - y[j] > std::max(min_effect, z * std::hypot(se[i], se[j]));
  };
  if (imin > 0 && imin < last && extreme_above(0, imin) && extreme_above(last, imin)) {
    v.shape = Shape::UShaped;
    v.extreme_scale = c.points[imin].scale;
    v.reason = "both ends really above an interior minimum";
    return v;
  }
  if (imax > 0 && imax < last && extreme_above(imax, 0) && extreme_above(imax, last)) {
    v.shape = Shape::InvertedU;
    v.extreme_scale = c.points[imax].scale;
    v.reason = "an interior maximum really above both ends";
    return v;
  }
  if (above(0, last)) {
    v.shape = Shape::Inverse;
    v.reason = "the smallest scale really above the largest";
    return v;
  }
  if (!above(last, 0)) {
    v.reason = "no net trend from the smallest to the largest scale";
    return v;
  }
  v.shape = Shape::SmoothPositive;
  judge_rise(c, y, se, o, v);
  return v;
}

}  // namespace sweep::analysis
