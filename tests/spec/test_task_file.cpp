// Task files as the grid loader reads them: BIG-bench JSON tasks (single and
// list targets, multiple choice, every formatting key with BIG-bench's
// defaults, metrics) and JSONL datasets (string, index and choice-string
// answers, context and steps), and each bad file as one line naming the file
// and the example.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "spec/task_file.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

using testing::TempDir;
using Strings = std::vector<std::string>;

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The message `read` throws; fails the test when it throws nothing.
std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

std::string bigbench_error(const std::string& text) {
  TempDir dir;
  const std::string path = write(dir, "task.json", text);
  const std::string message = error_of([&] { read_bigbench_task(path); });
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
  return message.substr(std::min(message.size(), path.size() + 2));
}

std::string jsonl_error(const std::string& text, const JsonlFields& fields = {}) {
  TempDir dir;
  const std::string path = write(dir, "data.jsonl", text);
  const std::string message = error_of([&] { read_jsonl_task(path, fields); });
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.rfind(path, 0), 0u) << message;
  return message.substr(std::min(message.size(), path.size()));
}

JsonlFields with_choices() {
  JsonlFields f;
  f.choices = "choices";
  return f;
}

// ---------------------------------------------------------------- BIG-bench

TEST(BigBenchTaskFile, ReadsASingleStringTarget) {
  TempDir dir;
  const TaskFile t = read_bigbench_task(write(dir, "task.json", R"({
    "name": "arith", "description": "Add two numbers.",
    "examples": [{"input": "1 + 1 =", "target": "2"}, {"input": "2 + 3 =", "target": "5"}]})"));
  EXPECT_EQ(t.name, "arith");
  EXPECT_EQ(t.description, "Add two numbers.");
  ASSERT_EQ(t.examples.size(), 2u);
  EXPECT_EQ(t.examples[1].input, "2 + 3 =");
  EXPECT_EQ(t.examples[1].targets, Strings{"5"});
  EXPECT_FALSE(t.examples[1].multiple_choice());
  EXPECT_EQ(t.examples[1].gold, -1);
  EXPECT_FALSE(t.multiple_choice());
  EXPECT_EQ(t.max_choices(), 0u);
}

TEST(BigBenchTaskFile, ListTargetsAreAllAccepted) {
  TempDir dir;
  const TaskFile t = read_bigbench_task(
      write(dir, "task.json", R"({"examples": [{"input": "unscramble: tac", "target": ["cat", "act"]}]})"));
  EXPECT_EQ(t.examples[0].targets, (Strings{"cat", "act"}));
}

TEST(BigBenchTaskFile, TargetScoresAreChoicesInFileOrderWithTheHighestAsGold) {
  TempDir dir;
  // Keys out of alphabetical order: a sorted map would put "apple" first.
  const TaskFile t = read_bigbench_task(write(dir, "task.json", R"({"examples": [
    {"input": "Which is red?", "target_scores": {"sky": 0, "cherry": 1, "apple": 0.5}},
    {"input": "Tie?", "target_scores": {"x": 0, "y": 1, "z": 1, "w": 0}}]})"));
  const FileExample& e = t.examples[0];
  EXPECT_EQ(e.choices, (Strings{"sky", "cherry", "apple"}));
  EXPECT_EQ(e.scores, (std::vector<double>{0, 1, 0.5}));
  EXPECT_EQ(e.gold, 1);
  EXPECT_TRUE(e.targets.empty());
  EXPECT_EQ(t.examples[1].gold, 1) << "first of the tied highest scores";
  EXPECT_TRUE(t.multiple_choice());
  EXPECT_EQ(t.max_choices(), 4u);
}

TEST(BigBenchTaskFile, AnExampleMayGiveBothTargetAndTargetScores) {
  TempDir dir;
  const TaskFile t = read_bigbench_task(
      write(dir, "task.json", R"({"examples": [{"input": "2+2", "target": "4", "target_scores": {"3": 0, "4": 1}}]})"));
  EXPECT_EQ(t.examples[0].targets, Strings{"4"});
  EXPECT_EQ(t.examples[0].choices, (Strings{"3", "4"}));
  EXPECT_EQ(t.examples[0].gold, 1);
}

