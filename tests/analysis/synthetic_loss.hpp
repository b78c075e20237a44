// Synthetic loss data of known scaling law for the allocation tests: the
// Chinchilla law L(N, D) = E + A/N^alpha + B/D^beta with Hoffmann et al.'s
// constants, sampled with multiplicative lognormal noise.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "analysis/tidy.hpp"

namespace sweep::analysis::testing {

struct Law {
  double E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28;
  double loss(double n, double d) const { return E + A / std::pow(n, alpha) + B / std::pow(d, beta); }
  double a() const { return beta / (alpha + beta); }
  // N_opt(C) = G (C/6)^a under C = 6ND.
  double n_opt(double c) const {
    return std::pow(alpha * A / (beta * B), 1.0 / (alpha + beta)) * std::pow(c / 6.0, a());
  }
};

// One eval_loss row per (budget, size, seed): sizes_per_budget sizes,
// log-spaced `half_width` decades either side of each budget's true N_opt,
// D = C / (6 N), loss times exp(sigma z).
inline std::vector<TidyRow> isoflop_rows(const Law& law, const std::vector<double>& budgets, int sizes_per_budget,
                                         double half_width, int seeds, double sigma, std::uint64_t noise_seed) {
  std::mt19937_64 rng(noise_seed);
  std::normal_distribution<double> z(0.0, 1.0);
  std::vector<TidyRow> rows;
  for (double c : budgets)
    for (int k = 0; k < sizes_per_budget; ++k) {
      const double n = law.n_opt(c) * std::pow(10.0, half_width * (2.0 * k / (sizes_per_budget - 1) - 1.0));
      for (int s = 0; s < seeds; ++s) {
        TidyRow r;
        r.model = "m" + std::to_string(k);
        r.n_params = n;
        r.data_tokens = c / (6 * n);
        r.flops = c;
        r.metric = "eval_loss";
        r.value = law.loss(n, r.data_tokens) * std::exp(sigma * z(rng));
        r.seed = s;
        r.compute_budget = c;
        r.axes = "compute=" + std::to_string(c) + ";seed=" + std::to_string(s);
        rows.push_back(r);
      }
    }
  return rows;
}

}  // namespace sweep::analysis::testing
