// Scaling-law fits of loss (Chinchilla L(N, D), one-variable laws, bootstrap); see loss_fit.hpp.
#include "analysis/loss_fit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>

#include "analysis/optimizer.hpp"

namespace sweep::analysis {

double huber(double r, double delta) {
  const double m = std::abs(r);
  return m <= delta ? 0.5 * r * r : delta * (m - 0.5 * delta);
}

double huber_derivative(double r, double delta) {
  if (r > delta) return delta;
  if (r < -delta) return -delta;
  return r;
}

namespace {

// Logs of one point, computed once per fit rather than once per evaluation.
struct LogPoint {
  double ln, ld, ll;
};

std::vector<LogPoint> logs_of(const std::vector<LossPoint>& pts) {
  std::vector<LogPoint> out;
  out.reserve(pts.size());
  for (const auto& p : pts) out.push_back({std::log(p.n_params), std::log(p.tokens), std::log(p.loss)});
  return out;
}

double objective_on_logs(const std::vector<LogPoint>& pts, const double* theta, double* grad, double delta) {
  const double a = theta[0], b = theta[1], e = theta[2], alpha = theta[3], beta = theta[4];
  double total = 0.0;
  double g[5] = {0, 0, 0, 0, 0};
  for (const auto& p : pts) {
    const double t1 = a - alpha * p.ln, t2 = b - beta * p.ld, t3 = e;
    const double m = std::max({t1, t2, t3});  // stable log-sum-exp
    const double w1 = std::exp(t1 - m), w2 = std::exp(t2 - m), w3 = std::exp(t3 - m);
    const double s = w1 + w2 + w3;
    const double r = m + std::log(s) - p.ll;
    total += huber(r, delta);
    if (grad != nullptr) {
      const double h = huber_derivative(r, delta) / s;
      g[0] += h * w1;
      g[1] += h * w2;
      g[2] += h * w3;
      g[3] -= h * w1 * p.ln;
      g[4] -= h * w2 * p.ld;
    }
  }
  if (grad != nullptr) std::copy(g, g + 5, grad);
  return total;
}

}  // namespace

double chinchilla_objective(const std::vector<LossPoint>& pts, const double* theta, double* grad, double delta) {
  return objective_on_logs(logs_of(pts), theta, grad, delta);
}

std::vector<std::vector<double>> chinchilla_start_grid() {
  std::vector<std::vector<double>> starts;
  for (int ia = 0; ia <= 5; ++ia)
    for (int ib = 0; ib <= 5; ++ib)
      for (int ie = -2; ie <= 2; ++ie)
        for (int ial = 0; ial <= 4; ++ial)
          for (int ibe = 0; ibe <= 4; ++ibe)
            starts.push_back({5.0 * ia, 5.0 * ib, 0.5 * ie, 0.5 * ial, 0.5 * ibe});
  return starts;
}

namespace {

void check_points(const std::vector<LossPoint>& pts, std::size_t min_points) {
  if (pts.size() < min_points)
    throw std::invalid_argument("a loss fit needs at least " + std::to_string(min_points) + " points, got " +
                                std::to_string(pts.size()));
  for (const auto& p : pts)
    if (!(p.n_params > 0 && p.tokens > 0 && p.loss > 0))
      throw std::invalid_argument("a loss fit needs positive N, D and loss");
}

Minimum minimize_chinchilla(const std::vector<LogPoint>& pts, const std::vector<double>& start) {
  const Objective f = [&pts](const std::vector<double>& x, std::vector<double>& grad) {
    return objective_on_logs(pts, x.data(), grad.data(), kHuberDelta);
  };
  return minimize_lbfgs(f, start);
}

ChinchillaFit to_fit(const Minimum& m, int starts, int points) {
  ChinchillaFit fit;
  fit.A = std::exp(m.x[0]);
  fit.B = std::exp(m.x[1]);
  fit.E = std::exp(m.x[2]);
  fit.alpha = m.x[3];
  fit.beta = m.x[4];
  fit.objective = m.value;
  fit.starts = starts;
  fit.points = points;
  return fit;
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  const double frac = pos - i;
  return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

}  // namespace

ChinchillaFit fit_chinchilla(const std::vector<LossPoint>& pts, const std::vector<std::vector<double>>& starts) {
  check_points(pts, 5);
  Minimum best;
  best.value = std::numeric_limits<double>::infinity();
  const std::vector<LogPoint> logs = logs_of(pts);
  for (const auto& s : starts) {
    Minimum m = minimize_chinchilla(logs, s);
    if (std::isfinite(m.value) && m.value < best.value) best = std::move(m);
  }
  if (!std::isfinite(best.value)) throw std::runtime_error("Chinchilla fit: no start converged");
  return to_fit(best, static_cast<int>(starts.size()), static_cast<int>(pts.size()));
}

double ComputeOptimal::n_opt(double flops) const { return G * std::pow(flops / 6.0, a); }
double ComputeOptimal::d_opt(double flops) const { return std::pow(flops / 6.0, b) / G; }

ComputeOptimal compute_optimal(const ChinchillaFit& fit) {
  ComputeOptimal c;
  const double s = fit.alpha + fit.beta;
  c.G = std::pow(fit.alpha * fit.A / (fit.beta * fit.B), 1.0 / s);
  c.a = fit.beta / s;
  c.b = fit.alpha / s;
  return c;
}

double optimal_loss(const ChinchillaFit& fit, double flops) {
  const ComputeOptimal c = compute_optimal(fit);
  return fit.E + fit.A / std::pow(c.n_opt(flops), fit.alpha) + fit.B / std::pow(c.d_opt(flops), fit.beta);
}

Interval percentile_interval(std::vector<double> v) {
  if (v.empty()) return {std::nan(""), std::nan("")};
  return {percentile(v, 0.025), percentile(v, 0.975)};
}

ChinchillaBootstrap bootstrap_chinchilla(const std::vector<LossPoint>& pts, const ChinchillaFit& fit, int resamples,
                                         std::uint64_t seed) {
  std::vector<ReplicatedPoint> cells;
  cells.reserve(pts.size());
  for (const auto& p : pts) cells.push_back({p.n_params, p.tokens, {p.loss}});
  return bootstrap_chinchilla(cells, fit, resamples, seed);
}

ChinchillaBootstrap bootstrap_chinchilla(const std::vector<ReplicatedPoint>& cells, const ChinchillaFit& fit,
                                         int resamples, std::uint64_t seed) {
  ChinchillaBootstrap out;
  if (resamples <= 0 || cells.empty()) return out;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, cells.size() - 1);
  const std::vector<double> start = {std::log(fit.A), std::log(fit.B), std::log(fit.E), fit.alpha, fit.beta};
  std::vector<double> A, B, E, al, be, a;
  std::vector<LogPoint> sample(cells.size());
  for (int r = 0; r < resamples; ++r) {
    for (auto& p : sample) {
      const ReplicatedPoint& c = cells[pick(rng)];
      double loss = c.losses.front();
      // A lone seed draws nothing more, so one-seed data replay the point bootstrap exactly.
      if (c.losses.size() > 1) {
        std::uniform_int_distribution<std::size_t> seed_pick(0, c.losses.size() - 1);
        double s = 0;
        for (std::size_t k = 0; k < c.losses.size(); ++k) s += c.losses[seed_pick(rng)];
        loss = s / c.losses.size();
      }
      p = {std::log(c.n_params), std::log(c.tokens), std::log(loss)};
    }
    const Minimum m = minimize_chinchilla(sample, start);
    if (!std::isfinite(m.value)) continue;
    const ChinchillaFit f = to_fit(m, 1, static_cast<int>(sample.size()));
    out.fits.push_back(f);
    A.push_back(f.A);
    B.push_back(f.B);
    E.push_back(f.E);
    al.push_back(f.alpha);
    be.push_back(f.beta);
    a.push_back(f.beta / (f.alpha + f.beta));
  }
  out.resamples = static_cast<int>(A.size());
  if (A.empty()) return out;
  out.A = percentile_interval(A);
  out.B = percentile_interval(B);
  out.E = percentile_interval(E);
  out.alpha = percentile_interval(al);
  out.beta = percentile_interval(be);
  out.a = percentile_interval(a);
  return out;
}

std::vector<FrontierPoint> frontier_band(const ChinchillaFit& fit, const ChinchillaBootstrap& boot, double c_lo,
                                         double c_hi, int points) {
  std::vector<FrontierPoint> out;
  if (!(c_lo > 0) || !(c_hi >= c_lo) || points < 1) return out;
  if (c_hi == c_lo) points = 1;
  for (int i = 0; i < points; ++i) {
    const double t = points == 1 ? 0.0 : static_cast<double>(i) / (points - 1);
    // The ends exactly: exp(log(c)) need not give c back.
    const double c = i == 0            ? c_lo
                     : i == points - 1 ? c_hi
                                       : std::exp(std::log(c_lo) + t * (std::log(c_hi) - std::log(c_lo)));
    std::vector<double> refits;
    refits.reserve(boot.fits.size());
    for (const auto& f : boot.fits)
      if (const double l = optimal_loss(f, c); std::isfinite(l)) refits.push_back(l);
    const Interval band = percentile_interval(refits);
    out.push_back({c, optimal_loss(fit, c), band.lo, band.hi});
  }
  return out;
}

Identification identify_by_dof(int points, int parameters) {
  Identification id;
  id.points = points;
  id.parameters = parameters;
  id.dof = points - parameters;
  id.identified = id.dof > 0;
  if (!id.identified)
    id.reason = std::to_string(points) + " points for " + std::to_string(parameters) + " parameters";
  return id;
}

Identification identify_chinchilla(const ChinchillaFit& fit, const ChinchillaBootstrap& boot) {
  Identification id = identify_by_dof(fit.points, 5);
  if (!id.identified || boot.resamples <= 0) return id;
  auto spans = [](const Interval& i) { return !(i.lo > 0) || !(i.hi / i.lo <= 100.0); };
  for (const auto& [name, iv] : {std::pair<const char*, Interval>{"A", boot.A}, {"B", boot.B}})
    if (spans(iv)) {
      id.identified = false;
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s interval [%.3g, %.3g] spans more than 2 orders of magnitude", name, iv.lo,
                    iv.hi);
      id.reason += std::string(id.reason.empty() ? "" : "; ") + buf;
    }
  return id;
}