TEST(BigBenchTaskFile, MixedTasksAreNotMultipleChoiceButCountTheirChoices) {
  TempDir dir;
  const TaskFile t = read_bigbench_task(write(dir, "task.json", R"({"examples": [
    {"input": "a", "target": "b"}, {"input": "c", "target_scores": {"d": 1, "e": 0}}]})"));
  EXPECT_FALSE(t.multiple_choice());
  EXPECT_EQ(t.max_choices(), 2u);
}

TEST(BigBenchTaskFile, MissingFormattingKeysTakeBigBenchDefaults) {
  TempDir dir;
  const TaskFile t = read_bigbench_task(write(dir, "task.json", R"({"examples": [{"input": "q", "target": "a"}]})"));
  EXPECT_EQ(t.task_prefix, "");
  EXPECT_EQ(t.example_input_prefix, "\nQ: ");
  EXPECT_EQ(t.example_output_prefix, "\nA: ");
  EXPECT_EQ(t.choice_prefix, "\n  choice: ");
  EXPECT_EQ(t.few_shot_example_separator, "\n");
  EXPECT_TRUE(t.append_choices_to_input);
  EXPECT_EQ(t.stop_string, "");
  EXPECT_EQ(t.output_regex, "");
  EXPECT_TRUE(t.metrics.empty());
  EXPECT_EQ(t.preferred_score, "");
}

TEST(BigBenchTaskFile, ReadsEveryPrefixKey) {
  TempDir dir;
  const TaskFile t = read_bigbench_task(write(dir, "task.json", R"({
    "task_prefix": "Translate to IPA.\n", "example_input_prefix": "Word: ", "example_output_prefix": " IPA: ",
    "choice_prefix": "\n - ", "few_shot_example_separator": "\n\n",
    "examples": [{"input": "q", "target": "a"}]})"));
  EXPECT_EQ(t.task_prefix, "Translate to IPA.\n");
  EXPECT_EQ(t.example_input_prefix, "Word: ");
  EXPECT_EQ(t.example_output_prefix, " IPA: ");
  EXPECT_EQ(t.choice_prefix, "\n - ");
  EXPECT_EQ(t.few_shot_example_separator, "\n\n");
}

TEST(BigBenchTaskFile, MultipleChoiceCanKeepChoicesOutOfTheInput) {
  TempDir dir;
  const TaskFile t = read_bigbench_task(write(dir, "task.json", R"({"append_choices_to_input": false,
    "examples": [{"input": "The sky is", "target_scores": {"blue": 1, "green": 0}}]})"));
  EXPECT_FALSE(t.append_choices_to_input);
  EXPECT_TRUE(t.multiple_choice());
}

TEST(BigBenchTaskFile, ReadsOutputRegexAndStopString) {
  TempDir dir;
  const TaskFile t = read_bigbench_task(write(dir, "task.json", R"({"output_regex": "[-+]?\\d+",
    "stop_string": ".", "examples": [{"input": "q", "target": "a"}]})"));
  EXPECT_EQ(t.output_regex, "[-+]?\\d+");
  EXPECT_EQ(t.stop_string, ".");
}

TEST(BigBenchTaskFile, KeepsMetricNamesAsGivenAndThePreferredScore) {
  TempDir dir;
  const TaskFile t = read_bigbench_task(write(dir, "task.json", R"({
    "metrics": ["exact_str_match", "multiple_choice_grade", "bleu", "rouge", "some_future_metric"],
    "preferred_score": "exact_str_match", "examples": [{"input": "q", "target": "a"}]})"));
  EXPECT_EQ(t.metrics, (Strings{"exact_str_match", "multiple_choice_grade", "bleu", "rouge", "some_future_metric"}));
  EXPECT_EQ(t.preferred_score, "exact_str_match");
}

TEST(BigBenchTaskFile, RefusesAMissingFile) {
  TempDir dir;
  const std::string path = dir.file("nowhere.json");
  const std::string message = error_of([&] { read_bigbench_task(path); });
  EXPECT_EQ(message, path + ": cannot read: No such file or directory");
}

TEST(BigBenchTaskFile, RefusesAnEmptyFile) { EXPECT_EQ(bigbench_error(" \n"), "empty file"); }

