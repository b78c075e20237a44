// Ability verdicts on synthetic curves of known shape, the above-chance test,
// breakthroughness, crossovers and the metric-artefact flag.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "analysis/artefact.hpp"
#include "analysis/breakthrough.hpp"
#include "analysis/chance.hpp"
#include "analysis/crossover.hpp"
#include "analysis/metric_registry.hpp"
#include "analysis/verdict.hpp"

using namespace sweep::analysis;

namespace {

// A curve of `metric` over model sizes 10^lo .. 10^hi in steps of 10^step,
// scored on n examples each (binomial standard errors for accuracy metrics).
Curve make_curve(const std::string& metric, const std::function<double(double log10_n)>& f, double lo = 6,
                 double hi = 12, double step = 0.5, std::int64_t n = 1000, double baseline = 0.0) {
  Curve c;
  c.task = "synthetic";
  c.prompt = "few_shot";
  c.metric = metric;
  c.info = *MetricRegistry().find(metric);
  c.axis = "params";
  const bool accuracy = c.info.kind == MetricKind::Accuracy;
  c.baseline = accuracy ? baseline : kNaN;
  for (double e = lo; e <= hi + 1e-9; e += step) {
    const double y = f(e);
    const double se = accuracy ? std::sqrt(y * (1 - y) / n) : 0.0;
    c.points.push_back({std::pow(10.0, e), y, se, n});
  }
  return c;
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

TEST(AbilityVerdict, SigmoidJumpIsEmergentAtItsMidpoint) {
  const Curve c = make_curve("exact_match", [](double e) { return 0.9 * sigmoid((e - 9.0) / 0.1); });
  const Verdict v = classify(c);
  EXPECT_EQ(v.shape, Shape::Emergent);
  // Half-way from chance (0) to the best score (0.9) is at 10^9.
  EXPECT_NEAR(std::log10(v.emergence_scale), 9.0, 0.25);
  EXPECT_NEAR(std::log10(v.at_chance_below), 8.5, 1e-9);
  EXPECT_NEAR(std::log10(v.above_chance_from), 9.0, 1e-9);
  EXPECT_GT(v.breakthroughness, 10);  // nearly all of the rise in one step
}

TEST(AbilityVerdict, EmergenceAboveAMultipleChoiceBaseline) {
  // Four options: chance is 0.25; the curve sits there, then jumps to 0.8.
  const Curve c = make_curve(
      "acc", [](double e) { return 0.25 + 0.55 * sigmoid((e - 10.0) / 0.15); }, 6, 12, 0.5, 1000, 0.25);
  const Verdict v = classify(c);
  EXPECT_EQ(v.shape, Shape::Emergent);
  EXPECT_NEAR(std::log10(v.emergence_scale), 10.0, 0.25);
}

TEST(AbilityVerdict, StraightLineIsSmoothPositive) {
  const Curve c = make_curve("exact_match", [](double e) { return 0.1 + 0.1 * (e - 6); }, 6, 12, 1.0);
  const Verdict v = classify(c);
  EXPECT_EQ(v.shape, Shape::SmoothPositive);
  EXPECT_TRUE(std::isnan(v.emergence_scale));
  EXPECT_NEAR(v.breakthroughness, 6.0, 1e-9);  // rise / step = number of steps
}

TEST(AbilityVerdict, StraightLineFromChanceIsSmoothNotEmergent) {
  // At chance only at the smallest size, then a steady climb.
  const Curve c = make_curve("exact_match", [](double e) { return 0.12 * (e - 6); }, 6, 12, 1.0);
  EXPECT_EQ(classify(c).shape, Shape::SmoothPositive);
}

TEST(AbilityVerdict, FallingCurveIsInverse) {
  const Curve c = make_curve("exact_match", [](double e) { return 0.8 - 0.1 * (e - 6); }, 6, 12, 1.0);
  EXPECT_EQ(classify(c).shape, Shape::Inverse);
}

TEST(AbilityVerdict, RisingLossIsInverseBecauseLowerIsBetter) {
  const Curve c = make_curve("edit_distance", [](double e) { return 1.0 + 0.3 * (e - 6); }, 6, 12, 1.0);
  EXPECT_EQ(classify(c).shape, Shape::Inverse);
}

TEST(AbilityVerdict, DipThenRecoveryIsUShapedAtTheDip) {
  const Curve c = make_curve("exact_match", [](double e) { return 0.2 + 0.05 * (e - 9) * (e - 9); }, 6, 12, 1.0);
  const Verdict v = classify(c);
  EXPECT_EQ(v.shape, Shape::UShaped);
  EXPECT_NEAR(std::log10(v.extreme_scale), 9.0, 1e-9);
}

TEST(AbilityVerdict, RiseThenFallIsInvertedU) {
  const Curve c = make_curve("exact_match", [](double e) { return 0.9 - 0.08 * (e - 9) * (e - 9); }, 6, 12, 1.0);
  EXPECT_EQ(classify(c).shape, Shape::InvertedU);
}

TEST(AbilityVerdict, CurveWithinNoiseIsFlat) {
  // Wiggles of 1 point on 1000 examples (standard error ~1.4 points).
  const Curve c = make_curve("exact_match", [](double e) { return 0.3 + 0.01 * std::sin(3 * e); });
  EXPECT_EQ(classify(c).shape, Shape::Flat);
}

TEST(AbilityVerdict, OneLuckyPointOnAHundredExamplesIsNoInvertedU) {
  // 4 of 100 right at one size, none elsewhere (as in a real store: stderr 0.02 and 0).
  Curve c = make_curve("exact_match", [](double e) { return e == 9 ? 0.04 : 0.0; }, 6, 12, 1.0, 100);
  EXPECT_EQ(classify(c).shape, Shape::Flat);
  // 40 of 100 is a real peak.
  c = make_curve("exact_match", [](double e) { return e == 9 ? 0.4 : 0.0; }, 6, 12, 1.0, 100);
  EXPECT_EQ(classify(c).shape, Shape::InvertedU);
}

TEST(AbilityVerdict, ZeroEverywhereIsFlatAndNeverAboveChance) {
  const Verdict v = classify(make_curve("exact_match", [](double) { return 0.0; }));
  EXPECT_EQ(v.shape, Shape::Flat);
  EXPECT_EQ(v.first_above, -1);
  for (bool above : v.above_chance) EXPECT_FALSE(above);
}

TEST(AbilityVerdict, FewExamplesMakeASmallRiseNoise) {
  // 0.3 -> 0.4 is 10 points: real on 1000 examples, noise on 20 (se ~ 0.1).
  auto f = [](double e) { return 0.3 + 0.1 * (e - 6) / 6; };
  EXPECT_EQ(classify(make_curve("exact_match", f, 6, 12, 1.0, 1000)).shape, Shape::SmoothPositive);
  EXPECT_EQ(classify(make_curve("exact_match", f, 6, 12, 1.0, 20)).shape, Shape::Flat);
}

TEST(AbilityVerdict, BigBenchMetricsAreJudgedOnTheirOwnScale) {
  const MetricRegistry r;
  EXPECT_EQ(r.find("exact_str_match")->kind, MetricKind::Accuracy);
  EXPECT_EQ(r.find("multiple_choice_grade")->kind, MetricKind::Accuracy);
  for (const char* m : {"bleu", "rouge1", "rouge2", "rougeLsum"}) {
    EXPECT_TRUE(r.find(m)->higher_is_better) << m;
    EXPECT_EQ(r.find(m)->scale, 100.0) << m;
  }
  EXPECT_EQ(r.find("exact_str_match")->scale, 1.0);
  // BLEU is reported 0-100: a 1.5-point rise is below the 2-point minimum
  // effect (0.02 of the range), a 40-point rise is real.
  auto bleu = [](double span) {
    Curve c = make_curve("bleu", [span](double e) { return 5 + span * (e - 6) / 6; }, 6, 12, 1.0);
    c.baseline = 0.0;
    return classify(c).shape;
  };
  EXPECT_EQ(bleu(1.5), Shape::Flat);
  EXPECT_EQ(bleu(40.0), Shape::SmoothPositive);
}

TEST(AboveChance, WilsonBoundMatchesTheBinomialCutOff) {
  // n = 100, p0 = 0.25: 33 correct is the smallest count with p < 0.05 (field notes).
  EXPECT_FALSE(above_chance(0.32, 0.25, kNaN, 100, true, 0.0).significant);
  EXPECT_TRUE(above_chance(0.33, 0.25, kNaN, 100, true, 0.0).significant);
}

TEST(AboveChance, ExactMatchNeedsOneRightAnswerAndThePracticalMargin) {
  EXPECT_FALSE(above_chance(0.0, 0.0, kNaN, 1000, true, 0.02).significant);
  const ChanceTest two = above_chance(0.002, 0.0, kNaN, 1000, true, 0.02);
  EXPECT_TRUE(two.significant);
  EXPECT_FALSE(two.clearly);  // 0.2 points is not a practical gain
  EXPECT_TRUE(above_chance(0.05, 0.0, kNaN, 1000, true, 0.02).clearly);
}

TEST(Wilson, IntervalHoldsTheEstimateAndNarrowsWithN) {
  const auto small = wilson_interval(30, 100, 1.96), big = wilson_interval(300, 1000, 1.96);
  EXPECT_LT(small.lo, 0.3);
  EXPECT_GT(small.hi, 0.3);
  EXPECT_GT(big.lo, small.lo);
  EXPECT_LT(big.hi, small.hi);
  EXPECT_EQ(wilson_interval(0, 50, 1.96).lo, 0.0);
}

TEST(Breakthroughness, FollowsTheBigBenchFormula) {
  // Steps 0, 0, 0.5, 0: median squared step 0 -> infinite; steps 0.1 x 4 -> 4.
  EXPECT_TRUE(std::isinf(breakthroughness({0, 0, 0, 0.5, 0.5})));
  EXPECT_NEAR(breakthroughness({0.1, 0.2, 0.3, 0.4, 0.5}), 4.0, 1e-9);
  // Falling: negative (argmax before argmin).
  EXPECT_NEAR(breakthroughness({0.5, 0.4, 0.3}), -2.0, 1e-9);
  // Squared steps 0.01, 0.04, 0.09, 0.16: median 0.065.
  EXPECT_NEAR(breakthroughness({0.0, 0.1, 0.3, 0.6, 1.0}), 1.0 / std::sqrt(0.065), 1e-9);
}

TEST(Crossover, ChainOfThoughtOvertakesFewShotWhereTheLinesCross) {
  // few_shot: 0.3 + 0.05 e'; cot: 0.1 + 0.1 e' (e' = log10 N - 6): equal at e' = 4.
  Curve fs = make_curve("exact_match", [](double e) { return 0.3 + 0.05 * (e - 6); }, 6, 12, 1.0);
  Curve cot = make_curve("exact_match", [](double e) { return 0.1 + 0.1 * (e - 6); }, 6, 12, 1.0);
  cot.prompt = "cot";
  const auto x = overtakes(cot, fs, 0.02);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->leader, "cot");
  EXPECT_EQ(x->trailer, "few_shot");
  EXPECT_NEAR(std::log10(x->scale), 10.0, 1e-6);
  EXPECT_NEAR(x->lead, 0.1, 1e-9);
  EXPECT_FALSE(overtakes(fs, cot, 0.02));
  const auto all = find_crossovers({fs, cot}, {0.02, 0.02});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].leader, "cot");
}

