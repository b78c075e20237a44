// Tidy rows -> curves over model size and compute, with baselines; see curve.hpp.
#include "analysis/curve.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace sweep::analysis {
namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string>;  // family, task, prompt, metric

// Averages rows that land on the same scale; values times `factor` (percent
// read as fractions).
CurvePoint merge(double scale, const std::vector<const TidyRow*>& rows, double factor) {
  CurvePoint p;
  p.scale = scale;
  double sum = 0, se2 = 0;
  bool se_known = true;
  for (const TidyRow* r : rows) {
    sum += r->value * factor;
    if (std::isfinite(r->std_err)) se2 += r->std_err * factor * r->std_err * factor;
    else se_known = false;
    p.n += r->n_examples;
  }
  const double m = static_cast<double>(rows.size());
  p.value = sum / m;
  p.std_err = se_known ? std::sqrt(se2) / m : kNaN;
  return p;
}

double resolve_baseline(const Key& key, const MetricInfo& info, const std::vector<const TidyRow*>& rows,
                        const std::vector<TidyRow>& all, const BaselineOverrides& overrides, double factor,
                        std::string& source) {
  double sum = 0;
  int count = 0;
  for (const TidyRow* r : rows)
    if (std::isfinite(r->random_baseline)) {
      sum += r->random_baseline;
      ++count;
    }
  if (count > 0) {
    source = "column";
    return sum / count * factor;
  }
  const auto& [family, task, prompt, metric] = key;
  if (info.kind == MetricKind::Accuracy) {
    for (const auto& r : all)
      if (r.metric == "random_baseline" && r.family == family && r.task == task &&
          (r.prompt.empty() || r.prompt == prompt)) {
        source = "metric_rows";
        return r.value;
      }
    if (auto it = overrides.find(task); it != overrides.end()) {
      source = "command_line";
      return it->second;
    }
  }
  if (std::isfinite(info.chance)) {
    source = "registry";
    return info.chance;
  }
  source = "none";
  return kNaN;
}

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

std::vector<Curve> build_curves(const std::vector<TidyRow>& rows, const BaselineOverrides& overrides,
                                const MetricRegistry& metrics) {
  std::map<Key, std::vector<const TidyRow*>> groups;
  for (const auto& r : rows) {
    if (r.task.empty() || r.metric == "random_baseline") continue;
    const MetricInfo& info = metrics.at(r.metric, r.where_metric);
    // Losses are fitted as scaling laws, not judged as abilities.
    if (info.kind == MetricKind::Loss && r.metric.find("loss") != std::string::npos) continue;
    if (!std::isfinite(r.value) || !(r.n_params > 0)) continue;
    groups[{r.family, r.task, r.prompt, r.metric}].push_back(&r);
  }
  std::vector<Curve> curves;
  for (const auto& [key, members] : groups) {
    const auto& [family, task, prompt, metric] = key;
    const MetricInfo& info = metrics.at(metric, members.front()->where_metric);
    // The source's scale: declared, or detected (a 0-1 metric with values in (1, 100]).
    const TidyRow* top = *std::max_element(members.begin(), members.end(),
                                           [](const TidyRow* a, const TidyRow* b) { return a->value < b->value; });
    double source_scale = metrics.declared_scale(metric);
    bool detected = false;
    if (source_scale == 0) {
      source_scale = info.scale;
      if (info.hi == 1 && top->value > 1 && top->value <= 100) source_scale = 100, detected = true;
    }
    const double factor = info.scale / source_scale;
    std::vector<std::string> notes;
    if (factor != 1)
      notes.push_back(metric + " read on a 0-" + fmt(source_scale) + " scale (" +
                      (detected ? "detected: values up to " + fmt(top->value) + "; declare scale = " +
                                      fmt(info.scale) + " if that is wrong"
                                : std::string("declared")) +
                      "), converted to 0-" + fmt(info.scale));
    for (const TidyRow* r : members) {
      const double v = r->value * factor;
      const double tol = 1e-9 * std::max(1.0, std::abs(v));
      if (v < info.lo - tol || v > info.hi + tol)
        throw std::runtime_error(r->where_value + ": " + fmt(r->value) + " is outside the range of metric '" +
                                 metric + "' [" + fmt(info.lo / factor) + ", " + fmt(info.hi / factor) +
                                 "] (declare its scale or direction if it is another metric of that name)");
    }
    std::string source;
    const double baseline = resolve_baseline(key, info, members, rows, overrides, factor, source);
    // params: per size, the rows with the most training data (all rows when D is unknown).
    std::map<double, double> most_data;
    for (const TidyRow* r : members) {
      const double d = std::isnan(r->data_tokens) ? -1.0 : r->data_tokens;
      auto [it, fresh] = most_data.emplace(r->n_params, d);
      if (!fresh) it->second = std::max(it->second, d);
    }
    // Over compute, points of one model size at several data sizes and of
    // other sizes interleave: ordered by FLOPs they zigzag between models and
    // are no scaling curve (a verdict on them would judge the grid's layout).
    // The flops axis is judged only when every model size has one data size.
    std::map<double, std::set<double>> data_sizes;
    for (const TidyRow* r : members)
      if (r->flops > 0) data_sizes[r->n_params].insert(r->flops);
    const bool one_d_per_n = std::all_of(data_sizes.begin(), data_sizes.end(),
                                         [](const auto& e) { return e.second.size() == 1; });
    if (!one_d_per_n)
      notes.push_back("not judged over compute: model sizes trained on several data sizes give no single curve "
                      "over FLOPs (each size is judged at its largest data size over params)");
    std::map<double, std::vector<const TidyRow*>> by_params, by_flops;
    for (const TidyRow* r : members) {
      const double d = std::isnan(r->data_tokens) ? -1.0 : r->data_tokens;
      if (d == most_data[r->n_params]) by_params[r->n_params].push_back(r);
      if (r->flops > 0 && one_d_per_n) by_flops[r->flops].push_back(r);
    }
    for (const auto& [axis, bins] : {std::pair{std::string("params"), &by_params}, std::pair{std::string("flops"), &by_flops}}) {
      Curve c;
      std::tie(c.family, c.task, c.prompt, c.metric) = key;
      c.info = info;
      c.axis = axis;
      c.baseline = baseline;
      c.baseline_source = source;
      c.notes = notes;
      for (const auto& [scale, rs] : *bins) c.points.push_back(merge(scale, rs, factor));
      if (!c.points.empty()) curves.push_back(std::move(c));
    }
  }
  return curves;
}

}  // namespace sweep::analysis
