// Sigmoid against straight line in log scale, by (quasi-)AIC; see sigmoid_fit.hpp.
#include "analysis/sigmoid_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "analysis/optimizer.hpp"

namespace sweep::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Steepest slope the sigmoid may take, per decade: 10% to 90% of the rise over
// 0.044 decades, a step between any two model sizes a grid would hold.
constexpr double kMaxSlope = 100;
constexpr double kClip = 1e-9;

double logistic(double z) { return 1 / (1 + std::exp(-z)); }
double logit(double p) { return std::log(p / (1 - p)); }

enum class Noise { Binomial, KnownErrors, UnknownErrors };

// The data, their noise model and the deviance of a mean curve.
struct Data {
  std::vector<double> x, y, se, n;
  Noise noise = Noise::UnknownErrors;

  double deviance(const std::vector<double>& mu) const {
    double d = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (noise == Noise::Binomial) {
        const double m = std::clamp(mu[i], kClip, 1 - kClip);
        const double k = std::clamp(y[i], 0.0, 1.0) * n[i], f = n[i] - k;
        if (k > 0) d += 2 * k * std::log(k / (n[i] * m));
        if (f > 0) d += 2 * f * std::log(f / (n[i] * (1 - m)));
      } else if (noise == Noise::KnownErrors) {
        d += std::pow((y[i] - mu[i]) / se[i], 2);
      } else {
        d += std::pow(y[i] - mu[i], 2);  // residual sum of squares
      }
    }
    return d;
  }
  // AIC of a model with p mean parameters and deviance d. Without known
  // errors d is the residual sum of squares and `dispersion` the common
  // noise variance (both models are judged against the same one).
  double aic(double d, int p, double dispersion) const { return d / dispersion + 2 * p; }
};

struct Model {
  int params;
  // theta -> the mean at every x
  std::vector<double> (*mean)(const Data&, const std::vector<double>&, double floor, bool free_floor);
};

std::vector<double> linear_mean(const Data& d, const std::vector<double>& t, double, bool) {
  std::vector<double> mu;
  for (double x : d.x) mu.push_back(t[0] + t[1] * x);
  return mu;
}

// theta = (top, u, x0[, floor]); binomial tops and floors on the logit scale,
// slope = kMaxSlope * logistic(u).
struct SigmoidParams {
  double top, slope, x0, floor;
};
SigmoidParams sigmoid_params(const Data& d, const std::vector<double>& t, double floor, bool free_floor) {
  const bool bin = d.noise == Noise::Binomial;
  SigmoidParams s;
  s.top = bin ? logistic(t[0]) : t[0];
  s.slope = kMaxSlope * logistic(t[1]);
  s.x0 = t[2];
  s.floor = free_floor ? (bin ? logistic(t[3]) : t[3]) : floor;
  return s;
}
std::vector<double> sigmoid_mean(const Data& d, const std::vector<double>& t, double floor, bool free_floor) {
  const SigmoidParams s = sigmoid_params(d, t, floor, free_floor);
  std::vector<double> mu;
  for (double x : d.x) mu.push_back(s.floor + (s.top - s.floor) * logistic(s.slope * (x - s.x0)));
  return mu;
}

struct Best {
  std::vector<double> theta;
  double deviance = std::numeric_limits<double>::infinity();
};

