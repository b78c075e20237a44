// What `sweep plan` advises beyond one makespan, pure: the work each compute
// budget of a budget grid holds, whether the critical path or the total work
// bounds the makespan, and the rank count past which added ranks only wait.
#pragma once

#include <cstdint>
#include <vector>

#include "orchestrator/cost_model.hpp"
#include "orchestrator/simulate.hpp"
#include "spec/grid.hpp"

namespace sweep {

// The runs of one compute budget C.
struct BudgetWork {
  double compute = 0.0;      // C, FLOP
  int runs = 0;
  int skipped = 0;           // Plan::skipped of this budget (outside the tokens-per-parameter range)
  double train_flops = 0.0;  // sum of 6 N D over its runs: not runs x C, as D is whole batches
  std::int64_t min_params = 0, max_params = 0;               // N
  double min_tokens_per_param = 0.0, max_tokens_per_param = 0.0;  // D / N
};

// One per grid.compute value, in grid order; empty unless spec.grid.budgets().
std::vector<BudgetWork> budget_work(const Plan& plan, const SweepSpec& spec);

// The critical path bounds a makespan when it is at least this share of it;
// below, the total work over the workers does.
constexpr double kCriticalShare = 0.8;
bool bound_by_critical_path(const SimResult& s);

// A makespan within this factor of the critical path counts as saturated:
// more ranks cannot shorten it much, as the longest chain runs in sequence.
constexpr double kSaturatedWithin = 1.05;

struct Saturation {
  int ranks = 2;            // the fewest ranks (workers + 1) whose makespan is saturated
  double makespan_s = 0.0;  // the simulated makespan on that many
  int simulations = 0;      // simulate() calls the search made
};

// Beyond this many ranks the search stops within ranks / kRankTolerance of
// the fewest: a 1% rounding of a large rank count, for fewer simulations.
constexpr int kRankTolerance = 128;

// The fewest ranks at which simulate() (no deadline) gives a saturated
// makespan. No P below max(2, 1 + total rank-seconds / (1.05 x critical path),
// 1 + the largest ranks_per_job) can be; from there the search doubles P until
// one is, then bisects (a simulation of a 1,000,000-point grid takes ~0.4 s).
// The bisection takes the makespan to fall as ranks are added, which list
// scheduling can break by a little: the answer is then a P that is saturated
// with P - 1 not (up to kRankTolerance ranks; beyond, P - P / kRankTolerance).
Saturation saturating_ranks(const Plan& plan, const SweepSpec& spec, const CostModel& cost);

}  // namespace sweep
