// Tidy rows -> curves over model size and compute, with baselines; see curve.hpp.
#include "analysis/curve.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "analysis/chance.hpp"

namespace sweep::analysis {
namespace {

using Key = std::tuple<std::string, std::string, std::string>;  // task, prompt, metric

// Averages rows that land on the same scale.
CurvePoint merge(double scale, const std::vector<const TidyRow*>& rows) {
  CurvePoint p;
  p.scale = scale;
  double sum = 0, se2 = 0;
  bool se_known = true;
  for (const TidyRow* r : rows) {
    sum += r->value;
    if (std::isfinite(r->std_err)) se2 += r->std_err * r->std_err;
    else se_known = false;
    p.n += r->n_examples;
  }
  const double m = static_cast<double>(rows.size());
  p.value = sum / m;
  p.std_err = se_known ? std::sqrt(se2) / m : kNaN;
  return p;
}

double resolve_baseline(const Key& key, const std::vector<const TidyRow*>& rows, const std::vector<TidyRow>& all,
                        const BaselineOverrides& overrides, std::string& source) {
  double sum = 0;
  int count = 0;
  for (const TidyRow* r : rows)
    if (std::isfinite(r->random_baseline)) {
      sum += r->random_baseline;
      ++count;
    }
  if (count > 0) {
    source = "column";
    return sum / count;
  }
  const auto& [task, prompt, metric] = key;
  if (accuracy_like(metric)) {
    for (const auto& r : all)
      if (r.metric == "random_baseline" && r.task == task && (r.prompt.empty() || r.prompt == prompt)) {
        source = "metric_rows";
        return r.value;
      }
    if (auto it = overrides.find(task); it != overrides.end()) {
      source = "command_line";
      return it->second;
    }
    source = "default_zero";
    return 0.0;
  }
  source = "none";
  return kNaN;
}

}  // namespace

std::vector<Curve> build_curves(const std::vector<TidyRow>& rows, const BaselineOverrides& overrides) {
  std::map<Key, std::vector<const TidyRow*>> groups;
  for (const auto& r : rows) {
    // Losses are fitted as scaling laws, not judged as abilities.
    if (r.task.empty() || r.metric == "random_baseline" || r.metric.find("loss") != std::string::npos)
      continue;
    if (!std::isfinite(r.value) || !(r.n_params > 0)) continue;
    groups[{r.task, r.prompt, r.metric}].push_back(&r);
  }
  std::vector<Curve> curves;
  for (const auto& [key, members] : groups) {
    std::string source;
    const double baseline = resolve_baseline(key, members, rows, overrides, source);
    // params: per size, the rows with the most training data.
    std::map<double, double> most_data;
    for (const TidyRow* r : members) most_data[r->n_params] = std::max(most_data[r->n_params], r->data_tokens);
    std::map<double, std::vector<const TidyRow*>> by_params, by_flops;
    for (const TidyRow* r : members) {
      if (r->data_tokens == most_data[r->n_params]) by_params[r->n_params].push_back(r);
      if (r->flops > 0) by_flops[r->flops].push_back(r);
    }
    for (const auto& [axis, bins] : {std::pair{std::string("params"), &by_params}, std::pair{std::string("flops"), &by_flops}}) {
      Curve c;
      std::tie(c.task, c.prompt, c.metric) = key;
      c.axis = axis;
      c.baseline = baseline;
      c.baseline_source = source;
      for (const auto& [scale, rs] : *bins) c.points.push_back(merge(scale, rs));
      if (!c.points.empty()) curves.push_back(std::move(c));
    }
  }
  return curves;
}

}  // namespace sweep::analysis
