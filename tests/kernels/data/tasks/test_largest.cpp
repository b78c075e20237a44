// The largest-number task: examples, answers and scoring.
#include <gtest/gtest.h>

#include <set>

#include "kernels/data/tasks/registry.hpp"
#include "task_test_util.hpp"

namespace sweep {
using testing::draw;
using testing::spec_of;

TEST(LargestTask, OptionsAreTheNumbersAndGoldIsTheMaximum) {
  const Example ex = largest_example({42, 17, 93, 5});
  EXPECT_EQ(ex.question, "largest of 42 17 93 5");
  EXPECT_EQ(ex.choices, (std::vector<std::string>{"42", "17", "93", "5"}));
  EXPECT_EQ(ex.gold, 2);
  EXPECT_EQ(ex.answer, "93");
  EXPECT_EQ(ex.steps, "42<93, 17<93, 5<93");
}

TEST(LargestTask, GeneratedOptionsAreDistinctAndCountAsConfigured) {
  TaskSpec s = spec_of(TaskKind::Largest);
  s.options = 5;
  s.digits = 1;
  const Task task(s, 5);
  EXPECT_TRUE(task.scores_choices());
  for (const Example& ex : draw(task, Split::Train, 100)) {
    ASSERT_EQ(ex.choices.size(), 5u);
    EXPECT_EQ(std::set<std::string>(ex.choices.begin(), ex.choices.end()).size(), 5u);
    for (const auto& c : ex.choices) EXPECT_LE(std::stoi(c), std::stoi(ex.answer));
  }
  EXPECT_DOUBLE_EQ(task.chance(largest_example({1, 2, 3, 4, 5})), 0.2);
  s.scoring = Scoring::Generation;
  EXPECT_FALSE(Task(s, 5).scores_choices());
}

}  // namespace sweep
