// Is a score above chance? The binomial (Wilson) test. Metric kinds: metric_registry.hpp.
#pragma once

#include <cstdint>
#include <string>

namespace sweep::analysis {

struct WilsonInterval {
  double lo = 0, hi = 1;
};
// Wilson score interval for k successes in n trials at normal quantile z.
WilsonInterval wilson_interval(double k, double n, double z);

// One-sided 95%: z = 1.645. With n = 100 and p0 = 0.25, 33 correct is the
// smallest count whose Wilson lower bound exceeds p0 (as the exact binomial
// test's p < 0.05 cut-off).
constexpr double kOneSidedZ95 = 1.645;

struct ChanceTest {
  bool significant = false;  // statistically above the baseline
  bool clearly = false;      // significant and at least min_effect above it
};

// Above-chance test of one score `value` against baseline p0:
// - with n > 0 examples of an accuracy-like metric: the Wilson lower bound of
//   round(value * n) successes in n trials exceeds p0 (for exact match with
//   p0 = 0 that is: at least one example right);
// - otherwise with a standard error > 0: (value - p0) / stderr > z;
// - otherwise: value - p0 >= min_effect.
// `value` and `p0` are oriented (higher is better).
ChanceTest above_chance(double value, double p0, double std_err, std::int64_t n, bool binomial, double min_effect,
                        double z = kOneSidedZ95);

}  // namespace sweep::analysis