TEST(BigBenchTaskFile, RefusesMalformedJsonWithTheBytePosition) {
  // nlohmann counts bytes from 1: the stray ']' is the 45th.
  const std::string what = bigbench_error(R"({"examples": [{"input": "q", "target": "a"},]})");
  EXPECT_EQ(what.rfind("malformed JSON at byte 45: ", 0), 0u) << what;
}

TEST(BigBenchTaskFile, RefusesATopLevelThatIsNotAnObject) {
  EXPECT_EQ(bigbench_error(R"([{"input": "q", "target": "a"}])"), "a JSON array, not a task object");
}

TEST(BigBenchTaskFile, RefusesAFileWithoutAnExamplesArray) {
  EXPECT_EQ(bigbench_error(R"({"name": "t"})"), "no \"examples\" array");
  EXPECT_EQ(bigbench_error(R"({"examples": {"input": "q"}})"), "\"examples\" is an object, not an array");
}

TEST(BigBenchTaskFile, RefusesZeroExamples) {
  EXPECT_EQ(bigbench_error(R"({"examples": []})"), "\"examples\" is empty");
}

TEST(BigBenchTaskFile, RefusesAnExampleWithNeitherTargetNorTargetScores) {
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": "a", "target": "b"}, {"input": "c", "target": "d"},
    {"input": "e", "target": "f"}, {"input": "g"}]})"),
            "examples[3]: neither target nor target_scores");
}

TEST(BigBenchTaskFile, RefusesTargetScoresWithoutAPositiveScore) {
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": "a", "target": "b"},
    {"input": "c", "target_scores": {"x": 0, "y": -1}}]})"),
            "examples[1]: \"target_scores\" has no positive score");
}

TEST(BigBenchTaskFile, RefusesEmptyTargetScores) {
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": "c", "target_scores": {}}]})"),
            "examples[0]: \"target_scores\" is empty");
}

TEST(BigBenchTaskFile, RefusesAnEmptyTargetList) {
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": "a", "target": "b"}, {"input": "c", "target": []}]})"),
            "examples[1]: \"target\" is an empty list");
}

TEST(BigBenchTaskFile, RefusesAnInputThatIsNotAString) {
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": 7, "target": "b"}]})"),
            "examples[0]: \"input\" is a number, not a string");
  EXPECT_EQ(bigbench_error(R"({"examples": [{"target": "b"}]})"), "examples[0]: no \"input\"");
}

TEST(BigBenchTaskFile, RefusesAScoreThatIsNotANumber) {
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": "a", "target_scores": {"x": "1", "y": 0}}]})"),
            "examples[0]: \"target_scores\" score of \"x\" is a string, not a number");
}

TEST(BigBenchTaskFile, RefusesIllTypedTargetsAndExamples) {
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": "a", "target": 3}]})"),
            "examples[0]: \"target\" is a number, not a string or a list of strings");
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": "a", "target": ["b", 2]}]})"),
            "examples[0]: \"target\"[1] is a number, not a string");
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": "a", "target_scores": ["b"]}]})"),
            "examples[0]: \"target_scores\" is an array, not an object");
  EXPECT_EQ(bigbench_error(R"({"examples": [{"input": "a", "target": "b"}, "c"]})"),
            "examples[1]: a string, not an object");
}

TEST(BigBenchTaskFile, RefusesIllTypedTaskKeys) {
  EXPECT_EQ(bigbench_error(R"({"example_input_prefix": 1, "examples": [{"input": "a", "target": "b"}]})"),
            "\"example_input_prefix\" is a number, not a string");
  EXPECT_EQ(bigbench_error(R"({"append_choices_to_input": "no", "examples": [{"input": "a", "target": "b"}]})"),
            "\"append_choices_to_input\" is a string, not a boolean");
  EXPECT_EQ(bigbench_error(R"({"metrics": "bleu", "examples": [{"input": "a", "target": "b"}]})"),
            "\"metrics\" is a string, not a list of strings");
  EXPECT_EQ(bigbench_error(R"({"metrics": ["bleu", 2], "examples": [{"input": "a", "target": "b"}]})"),
            "\"metrics\"[1] is a number, not a string");
}

// -------------------------------------------------------------------- JSONL