// Deviance minimised by L-BFGS with central-difference gradients (2-4
// parameters, a few dozen points: cheap) from each start.
Best minimise(const Data& d, const Model& m, const std::vector<std::vector<double>>& starts, double floor,
              bool free_floor) {
  const Objective f = [&](const std::vector<double>& t, std::vector<double>& g) {
    const double v = d.deviance(m.mean(d, t, floor, free_floor));
    std::vector<double> tp = t;
    for (std::size_t j = 0; j < t.size(); ++j) {
      const double h = 1e-6 * std::max(1.0, std::abs(t[j]));
      tp[j] = t[j] + h;
      const double up = d.deviance(m.mean(d, tp, floor, free_floor));
      tp[j] = t[j] - h;
      const double down = d.deviance(m.mean(d, tp, floor, free_floor));
      tp[j] = t[j];
      g[j] = (up - down) / (2 * h);
    }
    return v;
  };
  LbfgsOptions o;
  o.max_evaluations = 500;
  Best best;
  for (const auto& s : starts) {
    const Minimum r = minimize_lbfgs(f, s, o);
    const double v = std::isfinite(r.value) ? d.deviance(m.mean(d, r.x, floor, free_floor)) : r.value;
    if (v < best.deviance) best = {r.x, v};
  }
  return best;
}

std::vector<std::vector<double>> sigmoid_starts(const Data& d, bool free_floor) {
  const bool bin = d.noise == Noise::Binomial;
  const auto [lo, hi] = std::minmax_element(d.y.begin(), d.y.end());
  const double top = bin ? logit(std::clamp(*hi, 0.01, 0.99)) : *hi;
  const double floor = bin ? logit(std::clamp(*lo, 0.01, 0.99)) : *lo;
  std::vector<double> centres;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    centres.push_back(d.x[i]);
    if (i + 1 < d.x.size()) centres.push_back(0.5 * (d.x[i] + d.x[i + 1]));
  }
  // A long curve (a flops axis of many runs) keeps 24 midpoints spread over it:
  // starts cost points x starts, and neighbouring midpoints find the same optimum.
  if (centres.size() > 24) {
    std::vector<double> kept;
    for (std::size_t j = 0; j < 24; ++j) kept.push_back(centres[j * (centres.size() - 1) / 23]);
    centres = kept;
  }
  // Beyond 64 points two slopes per midpoint: the fit's cost grows with the points.
  const std::vector<double> slopes =
      d.x.size() > 64 ? std::vector<double>{1.0, 16.0} : std::vector<double>{0.5, 2.0, 8.0, 32.0};
  std::vector<std::vector<double>> starts;
  for (double c : centres)
    for (double slope : slopes) {
      std::vector<double> t{top, logit(slope / kMaxSlope), c};
      if (free_floor) t.push_back(floor);
      starts.push_back(t);
    }
  return starts;
}

std::vector<double> linear_start(const Data& d) {
  const double m = static_cast<double>(d.x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    sx += d.x[i], sy += d.y[i], sxx += d.x[i] * d.x[i], sxy += d.x[i] * d.y[i];
  }
  const double den = m * sxx - sx * sx;
  const double b = den != 0 ? (m * sxy - sx * sy) / den : 0;
  return {(sy - b * sx) / m, b};
}

}  // namespace

