// The sharpness test behind the `emergent` verdict: does a sigmoid in log
// scale explain a curve better than a straight line in log scale? Both are
// fitted by maximum likelihood (binomial on the counts value * n where the
// metric counts successes, Gaussian with the points' standard errors
// otherwise) and compared by (quasi-)AIC. Rules and thresholds:
// analysis/README.md, "Sharpness".
#pragma once

#include <cstdint>
#include <vector>

namespace sweep::analysis {

struct SharpPoint {
  double x = 0;   // log10 of the scale
  double y = 0;   // oriented value (higher is better), on the metric's own scale
  double se = 0;  // standard error; 0 unknown
  double n = 0;   // examples behind y (binomial only)
};

struct SharpInput {
  std::vector<SharpPoint> points;  // sorted by x, distinct x
  bool binomial = false;           // y in [0, 1] is successes / n
  // The sigmoid's lower asymptote: the chance level (with 5 or more points a
  // fitted floor is tried too, and kept when its AIC is lower); NaN: fitted.
  double floor = 0;
  int bootstrap = 200;             // parametric resamples for the interval of x0 (0: none)
  // Points without standard errors: the smallest noise standard deviation
  // assumed (y units), so that a near-exact fit of few points decides nothing.
  double min_noise = 0.005;
};

struct SharpFit {
  bool fitted = false;
  // Linear in log scale: y = a + b x (2 parameters).
  double lin_a = 0, lin_b = 0, lin_deviance = 0;
  // Sigmoid: y = floor + (top - floor) / (1 + exp(-slope (x - x0))); slope per decade.
  double floor = 0, top = 0, x0 = 0, slope = 0, sig_deviance = 0;
  int sig_params = 3;  // 3 with the floor at chance, 4 with the floor fitted
  // Overdispersion: the sigmoid's deviance per residual degree of freedom when
  // at least 3 are left, floored at 1 (binomial noise is the least there is).
  // Without standard errors: the noise variance, the sigmoid's residual
  // variance floored at min_noise^2. AIC = deviance / dispersion + 2 params.
  double dispersion = 1;
  double aic_linear = 0, aic_sigmoid = 0;
  double delta_aic = 0;                // aic_linear - aic_sigmoid: > 0 favours the sigmoid
  double width = 0;                    // decades from 10% to 90% of the sigmoid's rise: 2 ln 9 / slope
  double x0_lo = 0, x0_hi = 0;         // 95% parametric-bootstrap interval of x0 (NaN without bootstrap)
};

// Fits both models. Needs at least sig_params + 1 points (else fitted = false).
// Deterministic: the bootstrap's RNG seed is fixed.
SharpFit fit_sharpness(const SharpInput& in);

}  // namespace sweep::analysis