TEST(Crossover, ParallelCurvesNeverCross) {
  Curve a = make_curve("exact_match", [](double e) { return 0.1 * (e - 6); }, 6, 12, 1.0);
  Curve b = make_curve("exact_match", [](double e) { return 0.05 + 0.1 * (e - 6); }, 6, 12, 1.0);
  b.prompt = "cot";
  EXPECT_FALSE(overtakes(a, b, 0.02));
  EXPECT_FALSE(overtakes(b, a, 0.02));  // led everywhere: no crossover
}

TEST(MetricArtefact, ExactMatchOfTenTokensIsSharpWhileLogprobIsSmooth) {
  // Per-token loss falls as a power law L = c N^-a; exact match of a 10-token
  // answer is p^10 = exp(-10 L) (Schaeffer et al. 2023): zero for small
  // models, then a rise from 10% to 90% over ln(21.9) / (a ln 10) decades
  // (1.3 for a = 1: sharp on a 6-decade grid); the per-token log-probability
  // -L improves at every size.
  auto token_loss = [](double e) { return 4.0 * std::pow(10.0, -(e - 6)); };
  const Curve em = make_curve("exact_match", [&](double e) { return std::exp(-10 * token_loss(e)); }, 6, 12, 1.0);
  const Curve lp = make_curve("logprob", [&](double e) { return -token_loss(e); }, 6, 12, 1.0);
  const Verdict ve = classify(em), vl = classify(lp);
  EXPECT_EQ(ve.shape, Shape::Emergent);
  EXPECT_EQ(vl.shape, Shape::SmoothPositive);
  const ArtefactCheck chk = check_metric_artefact(em, ve, lp, vl);
  EXPECT_TRUE(chk.flagged);
  EXPECT_NE(chk.reason.find("logprob"), std::string::npos);
}

TEST(MetricArtefact, GenuineJumpInBothMetricsIsNotFlagged) {
  // Both metrics jump at 10^9: the continuous metric is flat below it.
  const Curve em = make_curve("exact_match", [](double e) { return 0.9 * sigmoid((e - 9) / 0.1); }, 6, 12, 1.0);
  const Curve lp = make_curve("logprob", [](double e) { return -3.0 + 2.5 * sigmoid((e - 9) / 0.1); }, 6, 12, 1.0);
  const Verdict ve = classify(em), vl = classify(lp);
  ASSERT_EQ(ve.shape, Shape::Emergent);
  EXPECT_FALSE(check_metric_artefact(em, ve, lp, vl).flagged);
}
