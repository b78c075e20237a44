// Tasks and the training corpus: answers, held-out eval splits, what the corpus contains.
#include <gtest/gtest.h>

#include <set>

#include "kernels/data/corpus.hpp"
#include "kernels/data/prompts.hpp"
#include "kernels/data/tasks.hpp"

namespace sweep {
namespace {

TaskSpec addition_spec(int digits) {
  TaskSpec t;
  t.name = "add" + std::to_string(digits);
  t.kind = TaskKind::Addition;
  t.digits = digits;
  return t;
}

TaskSpec modular_spec() {
  TaskSpec t;
  t.name = "mod7";
  t.kind = TaskKind::Modular;
  t.digits = 2;
  t.modulus = 7;
  return t;
}

}  // namespace

TEST(Tasks, AdditionAnswersAndStepsAreCorrect) {
  Task task(addition_spec(3), 1);
  Rng rng(7);
  for (int i = 0; i < 200; ++i) {
    const Example ex = task.sample(Split::Train, rng);
    const auto plus = ex.question.find('+');
    const long a = std::stol(ex.question.substr(0, plus)), b = std::stol(ex.question.substr(plus + 1));
    EXPECT_EQ(ex.answer, std::to_string(a + b));
    // one step per digit column
    EXPECT_EQ(std::count(ex.steps.begin(), ex.steps.end(), '='), 3) << ex.steps;
  }
}

TEST(Tasks, AdditionStepsCarry) {
  Task task(addition_spec(2), 1);
  // Find 47+85 by its known rationale shape through the public generator.
  Rng rng(1);
  bool seen_carry = false;
  for (int i = 0; i < 500 && !seen_carry; ++i) {
    const Example ex = task.sample(Split::Train, rng);
    seen_carry = ex.steps.find("+1=") != std::string::npos;
  }
  EXPECT_TRUE(seen_carry);
}

TEST(Tasks, ModularAnswerIsProductModulo) {
  Task task(modular_spec(), 3);
  Rng rng(3);
  for (int i = 0; i < 100; ++i) {
    const Example ex = task.sample(Split::Train, rng);
    const auto star = ex.question.find('*'), mod = ex.question.find(" mod ");
    const long a = std::stol(ex.question.substr(0, star));
    const long b = std::stol(ex.question.substr(star + 1, mod - star - 1));
    EXPECT_EQ(ex.answer, std::to_string((a * b) % 7)) << ex.question;
    EXPECT_NE(ex.steps.find(std::to_string(a * b)), std::string::npos);
  }
}

TEST(Tasks, EvalExamplesAreHeldOutAndDeterministic) {
  Task task(addition_spec(2), 42);
  const auto a = task.eval_examples(50), b = Task(addition_spec(2), 42).eval_examples(50);
  ASSERT_EQ(a.size(), 50u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].question, b[i].question);
    EXPECT_EQ(task.split_of(a[i].question), Split::Eval);
  }
}

TEST(Tasks, SplitDependsOnSeedAndHoldsOutAboutATenth) {
  Task t1(addition_spec(2), 1), t2(addition_spec(2), 2);
  int eval1 = 0, differ = 0;
  for (int a = 0; a < 100; ++a)
    for (int b = 0; b < 100; ++b) {
      const std::string q = std::to_string(a) + "+" + std::to_string(b);
      eval1 += t1.split_of(q) == Split::Eval;
      differ += t1.split_of(q) != t2.split_of(q);
    }
  EXPECT_GT(eval1, 800);
  EXPECT_LT(eval1, 1200);
  EXPECT_GT(differ, 0);
}

TEST(Corpus, TrainingCorpusNeverContainsAnEvalQuestion) {
  std::vector<Task> tasks{Task(addition_spec(2), 5), Task(modular_spec(), 5)};
  std::set<std::string> held_out;
  for (const auto& t : tasks)
    for (const auto& ex : t.eval_examples(100)) held_out.insert(ex.question);
  TrainSpec train;
  Corpus corpus(tasks, train, 5, Split::Train);
  int task_lines = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string line = corpus.next_line();
    line = line.substr(line.find('\n') + 1);  // after an instruction line, if any
    const auto end = line.find_first_of("=:");
    if (end == std::string::npos) continue;  // filler
    ++task_lines;
    EXPECT_EQ(held_out.count(line.substr(0, end)), 0u) << line;
  }
  EXPECT_GT(task_lines, 15000);
}

TEST(Corpus, InstructionFractionPrefixesTaskLinesWithTheirDescription) {
  std::vector<Task> tasks{Task(addition_spec(2), 5)};
  TrainSpec train;
  train.filler_fraction = 0.0;
  train.cot_fraction = 0.0;
  train.instruction_fraction = 1.0;
  Corpus all(tasks, train, 5, Split::Train);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(all.next_line().rfind("Add the two numbers.\n", 0), 0u);
  train.instruction_fraction = 0.0;
  Corpus none(tasks, train, 5, Split::Train);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(none.next_line().find('\n'), std::string::npos);
}

TEST(Corpus, TasksWithFactsStateThemAtTheirFactFraction) {
  TaskSpec r;
  r.name = "redef";
  r.kind = TaskKind::Redefine;
  r.fact_fraction = 0.5;
  TrainSpec train;
  train.filler_fraction = 0.0;
  train.instruction_fraction = 0.0;
  Corpus corpus({Task(r, 5)}, train, 5, Split::Train);
  int facts = 0;
  for (int i = 0; i < 2000; ++i) facts += corpus.next_line().rfind("let ", 0) != 0;  // "bab=7"
  EXPECT_GT(facts, 850);
  EXPECT_LT(facts, 1150);
}

TEST(Corpus, StreamIsDeterministicAndContinuous) {
  std::vector<Task> tasks{Task(addition_spec(2), 9)};
  TrainSpec train;
  Corpus a(tasks, train, 9, Split::Train), b(tasks, train, 9, Split::Train);
  auto first = a.take(100), second = a.take(50);
  auto both = b.take(150);
  first.insert(first.end(), second.begin(), second.end());
  EXPECT_EQ(first, both);
}

}  // namespace sweep