const char* identified_word(const Identification& id) { return id.identified ? "identified" : "unidentified"; }

double PowerLawFit::predict(double x) const { return E + A / std::pow(x, alpha); }

std::optional<PowerLawFit> fit_power_law(const std::string& variable, const std::vector<double>& x,
                                         const std::vector<double>& loss) {
  if (x.size() != loss.size()) throw std::invalid_argument("fit_power_law: x and loss differ in length");
  if (std::set<double>(x.begin(), x.end()).size() < 3) return std::nullopt;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!(x[i] > 0 && loss[i] > 0)) return std::nullopt;
  const Objective f = [&](const std::vector<double>& th, std::vector<double>& grad) {
    // LSE(a - alpha log x, e) - log L, as in the two-variable fit.
    double total = 0, g0 = 0, g1 = 0, g2 = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double lx = std::log(x[i]);
      const double t1 = th[0] - th[2] * lx, t2 = th[1];
      const double m = std::max(t1, t2);
      const double w1 = std::exp(t1 - m), w2 = std::exp(t2 - m), s = w1 + w2;
      const double r = m + std::log(s) - std::log(loss[i]);
      total += huber(r, kHuberDelta);
      const double h = huber_derivative(r, kHuberDelta) / s;
      g0 += h * w1;
      g1 += h * w2;
      g2 -= h * w1 * lx;
    }
    grad = {g0, g1, g2};
    return total;
  };
  Minimum best;
  best.value = std::numeric_limits<double>::infinity();
  for (int ia = 0; ia <= 5; ++ia)
    for (int ie = -2; ie <= 2; ++ie)
      for (int ial = 0; ial <= 4; ++ial) {
        Minimum m = minimize_lbfgs(f, {5.0 * ia, 0.5 * ie, 0.5 * ial});
        if (std::isfinite(m.value) && m.value < best.value) best = std::move(m);
      }
  if (!std::isfinite(best.value)) return std::nullopt;
  PowerLawFit fit;
  fit.variable = variable;
  fit.A = std::exp(best.x[0]);
  fit.E = std::exp(best.x[1]);
  fit.alpha = best.x[2];
  fit.objective = best.value;
  fit.points = static_cast<int>(x.size());
  return fit;
}

}  // namespace sweep::analysis
