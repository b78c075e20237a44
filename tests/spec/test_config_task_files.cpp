// Task files in the grid file: [task.NAME] kind = "bigbench" / "jsonl" with a
// path taken from the grid file's folder, JSONL field keys, every task-file
// error as one line "GRID:LINE:COL: task.NAME.path: FILE: what" at the path
// key, few_shot_k checked against the file's examples, the keys of other kinds
// refused, and the grid's cot points of a file without worked steps skipped.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "spec/config.hpp"
#include "spec/grid.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

using testing::TempDir;

const char* const kArithmetic = R"({"name": "arith", "description": "Add.", "examples": [
  {"input": "1+1", "target": "2"}, {"input": "2+2", "target": ["4", "four"]},
  {"input": "3+3", "target": "6"}, {"input": "4+4", "target": "8"}]})";

void write(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.file(name), std::ios::binary) << text;
}

// A grid in `dir` evaluating on task "t" with the given table body and prompts.
std::string grid(const std::string& task_table, const std::string& prompts = "\"zero_shot\"",
                 const std::string& eval = "") {
  return "[grid]\nmodel = [\"xs\"]\ndata_tokens = [1000]\nprompt = [" + prompts +
         "]\ntask = [\"t\"]\n\n[model.xs]\nn_layer = 1\nd_model = 32\nn_head = 2\n\n[task.t]\n" + task_table +
         eval;
}

