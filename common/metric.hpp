// One metric's value, as a worker computes it, the wire carries it and the
// store writes it (store::MetricRow adds the grid point's axis columns): one
// struct with one set of names from kernels/eval to the /metrics row.
#pragma once

#include <cstdint>
#include <string>

namespace sweep {

struct MetricValue {
  std::string metric;            // exact_match, logprob, ..., train_loss, eval_loss (hdf5_schema/SCHEMA.md)
  double value = 0.0;
  double std_err = 0.0;          // sample std / sqrt(n) (ece: bootstrap); column "stderr" in the store
  std::int64_t n_examples = 0;   // examples (eval metrics) or tokens (loss metrics)
  double random_baseline = 0.0;  // the metric's value for a model that guesses (kernels/eval/metrics.hpp)
};

}  // namespace sweep
