// Expansion of the grid's further axes: setting axes (seed, train.KEY,
// eval.KEY, model.NAME.KEY), compute budgets, zip groups and exclusions.
// What multiplies runs, what multiplies only points, and that ids depend on
// values, never on the order a grid lists them in.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "spec/config.hpp"
#include "spec/grid.hpp"

namespace sweep {
namespace {

// Three trained GPTs; batches of 2 x 16 = 32 tokens.
const char* const kModels = R"(
[sweep]
seed = 5
[model.s]
n_layer = 1
d_model = 8
n_head = 2
[model.m]
n_layer = 2
d_model = 16
n_head = 2
[model.l]
n_layer = 2
d_model = 32
n_head = 4
[train]
seq_len = 16
batch_size = 2
eval_loss_tokens = 64
)";

SweepSpec load_grid(const std::string& grid) { return load_spec_text("[grid]\n" + grid + kModels, "g.toml"); }

std::set<std::int64_t> run_ids(const Plan& p) {
  std::set<std::int64_t> ids;
  for (const TrainRun& r : p.runs) ids.insert(r.run_id);
  return ids;
}

std::set<std::int64_t> point_ids(const Plan& p) {
  std::set<std::int64_t> ids;
  for (const EvalPoint& x : p.points) ids.insert(x.point_id);
  return ids;
}

int runs_of(const SweepSpec& spec, const Plan& p, const std::string& model) {
  return static_cast<int>(std::count_if(p.runs.begin(), p.runs.end(), [&](const TrainRun& r) {
    return spec.models[static_cast<std::size_t>(r.model)].name == model;
  }));
}

const std::string kPoints = "prompt = [\"zero_shot\", \"few_shot\"]\ntask = [\"addition\"]\n";

}  // namespace

TEST(GridAxes, WithoutSettingAxesRunsAndPointsKeepTheirIds) {
  // Ids are hashes of run_config/point_config of the spec itself, in
  // (model, data_tokens) and (run, prompt, task) order, as before setting axes existed.
  const SweepSpec spec = load_grid("model = [\"s\", \"m\"]\ndata_tokens = [1000, 4000]\n" + kPoints);
  const Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 4u);
  ASSERT_EQ(plan.points.size(), 8u);
  ASSERT_EQ(plan.variants.size(), 1u);
  std::size_t r = 0, p = 0;
  for (int m : {0, 1})
    for (std::int64_t d : {1000, 4000}) {
      const std::string config = run_config(spec, m, d);
      EXPECT_EQ(plan.runs[r].config, config);
      EXPECT_EQ(plan.runs[r].run_id, config_id(config));
      EXPECT_EQ(plan.runs[r].axes, "");
      EXPECT_EQ(plan.runs[r].compute_budget, 0.0);
      EXPECT_EQ(plan.runs[r].variant, 0);
      for (PromptStyle prompt : {PromptStyle::ZeroShot, PromptStyle::FewShot}) {
        EXPECT_EQ(plan.points[p].point_id, config_id(point_config(spec, config, prompt, 0)));
        EXPECT_EQ(plan.points[p].axes, "");
        ++p;
      }
      ++r;
    }
  EXPECT_EQ(plan.excluded_runs, 0);
  EXPECT_EQ(plan.excluded_points, 0);
  EXPECT_TRUE(plan.skipped.empty());
}

TEST(GridAxes, QuotedAndUnquotedDottedKeysMakeTheSameAxis) {
  const SweepSpec quoted = load_grid("model = [\"s\"]\ndata_tokens = [1000]\n" + kPoints + "\"train.lr\" = [1e-3, 3e-3]\n");
  const SweepSpec nested = load_grid("model = [\"s\"]\ndata_tokens = [1000]\n" + kPoints + "train.lr = [1e-3, 3e-3]\n");
  const Plan a = expand(quoted), b = expand(nested);
  ASSERT_EQ(a.runs.size(), 2u);
  EXPECT_EQ(run_ids(a), run_ids(b));
  EXPECT_EQ(point_ids(a), point_ids(b));
  EXPECT_EQ(a.runs[0].axes, "train.lr=0.001");
  EXPECT_EQ(a.runs[1].axes, "train.lr=0.003");
  EXPECT_DOUBLE_EQ(a.spec_of(a.runs[0]).train.lr, 1e-3);
  EXPECT_DOUBLE_EQ(a.spec_of(a.runs[1]).train.lr, 3e-3);
  EXPECT_NE(a.runs[0].run_id, a.runs[1].run_id);
}

