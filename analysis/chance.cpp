// Metric kinds and the above-chance (Wilson) test; see chance.hpp.
#include "analysis/chance.hpp"

#include <cmath>

namespace sweep::analysis {

bool accuracy_like(const std::string& metric) {
  return metric == "exact_match" || metric == "acc" || metric == "acc_norm" || metric == "accuracy" ||
         metric == "multiple_choice_grade" || metric == "exact_str_match";
}

double metric_scale(const std::string& metric) {
  return metric == "bleu" || metric == "rouge1" || metric == "rouge2" || metric == "rougeLsum" ? 100.0 : 1.0;
}

bool lower_is_better(const std::string& metric) {
  return metric.find("loss") != std::string::npos || metric == "edit_distance" || metric == "brier" ||
         metric == "perplexity";
}

WilsonInterval wilson_interval(double k, double n, double z) {
  if (n <= 0) return {};
  const double p = k / n, z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  // Exactly 0 at k = 0 (and 1 at k = n): rounding must not put a bound above chance.
  return {k <= 0 ? 0.0 : std::max(0.0, centre - half), k >= n ? 1.0 : std::min(1.0, centre + half)};
}

ChanceTest above_chance(double value, double p0, double std_err, std::int64_t n, bool binomial, double min_effect,
                        double z) {
  ChanceTest t;
  if (binomial && n > 0) {
    const double k = std::round(value * static_cast<double>(n));
    t.significant = wilson_interval(k, static_cast<double>(n), z).lo > p0;
  } else if (std::isfinite(std_err) && std_err > 0) {
    t.significant = (value - p0) / std_err > z;
  } else {
    t.significant = value - p0 >= min_effect;
  }
  t.clearly = t.significant && value - p0 >= min_effect;
  return t;
}

}  // namespace sweep::analysis