TEST(JsonlTaskFile, StringAnswersAreGenerationTargets) {
  TempDir dir;
  const TaskFile t = read_jsonl_task(write(dir, "data.jsonl",
                                           "{\"question\": \"Capital of France?\", \"answer\": \"Paris\"}\n"
                                           "{\"question\": \"2+2?\", \"answer\": \"4\"}\n"),
                                     {});
  ASSERT_EQ(t.examples.size(), 2u);
  EXPECT_EQ(t.examples[0].input, "Capital of France?");
  EXPECT_EQ(t.examples[0].targets, Strings{"Paris"});
  EXPECT_FALSE(t.multiple_choice());
  EXPECT_EQ(t.name, "");
  EXPECT_EQ(t.example_input_prefix, "\nQ: ") << "JSONL tasks format with BIG-bench's defaults";
}

TEST(JsonlTaskFile, ReadsDeclaredFieldNames) {
  TempDir dir;
  JsonlFields f;
  f.question = "q";
  f.answer = "a";
  const TaskFile t = read_jsonl_task(write(dir, "data.jsonl", R"({"q": "hi", "a": "there", "question": "no"})"), f);
  EXPECT_EQ(t.examples[0].input, "hi");
  EXPECT_EQ(t.examples[0].targets, Strings{"there"});
}

TEST(JsonlTaskFile, IndexAnswersPickAChoice) {
  TempDir dir;
  const TaskFile t = read_jsonl_task(
      write(dir, "data.jsonl", R"({"question": "Largest?", "choices": ["mouse", "whale", "cat"], "answer": 1})"),
      with_choices());
  const FileExample& e = t.examples[0];
  EXPECT_EQ(e.choices, (Strings{"mouse", "whale", "cat"}));
  EXPECT_EQ(e.scores, (std::vector<double>{0, 1, 0}));
  EXPECT_EQ(e.gold, 1);
  EXPECT_TRUE(t.multiple_choice());
  EXPECT_EQ(t.max_choices(), 3u);
}

TEST(JsonlTaskFile, StringAnswersAmongTheChoicesPickThatChoice) {
  TempDir dir;
  const TaskFile t = read_jsonl_task(
      write(dir, "data.jsonl", R"({"question": "Largest?", "choices": ["mouse", "whale", "cat"], "answer": "cat"})"),
      with_choices());
  EXPECT_EQ(t.examples[0].gold, 2);
  EXPECT_EQ(t.examples[0].scores, (std::vector<double>{0, 0, 1}));
}

TEST(JsonlTaskFile, ReadsContextAndStepsFields) {
  TempDir dir;
  JsonlFields f;
  f.context = "passage";
  f.steps = "rationale";
  const TaskFile t = read_jsonl_task(write(dir, "data.jsonl",
                                           R"({"passage": "Tom has 3 apples.", "question": "Tom eats one. Left?",)"
                                           R"( "rationale": "3 - 1 = 2", "answer": "2"})"),
                                     f);
  EXPECT_EQ(t.examples[0].context, "Tom has 3 apples.");
  EXPECT_EQ(t.examples[0].steps, "3 - 1 = 2");
  EXPECT_EQ(t.examples[0].targets, Strings{"2"});
}

TEST(JsonlTaskFile, SkipsBlankLines) {
  TempDir dir;
  const TaskFile t = read_jsonl_task(write(dir, "data.jsonl",
                                           "\n{\"question\": \"a\", \"answer\": \"b\"}\n  \r\n\n"
                                           "{\"question\": \"c\", \"answer\": \"d\"}"),
                                     {});
  ASSERT_EQ(t.examples.size(), 2u);
  EXPECT_EQ(t.examples[1].input, "c");
}

TEST(JsonlTaskFile, RefusesAMissingFile) {
  TempDir dir;
  const std::string path = dir.file("nowhere.jsonl");
  EXPECT_EQ(error_of([&] { read_jsonl_task(path, {}); }), path + ": cannot read: No such file or directory");
}

TEST(JsonlTaskFile, RefusesAFileWithoutExamples) {
  EXPECT_EQ(jsonl_error(""), ": empty file: no examples");
  EXPECT_EQ(jsonl_error("\n \n"), ": empty file: no examples");
}

