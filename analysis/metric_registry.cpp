// The built-in metric table and declarations; see metric_registry.hpp.
#include "analysis/metric_registry.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace sweep::analysis {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

struct Entry {
  const char* name;
  MetricKind kind;
  bool higher;
  double lo, hi, scale, chance;
  bool binomial;
  const char* origin;
};

using K = MetricKind;
// Chance NaN: task-dependent (multiple choice 1/K); the source's random_baseline
// column or rows, or --baseline TASK=P, give it.
constexpr Entry kBuiltin[] = {
    // sweep's own (kernels/eval/metrics.hpp)
    {"exact_match", K::Accuracy, true, 0, 1, 1, 0.0, true, "sweep, lm-evaluation-harness"},
    {"mc_accuracy", K::Accuracy, true, 0, 1, 1, kNone, true, "sweep"},
    {"mc_accuracy_norm", K::Accuracy, true, 0, 1, 1, kNone, true, "sweep"},
    {"edit_distance", K::Distance, false, 0, kInf, 1, kNone, false, "sweep"},
    {"logprob", K::Score, true, -kInf, 0, 1, kNone, false, "sweep"},
    {"seq_logprob", K::Score, true, -kInf, 0, 1, kNone, false, "sweep"},
    {"brier", K::Calibration, false, 0, 2, 1, kNone, false, "sweep, lm-evaluation-harness"},
    {"ece", K::Calibration, false, 0, 1, 1, kNone, false, "sweep"},
    {"train_loss", K::Loss, false, 0, kInf, 1, kNone, false, "sweep"},
    {"eval_loss", K::Loss, false, 0, kInf, 1, kNone, false, "sweep"},
    {"eval_bpb", K::Loss, false, 0, kInf, 1, kNone, false, "sweep"},
    {"loss", K::Loss, false, 0, kInf, 1, kNone, false, "sweep"},
    // lm-evaluation-harness
    {"acc", K::Accuracy, true, 0, 1, 1, kNone, true, "lm-evaluation-harness"},
    {"acc_norm", K::Accuracy, true, 0, 1, 1, kNone, true, "lm-evaluation-harness"},
    {"acc_mutual_info", K::Accuracy, true, 0, 1, 1, kNone, true, "lm-evaluation-harness"},
    {"em", K::Accuracy, true, 0, 1, 1, 0.0, true, "lm-evaluation-harness"},
    {"mc1", K::Accuracy, true, 0, 1, 1, kNone, true, "lm-evaluation-harness"},
    {"mc2", K::Score, true, 0, 1, 1, kNone, false, "lm-evaluation-harness"},
    {"f1", K::Score, true, 0, 1, 1, 0.0, false, "lm-evaluation-harness"},
    {"mcc", K::Score, true, -1, 1, 1, 0.0, false, "lm-evaluation-harness"},
    {"ppl", K::Loss, false, 1, kInf, 1, kNone, false, "lm-evaluation-harness"},
    {"perplexity", K::Loss, false, 1, kInf, 1, kNone, false, "lm-evaluation-harness"},
    {"word_perplexity", K::Loss, false, 1, kInf, 1, kNone, false, "lm-evaluation-harness"},
    {"byte_perplexity", K::Loss, false, 1, kInf, 1, kNone, false, "lm-evaluation-harness"},
    {"bits_per_byte", K::Loss, false, 0, kInf, 1, kNone, false, "lm-evaluation-harness"},
    {"brier_score", K::Calibration, false, 0, 2, 1, kNone, false, "lm-evaluation-harness"},
    {"ter", K::Distance, false, 0, kInf, 1, kNone, false, "lm-evaluation-harness"},
    {"chrf", K::Score, true, 0, 100, 100, 0.0, false, "lm-evaluation-harness"},
    // BIG-bench (bigbench/api/task_metrics.py); text metrics are 0-100
    {"exact_str_match", K::Accuracy, true, 0, 1, 1, 0.0, true, "BIG-bench"},
    {"case_insensitive_str_match", K::Accuracy, true, 0, 1, 1, 0.0, true, "BIG-bench"},
    {"numeric_match_with_0_1_relative_error", K::Accuracy, true, 0, 1, 1, 0.0, true, "BIG-bench"},
    {"multiple_choice_grade", K::Accuracy, true, 0, 1, 1, kNone, true, "BIG-bench"},
    {"expected_calibration_error", K::Calibration, false, 0, 1, 1, kNone, false, "BIG-bench"},
    {"calibration_multiple_choice_brier_score", K::Calibration, false, 0, 2, 1, kNone, false, "BIG-bench"},
    {"log_likelihood", K::Score, true, -kInf, 0, 1, kNone, false, "BIG-bench"},
    {"macro_f1", K::Score, true, 0, 1, 1, 0.0, false, "BIG-bench"},
    {"bleu", K::Score, true, 0, 100, 100, 0.0, false, "BIG-bench, lm-evaluation-harness"},
    {"rouge1", K::Score, true, 0, 100, 100, 0.0, false, "BIG-bench, lm-evaluation-harness"},
    {"rouge2", K::Score, true, 0, 100, 100, 0.0, false, "BIG-bench, lm-evaluation-harness"},
    {"rougeL", K::Score, true, 0, 100, 100, 0.0, false, "BIG-bench, lm-evaluation-harness"},
    {"rougeLsum", K::Score, true, 0, 100, 100, 0.0, false, "BIG-bench, lm-evaluation-harness"},
    {"sequence_f1", K::Score, true, 0, 100, 100, 0.0, false, "BIG-bench"},
    {"normalized_aggregate_score", K::Score, true, -kInf, 100, 100, 0.0, false, "BIG-bench"},
};

