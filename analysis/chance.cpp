// Metric kinds and the above-chance (Wilson) test; see chance.hpp.
#include "analysis/chance.hpp"

#include <algorithm>
#include <cmath>

namespace sweep::analysis {

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