std::string error_of(const TempDir& dir, const std::string& text) {
  try {
    load_spec_text(text, dir.file("g.toml"));
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << text;
  return "";
}

TEST(ConfigTaskFiles, ToStringSpellsTheFileKinds) {
  EXPECT_STREQ(to_string(TaskKind::BigBench), "bigbench");
  EXPECT_STREQ(to_string(TaskKind::Jsonl), "jsonl");
  EXPECT_TRUE(is_file_kind(TaskKind::Jsonl));
  EXPECT_FALSE(is_file_kind(TaskKind::Addition));
}

TEST(ConfigTaskFiles, BigbenchPathIsReadFromTheGridFilesFolder) {
  TempDir dir;
  write(dir, "task.json", kArithmetic);
  const SweepSpec s = load_spec_text(grid("kind = \"bigbench\"\npath = \"task.json\"\n"), dir.file("g.toml"));
  ASSERT_EQ(s.tasks.size(), 1u);
  const TaskSpec& t = s.tasks[0];
  EXPECT_EQ(t.kind, TaskKind::BigBench);
  EXPECT_EQ(t.path, dir.file("task.json"));
  ASSERT_TRUE(t.file);
  EXPECT_EQ(t.file->examples.size(), 4u);
  EXPECT_EQ(t.file->description, "Add.");
}

TEST(ConfigTaskFiles, JsonlTakesItsFieldNames) {
  TempDir dir;
  write(dir, "data.jsonl",
        "{\"q\": \"Sky?\", \"opts\": [\"blue\", \"red\"], \"a\": 0, \"ctx\": \"Look up.\", \"why\": \"it is\"}\n");
  const SweepSpec s = load_spec_text(grid("kind = \"jsonl\"\npath = \"data.jsonl\"\nquestion_field = \"q\"\n"
                                          "answer_field = \"a\"\nchoices_field = \"opts\"\ncontext_field = \"ctx\"\n"
                                          "steps_field = \"why\"\n"),
                                     dir.file("g.toml"));
  const TaskSpec& t = s.tasks[0];
  EXPECT_EQ(t.fields.question, "q");
  EXPECT_EQ(t.fields.answer, "a");
  EXPECT_EQ(t.fields.choices, "opts");
  EXPECT_EQ(t.fields.context, "ctx");
  EXPECT_EQ(t.fields.steps, "why");
  ASSERT_TRUE(t.file);
  EXPECT_EQ(t.file->examples[0].gold, 0);
  EXPECT_EQ(t.file->examples[0].context, "Look up.");
}

TEST(ConfigTaskFiles, JsonlFieldsDefaultAsJsonlFields) {
  TempDir dir;
  write(dir, "data.jsonl", "{\"question\": \"2+2\", \"answer\": \"4\"}\n");
  const SweepSpec s = load_spec_text(grid("kind = \"jsonl\"\npath = \"data.jsonl\"\n"), dir.file("g.toml"));
  EXPECT_EQ(s.tasks[0].fields.question, "question");
  EXPECT_EQ(s.tasks[0].fields.answer, "answer");
  EXPECT_EQ(s.tasks[0].file->examples[0].targets, std::vector<std::string>{"4"});
}

TEST(ConfigTaskFiles, MissingPathIsAnErrorAtTheTable) {
  TempDir dir;
  EXPECT_NE(error_of(dir, grid("kind = \"bigbench\"\n")).find("task.t.path: "), std::string::npos);
}

TEST(ConfigTaskFiles, MissingFileIsAnErrorAtThePathKey) {
  TempDir dir;
  const std::string message = error_of(dir, grid("kind = \"bigbench\"\npath = \"none.json\"\n"));
  EXPECT_EQ(message.rfind(dir.file("g.toml") + ":14:8: task.t.path: " + dir.file("none.json") + ": cannot read", 0),
            0u)
      << message;
}

TEST(ConfigTaskFiles, MalformedJsonNamesTheFile) {
  TempDir dir;
  write(dir, "task.json", "{\"examples\": [");
  const std::string message = error_of(dir, grid("kind = \"bigbench\"\npath = \"task.json\"\n"));
  EXPECT_EQ(message.rfind(dir.file("g.toml") + ":14:8: task.t.path: " + dir.file("task.json") + ": malformed JSON",
                          0),
            0u)
      << message;
}

TEST(ConfigTaskFiles, ExampleWithoutTargetNamesTheExample) {
  TempDir dir;
  write(dir, "task.json", R"({"examples": [{"input": "a", "target": "b"}, {"input": "c"}]})");
  const std::string message = error_of(dir, grid("kind = \"bigbench\"\npath = \"task.json\"\n"));
  EXPECT_NE(message.find(":14:8: task.t.path: "), std::string::npos) << message;
  EXPECT_NE(message.find("examples[1]: neither target nor target_scores"), std::string::npos) << message;
}

TEST(ConfigTaskFiles, NoPositiveScoreNamesTheExample) {
  TempDir dir;
  write(dir, "task.json", R"({"examples": [{"input": "a", "target_scores": {"x": 0, "y": 0}}]})");
  const std::string message = error_of(dir, grid("kind = \"bigbench\"\npath = \"task.json\"\n"));
  EXPECT_NE(message.find(":14:8: task.t.path: "), std::string::npos) << message;
  EXPECT_NE(message.find("examples[0]: \"target_scores\" has no positive score"), std::string::npos) << message;
}

TEST(ConfigTaskFiles, EmptyFileIsAnError) {
  TempDir dir;
  write(dir, "data.jsonl", "\n");
  const std::string message = error_of(dir, grid("kind = \"jsonl\"\npath = \"data.jsonl\"\n"));
  EXPECT_NE(message.find(":14:8: task.t.path: " + dir.file("data.jsonl") + ": empty file"), std::string::npos)
      << message;
}

TEST(ConfigTaskFiles, FewShotKLargerThanTheOtherExamplesIsAnErrorAtThePathKey) {
  TempDir dir;
  write(dir, "task.json", kArithmetic);  // 4 examples: 3 others per query
  const std::string table = "kind = \"bigbench\"\npath = \"task.json\"\n";
  const std::string message = error_of(dir, grid(table, "\"few_shot\"", "\n[eval]\nfew_shot_k = 4\n"));
  EXPECT_NE(message.find(":14:8: task.t.path: " + dir.file("task.json") + ": few_shot_k 4"), std::string::npos)
      << message;
  EXPECT_NO_THROW(load_spec_text(grid(table, "\"few_shot\"", "\n[eval]\nfew_shot_k = 3\n"), dir.file("g.toml")));
  // Without few-shot prompts the file needs no exemplars; nor with cot, which it has no points of.
  EXPECT_NO_THROW(load_spec_text(grid(table, "\"zero_shot\"", "\n[eval]\nfew_shot_k = 4\n"), dir.file("g.toml")));
  EXPECT_NO_THROW(load_spec_text(grid(table, "\"cot\"", "\n[eval]\nfew_shot_k = 4\n"), dir.file("g.toml")));
}

TEST(ConfigTaskFiles, CotOnAWorkedFileNeedsTheExemplarsToo) {
  TempDir dir;
  write(dir, "data.jsonl", "{\"question\": \"a\", \"answer\": \"b\", \"why\": \"c\"}\n");
  const std::string message = error_of(
      dir, grid("kind = \"jsonl\"\npath = \"data.jsonl\"\nsteps_field = \"why\"\n", "\"cot\"",
                "\n[eval]\nfew_shot_k = 1\n"));
  EXPECT_NE(message.find(":14:8: task.t.path: " + dir.file("data.jsonl") + ": few_shot_k 1"), std::string::npos)
      << message;
}

TEST(ConfigTaskFiles, OtherKindsKeysAreRefused) {
  TempDir dir;
  write(dir, "task.json", kArithmetic);
  EXPECT_NE(error_of(dir, grid("kind = \"bigbench\"\npath = \"task.json\"\ndigits = 3\n"))
                .find(":15:1: task.t.digits: not allowed for kind \"bigbench\" (expected one of: kind, path)"),
            std::string::npos);
  EXPECT_NE(error_of(dir, grid("kind = \"bigbench\"\npath = \"task.json\"\nquestion_field = \"q\"\n"))
                .find("task.t.question_field: not allowed for kind \"bigbench\""),
            std::string::npos);
  EXPECT_NE(error_of(dir, grid("kind = \"addition\"\npath = \"task.json\"\n"))
                .find("task.t.path: not allowed for kind \"addition\""),
            std::string::npos);
  EXPECT_NE(error_of(dir, grid("kind = \"jsonl\"\npath = \"task.json\"\nfields = 1\n")).find("task.t.fields: unknown key"),
            std::string::npos);
}

TEST(ConfigTaskFiles, AFileKindIsNotABuiltinTaskName) {
  TempDir dir;
  const std::string text = "[grid]\nmodel = [\"xs\"]\ndata_tokens = [1000]\nprompt = [\"zero_shot\"]\n"
                           "task = [\"bigbench\"]\n\n[model.xs]\nn_layer = 1\nd_model = 32\nn_head = 2\n";
  EXPECT_NE(error_of(dir, text).find(":5:9: grid.task[0]: a \"bigbench\" task reads a file"), std::string::npos);
}

TEST(GridTaskFiles, CotOnAFileWithoutWorkedStepsHasNoPoints) {
  TempDir dir;
  write(dir, "task.json", kArithmetic);
  write(dir, "steps.jsonl", "{\"question\": \"2+2\", \"answer\": \"4\", \"why\": \"2+2=4\"}\n"
                            "{\"question\": \"3+3\", \"answer\": \"6\", \"why\": \"3+3=6\"}\n");
  const SweepSpec s = load_spec_text(
      "[grid]\nmodel = [\"xs\"]\ndata_tokens = [1000, 2000]\nprompt = [\"zero_shot\", \"cot\"]\n"
      "task = [\"plain\", \"worked\", \"addition\"]\n\n[model.xs]\nn_layer = 1\nd_model = 32\nn_head = 2\n\n"
      "[task.plain]\nkind = \"bigbench\"\npath = \"task.json\"\n\n"
      "[task.worked]\nkind = \"jsonl\"\npath = \"steps.jsonl\"\nsteps_field = \"why\"\n\n[eval]\nfew_shot_k = 1\n",
      dir.file("g.toml"));
  const Plan plan = expand(s);
  EXPECT_EQ(plan.runs.size(), 2u);
  EXPECT_EQ(plan.points.size(), 2u * (2 * 3 - 1));
  for (const EvalPoint& p : plan.points)
    EXPECT_FALSE(p.prompt == PromptStyle::Cot && s.tasks[p.task].name == "plain");
  const auto skipped = skipped_prompt_tasks(s);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].first, PromptStyle::Cot);
  EXPECT_EQ(s.tasks[skipped[0].second].name, "plain");
}