std::string range_text(const MetricInfo& m) {
  auto num = [](double v) {
    if (std::isinf(v)) return std::string(v < 0 ? "-inf" : "inf");
    std::ostringstream os;
    os << v;
    return os.str();
  };
  return "[" + num(m.lo) + ", " + num(m.hi) + "]";
}

}  // namespace

const char* to_string(MetricKind k) {
  switch (k) {
    case MetricKind::Accuracy: return "accuracy";
    case MetricKind::Loss: return "loss";
    case MetricKind::Calibration: return "calibration";
    case MetricKind::Distance: return "distance";
    case MetricKind::Score: return "score";
  }
  return "?";
}

MetricRegistry::MetricRegistry() {
  for (const Entry& e : kBuiltin)
    table_[e.name] = MetricInfo{e.name, e.kind, e.higher, e.lo, e.hi, e.scale, e.chance, e.binomial, e.origin};
}

void MetricRegistry::declare(const std::string& metric, const MetricDeclaration& d) {
  auto [it, fresh] = declared_.emplace(metric, d);
  if (!fresh) {
    MetricDeclaration& old = it->second;
    const auto clash = [&](const char* what) {
      throw std::runtime_error(d.where + ": " + what + " of metric '" + metric + "' conflicts with " + old.where);
    };
    if (d.higher_is_better >= 0 && old.higher_is_better >= 0 && d.higher_is_better != old.higher_is_better)
      clash("higher_is_better");
    if (d.scale > 0 && old.scale > 0 && d.scale != old.scale) clash("scale");
    if (old.higher_is_better < 0) old.higher_is_better = d.higher_is_better;
    if (old.scale <= 0) old.scale = d.scale;
  }
  const MetricDeclaration& now = declared_.at(metric);
  auto known = table_.find(metric);
  if (known == table_.end()) {
    // A metric sweep does not know: a continuous score on the declared scale.
    MetricInfo m;
    m.name = metric;
    m.origin = "declared";
    m.scale = now.scale > 0 ? now.scale : 1;
    known = table_.emplace(metric, m).first;
  }
  if (now.higher_is_better >= 0) known->second.higher_is_better = now.higher_is_better == 1;
}

double MetricRegistry::declared_scale(const std::string& metric) const {
  const auto it = declared_.find(metric);
  return it == declared_.end() ? 0.0 : it->second.scale;
}

const MetricInfo* MetricRegistry::find(const std::string& metric) const {
  const auto it = table_.find(metric);
  return it == table_.end() ? nullptr : &it->second;
}

const MetricInfo& MetricRegistry::at(const std::string& metric, const std::string& where) const {
  if (const MetricInfo* m = find(metric)) {
    const auto d = declared_.find(metric);
    // An unknown metric declared only by its scale still lacks a direction.
    if (m->origin != "declared" || (d != declared_.end() && d->second.higher_is_better >= 0)) return *m;
  }
  throw std::runtime_error(where + ": unknown metric '" + metric +
                           "': sweep does not guess whether higher is better from a name. Declare it with a "
                           "higher_is_better column (true/false) in the CSV, or with --higher-is-better " + metric +
                           " / --lower-is-better " + metric + " (and --scale " + metric +
                           "=100 for a 0-100 score); `sweep analyze --list-metrics` lists the known ones");
}

std::vector<MetricInfo> MetricRegistry::entries() const {
  std::vector<MetricInfo> out;
  for (const auto& [name, m] : table_) out.push_back(m);
  return out;
}

std::string describe_metrics(const MetricRegistry& r) {
  std::ostringstream os;
  char line[256];
  std::snprintf(line, sizeof line, "%-40s %-12s %-7s %-14s %-7s %-9s %s\n", "metric", "kind", "better", "range",
                "chance", "binomial", "origin");
  os << line;
  for (const MetricInfo& m : r.entries()) {
    std::ostringstream chance;
    if (std::isnan(m.chance)) chance << "task";
    else chance << m.chance;
    std::snprintf(line, sizeof line, "%-40s %-12s %-7s %-14s %-7s %-9s %s\n", m.name.c_str(), to_string(m.kind),
                  m.higher_is_better ? "higher" : "lower", range_text(m).c_str(), chance.str().c_str(),
                  m.binomial ? "yes" : "no", m.origin.c_str());
    os << line;
  }
  os << "chance 'task': the source's random_baseline column or rows, or --baseline TASK=P, give it\n";
  return os.str();
}

}  // namespace sweep::analysis
