// Metric-artefact check (emergent on exact match, smooth on a continuous metric); see artefact.hpp.
#include "analysis/artefact.hpp"

#include <algorithm>
#include <cstdio>

namespace sweep::analysis {

ArtefactCheck check_metric_artefact(const Curve& discrete, const Verdict& dv, const Curve& continuous,
                                    const Verdict& cv, const VerdictOptions& o) {
  ArtefactCheck out;
  if (dv.shape != Shape::Emergent || cv.shape != Shape::SmoothPositive || dv.first_above < 1) return out;
  // The continuous metric at the discrete curve's scales.
  const auto yc_all = oriented_values(continuous);
  std::vector<double> yc;
  for (const auto& p : discrete.points) {
    for (std::size_t j = 0; j < continuous.points.size(); ++j)
      if (continuous.points[j].scale == p.scale) yc.push_back(yc_all[j]);
  }
  if (yc.size() != discrete.points.size()) return out;
  const std::size_t k = static_cast<std::size_t>(dv.first_above);
  const double rise_c = *std::max_element(yc.begin(), yc.end()) - *std::min_element(yc.begin(), yc.end());
  char buf[256];
  if (k >= 2) {
    const double gain = yc[k - 1] - yc[0];
    if (gain > cv.threshold) {
      std::snprintf(buf, sizeof buf, "%s improves by %.3g while %s is still at chance (below %.3g)",
                    continuous.metric.c_str(), gain, discrete.metric.c_str(), discrete.points[k - 1].scale);
      out = {true, buf};
    }
  } else {
    const auto yd = oriented_values(discrete);
    const double rise_d = *std::max_element(yd.begin(), yd.end()) - *std::min_element(yd.begin(), yd.end());
    const double share_d = (yd[1] - yd[0]) / rise_d, share_c = rise_c > 0 ? (yc[1] - yc[0]) / rise_c : 1.0;
    if (share_d > o.jump_share && share_c <= o.jump_share) {
      std::snprintf(buf, sizeof buf, "%s rises gradually (first step %.0f%% of its rise) where %s jumps (%.0f%%)",
                    continuous.metric.c_str(), 100 * share_c, discrete.metric.c_str(), 100 * share_d);
      out = {true, buf};
    }
  }
  return out;
}

}  // namespace sweep::analysis
