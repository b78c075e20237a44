// Made-up job tables for policy tests: a Plan built by hand, with a spec whose
// eval settings make an eval point cost 2 * n_params FLOPs (examples = 1,
// seq_len = 1), so a CostModel at 1 FLOP/s gives hand-computable seconds.
#pragma once

#include <vector>

#include "spec/grid.hpp"
#include "spec/spec.hpp"

namespace sweep::testing {

struct Table {
  SweepSpec spec;
  Plan plan;

  explicit Table(std::vector<int> ranks_per_model = {1}) {
    spec.train.seq_len = 1;
    spec.eval.examples = 1;
    for (std::size_t m = 0; m < ranks_per_model.size(); ++m) {
      ModelSpec ms;
      ms.name = "m" + std::to_string(m);
      ms.ranks_per_job = ranks_per_model[m];
      spec.models.push_back(ms);
    }
  }
  // A train run of `train_flops` whose evals cost 2 * n_params each; returns its index.
  int run(int model, double train_flops, std::int64_t n_params, int points) {
    TrainRun r;
    r.model = model;
    r.n_params = n_params;
    r.train_flops = train_flops;
    r.data_tokens = 1;
    const int index = static_cast<int>(plan.runs.size());
    plan.runs.push_back(r);
    for (int i = 0; i < points; ++i) {
      EvalPoint p;
      p.run = index;
      plan.points.push_back(p);
    }
    return index;
  }
};

}  // namespace sweep::testing
