// Metric functions; see metrics.hpp.
#include "kernels/eval/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "spec/rng.hpp"

namespace sweep {

MetricStat mean_stat(const std::vector<double>& xs) {
  MetricStat s;
  s.n = static_cast<std::int64_t>(xs.size());
  if (xs.empty()) return s;
  for (double x : xs) s.mean += x;
  s.mean /= static_cast<double>(xs.size());
  if (xs.size() > 1) {
    double var = 0.0;
    for (double x : xs) var += (x - s.mean) * (x - s.mean);
    var /= static_cast<double>(xs.size() - 1);
    s.std_err = std::sqrt(var / static_cast<double>(xs.size()));
  }
  return s;
}

std::size_t token_edit_distance(const std::string& a, const std::string& b) {
  // One row of the dynamic programme: row[j] = distance(a[0..i), b[0..j)).
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

double normalised_edit_distance(const std::string& predicted, const std::string& gold) {
  return static_cast<double>(token_edit_distance(predicted, gold)) /
         static_cast<double>(std::max<std::size_t>(1, gold.size()));
}

ChoiceScore score_choices(const std::vector<double>& ll, const std::vector<std::size_t>& lengths, int gold) {
  if (ll.empty() || ll.size() != lengths.size() || gold < 0 || gold >= static_cast<int>(ll.size()))
    throw std::invalid_argument("score_choices: need one length per option and a gold index among them");
  const auto best = static_cast<int>(std::max_element(ll.begin(), ll.end()) - ll.begin());
  int best_norm = 0;
  for (std::size_t k = 1; k < ll.size(); ++k)
    if (ll[k] / static_cast<double>(std::max<std::size_t>(1, lengths[k])) >
        ll[best_norm] / static_cast<double>(std::max<std::size_t>(1, lengths[best_norm])))
      best_norm = static_cast<int>(k);
  // softmax over options, shifted by the max for stability
  const double top = ll[static_cast<std::size_t>(best)];
  std::vector<double> p(ll.size());
  double z = 0.0;
  for (std::size_t k = 0; k < ll.size(); ++k) z += p[k] = std::exp(ll[k] - top);
  ChoiceScore s;
  for (std::size_t k = 0; k < ll.size(); ++k) {
    p[k] /= z;
    const double d = p[k] - (static_cast<int>(k) == gold ? 1.0 : 0.0);
    s.brier += d * d;
  }
  s.correct = best == gold ? 1.0 : 0.0;
  s.correct_norm = best_norm == gold ? 1.0 : 0.0;
  s.confidence = p[static_cast<std::size_t>(best)];
  return s;
}

namespace {

double ece_of(const std::vector<double>& conf, const std::vector<double>& correct, const std::vector<std::size_t>& idx,
              int bins) {
  std::vector<double> n(bins, 0.0), acc(bins, 0.0), c(bins, 0.0);
  for (std::size_t i : idx) {
    const int b = std::min(bins - 1, std::max(0, static_cast<int>(conf[i] * bins)));
    n[b] += 1.0;
    acc[b] += correct[i];
    c[b] += conf[i];
  }
  double e = 0.0;
  for (int b = 0; b < bins; ++b)
    if (n[b] > 0) e += std::abs(acc[b] - c[b]);  // (n_b/n) |acc_b/n_b - c_b/n_b|
  return e / static_cast<double>(idx.size());
}

}  // namespace

MetricStat expected_calibration_error(const std::vector<double>& confidence, const std::vector<double>& correct,
                                      int bins) {
  if (confidence.size() != correct.size()) throw std::invalid_argument("ece: one correctness per confidence");
  MetricStat s;
  s.n = static_cast<std::int64_t>(confidence.size());
  if (confidence.empty()) return s;
  std::vector<std::size_t> all(confidence.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  s.mean = ece_of(confidence, correct, all, bins);
  if (all.size() > 1) {
    Rng rng(0xecebull);
    std::vector<double> boot;
    std::vector<std::size_t> idx(all.size());
    for (int r = 0; r < 200; ++r) {
      for (auto& i : idx) i = rng.below(all.size());
      boot.push_back(ece_of(confidence, correct, idx, bins));
    }
    double m = 0.0, v = 0.0;
    for (double x : boot) m += x;
    m /= static_cast<double>(boot.size());
    for (double x : boot) v += (x - m) * (x - m);
    s.std_err = std::sqrt(v / static_cast<double>(boot.size() - 1));
  }
  return s;
}

}  // namespace sweep
