// IsoFLOP profiles (Chinchilla approach 2); see isoflop.hpp.
#include "analysis/isoflop.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

namespace sweep::analysis {

double Parabola::at(double ln_n) const {
  const double u = ln_n - center;
  return c0 + c1 * u + c2 * u * u;
}

Parabola fit_parabola(const std::vector<double>& ln_n, const std::vector<double>& loss,
                      const std::vector<double>& weight) {
  if (std::set<double>(ln_n.begin(), ln_n.end()).size() < 3)
    throw std::invalid_argument("fit_parabola: needs 3 distinct N");
  Parabola p;
  double sw = 0;
  for (std::size_t i = 0; i < ln_n.size(); ++i) sw += weight[i], p.center += weight[i] * ln_n[i];
  p.center /= sw;
  // Normal equations M c = v of sum_i w_i (loss_i - c0 - c1 u - c2 u^2)^2.
  double M[3][4] = {};
  for (std::size_t i = 0; i < ln_n.size(); ++i) {
    const double u = ln_n[i] - p.center, pw[3] = {1, u, u * u};
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) M[r][c] += weight[i] * pw[r] * pw[c];
      M[r][3] += weight[i] * pw[r] * loss[i];
    }
  }
  for (int k = 0; k < 3; ++k) {  // Gaussian elimination, partial pivoting
    int piv = k;
    for (int r = k + 1; r < 3; ++r)
      if (std::abs(M[r][k]) > std::abs(M[piv][k])) piv = r;
    std::swap(M[k], M[piv]);
    for (int r = k + 1; r < 3; ++r) {
      const double f = M[r][k] / M[k][k];
      for (int c = k; c < 4; ++c) M[r][c] -= f * M[k][c];
    }
  }
  double c[3];
  for (int k = 2; k >= 0; --k) {
    double s = M[k][3];
    for (int j = k + 1; j < 3; ++j) s -= M[k][j] * c[j];
    c[k] = s / M[k][k];
  }
  p.c0 = c[0], p.c1 = c[1], p.c2 = c[2];
  return p;
}

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

struct Profile {
  double compute = 0;
  std::vector<const LossCell*> cells;
  std::vector<double> ln_n, weight;
};

// Weights 1/se^2 of each cell's mean. Seed scatter from 2-3 seeds is itself
// too noisy to weight by (weights from it cost the test grid of
// tests/analysis/test_isoflop.cpp a third of its precision), so with seeds the
// noise is taken as multiplicative and common to the profile: se_i ~ mean_i /
// sqrt(k_i), w_i = k_i / mean_i^2. Cells of one seed whose metric has its own
// stderr (an eval over many tokens: well measured) use it, when all do.
std::vector<double> weights_of(const std::vector<const LossCell*>& cells) {
  std::vector<double> w;
  bool own = true;
  for (const LossCell* c : cells) own = own && c->losses.size() == 1 && c->own_std_err > 0 && std::isfinite(c->own_std_err);
  for (const LossCell* c : cells) {
    const double m = c->mean();
    w.push_back(own ? 1.0 / (c->own_std_err * c->own_std_err) : c->losses.size() / (m * m));
  }
  return w;
}

// Fits one profile's parabola to `loss` (one value per cell) and judges its vertex.
IsoflopBudget judge(const Profile& p, const std::vector<double>& loss) {
  IsoflopBudget b;
  b.compute = p.compute;
  b.points = static_cast<int>(p.cells.size());
  b.distinct_n = static_cast<int>(std::set<double>(p.ln_n.begin(), p.ln_n.end()).size());
  b.n_lo = std::exp(*std::min_element(p.ln_n.begin(), p.ln_n.end()));
  b.n_hi = std::exp(*std::max_element(p.ln_n.begin(), p.ln_n.end()));
  if (b.distinct_n < 3) {
    b.reason = "only " + std::to_string(b.distinct_n) + " model sizes (a parabola needs 3)";
    return b;
  }
  b.parabola = fit_parabola(p.ln_n, loss, p.weight);
  b.fitted = true;
  const Parabola& q = b.parabola;
  if (!(q.c2 > 0)) {
    b.reason = "the parabola opens downward (no minimum)";
    return b;
  }
  const double ln_opt = q.center - q.c1 / (2 * q.c2);
  b.n_opt = std::exp(ln_opt);
  b.d_opt = b.compute / (6.0 * b.n_opt);
  b.loss_min = q.at(ln_opt);
  if (!(b.n_opt >= b.n_lo && b.n_opt <= b.n_hi)) {
    b.reason = "the vertex N = " + fmt(b.n_opt) + " lies outside the profile's N range [" + fmt(b.n_lo) + ", " +
               fmt(b.n_hi) + "]";
    return b;
  }
  b.identified = true;
  return b;
}

