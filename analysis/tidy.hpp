// The tidy table every analysis reads: one row per (model, data, task, prompt,
// metric) value, from a sweep store's /metrics or from a CSV of external
// results (columns model, n_params, data_tokens, flops, task, prompt, metric,
// value; optional stderr, n_examples, random_baseline, seed, compute_budget, axes).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sweep::analysis {

struct TidyRow {
  std::string model;
  double n_params = 0;
  double data_tokens = 0;
  double flops = 0;  // training compute C; 6 N D when a source leaves it out
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
};

// Reads /metrics of a sweep store (any schema_version that has it), opened
// read-only, as a SWMR reader while a sweep still writes it. Columns are read
// by name, so a store with a random_baseline column (schema_version 3) gives
// it, and an older store leaves it NaN; seed, compute_budget and axes
// (schema_version 5) are 0 / empty in an older store.
std::vector<TidyRow> read_store_metrics(const std::string& path);

// Reads a tidy CSV (header line naming the columns, RFC 4180 quoting). Missing
// required columns or unparsable numbers throw std::runtime_error naming the
// file and line.
std::vector<TidyRow> read_tidy_csv(const std::string& path);

}  // namespace sweep::analysis
