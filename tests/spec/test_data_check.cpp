// The contamination check of a grid's [data] train files: a task file's
// example whose input occurs verbatim with its answer is one warning naming
// the task, the example and the file; inputs without their answer, examples
// past the first kContaminationExamples and bytes past the scan bound are not
// looked at, and a file cut short says so.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "spec/data_check.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

using testing::TempDir;

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.file(name), std::ios::binary) << text;
  return dir.file(name);
}

TaskSpec file_task(const std::string& name, std::vector<FileExample> examples) {
  TaskSpec t;
  t.name = name;
  t.kind = TaskKind::BigBench;
  t.path = name + ".json";
  auto f = std::make_shared<TaskFile>();
  f->examples = std::move(examples);
  t.file = f;
  return t;
}

FileExample example(const std::string& input, const std::string& target) {
  FileExample e;
  e.input = input;
  e.targets = {target};
  return e;
}

TEST(ContaminationWarnings, AnExampleInTheCorpusWithItsAnswerIsNamed) {
  TempDir dir;
  const std::string corpus = write(dir, "train.txt", "some prose.\nWhat is the capital of Peru? Lima\nmore prose.\n");
  const std::vector<TaskSpec> tasks = {
      file_task("geo", {example("What is the capital of France?", "Paris"),
                        example("What is the capital of Peru?", "Lima")})};
  const auto warnings = contamination_warnings({corpus}, tasks);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rfind("warning: task geo (geo.json): example 1 ", 0), 0u) << warnings[0];
  EXPECT_NE(warnings[0].find(corpus), std::string::npos) << warnings[0];
}

TEST(ContaminationWarnings, TheInputWithoutItsAnswerIsNotContamination) {
  TempDir dir;
  const std::string corpus = write(dir, "train.txt", "What is the capital of Peru? I do not know.\n");
  const std::vector<TaskSpec> tasks = {file_task("geo", {example("What is the capital of Peru?", "Lima")})};
  EXPECT_TRUE(contamination_warnings({corpus}, tasks).empty());
}

TEST(ContaminationWarnings, MultipleChoiceExamplesAreFoundWithTheirBestChoice) {
  TempDir dir;
  const std::string corpus = write(dir, "train.txt", "Which is a fruit? apple\n");
  FileExample mc;
  mc.input = "Which is a fruit?";
  mc.choices = {"stone", "apple"};
  mc.scores = {0, 1};
  mc.gold = 1;
  const auto warnings = contamination_warnings({corpus}, {file_task("mc", {mc})});
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(ContaminationWarnings, OnlyTheFirstExamplesAreChecked) {
  TempDir dir;
  std::vector<FileExample> examples;
  for (int i = 0; i <= kContaminationExamples; ++i) examples.push_back(example("q" + std::to_string(1000 + i), "a"));
  const std::string corpus = write(dir, "train.txt", "q" + std::to_string(1000 + kContaminationExamples) + " a\n");
  EXPECT_TRUE(contamination_warnings({corpus}, {file_task("t", examples)}).empty());
}

TEST(ContaminationWarnings, AFileIsScannedUpToTheBoundAndSaysSo) {
  TempDir dir;
  const std::string corpus = write(dir, "train.txt", std::string(100, '.') + "late question late answer\n");
  const std::vector<TaskSpec> tasks = {file_task("t", {example("late question", "late answer")})};
  const auto bounded = contamination_warnings({corpus}, tasks, 64);
  ASSERT_EQ(bounded.size(), 1u);
  EXPECT_NE(bounded[0].find("looked for task-file examples in its first 64 bytes only"), std::string::npos) << bounded[0];
  EXPECT_EQ(contamination_warnings({corpus}, tasks).size(), 1u);
}

TEST(ContaminationWarnings, AMatchAcrossChunksIsFound) {
  // Chunks are 16 MiB: an example straddling the boundary is still found.
  TempDir dir;
  const std::size_t chunk = std::size_t{16} << 20;
  const std::string corpus = write(dir, "train.txt", std::string(chunk - 5, ' ') + "straddling input => yes\n");
  EXPECT_EQ(contamination_warnings({corpus}, {file_task("t", {example("straddling input", "yes")})}).size(), 1u);
}

TEST(ContaminationWarnings, BuiltinTasksHaveNothingToCheck) {
  TempDir dir;
  const std::string corpus = write(dir, "train.txt", "47+85=132\n");
  TaskSpec addition;
  addition.name = "addition";
  EXPECT_TRUE(contamination_warnings({corpus}, {addition}).empty());
}

}  // namespace
}  // namespace sweep