TEST(GridAxes, AnEvalSettingAxisMultipliesPointsNotRuns) {
  const SweepSpec plain = load_grid("model = [\"s\"]\ndata_tokens = [1000]\n" + kPoints);
  const SweepSpec swept = load_grid("model = [\"s\"]\ndata_tokens = [1000]\n" + kPoints + "\"eval.few_shot_k\" = [1, 3]\n");
  const Plan before = expand(plain), after = expand(swept);
  EXPECT_EQ(run_ids(after), run_ids(before));  // the eval settings are not in a run's config
  EXPECT_EQ(after.runs[0].axes, "");
  ASSERT_EQ(after.points.size(), 2 * before.points.size());
  std::map<std::string, int> by_axes;
  for (const EvalPoint& p : after.points) {
    ++by_axes[p.axes];
    EXPECT_EQ(after.spec_of(p).eval.few_shot_k, p.axes == "eval.few_shot_k=1" ? 1 : 3);
  }
  EXPECT_EQ(by_axes, (std::map<std::string, int>{{"eval.few_shot_k=1", 2}, {"eval.few_shot_k=3", 2}}));
  EXPECT_EQ(point_ids(after).size(), after.points.size());
  // few_shot_k = 3 is the [eval] default: those points keep the unswept grid's ids.
  std::set<std::int64_t> k3;
  for (const EvalPoint& p : after.points)
    if (p.axes == "eval.few_shot_k=3") k3.insert(p.point_id);
  EXPECT_EQ(k3, point_ids(before));
}

TEST(GridAxes, AModelSettingAxisMultipliesOnlyThatModelsRuns) {
  const SweepSpec spec =
      load_grid("model = [\"s\", \"m\"]\ndata_tokens = [1000]\n" + kPoints + "\"model.s.lr\" = [1e-3, 3e-3]\n");
  const Plan plan = expand(spec);
  EXPECT_EQ(runs_of(spec, plan, "s"), 2);
  EXPECT_EQ(runs_of(spec, plan, "m"), 1);
  EXPECT_EQ(plan.points.size(), 3u * 2u);  // m's points are not duplicated either
  EXPECT_EQ(point_ids(plan).size(), plan.points.size());
  for (const TrainRun& r : plan.runs) {
    if (r.model == 1) {
      EXPECT_EQ(r.axes, "");  // s's learning rate is none of m's settings
      continue;
    }
    EXPECT_EQ(r.axes, r.run_id == plan.runs[0].run_id ? "model.s.lr=0.001" : "model.s.lr=0.003");
    EXPECT_DOUBLE_EQ(plan.spec_of(r).models[0].lr, r.axes == "model.s.lr=0.001" ? 1e-3 : 3e-3);
  }
  for (const EvalPoint& p : plan.points) EXPECT_EQ(p.axes, plan.runs[static_cast<std::size_t>(p.run)].axes);
}

