// The points Besiroglu et al. (2024) read off Chinchilla's Figure 4
// (shared/reference/chinchilla_fig4_points.csv): the published data the loss
// fit is checked against (tests/analysis) and timed on (bench/analysis).
#pragma once

#include <string>
#include <vector>

#include "analysis/loss_fit.hpp"

namespace sweep::analysis {

// Reads the CSV (columns "Model Size", "Training FLOP", "loss"; D = FLOP / (6 N))
// and, as the replication does, drops the `drop_highest` highest-loss points.
// Throws std::runtime_error naming the file for a missing column or bad number.
std::vector<LossPoint> read_chinchilla_points(const std::string& path, std::size_t drop_highest);

}  // namespace sweep::analysis
