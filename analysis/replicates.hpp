// Loss points with seed replicates: the rows of one (model, N, D, compute
// budget, settings other than the seed) are one cell, whose mean loss the fits
// use and whose seeds the bootstraps resample. When a table sweeps settings
// beyond the seed (train.lr, say), each (model, N, D, budget) keeps its best
// setting.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "analysis/tidy.hpp"

namespace sweep::analysis {

struct LossCell {
  std::string model;
  std::string setting;  // the row's axes without its seed entry
  double n_params = 0;
  double tokens = 0;
  double compute_budget = 0;          // 0: not a budget grid
  std::vector<double> losses;         // one per replicate (seed)
  std::vector<std::int64_t> seeds;
  double own_std_err = std::numeric_limits<double>::quiet_NaN();  // the metric's stderr of a lone replicate

  double mean() const;
  // Standard error of the mean over seeds (sd / sqrt(k)); with one seed, the
  // metric's own stderr (NaN when the source has none).
  double std_err() const;
  double compute() const { return 6.0 * n_params * tokens; }
};

struct LossCells {
  std::vector<LossCell> cells;  // one per (model, N, D, budget): the best setting's
  int settings_per_point = 1;   // most settings any (N, D, budget) had
  std::vector<std::string> swept;  // setting keys beyond the seed that vary (e.g. "train.lr")
  std::vector<std::string> notes;
};

// Drops the "seed=..." entry of an axes string ("key=value;..." sorted by key).
std::string axes_without_seed(const std::string& axes);

// The cells of `metric`'s rows with positive N and loss (D from C = 6 N D when
// a row lacks it). Among the settings of one (N, D, budget), the lowest mean
// loss wins, and a note says the fits describe best-setting points.
// Cells come in (model, N, D, budget) order.
LossCells loss_cells(const std::vector<TidyRow>& rows, const std::string& metric);

}  // namespace sweep::analysis
