// The multiplication task: examples, answers and scoring.
#include <gtest/gtest.h>

#include "kernels/data/tasks/registry.hpp"
#include "task_test_util.hpp"

namespace sweep {
using testing::draw;
using testing::spec_of;

TEST(MultiplicationTask, RationaleHasOnePartialProductPerDigitThenTheirSum) {
  const Example ex = multiplication_example(47, 85);
  EXPECT_EQ(ex.question, "47*85");
  EXPECT_EQ(ex.answer, "3995");
  EXPECT_EQ(ex.steps, "47*5=235, 47*80=3760, 235+3760=3995");
}

TEST(MultiplicationTask, OneDigitMultiplierHasASingleStep) {
  const Example ex = multiplication_example(12, 3);
  EXPECT_EQ(ex.answer, "36");
  EXPECT_EQ(ex.steps, "12*3=36");
}

TEST(MultiplicationTask, OperandsHaveTheirOwnDigitCounts) {
  TaskSpec s = spec_of(TaskKind::Multiplication);
  s.digits = 3;
  s.digits_b = 2;
  for (const Example& ex : draw(Task(s, 2), Split::Train, 200)) {
    const auto star = ex.question.find('*');
    const long a = std::stol(ex.question.substr(0, star)), b = std::stol(ex.question.substr(star + 1));
    EXPECT_LT(a, 1000);
    EXPECT_LT(b, 100);
    EXPECT_EQ(ex.answer, std::to_string(a * b));
  }
  // Products 0 .. 999 * 99.
  EXPECT_DOUBLE_EQ(Task(s, 2).chance(multiplication_example(1, 1)), 1.0 / (999.0 * 99.0 + 1.0));
}

}  // namespace sweep
