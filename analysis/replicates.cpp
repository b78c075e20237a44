// Seed replicates and best-setting selection of loss points; see replicates.hpp.
#include "analysis/replicates.hpp"

#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace sweep::analysis {

double LossCell::mean() const {
  double s = 0;
  for (double l : losses) s += l;
  return losses.empty() ? std::nan("") : s / losses.size();
}

double LossCell::std_err() const {
  const std::size_t k = losses.size();
  if (k < 2) return own_std_err;
  const double m = mean();
  double ss = 0;
  for (double l : losses) ss += (l - m) * (l - m);
  return std::sqrt(ss / (k - 1) / k);
}

std::string axes_without_seed(const std::string& axes) {
  std::string out;
  std::stringstream ss(axes);
  for (std::string item; std::getline(ss, item, ';');) {
    if (item.empty() || item.rfind("seed=", 0) == 0) continue;
    if (!out.empty()) out += ';';
    out += item;
  }
  return out;
}

namespace {

// Keys whose value differs between the settings of one point.
std::set<std::string> varying_keys(const std::vector<const LossCell*>& group) {
  std::map<std::string, std::set<std::string>> values;
  for (const LossCell* c : group) {
    std::stringstream ss(c->setting);
    std::set<std::string> seen;
    for (std::string item; std::getline(ss, item, ';');) {
      const auto eq = item.find('=');
      const std::string key = item.substr(0, eq);
      values[key].insert(eq == std::string::npos ? "" : item.substr(eq + 1));
      seen.insert(key);
    }
    for (auto& [key, v] : values)
      if (!seen.count(key)) v.insert("<absent>");
  }
  std::set<std::string> out;
  for (const auto& [key, v] : values)
    if (v.size() > 1) out.insert(key);
  return out;
}

}  // namespace

LossCells loss_cells(const std::vector<TidyRow>& rows, const std::string& metric) {
  using Key = std::tuple<std::string, double, double, double, std::string>;  // model, N, D, budget, setting
  std::map<Key, LossCell> cells;
  for (const auto& r : rows) {
    if (r.metric != metric || !(r.n_params > 0) || !(r.value > 0)) continue;
    double d = r.data_tokens;
    if (!(d > 0) && r.flops > 0) d = r.flops / (6.0 * r.n_params);  // C = 6 N D
    if (!(d > 0)) continue;
    const double budget = r.compute_budget > 0 ? r.compute_budget : 0.0;
    LossCell& c = cells[Key{r.model, r.n_params, d, budget, axes_without_seed(r.axes)}];
    if (c.losses.empty()) {
      c.model = r.model;
      c.setting = axes_without_seed(r.axes);
      c.n_params = r.n_params;
      c.tokens = d;
      c.compute_budget = budget;
      c.own_std_err = r.std_err;
    }
    c.losses.push_back(r.value);
    c.seeds.push_back(r.seed);
  }
  // Per (model, N, D, budget), the setting with the lowest mean loss.
  std::map<std::tuple<std::string, double, double, double>, std::vector<const LossCell*>> points;
  for (const auto& [key, c] : cells) points[{c.model, c.n_params, c.tokens, c.compute_budget}].push_back(&c);
  LossCells out;
  std::set<std::string> swept;
  for (const auto& [key, group] : points) {
    const LossCell* best = group.front();
    for (const LossCell* c : group)
      if (c->mean() < best->mean()) best = c;
    out.cells.push_back(*best);
    if (group.size() > 1) {
      out.settings_per_point = std::max(out.settings_per_point, static_cast<int>(group.size()));
      for (const auto& k : varying_keys(group)) swept.insert(k);
    }
  }
  out.swept.assign(swept.begin(), swept.end());
  if (!out.swept.empty()) {
    std::string keys;
    for (const auto& k : out.swept) keys += (keys.empty() ? "" : ", ") + k;
    out.notes.push_back("the table sweeps " + keys + " (up to " + std::to_string(out.settings_per_point) +
                        " settings per (N, D, budget)): every fit below uses, per (N, D, budget), only the setting "
                        "with the lowest mean loss, so it describes the best-tuned frontier, not any one setting");
  }
  return out;
}

}  // namespace sweep::analysis
