// Prompt-style crossovers over scale; see crossover.hpp.
#include "analysis/crossover.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/verdict.hpp"

namespace sweep::analysis {

std::optional<Crossover> overtakes(const Curve& p, const Curve& q, double threshold) {
  const auto yp = oriented_values(p), yq = oriented_values(q);
  std::vector<double> x, d;
  for (std::size_t i = 0; i < p.points.size(); ++i)
    for (std::size_t j = 0; j < q.points.size(); ++j)
      if (p.points[i].scale == q.points[j].scale) {
        x.push_back(p.points[i].scale);
        d.push_back(yp[i] - yq[j]);
      }
  if (d.size() < 2 || !(d.back() > threshold)) return std::nullopt;
  std::size_t j = d.size() - 1;  // first index of the final all-positive run
  while (j > 0 && d[j - 1] > 0) --j;
  if (j == 0) return std::nullopt;  // led everywhere: no crossover
  if (!std::any_of(d.begin(), d.begin() + j, [](double v) { return v < 0; })) return std::nullopt;  // only tied
  Crossover c;
  c.task = p.task;
  c.metric = p.metric;
  c.axis = p.axis;
  c.leader = p.prompt;
  c.trailer = q.prompt;
  c.lead = d.back();
  const double t = -d[j - 1] / (d[j] - d[j - 1]);
  c.scale = std::exp(std::log(x[j - 1]) + t * (std::log(x[j]) - std::log(x[j - 1])));
  return c;
}

std::vector<Crossover> find_crossovers(const std::vector<Curve>& curves, const std::vector<double>& thresholds) {
  std::vector<Crossover> out;
  for (std::size_t i = 0; i < curves.size(); ++i)
    for (std::size_t j = 0; j < curves.size(); ++j) {
      const Curve &a = curves[i], &b = curves[j];
      if (i == j || a.task != b.task || a.metric != b.metric || a.axis != b.axis || a.prompt == b.prompt) continue;
      if (auto c = overtakes(a, b, std::max(thresholds[i], thresholds[j]))) out.push_back(*c);
    }
  return out;
}

}  // namespace sweep::analysis
