// Seed replicates and swept settings in loss points; degrees of freedom and
// the "unidentified" rules of the loss fits.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/loss_fit.hpp"
#include "analysis/replicates.hpp"
#include "synthetic_loss.hpp"

using namespace sweep::analysis;

namespace {

TidyRow loss_row(double n, double d, double loss, std::int64_t seed, const std::string& axes) {
  TidyRow r;
  r.model = "m";
  r.n_params = n;
  r.data_tokens = d;
  r.metric = "eval_loss";
  r.value = loss;
  r.seed = seed;
  r.axes = axes;
  r.std_err = 0.01;
  return r;
}

}  // namespace

TEST(Replicates, RowsDifferingOnlyBySeedAreOneCellWithAStandardError) {
  const std::vector<TidyRow> rows = {loss_row(1e6, 1e8, 3.0, 0, "seed=0;train.lr=0.001"),
                                     loss_row(1e6, 1e8, 3.2, 1, "seed=1;train.lr=0.001"),
                                     loss_row(1e6, 1e8, 3.4, 2, "seed=2;train.lr=0.001"),
                                     loss_row(2e6, 1e8, 2.9, 0, "seed=0;train.lr=0.001")};
  const LossCells c = loss_cells(rows, "eval_loss");
  ASSERT_EQ(c.cells.size(), 2u);
  EXPECT_EQ(c.cells[0].losses.size(), 3u);
  EXPECT_NEAR(c.cells[0].mean(), 3.2, 1e-12);
  EXPECT_NEAR(c.cells[0].std_err(), 0.2 / std::sqrt(3.0), 1e-12);  // sd 0.2 over 3 seeds
  EXPECT_EQ(c.cells[1].std_err(), 0.01);                          // one seed: the metric's own
  EXPECT_TRUE(c.swept.empty());
  EXPECT_TRUE(c.notes.empty());
}

TEST(Replicates, ASweptSettingKeepsEachPointsBestSettingAndSaysSo) {
  const std::vector<TidyRow> rows = {loss_row(1e6, 1e8, 3.0, 0, "seed=0;train.lr=0.001"),
                                     loss_row(1e6, 1e8, 3.2, 1, "seed=1;train.lr=0.001"),
                                     loss_row(1e6, 1e8, 2.9, 0, "seed=0;train.lr=0.003"),
                                     loss_row(1e6, 1e8, 3.5, 1, "seed=1;train.lr=0.003")};
  const LossCells c = loss_cells(rows, "eval_loss");
  ASSERT_EQ(c.cells.size(), 1u);
  EXPECT_EQ(c.cells[0].setting, "train.lr=0.001");  // mean 3.1 beats 3.2
  EXPECT_EQ(c.swept, (std::vector<std::string>{"train.lr"}));
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_NE(c.notes[0].find("train.lr"), std::string::npos);
  EXPECT_NE(c.notes[0].find("lowest mean loss"), std::string::npos);
}

TEST(Replicates, AxesLoseOnlyTheirSeedEntry) {
  EXPECT_EQ(axes_without_seed("compute=1e+18;seed=3;train.lr=0.001"), "compute=1e+18;train.lr=0.001");
  EXPECT_EQ(axes_without_seed("seed=0"), "");
  EXPECT_EQ(axes_without_seed(""), "");
}

TEST(Replicates, SeedScatterWidensTheChinchillaBootstrapInterval) {
  // The same cell means, once as lone points and once with a wide seed scatter.
  const auto rows = sweep::analysis::testing::isoflop_rows(sweep::analysis::testing::Law{}, {1e18, 1e19, 1e20}, 5,
                                                           0.75, 3, 0.03, 11);
  const LossCells c = loss_cells(rows, "eval_loss");
  std::vector<LossPoint> means;
  std::vector<ReplicatedPoint> cells;
  for (const auto& cell : c.cells) {
    means.push_back({cell.n_params, cell.tokens, cell.mean()});
    cells.push_back({cell.n_params, cell.tokens, cell.losses});
  }
  const ChinchillaFit fit = fit_chinchilla(means);
  const ChinchillaBootstrap lone = bootstrap_chinchilla(means, fit, 100);
  const ChinchillaBootstrap seeded = bootstrap_chinchilla(cells, fit, 100);
  EXPECT_GT(seeded.E.hi - seeded.E.lo, lone.E.hi - lone.E.lo);
}

TEST(Identification, DegreesOfFreedomArePointsMinusParameters) {
  const Identification three = identify_by_dof(3, 3);
  EXPECT_EQ(three.dof, 0);
  EXPECT_FALSE(three.identified);
  EXPECT_STREQ(identified_word(three), "unidentified");
  EXPECT_EQ(three.reason, "3 points for 3 parameters");
  EXPECT_TRUE(identify_by_dof(4, 3).identified);
}

TEST(Identification, AChinchillaFitWhoseAIntervalSpansElevenDecadesIsUnidentified) {
  ChinchillaFit fit;
  fit.points = 12;
  ChinchillaBootstrap boot;
  boot.resamples = 200;
  boot.A = {2.65, 6.2e11};  // the default store's interval
  boot.B = {100, 300};
  const Identification id = identify_chinchilla(fit, boot);
  EXPECT_EQ(id.dof, 7);
  EXPECT_FALSE(id.identified);
  EXPECT_NE(id.reason.find("A interval [2.65, 6.2e+11]"), std::string::npos) << id.reason;
  boot.A = {100, 900};
  EXPECT_TRUE(identify_chinchilla(fit, boot).identified);
  fit.points = 5;
  EXPECT_FALSE(identify_chinchilla(fit, boot).identified);  // 0 dof
}
