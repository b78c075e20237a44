// What every metric `sweep analyze` judges is: its direction, range, kind and
// default chance level. One table (metric_registry.cpp) covers sweep's own
// metrics, lm-evaluation-harness's and BIG-bench's; a source may declare the
// rest (a CSV's higher_is_better / scale columns, or --higher-is-better,
// --lower-is-better, --scale). Nothing is guessed from a name: an unknown
// metric is refused with the ways to declare it.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <vector>

namespace sweep::analysis {

enum class MetricKind {
  Accuracy,     // a fraction of examples right (binomial counts when n_examples is known)
  Loss,         // a loss, perplexity or bits per byte: lower is better, no chance level of its own
  Calibration,  // calibration error or Brier score: lower is better
  Distance,     // edit distance and the like: lower is better
  Score,        // any other continuous score (log-probability, BLEU, F1, mc2)
};
const char* to_string(MetricKind k);

struct MetricInfo {
  std::string name;
  MetricKind kind = MetricKind::Score;
  bool higher_is_better = true;
  // The metric's range on its own scale (hi is +inf when unbounded); values
  // outside it are refused, except a 0-1 metric given on 0-100 (see scale).
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  // 100 for metrics reported 0-100 (BLEU, ROUGE): effect sizes given on a 0-1
  // scale (--min-effect) are multiplied by it.
  double scale = 1;
  // Chance level when the source gives none: 0 for exact match of free text;
  // NaN where it depends on the task (multiple choice: 1/K), so the source or
  // --baseline must give it.
  double chance = std::numeric_limits<double>::quiet_NaN();
  // value * n_examples is a count of successes (exact match, accuracy), so the
  // above-chance test and the sharpness test use binomial likelihoods.
  bool binomial = false;
  std::string origin;  // "sweep", "lm-evaluation-harness", "BIG-bench", "declared"
};

// A declaration from the source or the command line. higher_is_better
// overrides the registry's direction (and makes an unknown metric a
// continuous score); scale is the scale the source reports the metric in
// (a 0-1 metric declared 100 is read as percent).
struct MetricDeclaration {
  int higher_is_better = -1;  // -1 unset, 0 lower is better, 1 higher is better
  double scale = 0;           // 0 unset; 1 or 100
  std::string where;          // "file:line:col" or "--higher-is-better" for messages
};

class MetricRegistry {
 public:
  MetricRegistry();  // the built-in table
  // Applies a declaration (a conflicting second declaration of the same metric throws).
  void declare(const std::string& metric, const MetricDeclaration& d);
  // The metric's entry; throws std::runtime_error "WHERE: unknown metric
  // 'NAME' ... declare it with ..." for a name neither known nor declared
  // (WHERE: "file:line:col: metric" of the row that named it).
  const MetricInfo& at(const std::string& metric, const std::string& where) const;
  const MetricInfo* find(const std::string& metric) const;
  // The scale the source declared its values in (1 or 100); 0: not declared.
  double declared_scale(const std::string& metric) const;
  // The built-in table, for `sweep analyze --list-metrics` and the README.
  std::vector<MetricInfo> entries() const;

 private:
  std::map<std::string, MetricInfo> table_;
  std::map<std::string, MetricDeclaration> declared_;
};

// One line per metric: name, kind, direction, range, chance, origin.
std::string describe_metrics(const MetricRegistry& r);

}  // namespace sweep::analysis