SharpFit fit_sharpness(const SharpInput& in) {
  SharpFit out;
  out.x0_lo = out.x0_hi = kNaN;
  bool free_floor = std::isnan(in.floor);
  out.sig_params = free_floor ? 4 : 3;
  const std::size_t m = in.points.size();
  if (m < static_cast<std::size_t>(out.sig_params) + 1) return out;
  Data d;
  bool errors_known = true;
  for (const auto& p : in.points) {
    d.x.push_back(p.x), d.y.push_back(p.y), d.se.push_back(p.se), d.n.push_back(p.n);
    if (!(p.se > 0)) errors_known = false;
    if (in.binomial && !(p.n > 0)) return out;
  }
  d.noise = in.binomial ? Noise::Binomial : errors_known ? Noise::KnownErrors : Noise::UnknownErrors;

  const Model lin{2, linear_mean};
  const Best bl = minimise(d, lin, {linear_start(d)}, in.floor, free_floor);
  Best bs = minimise(d, Model{out.sig_params, sigmoid_mean}, sigmoid_starts(d, free_floor), in.floor, free_floor);
  // With a known chance level and 5 or more points, the floor may also be
  // fitted: small models often sit a little above chance (a few lucky exact
  // matches, 0.27 on 4-way choice), which a floor pinned at chance can only
  // follow with a slow rise. The variant with the lower AIC is kept.
  if (!free_floor && m >= 5) {
    const Best bf = minimise(d, Model{4, sigmoid_mean}, sigmoid_starts(d, true), in.floor, true);
    const auto score = [&](const Best& b, int p) {
      const double mm = static_cast<double>(m);
      return d.noise == Noise::UnknownErrors ? mm * std::log(std::max(b.deviance, 1e-300) / mm) + 2 * p
                                             : b.deviance + 2 * p;
    };
    if (std::isfinite(bf.deviance) && score(bf, 4) < score(bs, 3)) {
      bs = bf;
      free_floor = true;
      out.sig_params = 4;
    }
  }
  const Model sig{out.sig_params, sigmoid_mean};
  if (!std::isfinite(bl.deviance) || !std::isfinite(bs.deviance)) return out;
  out.fitted = true;
  out.lin_a = bl.theta[0], out.lin_b = bl.theta[1], out.lin_deviance = bl.deviance;
  const SigmoidParams s = sigmoid_params(d, bs.theta, in.floor, free_floor);
  out.top = s.top, out.slope = s.slope, out.x0 = s.x0, out.floor = s.floor;
  out.sig_deviance = bs.deviance;
  out.width = 2 * std::log(9.0) / s.slope;
  const double resid_dof = static_cast<double>(m) - out.sig_params;
  if (d.noise != Noise::UnknownErrors && resid_dof >= 3) out.dispersion = std::max(1.0, bs.deviance / resid_dof);
  // Unknown errors: the sigmoid's residual variance, but never below the
  // smallest noise a score can have (a curve of 5 points fits 4 parameters
  // almost exactly, and a variance near zero would make any gain decisive).
  if (d.noise == Noise::UnknownErrors)
    out.dispersion = std::max(bs.deviance / std::max(1.0, resid_dof), in.min_noise * in.min_noise);
  out.aic_linear = d.aic(bl.deviance, 2, out.dispersion);
  out.aic_sigmoid = d.aic(bs.deviance, out.sig_params, out.dispersion);
  out.delta_aic = out.aic_linear - out.aic_sigmoid;

  if (in.bootstrap > 0) {
    // Parametric bootstrap from the fitted sigmoid: binomial counts, or
    // Gaussian noise of the points' errors (times the dispersion) or of the
    // residual standard deviation.
    const std::vector<double> mu = sigmoid_mean(d, bs.theta, in.floor, free_floor);
    const double sigma = std::sqrt(out.dispersion);
    std::mt19937_64 rng(0x5eed5);
    std::vector<double> x0s;
    Data r = d;
    for (int b = 0; b < in.bootstrap; ++b) {
      for (std::size_t i = 0; i < m; ++i) {
        if (d.noise == Noise::Binomial) {
          const auto trials = static_cast<std::int64_t>(std::llround(d.n[i]));
          std::binomial_distribution<std::int64_t> draw(trials, std::clamp(mu[i], 0.0, 1.0));
          r.y[i] = static_cast<double>(draw(rng)) / d.n[i];
        } else {
          const double sd = d.noise == Noise::KnownErrors ? d.se[i] * std::sqrt(out.dispersion) : sigma;
          r.y[i] = mu[i] + std::normal_distribution<double>(0, sd)(rng);
        }
      }
      const Best rb = minimise(r, sig, {bs.theta}, in.floor, free_floor);
      if (std::isfinite(rb.deviance)) x0s.push_back(rb.theta[2]);
    }
    if (x0s.size() >= 20) {
      std::sort(x0s.begin(), x0s.end());
      const auto at = [&](double q) { return x0s[static_cast<std::size_t>(q * static_cast<double>(x0s.size() - 1))]; };
      out.x0_lo = at(0.025), out.x0_hi = at(0.975);
    }
  }
  return out;
}

}  // namespace sweep::analysis
