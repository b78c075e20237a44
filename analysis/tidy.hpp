// The tidy table every analysis reads: one row per (model, data, task, prompt,
// metric) value, from a sweep store's /metrics or from a CSV of external
// results (columns model, n_params, task, prompt, metric, value; optional
// family, data_tokens, flops, stderr, n_examples, random_baseline, seed,
// compute_budget, axes, higher_is_better, scale).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sweep::analysis {

struct TidyRow {
  std::string model;
  // The model series (Pythia, OPT, ...): curves and fits never mix families.
  // Empty in a store (one grid) and in a CSV without the column.
  std::string family;
  double n_params = 0;
  // NaN: unknown (a CSV of ability results may leave it out; such rows have
  // no compute axis and no place in the loss fits).
  double data_tokens = 0;
  double flops = 0;  // training compute C; 6 N D when a source leaves it out; NaN when D is unknown too
  std::string task;
  std::string prompt;
  std::string metric;
  double value = 0;
  double std_err = std::numeric_limits<double>::quiet_NaN();     // NaN: unknown
  std::int64_t n_examples = 0;                                   // 0: unknown
  double random_baseline = std::numeric_limits<double>::quiet_NaN();  // NaN: not in the source
  // The run's seed, compute budget (the C its D was derived from) and swept
  // settings ("key=value;..." sorted by key, as the store's axes column):
  // rows differing only in the seed entry of axes are replicates.
  std::int64_t seed = 0;       // 0: unknown
  double compute_budget = 0;   // 0: not a budget grid
  std::string axes;
  // Declarations of the metric in this row (CSV columns higher_is_better and
  // scale): -1 / 0 when not given. See metric_registry.hpp.
  int higher_is_better = -1;
  double scale = 0;
  // Where the row's metric and value fields are ("file:line:col", or
  // "store:/metrics[row]"), for messages.
  std::string where_metric, where_value;
};

// Reads /metrics of a sweep store (any schema_version that has it), opened
// read-only, as a SWMR reader while a sweep still writes it. Columns are read
// by name, so a store with a random_baseline column (schema_version 3) gives
// it, and an older store leaves it NaN; seed, compute_budget and axes
// (schema_version 5) are 0 / empty in an older store.
std::vector<TidyRow> read_store_metrics(const std::string& path);

// Reads a tidy CSV (header line naming the columns, RFC 4180 quoting; a UTF-8
// byte-order mark is skipped). Missing required columns or unparsable numbers
// throw std::runtime_error "file:line:col: column: what was expected".
std::vector<TidyRow> read_tidy_csv(const std::string& path);

}  // namespace sweep::analysis