TEST(GridAxes, ASeedAxisMakesOneRunPerSeedWithThatSeed) {
  const SweepSpec spec = load_grid("model = [\"s\", \"m\"]\ndata_tokens = [1000, 2000]\n" + kPoints + "seed = [0, 1, 2]\n");
  const Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 2u * 2u * 3u);
  EXPECT_EQ(run_ids(plan).size(), plan.runs.size());
  std::map<std::pair<int, std::int64_t>, std::set<std::uint64_t>> seeds;
  for (const TrainRun& r : plan.runs) {
    const std::uint64_t seed = plan.spec_of(r).seed;
    EXPECT_EQ(r.axes, "seed=" + std::to_string(seed));
    EXPECT_EQ(r.config.rfind("seed=" + std::to_string(seed) + ";", 0), 0u) << r.config;
    seeds[{r.model, r.data_tokens}].insert(seed);
  }
  for (const auto& [run, s] : seeds) EXPECT_EQ(s, (std::set<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(plan.points.size(), plan.runs.size() * 2u);
}

TEST(GridAxes, ZipPairsAxesElementwise) {
  const SweepSpec spec = load_grid("model = [\"s\", \"m\", \"l\"]\ndata_tokens = [1000, 2000]\n" + kPoints +
                                   "\"train.lr\" = [1e-3, 2e-3, 3e-3]\nzip = [[\"model\", \"train.lr\"]]\n");
  const Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 3u * 2u);  // not 3 x 3 x 2
  const std::map<std::string, std::string> paired = {
      {"s", "train.lr=0.001"}, {"m", "train.lr=0.002"}, {"l", "train.lr=0.003"}};
  for (const TrainRun& r : plan.runs)
    EXPECT_EQ(r.axes, paired.at(spec.models[static_cast<std::size_t>(r.model)].name));
}

TEST(GridAxes, ASettingZipsWithDataTokensOrCompute) {
  const Plan tokens = expand(load_grid("model = [\"s\"]\ndata_tokens = [1000, 2000]\n" + kPoints +
                                       "seed = [1, 2]\nzip = [[\"data_tokens\", \"seed\"]]\n"));
  ASSERT_EQ(tokens.runs.size(), 2u);
  EXPECT_EQ(tokens.runs[0].data_tokens, 1000);
  EXPECT_EQ(tokens.runs[0].axes, "seed=1");
  EXPECT_EQ(tokens.runs[1].data_tokens, 2000);
  EXPECT_EQ(tokens.runs[1].axes, "seed=2");
  const Plan budgets = expand(load_grid("model = [\"s\"]\ncompute = [1e9, 4e9]\n" + kPoints +
                                        "\"train.lr\" = [1e-3, 2e-3]\nzip = [[\"compute\", \"train.lr\"]]\n"));
  ASSERT_EQ(budgets.runs.size(), 2u);
  EXPECT_EQ(budgets.runs[0].axes, "compute=1e+09;train.lr=0.001");
  EXPECT_EQ(budgets.runs[1].axes, "compute=4e+09;train.lr=0.002");
}

TEST(GridAxes, ExcludingModelAndDataTokensDropsThoseRuns) {
  const SweepSpec spec = load_grid("model = [\"s\", \"m\", \"l\"]\ndata_tokens = [1000, 2000]\n" + kPoints +
                                   "[[grid.exclude]]\nmodel = \"l\"\ndata_tokens = 1000\n");
  const Plan plan = expand(spec);
  EXPECT_EQ(plan.runs.size(), 5u);
  EXPECT_EQ(plan.points.size(), 5u * 2u);
  EXPECT_EQ(plan.excluded_runs, 1);
  EXPECT_EQ(plan.excluded_points, 0);
  for (const TrainRun& r : plan.runs) EXPECT_FALSE(r.model == 2 && r.data_tokens == 1000);
}

TEST(GridAxes, ExcludingAPromptOrTaskDropsOnlyPoints) {
  const SweepSpec spec = load_grid(
      "model = [\"s\", \"m\"]\ndata_tokens = [1000]\nprompt = [\"zero_shot\", \"few_shot\"]\n"
      "task = [\"addition\", \"modular\"]\n[[grid.exclude]]\nmodel = \"m\"\nprompt = \"few_shot\"\n"
      "[[grid.exclude]]\ntask = \"modular\"\nprompt = \"zero_shot\"\n");
  const Plan plan = expand(spec);
  EXPECT_EQ(plan.runs.size(), 2u);
  EXPECT_EQ(plan.excluded_runs, 0);
  // s: 4 - (zero_shot, modular) = 3; m: 4 - 2 few_shot - (zero_shot, modular) = 1.
  EXPECT_EQ(plan.points.size(), 4u);
  EXPECT_EQ(plan.excluded_points, 4);
  for (const EvalPoint& p : plan.points) {
    EXPECT_FALSE(plan.runs[static_cast<std::size_t>(p.run)].model == 1 && p.prompt == PromptStyle::FewShot);
    EXPECT_FALSE(p.task == 1 && p.prompt == PromptStyle::ZeroShot);
  }
}