std::vector<Profile> profiles_of(const std::vector<LossCell>& cells, const IsoflopOptions& o, IsoflopAnalysis& out) {
  std::vector<Profile> profiles;
  out.from_budgets = std::any_of(cells.begin(), cells.end(), [](const LossCell& c) { return c.compute_budget > 0; });
  if (out.from_budgets) {
    std::map<double, Profile> by_budget;
    int unbudgeted = 0;
    for (const auto& c : cells) {
      if (!(c.compute_budget > 0)) {
        ++unbudgeted;
        continue;
      }
      Profile& p = by_budget[c.compute_budget];
      p.compute = c.compute_budget;
      p.cells.push_back(&c);
    }
    if (unbudgeted > 0)
      out.notes.push_back("approach 2: " + std::to_string(unbudgeted) + " loss points without a compute budget left out");
    for (auto& [c, p] : by_budget) profiles.push_back(std::move(p));
  } else {
    std::vector<const LossCell*> sorted;
    for (const auto& c : cells) sorted.push_back(&c);
    std::sort(sorted.begin(), sorted.end(), [](const LossCell* u, const LossCell* v) { return u->compute() < v->compute(); });
    double first = 0;
    for (const LossCell* c : sorted) {
      if (profiles.empty() || c->compute() > first * (1 + o.group_tolerance)) {
        profiles.emplace_back();
        first = c->compute();
      }
      profiles.back().cells.push_back(c);
    }
    for (auto& p : profiles) {
      double s = 0;
      for (const LossCell* c : p.cells) s += std::log(c->compute());
      p.compute = std::exp(s / p.cells.size());
    }
    out.notes.push_back("approach 2: no compute budgets in the table; profiles group points by C = 6ND (within " +
                        fmt(100 * o.group_tolerance) + "% above a profile's smallest C)");
  }
  for (auto& p : profiles) {
    for (const LossCell* c : p.cells) p.ln_n.push_back(std::log(c->n_params));
    p.weight = weights_of(p.cells);
  }
  return profiles;
}

void fit_allocation(const std::vector<IsoflopBudget>& budgets, Allocation& al) {
  std::vector<double> c, n, d;
  for (const auto& b : budgets)
    if (b.identified) c.push_back(b.compute), n.push_back(b.n_opt), d.push_back(b.d_opt);
  al.id = identify_by_dof(static_cast<int>(c.size()), 2);
  if (!al.id.identified)
    al.id.reason = std::to_string(c.size()) + (c.size() == 1 ? " budget" : " budgets") + " for 2 parameters";
  const auto ln = fit_log_log(c, n), ld = fit_log_log(c, d);
  if (!ln || !ld) return;
  al.a = ln->slope;
  al.a_coefficient = std::exp(ln->intercept);
  al.b = ld->slope;
}

}  // namespace

IsoflopAnalysis isoflop_analysis(const std::vector<LossCell>& cells, const IsoflopOptions& o) {
  IsoflopAnalysis out;
  const std::vector<Profile> profiles = profiles_of(cells, o, out);
  std::vector<std::vector<double>> means;
  for (const auto& p : profiles) {
    std::vector<double> m;
    for (const LossCell* c : p.cells) m.push_back(c->mean());
    out.budgets.push_back(judge(p, m));
    means.push_back(std::move(m));
    const IsoflopBudget& b = out.budgets.back();
    if (!b.identified) out.notes.push_back("approach 2: budget C = " + fmt(b.compute) + " skipped: " + b.reason);
  }
  fit_allocation(out.budgets, out.allocation);
  if (o.resamples <= 0 || !out.allocation.id.identified) return out;

  // Residuals of one-seed cells on profiles with spare points, inflated by
  // sqrt(n / (n - 3)) for the parabola's 3 parameters, pooled across budgets.
  std::vector<double> residuals;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const IsoflopBudget& b = out.budgets[i];
    const int n = b.points;
    if (!b.fitted || n <= 3) continue;
    for (std::size_t j = 0; j < profiles[i].cells.size(); ++j)
      if (profiles[i].cells[j]->losses.size() == 1)
        residuals.push_back((means[i][j] - b.parabola.at(profiles[i].ln_n[j])) * std::sqrt(double(n) / (n - 3)));
  }
  std::mt19937_64 rng(o.seed);
  std::vector<double> as, bs;
  for (int r = 0; r < o.resamples; ++r) {
    std::vector<IsoflopBudget> rb;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      if (!out.budgets[i].identified) continue;
      std::vector<double> loss;
      for (std::size_t j = 0; j < profiles[i].cells.size(); ++j) {
        const LossCell& c = *profiles[i].cells[j];
        if (c.losses.size() > 1) {
          // Seeds drawn around the cell mean, spread by sqrt(k / (k - 1)): the
          // plain bootstrap of a k-seed mean has variance (k - 1)/k of the true
          // one, which matters at 2-3 seeds.
          const double k = static_cast<double>(c.losses.size()), m = means[i][j], inflate = std::sqrt(k / (k - 1));
          std::uniform_int_distribution<std::size_t> pick(0, c.losses.size() - 1);
          double s = 0;
          for (std::size_t q = 0; q < c.losses.size(); ++q) s += m + inflate * (c.losses[pick(rng)] - m);
          loss.push_back(s / k);
        } else if (!residuals.empty()) {
          std::uniform_int_distribution<std::size_t> pick(0, residuals.size() - 1);
          loss.push_back(out.budgets[i].parabola.at(profiles[i].ln_n[j]) + residuals[pick(rng)]);
        } else {
          loss.push_back(means[i][j]);
        }
      }
      rb.push_back(judge(profiles[i], loss));
    }
    Allocation al;
    fit_allocation(rb, al);
    if (std::isfinite(al.a)) as.push_back(al.a), bs.push_back(al.b);
  }
  out.allocation.resamples = static_cast<int>(as.size());
  out.allocation.a_interval = percentile_interval(as);
  out.allocation.b_interval = percentile_interval(bs);
  if (out.allocation.resamples < o.resamples)
    out.notes.push_back("approach 2: " + std::to_string(o.resamples - out.allocation.resamples) + " of " +
                        std::to_string(o.resamples) + " bootstrap resamples had fewer than 2 identified budgets");
  return out;
}

}  // namespace sweep::analysis
