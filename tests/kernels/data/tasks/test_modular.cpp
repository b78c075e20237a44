// The modular-arithmetic task: examples, answers and scoring.
#include <gtest/gtest.h>

#include "kernels/data/tasks/registry.hpp"
#include "task_test_util.hpp"

namespace sweep {
using testing::draw;
using testing::spec_of;

TEST(ModularTask, RationaleWritesTheProductAndTheDivision) {
  const Example ex = modular_example(47, 85, 7);
  EXPECT_EQ(ex.question, "47*85 mod 7");
  EXPECT_EQ(ex.answer, "5");
  EXPECT_EQ(ex.steps, "47*85=3995, 3995=570*7+5");
}

TEST(ModularTask, AnswerIsTheProductModuloAndBaselineOneOverModulus) {
  TaskSpec s = spec_of(TaskKind::Modular);
  s.modulus = 11;
  const Task task(s, 3);
  for (const Example& ex : draw(task, Split::Train, 100)) {
    const auto star = ex.question.find('*'), mod = ex.question.find(" mod ");
    const long a = std::stol(ex.question.substr(0, star)), b = std::stol(ex.question.substr(star + 1, mod - star - 1));
    EXPECT_EQ(ex.answer, std::to_string((a * b) % 11));
  }
  EXPECT_DOUBLE_EQ(task.chance(modular_example(1, 1, 11)), 1.0 / 11);
}

}  // namespace sweep