TEST(GridAxes, AnExclusionListsSeveralValuesOfAnAxis) {
  const SweepSpec spec = load_grid("model = [\"s\", \"m\", \"l\"]\ndata_tokens = [1000, 2000]\n" + kPoints +
                                   "seed = [0, 1]\n[[grid.exclude]]\nmodel = [\"s\", \"m\"]\ndata_tokens = 2000\n"
                                   "seed = [1]\n");
  const Plan plan = expand(spec);
  EXPECT_EQ(plan.excluded_runs, 2);
  EXPECT_EQ(plan.runs.size(), 3u * 2u * 2u - 2u);
  for (const TrainRun& r : plan.runs) EXPECT_FALSE(r.model < 2 && r.data_tokens == 2000 && r.axes == "seed=1");
}

TEST(GridAxes, ABudgetsDIsCOver6NInWholeBatches) {
  const SweepSpec spec = load_grid("model = [\"s\", \"m\", \"l\"]\ncompute = [1e9, 4e9]\n" + kPoints);
  const Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 6u);
  const std::int64_t batch = 2 * 16;
  for (const TrainRun& r : plan.runs) {
    EXPECT_EQ(r.data_tokens % batch, 0);
    EXPECT_EQ(r.data_tokens, budget_tokens(r.compute_budget, r.n_params, batch));
    EXPECT_LE(std::abs(r.train_flops - r.compute_budget), 6.0 * r.n_params * batch / 2 + 1) << r.axes;
    EXPECT_EQ(r.axes, r.compute_budget == 1e9 ? "compute=1e+09" : "compute=4e+09");
    EXPECT_NE(r.config.find(";compute_budget=" + r.axes.substr(8)), std::string::npos);
  }
  EXPECT_EQ(budget_tokens(1e9, 1000, 32), 166656);  // 1e9 / 6e3 = 166666.7 tokens -> 5208 batches
  EXPECT_EQ(budget_tokens(1.0, 1000, 32), 32);       // at least one batch
  // A budget past any corpus stops at 2^62 tokens rather than overflowing
  // (tests/fuzz/regressions/grid/budget-tokens-overflow.toml).
  EXPECT_EQ(budget_tokens(3e32, 1000, 512), std::int64_t{1} << 62);
  EXPECT_LE(budget_tokens(3e32, 1000, 3), std::int64_t{1} << 62);
}

TEST(GridAxes, BudgetRunsOutsideTheTokensPerParameterRangeAreSkippedWithTheReason) {
  const SweepSpec all = load_grid("model = [\"s\", \"m\", \"l\"]\ncompute = [1e9, 4e9]\n" + kPoints);
  const Plan full = expand(all);
  std::vector<double> ratios;
  for (const TrainRun& r : full.runs) ratios.push_back(static_cast<double>(r.data_tokens) / r.n_params);
  std::sort(ratios.begin(), ratios.end());
  // Bounds between the smallest two and the largest two ratios drop one run each side.
  const double lo = (ratios[0] + ratios[1]) / 2, hi = (ratios[4] + ratios[5]) / 2;
  char bounds[128];
  std::snprintf(bounds, sizeof bounds, "min_tokens_per_param = %.17g\nmax_tokens_per_param = %.17g\n", lo, hi);
  const Plan plan = expand(load_grid("model = [\"s\", \"m\", \"l\"]\ncompute = [1e9, 4e9]\n" + kPoints + bounds));
  EXPECT_EQ(plan.runs.size(), 4u);
  ASSERT_EQ(plan.skipped.size(), 2u);
  std::set<std::string> reasons;
  for (const SkippedRun& s : plan.skipped) {
    reasons.insert(s.why.substr(0, s.why.find(' ', 4)));
    EXPECT_EQ(s.data_tokens % 32, 0);
    EXPECT_GT(s.n_params, 0);
    EXPECT_EQ(s.axes, s.compute_budget == 1e9 ? "compute=1e+09" : "compute=4e+09");
  }
  EXPECT_EQ(reasons.size(), 2u);
  for (const SkippedRun& s : plan.skipped)
    EXPECT_TRUE(s.why.find("< min_tokens_per_param") != std::string::npos ||
                s.why.find("> max_tokens_per_param") != std::string::npos)
        << s.why;
  for (const TrainRun& r : plan.runs) {
    const double ratio = static_cast<double>(r.data_tokens) / r.n_params;
    EXPECT_GE(ratio, lo);
    EXPECT_LE(ratio, hi);
  }
}

