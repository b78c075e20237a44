// The addition task: examples, answers and scoring.
#include <gtest/gtest.h>

#include "kernels/data/tasks/registry.hpp"
#include "task_test_util.hpp"

namespace sweep {
using testing::draw;
using testing::spec_of;

TEST(AdditionTask, CarriesAppearInRationale) {
  const Example ex = addition_example(47, 85, 2);
  EXPECT_EQ(ex.question, "47+85");
  EXPECT_EQ(ex.answer, "132");
  EXPECT_EQ(ex.steps, "7+5=12, 4+8+1=13");
}

TEST(AdditionTask, LeadingZeroColumnsAreWorkedToo) {
  EXPECT_EQ(addition_example(5, 3, 2).steps, "5+3=8, 0+0=0");
}

TEST(AdditionTask, GeneratedSumsAreRightWithOneStepPerDigit) {
  TaskSpec s = spec_of(TaskKind::Addition);
  s.digits = 3;
  for (const Example& ex : draw(Task(s, 1), Split::Train, 200)) {
    const auto plus = ex.question.find('+');
    const long a = std::stol(ex.question.substr(0, plus)), b = std::stol(ex.question.substr(plus + 1));
    EXPECT_EQ(ex.answer, std::to_string(a + b));
    EXPECT_LT(a, 1000);
    EXPECT_EQ(std::count(ex.steps.begin(), ex.steps.end(), '='), 3) << ex.steps;
  }
}

TEST(AdditionTask, RandomBaselineIsOneOverThePossibleSums) {
  TaskSpec s = spec_of(TaskKind::Addition);
  s.digits = 2;
  EXPECT_DOUBLE_EQ(Task(s, 1).chance(addition_example(1, 2, 2)), 1.0 / 199);  // sums 0..198
}

}  // namespace sweep