TEST(GridTaskFiles, TaskFilesStayOutOfTheRunsCorpusAndAnEditedFileIsANewPoint) {
  TempDir dir;
  write(dir, "task.json", kArithmetic);
  const std::string body = "[grid]\nmodel = [\"xs\"]\ndata_tokens = [1000]\nprompt = [\"zero_shot\"]\n"
                           "task = [\"addition\"%s]\n\n[model.xs]\nn_layer = 1\nd_model = 32\nn_head = 2\n\n"
                           "[task.t]\nkind = \"bigbench\"\npath = \"task.json\"\n";
  const auto with = [&](const std::string& tasks) {
    std::string text = body;
    text.replace(text.find("%s"), 2, tasks);
    return load_spec_text(text, dir.file("g.toml"));
  };
  const SweepSpec without_file = with(""), with_file = with(", \"t\"");
  EXPECT_EQ(run_config(without_file, 0, 1000), run_config(with_file, 0, 1000));
  const std::string before = expand(with_file).points[1].config;
  write(dir, "task.json", R"({"examples": [{"input": "1+1", "target": "3"}]})");
  const std::string after = expand(with(", \"t\"")).points[1].config;
  EXPECT_NE(before, after);
  EXPECT_NE(before.find("task=t(bigbench,examples=4,file="), std::string::npos) << before;
}

TEST(GridTaskFiles, TheTaskFilesExampleGridLoadsWithCotOnlyForTheWorkedFile) {
  const SweepSpec s = load_spec_file(std::string(SWEEP_SWEEPS_DIR) + "/taskfiles.toml");
  ASSERT_EQ(s.grid.task.size(), 4u);
  for (int t : s.grid.task) {
    const TaskSpec& task = s.tasks[static_cast<std::size_t>(t)];
    if (task.name == "add2") continue;
    ASSERT_TRUE(task.file) << task.name;
    EXPECT_EQ(task.file->examples.size(), 24u) << task.name;
  }
  const auto skipped = skipped_prompt_tasks(s);
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(s.tasks[skipped[0].second].name, "word_addition");
  EXPECT_EQ(s.tasks[skipped[1].second].name, "largest_choice");
  EXPECT_EQ(expand(s).points.size(), 2u * (4 * 4 - 2));
}

}  // namespace
}  // namespace sweep
