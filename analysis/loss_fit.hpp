// Scaling-law fits of loss: L(N, D) = E + A/N^alpha + B/D^beta (Chinchilla
// approach 3, Hoffmann et al. 2022, procedure of Besiroglu et al. 2024) and the
// one-variable laws L(x) = E + A/x^alpha for x = N, D or C. Formulas:
// shared/docs/field-notes.md, "Scaling-analysis formulas".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sweep::analysis {

// One training run: parameters N, tokens D, its loss (nats/token).
struct LossPoint {
  double n_params = 0.0;
  double tokens = 0.0;
  double loss = 0.0;
};

constexpr double kHuberDelta = 1e-3;  // on log loss, as in Hoffmann et al.

// Huber loss of residual r, and its derivative (scipy.special.huber's form).
double huber(double r, double delta);
double huber_derivative(double r, double delta);

struct ChinchillaFit {
  double A = 0, B = 0, E = 0, alpha = 0, beta = 0;
  double objective = 0;  // sum of Huber losses at the optimum
  int starts = 0;        // L-BFGS starts tried
  int points = 0;
};

// The approach-3 objective at theta = (a, b, e, alpha, beta) with A = e^a,
// B = e^b, E = e^e: sum_i Huber(LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i).
// Writes the gradient into grad (5 entries) when it is not null.
double chinchilla_objective(const std::vector<LossPoint>& pts, const double* theta, double* grad,
                            double delta = kHuberDelta);

// The grid of starts in the field notes: alpha, beta in {0, 0.5, ..., 2},
// e in {-1, -0.5, ..., 1}, a, b in {0, 5, ..., 25} (4500 starts), as theta.
std::vector<std::vector<double>> chinchilla_start_grid();

// Minimises the objective with L-BFGS from every start; keeps the lowest.
// Throws std::invalid_argument with fewer than 5 points or non-positive values.
ChinchillaFit fit_chinchilla(const std::vector<LossPoint>& pts,
                             const std::vector<std::vector<double>>& starts = chinchilla_start_grid());

// Compute-optimal allocation under C = 6 N D for a fitted law.
struct ComputeOptimal {
  double G = 0;  // (alpha A / (beta B))^(1/(alpha+beta))
  double a = 0;  // N_opt ~ C^a, a = beta/(alpha+beta)
  double b = 0;  // D_opt ~ C^b, b = alpha/(alpha+beta)
  double n_opt(double flops) const;
  double d_opt(double flops) const;
};
ComputeOptimal compute_optimal(const ChinchillaFit& fit);
// Loss predicted at the compute-optimal (N, D) for compute C: the fitted frontier.
double optimal_loss(const ChinchillaFit& fit, double flops);

// Percentile interval of each parameter over bootstrap refits.
struct Interval {
  double lo = 0, hi = 0;
};
// The 2.5th and 97.5th percentiles of v (linear interpolation); NaN when v is empty.
Interval percentile_interval(std::vector<double> v);
struct ChinchillaBootstrap {
  int resamples = 0;
  Interval A, B, E, alpha, beta, a;
  std::vector<ChinchillaFit> fits;  // every refit that converged (resamples of them): frontier_band reads them
};
// Resamples the points with replacement `resamples` times (fixed seed, so a
// report is reproducible) and refits each from the full-data optimum `fit`
// (one L-BFGS start: the full grid per resample would cost minutes). 95%
// percentile intervals.
ChinchillaBootstrap bootstrap_chinchilla(const std::vector<LossPoint>& pts, const ChinchillaFit& fit, int resamples,
                                         std::uint64_t seed = 20240501);

// Seed replicates of one (N, D): the fit sees their mean loss.
struct ReplicatedPoint {
  double n_params = 0, tokens = 0;
  std::vector<double> losses;  // at least one
};
// The honest bootstrap with replicates: each resample draws (N, D) cells with
// replacement and, within each drawn cell, its seeds with replacement, and
// refits the means; so seed scatter widens the intervals. With one seed per
// cell it is the point bootstrap above (same draws, same intervals).
ChinchillaBootstrap bootstrap_chinchilla(const std::vector<ReplicatedPoint>& cells, const ChinchillaFit& fit,
                                         int resamples, std::uint64_t seed = 20240501);

// The fitted frontier L(N_opt(C), D_opt(C)) at `points` computes spaced evenly in
// log from c_lo to c_hi (both included: a plot draws it over the data's range
// only), with its pointwise 95% percentile interval over the bootstrap refits
// (lo and hi NaN without refits). The interval is of the frontier, not of a
// run's loss: seed noise of single runs lies outside it.
struct FrontierPoint {
  double flops = 0, loss = 0, lo = 0, hi = 0;
};
std::vector<FrontierPoint> frontier_band(const ChinchillaFit& fit, const ChinchillaBootstrap& boot, double c_lo,
                                         double c_hi, int points = 40);

// Whether a fit's parameters are pinned down by its data. Degrees of freedom
// are points minus parameters; a fit is unidentified when they are <= 0, or
// (Chinchilla) when the bootstrap interval of A or B spans more than two
// orders of magnitude (hi / lo > 100): the data trade A against alpha.
struct Identification {
  int points = 0;
  int parameters = 0;
  int dof = 0;
  bool identified = false;
  std::string reason;  // why not identified; empty when identified
};
Identification identify_by_dof(int points, int parameters);
Identification identify_chinchilla(const ChinchillaFit& fit, const ChinchillaBootstrap& boot);
const char* identified_word(const Identification& id);  // "identified" or "unidentified"

// L(x) = E + A / x^alpha, fitted like approach 3 in one variable (Huber on log
// loss, L-BFGS from alpha in {0..2}, e in {-1..1}, a in {0, 5, ..., 25}).
struct PowerLawFit {
  std::string variable;  // "N", "D" or "C"
  double A = 0, E = 0, alpha = 0;
  double objective = 0;
  int points = 0;
  double predict(double x) const;
};
// Needs at least 3 points with at least 3 distinct x.
std::optional<PowerLawFit> fit_power_law(const std::string& variable, const std::vector<double>& x,
                                         const std::vector<double>& loss);

}  // namespace sweep::analysis
