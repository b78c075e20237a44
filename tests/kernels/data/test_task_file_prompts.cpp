// Task files rendered BIG-bench's way (bigbench/api/json_task.py): task_prefix,
// exemplars as input prefix + input + output prefix + target, each followed by
// the few-shot separator, then the query up to the output prefix; choices
// appended only with append_choices_to_input; the file's description first in
// instruction prompts; cot only for examples with worked steps.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernels/data/prompts.hpp"
#include "tests/kernels/data/task_file_util.hpp"

namespace sweep {
namespace {

using testing::bigbench_task;
using testing::jsonl_task;

const char* const kArithmetic = R"({"description": "Add the numbers.", "examples": [
  {"input": "1+1", "target": "2"}, {"input": "2+2", "target": ["4", "four"]}, {"input": "3+3", "target": "6"}]})";

Prompt render(const Task& task, PromptStyle style, int query, int k = 0) {
  const auto queries = task.eval_examples(100);
  return render_prompt(task, style, queries.at(query), task.exemplars(query, k, style == PromptStyle::Cot), 4096);
}

TEST(TaskFilePrompts, ZeroShotIsTheQueryUpToTheOutputPrefix) {
  const Prompt p = render(bigbench_task(kArithmetic), PromptStyle::ZeroShot, 0);
  EXPECT_EQ(p.context, "\nQ: 1+1\nA: ");
  EXPECT_EQ(p.target, "2");
  EXPECT_EQ(p.answer, "2");
  EXPECT_TRUE(p.choices.empty());
  EXPECT_EQ(p.exemplars, 0);
}

TEST(TaskFilePrompts, ListTargetsAreAllAcceptedAndTheFirstIsTheTarget) {
  const Prompt p = render(bigbench_task(kArithmetic), PromptStyle::ZeroShot, 1);
  EXPECT_EQ(p.target, "4");
  EXPECT_EQ(p.answers, (std::vector<std::string>{"4", "four"}));
}

TEST(TaskFilePrompts, FewShotExemplarsAreJoinedByTheSeparatorBeforeTheQuery) {
  const Task task = bigbench_task(kArithmetic);
  const Prompt p = render(task, PromptStyle::FewShot, 2, 2);
  EXPECT_EQ(p.exemplars, 2);
  const auto shots = task.exemplars(2, 2);
  EXPECT_EQ(p.context, "\nQ: " + shots[0].question + "\nA: " + shots[0].answer + "\n" + "\nQ: " +
                           shots[1].question + "\nA: " + shots[1].answer + "\n" + "\nQ: 3+3\nA: ");
}

TEST(TaskFilePrompts, FewShotExemplarsNeverIncludeTheQuery) {
  const Task task = bigbench_task(kArithmetic);
  for (int q = 0; q < 3; ++q) {
    const Prompt p = render(task, PromptStyle::FewShot, q, 2);
    const std::string query = task.eval_examples(3)[q].question;
    EXPECT_EQ(p.context.find("Q: " + query + "\n"), p.context.size() - query.size() - 7) << p.context;
  }
}

TEST(TaskFilePrompts, CustomPrefixesAndSeparatorAreUsed) {
  const Task task = bigbench_task(R"({"task_prefix": "Sums.\n", "example_input_prefix": "In: ",
    "example_output_prefix": " Out: ", "few_shot_example_separator": " | ",
    "examples": [{"input": "1+1", "target": "2"}, {"input": "2+2", "target": "4"}]})");
  const Prompt p = render(task, PromptStyle::FewShot, 1, 1);
  EXPECT_EQ(p.context, "Sums.\nIn: 1+1 Out: 2 | In: 2+2 Out: ");
}

const char* const kChoices = R"({"examples": [
  {"input": "Which is red?", "target_scores": {"sky": 0, "blood": 1}},
  {"input": "Which is wet?", "target_scores": {"water": 1, "sand": 0}}]})";