TEST(JsonlTaskFile, RefusesAMalformedLineNamingItsLineNumber) {
  const std::string what = jsonl_error("{\"question\": \"a\", \"answer\": \"b\"}\n\n{\"question\": \"c\",\n");
  EXPECT_EQ(what.rfind(":3: malformed JSON at byte ", 0), 0u) << what;
}

TEST(JsonlTaskFile, RefusesALineThatIsNotAnObject) {
  EXPECT_EQ(jsonl_error("[1, 2]\n"), ":1: a JSON array, not an object");
}

TEST(JsonlTaskFile, RefusesAMissingQuestion) {
  EXPECT_EQ(jsonl_error("{\"question\": \"a\", \"answer\": \"b\"}\n{\"answer\": \"b\"}\n"),
            ":2: no question field \"question\"");
}

TEST(JsonlTaskFile, RefusesAMissingAnswer) {
  EXPECT_EQ(jsonl_error("{\"question\": \"a\"}\n"), ":1: no answer field \"answer\"");
}

TEST(JsonlTaskFile, RefusesIllTypedFields) {
  EXPECT_EQ(jsonl_error(R"({"question": 1, "answer": "b"})"),
            ":1: question field \"question\" is a number, not a string");
  EXPECT_EQ(jsonl_error(R"({"question": "a", "answer": 4})"), ":1: answer field \"answer\" is a number, not a string");
  EXPECT_EQ(jsonl_error(R"({"question": "a", "choices": "xy", "answer": 0})", with_choices()),
            ":1: choices field \"choices\" is not a non-empty list of strings");
  EXPECT_EQ(jsonl_error(R"({"question": "a", "choices": ["x", 2], "answer": 0})", with_choices()),
            ":1: choices field \"choices\"[1] is a number, not a string");
  EXPECT_EQ(jsonl_error(R"({"question": "a", "choices": ["x", "y"], "answer": 0.5})", with_choices()),
            ":1: answer field \"answer\" is a number, not a choice index or one of the choices");
}

TEST(JsonlTaskFile, RefusesAMissingDeclaredContextOrSteps) {
  JsonlFields f;
  f.context = "passage";
  EXPECT_EQ(jsonl_error(R"({"question": "a", "answer": "b"})", f), ":1: no context field \"passage\"");
  JsonlFields g;
  g.steps = "rationale";
  EXPECT_EQ(jsonl_error(R"({"question": "a", "answer": "b"})", g), ":1: no steps field \"rationale\"");
}

TEST(JsonlTaskFile, RefusesAnAnswerIndexOutOfRange) {
  EXPECT_EQ(jsonl_error("{\"question\": \"a\", \"choices\": [\"x\", \"y\"], \"answer\": 0}\n"
                        "{\"question\": \"a\", \"choices\": [\"x\", \"y\"], \"answer\": 2}\n",
                        with_choices()),
            ":2: answer index 2 is out of range for 2 choices");
  EXPECT_EQ(jsonl_error(R"({"question": "a", "choices": ["x", "y"], "answer": -1})", with_choices()),
            ":1: answer index -1 is out of range for 2 choices");
}

TEST(JsonlTaskFile, RefusesAnAnswerStringNotAmongTheChoices) {
  EXPECT_EQ(jsonl_error(R"({"question": "a", "choices": ["x", "y"], "answer": "z"})", with_choices()),
            ":1: answer \"z\" is not one of the choices");
}

TEST(JsonlTaskFile, RefusesAMissingChoicesField) {
  EXPECT_EQ(jsonl_error(R"({"question": "a", "answer": 0})", with_choices()), ":1: no choices field \"choices\"");
}

// ----------------------------------------------------------------- few-shot

TEST(FewShotCheck, AllowsUpToEveryOtherExample) {
  TaskFile t;
  t.path = "task.json";
  t.examples.resize(5);
  EXPECT_NO_THROW(check_few_shot(t, 0));
  EXPECT_NO_THROW(check_few_shot(t, 4));
}

TEST(FewShotCheck, RefusesMoreExemplarsThanTheOtherExamples) {
  TaskFile t;
  t.path = "task.json";
  t.examples.resize(5);
  EXPECT_EQ(error_of([&] { check_few_shot(t, 5); }),
            "task.json: few_shot_k 5 asks more exemplars than the task's 4 other examples");
}

}  // namespace
}  // namespace sweep
