// The redefine task: examples, answers and scoring.
#include <gtest/gtest.h>

#include "kernels/data/tasks/registry.hpp"
#include "task_test_util.hpp"

namespace sweep {
using testing::draw;
using testing::spec_of;

TEST(RedefineTask, TheAnswerFollowsTheRedefinition) {
  const Example ex = redefine_example("bab", 3);
  EXPECT_EQ(ex.question, "let bab=3. bab");
  EXPECT_EQ(ex.answer, "3");
  EXPECT_EQ(ex.steps, "bab was set to 3");
}

TEST(RedefineTask, QuestionsAlwaysContradictTheFactTheCorpusStates) {
  const Task task(spec_of(TaskKind::Redefine), 6);
  ASSERT_TRUE(task.has_facts());
  for (const Example& ex : draw(task, Split::Train, 300)) {
    const std::string symbol = ex.question.substr(4, 3);
    EXPECT_NE(std::stoi(ex.answer), redefine_fact_value(6, symbol)) << ex.question;
  }
  Rng rng(1);
  for (int i = 0; i < 50; ++i) {
    const std::string fact = task.fact(rng);  // "bab=7"
    ASSERT_EQ(fact.size(), 5u) << fact;
    EXPECT_EQ(fact[4] - '0', redefine_fact_value(6, fact.substr(0, 3))) << fact;
  }
  EXPECT_DOUBLE_EQ(task.chance(redefine_example("bab", 3)), 0.1);
}

TEST(RedefineTask, SymbolNamesAreDistinct) {
  std::set<std::string> names;
  for (int i = 0; i < kMaxSymbols; ++i) names.insert(symbol_name(i));
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kMaxSymbols));
  EXPECT_EQ(symbol_name(0), "bab");
}

}  // namespace sweep
