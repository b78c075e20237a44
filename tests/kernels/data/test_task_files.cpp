// A task file's Task: its examples, in file order, are all evaluation data
// (never a training sample, never a corpus line), converted to Examples with
// every accepted answer and choice score; few-shot exemplars are the task's
// other examples, drawn without replacement per (sweep seed, query index).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "kernels/data/corpus.hpp"
#include "tests/kernels/data/task_file_util.hpp"

namespace sweep {
namespace {

using testing::bigbench_task;
using testing::jsonl_task;

// n examples "q0".."q{n-1}" with targets "a0"...
std::string numbered(int n) {
  std::string s = R"({"description": "Echo.", "examples": [)";
  for (int i = 0; i < n; ++i)
    s += std::string(i ? "," : "") + "{\"input\": \"q" + std::to_string(i) + "\", \"target\": \"a" +
         std::to_string(i) + "\"}";
  return s + "]}";
}

TEST(TaskFiles, EvalExamplesAreTheFilesExamplesInFileOrder) {
  const Task task = bigbench_task(numbered(5));
  const auto all = task.eval_examples(100);
  ASSERT_EQ(all.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(all[i].question, "q" + std::to_string(i));
    EXPECT_EQ(all[i].answer, "a" + std::to_string(i));
  }
  const auto first = task.eval_examples(2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[1].question, "q1");
}

TEST(TaskFiles, ListTargetsAreEveryAcceptedAnswer) {
  const Task task = bigbench_task(R"({"examples": [{"input": "2+2", "target": ["4", "four"]}]})");
  const Example ex = task.eval_examples(1).at(0);
  EXPECT_EQ(ex.answer, "4");
  EXPECT_EQ(ex.answers, (std::vector<std::string>{"4", "four"}));
  EXPECT_FALSE(ex.multiple_choice());
  EXPECT_EQ(task.chance(ex), 0.0);
  EXPECT_FALSE(task.scores_choices());
}

TEST(TaskFiles, MultipleChoiceExamplesCarryChoicesScoresAndTheBestChoiceAsAnswer) {
  const Task task =
      bigbench_task(R"({"examples": [{"input": "Pick", "target_scores": {"x": 0, "y": 1, "z": 0.5}}]})");
  const Example ex = task.eval_examples(1).at(0);
  EXPECT_EQ(ex.choices, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(ex.choice_scores, (std::vector<double>{0, 1, 0.5}));
  EXPECT_EQ(ex.gold, 1);
  EXPECT_EQ(ex.answer, "y");
  EXPECT_EQ(ex.answers, std::vector<std::string>{"y"});
  EXPECT_DOUBLE_EQ(task.chance(ex), 1.0 / 3);
  EXPECT_TRUE(task.scores_choices());
}

TEST(TaskFiles, JsonlContextGoesBeforeTheQuestionOnItsOwnLine) {
  JsonlFields fields;
  fields.context = "passage";
  fields.steps = "why";
  const Task task =
      jsonl_task("{\"passage\": \"Tom is 3.\", \"question\": \"Age?\", \"answer\": \"3\", \"why\": \"stated\"}\n",
                 fields);
  const Example ex = task.eval_examples(1).at(0);
  EXPECT_EQ(ex.question, "Tom is 3.\nAge?");
  EXPECT_EQ(ex.answer, "3");
  EXPECT_EQ(ex.steps, "stated");
}

TEST(TaskFiles, EveryExampleIsInTheEvalSplit) {
  const Task task = bigbench_task(numbered(30));
  for (const Example& ex : task.eval_examples(30)) EXPECT_EQ(task.split_of(ex), Split::Eval);
}

TEST(TaskFiles, TheTrainSplitNeverYieldsAFileExample) {
  const Task task = bigbench_task(numbered(3));
  Rng rng(1);
  EXPECT_THROW(task.sample(Split::Train, rng), std::logic_error);
}

TEST(TaskFiles, HaveNoBuiltinDefinitionButTheirDescriptionIsTheInstruction) {
  const Task task = bigbench_task(numbered(2));
  EXPECT_EQ(task.file()->examples.size(), 2u);
  EXPECT_EQ(task.instruction(), "Echo.");
  EXPECT_FALSE(task.has_facts());
  EXPECT_THROW(task.def(), std::logic_error);
  TaskSpec builtin;
  EXPECT_EQ(Task(builtin, 7).file(), nullptr);
}

TEST(TaskFiles, NeverEnterTheSyntheticCorpus) {
  TaskSpec add;
  add.name = "addition";
  const std::vector<Task> tasks{bigbench_task(numbered(5)), Task(add, 7)};
  TrainSpec train;
  train.filler_fraction = 0.0;
  for (Split split : {Split::Train, Split::Eval}) {
    Corpus corpus(tasks, train, 7, split);
    for (int i = 0; i < 2000; ++i) {
      const std::string line = corpus.next_line();
      EXPECT_EQ(line.find('q'), std::string::npos) << line;
    }
  }
}

TEST(TaskFiles, ACorpusOfOnlyTaskFilesIsFillerProse) {
  TrainSpec train;
  train.filler_fraction = 0.0;
  Corpus corpus({bigbench_task(numbered(5))}, train, 7, Split::Train);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(corpus.next_line().back(), '.');
}

TEST(TaskFiles, ABuiltinCorpusIsUnchangedByATaskFileBesideIt) {
  TaskSpec add;
  add.name = "addition";
  TrainSpec train;
  Corpus alone({Task(add, 7)}, train, 7, Split::Train);
  Corpus beside({Task(add, 7), bigbench_task(numbered(5))}, train, 7, Split::Train);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(alone.next_line(), beside.next_line());
}

TEST(TaskFiles, ExemplarsNeverIncludeTheQueryAndAreDistinct) {
  const Task task = bigbench_task(numbered(6));
  for (int q = 0; q < 6; ++q) {
    const auto shots = task.exemplars(q, 5);
    ASSERT_EQ(shots.size(), 5u);
    std::set<std::string> seen;
    for (const Example& ex : shots) {
      EXPECT_NE(ex.question, "q" + std::to_string(q));
      EXPECT_TRUE(seen.insert(ex.question).second) << ex.question;
    }
  }
}

TEST(TaskFiles, ExemplarsAreDeterministicPerSeedAndQuery) {
  const auto questions = [](const std::vector<Example>& v) {
    std::vector<std::string> out;
    for (const auto& e : v) out.push_back(e.question);
    return out;
  };
  const Task a = bigbench_task(numbered(40), 7), again = bigbench_task(numbered(40), 7);
  const Task other_seed = bigbench_task(numbered(40), 8);
  EXPECT_EQ(questions(a.exemplars(3, 4)), questions(again.exemplars(3, 4)));
  bool seed_matters = false, query_matters = false;
  for (int q = 0; q < 10; ++q) {
    seed_matters |= questions(a.exemplars(q, 4)) != questions(other_seed.exemplars(q, 4));
    query_matters |= questions(a.exemplars(q, 4)) != questions(a.exemplars(q + 10, 4));
  }
  EXPECT_TRUE(seed_matters);
  EXPECT_TRUE(query_matters);
}

TEST(TaskFiles, CotExemplarsAreOnlyExamplesWithWorkedSteps) {
  JsonlFields fields;
  fields.steps = "why";
  std::string lines;
  for (int i = 0; i < 8; ++i)
    lines += "{\"question\": \"q" + std::to_string(i) + "\", \"answer\": \"a\", \"why\": \"" +
             (i % 2 ? "s" + std::to_string(i) : "") + "\"}\n";
  const Task task = jsonl_task(lines, fields);
  const auto queries = task.eval_examples(100, true);
  ASSERT_EQ(queries.size(), 4u);  // q1, q3, q5, q7
  EXPECT_EQ(queries[1].question, "q3");
  const auto shots = task.exemplars(1, 8, true);
  EXPECT_EQ(shots.size(), 3u);  // q1, q5, q7: the query q3 is left out
  for (const Example& ex : shots) {
    EXPECT_FALSE(ex.steps.empty());
    EXPECT_NE(ex.question, "q3");
  }
}

TEST(TaskFiles, BuiltinExemplarsComeFromTheTrainingSplit) {
  TaskSpec add;
  add.name = "addition";
  const Task task(add, 7);
  for (const Example& ex : task.exemplars(0, 20)) EXPECT_EQ(task.split_of(ex), Split::Train);
}

}  // namespace
}  // namespace sweep