// Except grid.task's order: the built-in corpus interleaves the grid's tasks in
// that order, so another order trains on other text (and run_config says so).
TEST(GridAxes, IdsDependOnValuesNotOnTheOrderTheGridListsThem) {
  const std::string a =
      "model = [\"s\", \"m\", \"l\"]\ndata_tokens = [1000, 2000]\nprompt = [\"zero_shot\", \"few_shot\"]\n"
      "task = [\"addition\", \"modular\"]\nseed = [0, 1]\n\"train.lr\" = [1e-3, 2e-3, 3e-3]\n"
      "\"eval.examples\" = [10, 20]\nzip = [[\"model\", \"train.lr\"], [\"data_tokens\", \"seed\"]]\n"
      "[[grid.exclude]]\nmodel = \"s\"\ndata_tokens = 2000\n[[grid.exclude]]\nprompt = \"few_shot\"\n"
      "\"eval.examples\" = 20\n";
  const std::string b =
      "\"eval.examples\" = [20, 10]\n\"train.lr\" = [3e-3, 2e-3, 1e-3]\nseed = [1, 0]\n"
      "task = [\"addition\", \"modular\"]\nprompt = [\"few_shot\", \"zero_shot\"]\ndata_tokens = [2000, 1000]\n"
      "model = [\"l\", \"m\", \"s\"]\nzip = [[\"seed\", \"data_tokens\"], [\"train.lr\", \"model\"]]\n"
      "[[grid.exclude]]\n\"eval.examples\" = 20\nprompt = \"few_shot\"\n[[grid.exclude]]\ndata_tokens = 2000\n"
      "model = \"s\"\n";
  const Plan first = expand(load_grid(a)), second = expand(load_grid(b));
  EXPECT_EQ(first.runs.size(), 3u * 2u - 1u);
  EXPECT_EQ(run_ids(first), run_ids(second));
  EXPECT_EQ(point_ids(first), point_ids(second));
  EXPECT_EQ(point_ids(first).size(), first.points.size());
  EXPECT_EQ(first.points.size(), (3u * 2u - 1u) * (2u * 2u * 2u - 2u));
  EXPECT_EQ(first.excluded_points, second.excluded_points);
}

TEST(GridAxes, ALossOnlyGridHasRunsAndNoPoints) {
  const SweepSpec spec =
      load_spec_text("[data]\ntrain = [\"corpus/*.txt\"]\nvalid = [\"held/out.txt\"]\n[grid]\nmodel = [\"s\", \"m\"]\n"
                     "data_tokens = [1000, 2000]\nseed = [0, 1]\n" + std::string(kModels),
                     "g.toml");
  EXPECT_TRUE(spec.grid.prompt.empty());
  EXPECT_TRUE(spec.grid.task.empty());
  const Plan plan = expand(spec);
  EXPECT_EQ(plan.runs.size(), 2u * 2u * 2u);
  EXPECT_TRUE(plan.points.empty());
  EXPECT_EQ(run_ids(plan).size(), plan.runs.size());
}

}  // namespace sweep