TEST(TaskFilePrompts, MultipleChoiceAppendsTheChoicesAndScoresThemAsContinuations) {
  const Prompt p = render(bigbench_task(kChoices), PromptStyle::ZeroShot, 0);
  EXPECT_EQ(p.context, "\nQ: Which is red?\n  choice: sky\n  choice: blood\nA: ");
  EXPECT_EQ(p.choices, (std::vector<std::string>{"sky", "blood"}));
  EXPECT_EQ(p.gold, 1);
  EXPECT_EQ(p.target, "blood");
  EXPECT_EQ(p.choice_scores, (std::vector<double>{0, 1}));
}

TEST(TaskFilePrompts, MultipleChoiceWithoutAppendedChoicesShowsOnlyTheInput) {
  std::string json = kChoices;
  json.insert(1, "\"append_choices_to_input\": false, ");
  const Prompt p = render(bigbench_task(json), PromptStyle::FewShot, 0, 1);
  EXPECT_EQ(p.context, "\nQ: Which is wet?\nA: water\n\nQ: Which is red?\nA: ");
  EXPECT_EQ(p.choices, (std::vector<std::string>{"sky", "blood"}));
}

TEST(TaskFilePrompts, InstructionPutsTheDescriptionFirstWithoutExemplars) {
  const Task task = bigbench_task(kArithmetic);
  const auto q = task.eval_examples(3)[0];
  const Prompt p = render_prompt(task, PromptStyle::Instruction, q, {}, 4096);
  EXPECT_EQ(p.context, "Add the numbers.\n\nQ: 1+1\nA: ");
  const Task without = bigbench_task(R"({"examples": [{"input": "1+1", "target": "2"}]})");
  EXPECT_EQ(render(without, PromptStyle::Instruction, 0).context, "\nQ: 1+1\nA: ");
}

TEST(TaskFilePrompts, CotRendersWorkedStepsThenTheAnswerMarker) {
  JsonlFields fields;
  fields.steps = "why";
  const Task task = jsonl_task(
      "{\"question\": \"2*3\", \"answer\": \"6\", \"why\": \"2+2+2=6\"}\n"
      "{\"question\": \"2*4\", \"answer\": \"8\", \"why\": \"2+2+2+2=8\"}\n",
      fields);
  const Prompt p = render(task, PromptStyle::Cot, 1, 1);
  EXPECT_EQ(p.context, "\nQ: 2*3\nA: 2+2+2=6. The answer is 6.\n\nQ: 2*4\nA: ");
  EXPECT_EQ(p.target, "2+2+2+2=8. The answer is 8.");
  EXPECT_EQ(extract_answer(PromptStyle::Cot, p.target), "8");
}

TEST(TaskFilePrompts, CotNeedsWorkedSteps) {
  const Task task = bigbench_task(kArithmetic);
  EXPECT_THROW(render(task, PromptStyle::Cot, 0), std::runtime_error);
}

TEST(TaskFilePrompts, StopStringAndOutputRegexComeFromTheFile) {
  const Task task = bigbench_task(R"({"stop_string": ".", "output_regex": "[0-9]+",
    "examples": [{"input": "1+1", "target": "2"}]})");
  const Prompt p = render(task, PromptStyle::ZeroShot, 0);
  EXPECT_EQ(p.stop_string, ".");
  EXPECT_EQ(p.output_regex, "[0-9]+");
}

TEST(TaskFilePrompts, LeadingExemplarsAreDroppedToFitTheContext) {
  const Task task = bigbench_task(kArithmetic);
  const auto q = task.eval_examples(3)[2];
  const Prompt p = render_prompt(task, PromptStyle::FewShot, q, task.exemplars(2, 2), 30);
  EXPECT_EQ(p.exemplars, 1);
  EXPECT_LE(p.context.size() + p.target.size() + 1, 30u);
}

}  // namespace
}  // namespace sweep
