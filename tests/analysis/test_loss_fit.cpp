// Loss fits: the Chinchilla approach-3 replication on published points, and
// the one-variable power laws on curves of known parameters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/chinchilla_points.hpp"
#include "analysis/loss_fit.hpp"

using namespace sweep::analysis;

TEST(ChinchillaFit, ReplicatesBesiroglusFitOfFigure4Points) {
  ASSERT_EQ(read_chinchilla_points(SWEEP_CHINCHILLA_CSV, 0).size(), 245u);  // as published
  // As in the replication: the 5 highest-loss points dropped.
  const auto pts = read_chinchilla_points(SWEEP_CHINCHILLA_CSV, 5);
  ASSERT_EQ(pts.size(), 240u);
  const ChinchillaFit fit = fit_chinchilla(pts);
  EXPECT_EQ(fit.starts, 4500);
  // Field notes: A ~ 478, B ~ 2142, E ~ 1.817, alpha ~ 0.347, beta ~ 0.367.
  EXPECT_NEAR(fit.alpha, 0.347, 0.01);
  EXPECT_NEAR(fit.beta, 0.367, 0.01);
  EXPECT_NEAR(fit.E, 1.817, 0.01);
  EXPECT_NEAR(fit.A, 478, 478 * 0.05);
  EXPECT_NEAR(fit.B, 2142, 2142 * 0.05);
  const ComputeOptimal opt = compute_optimal(fit);
  EXPECT_NEAR(opt.a, 0.367 / (0.347 + 0.367), 0.01);
  EXPECT_NEAR(opt.a + opt.b, 1.0, 1e-12);

  // The bootstrap interval holds the point estimate and has width.
  const ChinchillaBootstrap b = bootstrap_chinchilla(pts, fit, 100);
  EXPECT_EQ(b.resamples, 100);
  EXPECT_LT(b.alpha.lo, fit.alpha);
  EXPECT_GT(b.alpha.hi, fit.alpha);
  EXPECT_LT(b.E.lo, fit.E);
  EXPECT_GT(b.E.hi, fit.E);
  EXPECT_GT(b.beta.hi - b.beta.lo, 0.005);
}

TEST(ChinchillaFit, ObjectiveGradientMatchesFiniteDifferences) {
  const std::vector<LossPoint> pts = {{1e8, 2e9, 3.1}, {4e8, 8e9, 2.6}, {1e9, 2e10, 2.4}, {3e9, 1e11, 2.2}};
  const double theta[5] = {6.0, 7.5, 0.5, 0.35, 0.3};
  double grad[5];
  chinchilla_objective(pts, theta, grad);
  for (int i = 0; i < 5; ++i) {
    double up[5], down[5];
    std::copy(theta, theta + 5, up);
    std::copy(theta, theta + 5, down);
    up[i] += 1e-6;
    down[i] -= 1e-6;
    const double fd = (chinchilla_objective(pts, up, nullptr) - chinchilla_objective(pts, down, nullptr)) / 2e-6;
    EXPECT_NEAR(grad[i], fd, 1e-6 + 1e-4 * std::abs(fd)) << "parameter " << i;
  }
}

TEST(ChinchillaFit, RecoversTheParametersOfNoiselessLoss) {
  const double A = 400, B = 1500, E = 1.7, alpha = 0.34, beta = 0.28;
  std::vector<LossPoint> pts;
  for (double n : {1e7, 3e7, 1e8, 3e8, 1e9})
    for (double d : {1e9, 3e9, 1e10, 3e10}) pts.push_back({n, d, E + A / std::pow(n, alpha) + B / std::pow(d, beta)});
  // A coarse grid keeps the test quick; the full grid is exercised above.
  const ChinchillaFit fit = fit_chinchilla(pts, {{5, 5, 0, 0.5, 0.5}, {6, 7, 0.5, 0.3, 0.3}, {0, 0, 0, 0, 0}});
  EXPECT_NEAR(fit.alpha, alpha, 0.01);
  EXPECT_NEAR(fit.beta, beta, 0.01);
  EXPECT_NEAR(fit.E, E, 0.01);
}

TEST(ComputeOptimal, SplitsComputeAsTheClosedForm) {
  ChinchillaFit f;
  f.A = 406.4, f.B = 410.7, f.E = 1.69, f.alpha = 0.34, f.beta = 0.28;
  const ComputeOptimal c = compute_optimal(f);
  EXPECT_NEAR(c.a, 0.28 / 0.62, 1e-12);
  const double C = 5.76e23;  // Chinchilla's budget
  EXPECT_NEAR(6 * c.n_opt(C) * c.d_opt(C) / C, 1.0, 1e-9);
  // N_opt minimises the loss along C = 6 N D.
  auto loss_at = [&](double n) { return f.E + f.A / std::pow(n, f.alpha) + f.B / std::pow(C / (6 * n), f.beta); };
  EXPECT_LT(loss_at(c.n_opt(C)), loss_at(c.n_opt(C) * 1.1));
  EXPECT_LT(loss_at(c.n_opt(C)), loss_at(c.n_opt(C) / 1.1));
  EXPECT_NEAR(optimal_loss(f, C), loss_at(c.n_opt(C)), 1e-9);
}

