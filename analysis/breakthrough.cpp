// BIG-bench breakthroughness of a curve; see breakthrough.hpp.
#include "analysis/breakthrough.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sweep::analysis {

double breakthroughness(const std::vector<double>& y) {
  if (y.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  const auto [mn, mx] = std::minmax_element(y.begin(), y.end());
  const double sign = (mx - y.begin()) >= (mn - y.begin()) ? 1.0 : -1.0;
  const double I = sign * (*mx - *mn);
  std::vector<double> sq;
  for (std::size_t i = 0; i + 1 < y.size(); ++i) sq.push_back((y[i + 1] - y[i]) * (y[i + 1] - y[i]));
  std::sort(sq.begin(), sq.end());
  const std::size_t m = sq.size();
  const double median = m % 2 ? sq[m / 2] : 0.5 * (sq[m / 2 - 1] + sq[m / 2]);
  if (median == 0) return I == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), I);
  return I / std::sqrt(median);
}

}  // namespace sweep::analysis
