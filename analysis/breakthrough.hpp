// BIG-bench breakthroughness (Srivastava et al. 2022, appendix): how much of a
// curve's change happens in a few steps rather than spread over all of them.
#pragma once

#include <vector>

namespace sweep::analysis {

// For scores y over models sorted by scale:
//   I(y) = sign(argmax y - argmin y) * (max y - min y),
//   B = I(y) / sqrt(median_i (y_{i+1} - y_i)^2).
// Invariant to the BIG-bench normalisation 100 (y - low) / (high - low), so it
// is computed on the raw (oriented) scores. +-infinity when the median squared
// step is 0 (most steps flat: a pure jump); NaN with fewer than 2 points.
double breakthroughness(const std::vector<double>& y);

}  // namespace sweep::analysis
