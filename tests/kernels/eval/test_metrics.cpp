// Metric functions against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/eval/metrics.hpp"

namespace sweep {

TEST(MeanStat, StderrIsSampleStdOverSqrtN) {
  const MetricStat s = mean_stat({1.0, 0.0, 1.0, 0.0});
  EXPECT_DOUBLE_EQ(s.mean, 0.5);
  // sample variance (4 * 0.25) / 3, stderr sqrt(var / 4)
  EXPECT_NEAR(s.std_err, std::sqrt((1.0 / 3.0) / 4.0), 1e-12);
  EXPECT_EQ(s.n, 4);
  EXPECT_EQ(mean_stat({0.3}).std_err, 0.0);
}

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(token_edit_distance("kitten", "sitting"), 3u);  // k->s, e->i, +g
  EXPECT_EQ(token_edit_distance("", "abc"), 3u);
  EXPECT_EQ(token_edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(token_edit_distance("132", "1032"), 1u);
}

TEST(EditDistance, IsNormalisedByTheGoldAnswersLength) {
  EXPECT_DOUBLE_EQ(normalised_edit_distance("131", "132"), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(normalised_edit_distance("", "132"), 1.0);  // the random baseline: nothing answered
  EXPECT_DOUBLE_EQ(normalised_edit_distance("132", "132"), 0.0);
  EXPECT_DOUBLE_EQ(normalised_edit_distance("13245", "132"), 2.0 / 3.0);
}

TEST(MultipleChoice, BrierAccuracyAndConfidenceFromOptionLikelihoods) {
  // Option probabilities 0.7, 0.2, 0.1 (already normalised), gold = 0:
  // Brier = (0.7-1)^2 + 0.2^2 + 0.1^2 = 0.09 + 0.04 + 0.01 = 0.14.
  const ChoiceScore s = score_choices({std::log(0.7), std::log(0.2), std::log(0.1)}, {2, 2, 2}, 0);
  EXPECT_NEAR(s.brier, 0.14, 1e-12);
  EXPECT_EQ(s.correct, 1.0);
  EXPECT_EQ(s.correct_norm, 1.0);
  EXPECT_NEAR(s.confidence, 0.7, 1e-12);
  // Unnormalised log-likelihoods are softmaxed: the same Brier score.
  EXPECT_NEAR(score_choices({std::log(0.7) - 5, std::log(0.2) - 5, std::log(0.1) - 5}, {1, 1, 1}, 0).brier, 0.14,
              1e-12);
}

TEST(MultipleChoice, LengthNormalisationCanChangeTheChoice) {
  // ll = (-3, -2) for options of 6 and 1 bytes, gold 0: the raw argmax is 1
  // (wrong), per byte -0.5 > -2 picks 0 (right). softmax = (1/(1+e), e/(1+e)),
  // Brier = 2 * (e/(1+e))^2.
  const ChoiceScore s = score_choices({-3.0, -2.0}, {6, 1}, 0);
  EXPECT_EQ(s.correct, 0.0);
  EXPECT_EQ(s.correct_norm, 1.0);
  const double p1 = std::exp(1.0) / (1.0 + std::exp(1.0));
  EXPECT_NEAR(s.brier, 2 * p1 * p1, 1e-12);
  EXPECT_NEAR(s.confidence, p1, 1e-12);
}

TEST(MultipleChoice, UniformOptionsScoreTheRandomBaseline) {
  // Four equal options: Brier 1 - 1/4, confidence 1/4.
  const ChoiceScore s = score_choices({-1.0, -1.0, -1.0, -1.0}, {1, 1, 1, 1}, 2);
  EXPECT_NEAR(s.brier, 0.75, 1e-12);
  EXPECT_NEAR(s.confidence, 0.25, 1e-12);
  EXPECT_EQ(s.correct, 0.0);  // ties go to the lowest index
  EXPECT_THROW(score_choices({-1.0}, {1, 1}, 0), std::invalid_argument);
}

TEST(Calibration, ExpectedCalibrationErrorByHand) {
  // Two examples at confidence 0.9 (one right: accuracy 0.5) and two at 0.6 (both
  // right): ECE = 2/4 * |0.5 - 0.9| + 2/4 * |1.0 - 0.6| = 0.2 + 0.2 = 0.4.
  const MetricStat e = expected_calibration_error({0.9, 0.9, 0.6, 0.6}, {1, 0, 1, 1});
  EXPECT_NEAR(e.mean, 0.4, 1e-12);
  EXPECT_EQ(e.n, 4);
  EXPECT_GT(e.std_err, 0.0);
  // Perfect calibration: every example right at confidence 1.
  EXPECT_NEAR(expected_calibration_error({1.0, 1.0}, {1, 1}).mean, 0.0, 1e-12);
  // The bootstrap is seeded: the same inputs give the same stderr.
  EXPECT_EQ(expected_calibration_error({0.9, 0.9, 0.6, 0.6}, {1, 0, 1, 1}).std_err, e.std_err);
}

}  // namespace sweep
