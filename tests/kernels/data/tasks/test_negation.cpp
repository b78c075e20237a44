// The negation task: examples, answers and scoring.
#include <gtest/gtest.h>

#include "kernels/data/tasks/registry.hpp"
#include "task_test_util.hpp"

namespace sweep {
using testing::draw;
using testing::spec_of;

TEST(NegationTask, NegatingTheStatedFactIsFalseAndAnyOtherColourTrue) {
  const Example no = negation_example("bab", "red", "red");
  EXPECT_EQ(no.question, "bab is not red");
  EXPECT_EQ(no.answer, "false");
  EXPECT_EQ(no.choices, (std::vector<std::string>{"true", "false"}));
  EXPECT_EQ(no.gold, 1);
  EXPECT_EQ(no.steps, "bab is red");
  const Example yes = negation_example("bab", "blue", "red");
  EXPECT_EQ(yes.answer, "true");
  EXPECT_EQ(yes.gold, 0);
}

TEST(NegationTask, AnswersAgreeWithTheCorpusFactsAndAreBalanced) {
  TaskSpec s = spec_of(TaskKind::Negation);
  s.options = 3;
  const Task task(s, 8);
  int falses = 0;
  const auto examples = draw(task, Split::Train, 400);
  for (const Example& ex : examples) {
    const std::string symbol = ex.question.substr(0, 3);
    const std::string colour = ex.question.substr(ex.question.rfind(' ') + 1);
    const bool is_fact = colour == colour_name(negation_fact_colour(8, symbol, 3));
    EXPECT_EQ(ex.answer, is_fact ? "false" : "true") << ex.question;
    falses += is_fact;
  }
  EXPECT_GT(falses, 150);
  EXPECT_LT(falses, 250);
  Rng rng(2);
  const std::string fact = task.fact(rng);  // "bab is red"
  EXPECT_EQ(fact.substr(4), std::string("is ") + colour_name(negation_fact_colour(8, fact.substr(0, 3), 3)));
  EXPECT_DOUBLE_EQ(task.chance(examples[0]), 0.5);
}

}  // namespace sweep
