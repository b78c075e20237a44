// The held-out split, for every task kind: eval examples never occur in
// training, neither as sampled examples nor in the training corpus.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "kernels/data/corpus.hpp"
#include "kernels/data/prompts.hpp"
#include "task_test_util.hpp"

namespace sweep {
using testing::draw;
using testing::spec_of;

TEST(HeldOut, EvalExamplesNeverAppearInTheTrainingSplitOfAnyTask) {
  for (TaskKind kind : kBuiltinTaskKinds) {
    SCOPED_TRACE(to_string(kind));
    const Task task(spec_of(kind), 21);
    std::set<std::string> eval_keys;
    for (const Example& ex : task.eval_examples(60)) {
      EXPECT_EQ(task.split_of(ex), Split::Eval);
      eval_keys.insert(ex.key());
    }
    for (const Example& ex : draw(task, Split::Train, 3000)) EXPECT_EQ(eval_keys.count(ex.key()), 0u) << ex.question;
  }
}

TEST(HeldOut, TrainingCorpusNeverStatesAnEvalQuestion) {
  std::vector<Task> tasks;
  for (TaskKind kind : kBuiltinTaskKinds) tasks.emplace_back(spec_of(kind), 22);
  std::set<std::string> eval_questions;
  for (const Task& t : tasks)
    for (const Example& ex : t.eval_examples(60)) eval_questions.insert(ex.question);
  TrainSpec train;
  train.instruction_fraction = 0.3;
  Corpus corpus(tasks, train, 22, Split::Train);
  for (int i = 0; i < 20000; ++i) {
    std::istringstream lines(corpus.next_line());
    for (std::string line; std::getline(lines, line);) {
      // The question ends at a "=" or ":" delimiter; redefine questions hold a
      // "=" themselves ("let bab=3. bab=3"), so try every one.
      for (std::size_t at = line.find_first_of("=:"); at != std::string::npos; at = line.find_first_of("=:", at + 1))
        EXPECT_EQ(eval_questions.count(line.substr(0, at)), 0u) << line;
    }
  }
}

TEST(HeldOut, ExamplesAreDeterministicBySeed) {
  for (TaskKind kind : kBuiltinTaskKinds) {
    SCOPED_TRACE(to_string(kind));
    const auto a = Task(spec_of(kind), 3).eval_examples(20), b = Task(spec_of(kind), 3).eval_examples(20);
    const auto c = Task(spec_of(kind), 4).eval_examples(20);
    bool differs = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].question, b[i].question);
      EXPECT_EQ(a[i].answer, b[i].answer);
      differs = differs || a[i].question != c[i].question;
    }
    EXPECT_TRUE(differs);
  }
}

}  // namespace sweep
