// Log-log least squares for allocation laws; see allocation.hpp.
#include "analysis/allocation.hpp"

#include <cmath>
#include <set>

namespace sweep::analysis {

std::optional<LogLogLine> fit_log_log(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) return std::nullopt;
  std::set<double> distinct;
  double sx = 0, sy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] > 0 && y[i] > 0)) return std::nullopt;
    distinct.insert(x[i]);
    sx += std::log(x[i]);
    sy += std::log(y[i]);
  }
  if (distinct.size() < 2) return std::nullopt;
  const double n = static_cast<double>(x.size()), mx = sx / n, my = sy / n;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = std::log(x[i]) - mx;
    sxx += dx * dx;
    sxy += dx * (std::log(y[i]) - my);
  }
  LogLogLine line;
  line.slope = sxy / sxx;
  line.intercept = my - line.slope * mx;
  return line;
}

}  // namespace sweep::analysis