TEST(FrontierBand, SpansExactlyTheGivenComputeRangeWithThePercentilesOfTheRefits) {
  ChinchillaFit f;
  f.A = 406.4, f.B = 410.7, f.E = 1.69, f.alpha = 0.34, f.beta = 0.28;
  // 101 refits whose irreducible loss steps by 0.001 from E - 0.05 to E + 0.05:
  // their frontiers are the fit's shifted by that step, so the pointwise 2.5th and
  // 97.5th percentiles sit 0.0475 below and above it.
  ChinchillaBootstrap boot;
  for (int k = 0; k <= 100; ++k) {
    ChinchillaFit r = f;
    r.E = f.E - 0.05 + 0.001 * k;
    boot.fits.push_back(r);
  }
  const auto band = frontier_band(f, boot, 1e18, 1e21, 7);
  ASSERT_EQ(band.size(), 7u);
  EXPECT_EQ(band.front().flops, 1e18);
  EXPECT_EQ(band.back().flops, 1e21);
  EXPECT_NEAR(band[2].flops, 1e19, 1e19 * 1e-12);  // evenly spaced in log
  for (const auto& p : band) {
    EXPECT_NEAR(p.loss, optimal_loss(f, p.flops), 1e-12);
    EXPECT_NEAR(p.lo, p.loss - 0.0475, 1e-9);
    EXPECT_NEAR(p.hi, p.loss + 0.0475, 1e-9);
  }
}

TEST(FrontierBand, HasNoIntervalWithoutRefitsAndNothingOverAnEmptyRange) {
  ChinchillaFit f;
  f.A = 406.4, f.B = 410.7, f.E = 1.69, f.alpha = 0.34, f.beta = 0.28;
  const auto band = frontier_band(f, ChinchillaBootstrap{}, 1e18, 1e20, 5);
  ASSERT_EQ(band.size(), 5u);
  EXPECT_TRUE(std::isnan(band[0].lo) && std::isnan(band[0].hi));
  EXPECT_EQ(frontier_band(f, ChinchillaBootstrap{}, 1e18, 1e18).size(), 1u);  // one compute: one point
  EXPECT_TRUE(frontier_band(f, ChinchillaBootstrap{}, 0, 1e18).empty());
}

TEST(ChinchillaBootstrap, KeepsEveryRefitForTheFrontierBand) {
  const double A = 400, B = 1500, E = 1.7, alpha = 0.34, beta = 0.28;
  std::vector<LossPoint> pts;
  for (double n : {1e7, 3e7, 1e8})
    for (double d : {1e9, 3e9, 1e10}) pts.push_back({n, d, E + A / std::pow(n, alpha) + B / std::pow(d, beta)});
  ChinchillaFit fit;
  fit.A = A, fit.B = B, fit.E = E, fit.alpha = alpha, fit.beta = beta;
  const ChinchillaBootstrap boot = bootstrap_chinchilla(pts, fit, 20);
  EXPECT_EQ(static_cast<int>(boot.fits.size()), boot.resamples);
  EXPECT_GT(boot.resamples, 0);
}

TEST(PowerLawFit, RecoversKaplanStyleLawWithIrreducibleTerm) {
  std::vector<double> x, l;
  for (double n = 1e6; n <= 1e10; n *= 2.5) {
    x.push_back(n);
    l.push_back(1.5 + 30.0 / std::pow(n, 0.3));
  }
  const auto fit = fit_power_law("N", x, l);
  ASSERT_TRUE(fit);
  EXPECT_NEAR(fit->alpha, 0.3, 0.01);
  EXPECT_NEAR(fit->E, 1.5, 0.01);
  EXPECT_NEAR(fit->predict(3e8), 1.5 + 30.0 / std::pow(3e8, 0.3), 1e-3);
}

TEST(PowerLawFit, NeedsThreeDistinctScales) {
  EXPECT_FALSE(fit_power_law("N", {1e6, 1e6, 1e7}, {3.0, 3.1, 2.5}));
}

TEST(Huber, IsQuadraticInsideDeltaAndLinearOutside) {
  EXPECT_DOUBLE_EQ(huber(5e-4, 1e-3), 0.5 * 5e-4 * 5e-4);
  EXPECT_DOUBLE_EQ(huber(-0.01, 1e-3), 1e-3 * (0.01 - 0.5e-3));
  EXPECT_DOUBLE_EQ(huber_derivative(0.01, 1e-3), 1e-3);
  EXPECT_DOUBLE_EQ(huber_derivative(-5e-4, 1e-3), -5e-4);
}
