// Specification of the grid-file loader: what a valid grid loads into, which
// defaults fill omitted keys, and the exact "file:line:col: key.path: ..." of
// each class of error, including every file in bad_grids/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "spec/config.hpp"
#include "spec/grid.hpp"
#include "spec/model_size.hpp"

namespace sweep {
namespace {

const char* const kValidGrid = R"(# A small grid.
[sweep]
name = "default"
seed = 1234
out = "results/grid.h5"

[grid]
model = ["xs", "s"]
data_tokens = [20_000, 80_000]
prompt = ["zero_shot", "few_shot", "cot"]
task = ["add2", "modular"]

[model.xs]
n_layer = 1
d_model = 32
n_head = 2
lr = 3e-3

[model.s]
n_layer = 2
d_model = 64
n_head = 4

[task.add2]
kind = "addition"
digits = 2

[task.mod5]
kind = "modular"
digits = 1
modulus = 5

[train]
seq_len = 64
lr = 1

[eval]
examples = 50
)";

const char* const kMinimalGrid = R"([grid]
model = ["xs"]
data_tokens = [1000]
prompt = ["zero_shot"]
task = ["addition"]

[model.xs]
n_layer = 1
d_model = 32
n_head = 2
)";

// The loader's message for `text`, or a test failure if it loads.
std::string error_of(const std::string& text, const std::string& path = "g.toml") {
  try {
    load_spec_text(text, path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << text;
  return "";
}

TEST(Spec, ToStringSpellsTheGridFileNames) {
  EXPECT_STREQ(to_string(PromptStyle::ZeroShot), "zero_shot");
  EXPECT_STREQ(to_string(PromptStyle::FewShot), "few_shot");
  EXPECT_STREQ(to_string(PromptStyle::Cot), "cot");
  EXPECT_STREQ(to_string(TaskKind::Addition), "addition");
  EXPECT_STREQ(to_string(TaskKind::Modular), "modular");
}

TEST(ConfigLoad, ValidGridLoadsEveryValue) {
  const SweepSpec s = load_spec_text(kValidGrid, "sweeps/valid.toml");
  EXPECT_EQ(s.path, "sweeps/valid.toml");
  EXPECT_EQ(s.text, kValidGrid);
  EXPECT_EQ(s.name, "default");
  EXPECT_EQ(s.seed, 1234u);
  EXPECT_EQ(s.out, "sweeps/results/grid.h5");  // relative to the grid file

  ASSERT_EQ(s.models.size(), 2u);
  EXPECT_EQ(s.models[0].name, "xs");
  EXPECT_EQ(s.models[0].n_layer, 1);
  EXPECT_EQ(s.models[0].d_model, 32);
  EXPECT_EQ(s.models[0].n_head, 2);
  EXPECT_DOUBLE_EQ(s.models[0].lr, 3e-3);
  EXPECT_EQ(s.models[1].name, "s");
  EXPECT_EQ(s.models[1].n_layer, 2);
  EXPECT_EQ(s.models[1].d_model, 64);
  EXPECT_EQ(s.models[1].n_head, 4);
  EXPECT_EQ(s.models[1].lr, 0.0);

  ASSERT_EQ(s.tasks.size(), 3u);
  EXPECT_EQ(s.tasks[0].name, "add2");
  EXPECT_EQ(s.tasks[0].kind, TaskKind::Addition);
  EXPECT_EQ(s.tasks[0].digits, 2);
  EXPECT_EQ(s.tasks[1].name, "mod5");
  EXPECT_EQ(s.tasks[1].kind, TaskKind::Modular);
  EXPECT_EQ(s.tasks[1].digits, 1);
  EXPECT_EQ(s.tasks[1].modulus, 5);
  EXPECT_EQ(s.tasks[2].name, "modular");
  EXPECT_EQ(s.tasks[2].kind, TaskKind::Modular);
  EXPECT_EQ(s.tasks[2].digits, TaskSpec{}.digits);
  EXPECT_EQ(s.tasks[2].modulus, TaskSpec{}.modulus);

  EXPECT_EQ(s.train.seq_len, 64);
  EXPECT_DOUBLE_EQ(s.train.lr, 1.0);
  EXPECT_EQ(s.eval.examples, 50);
}

TEST(ConfigLoad, GridAxesAreIndicesIntoModelsAndTasks) {
  const SweepSpec s = load_spec_text(kValidGrid, "g.toml");
  EXPECT_EQ(s.grid.model, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.grid.data_tokens, (std::vector<std::int64_t>{20000, 80000}));
  EXPECT_EQ(s.grid.prompt, (std::vector<PromptStyle>{PromptStyle::ZeroShot, PromptStyle::FewShot, PromptStyle::Cot}));
  EXPECT_EQ(s.grid.task, (std::vector<int>{0, 2}));
}

TEST(ConfigLoad, ModelsAndTasksKeepFileOrderNotKeyOrder) {
  const SweepSpec s = load_spec_text(R"([grid]
model = ["b"]
data_tokens = [1]
prompt = ["cot"]
task = ["z"]
[model.c]
n_layer = 1
d_model = 8
n_head = 1
[model.a]
n_layer = 1
d_model = 8
n_head = 1
[model.b]
n_layer = 1
d_model = 8
n_head = 1
[task.z]
kind = "addition"
[task.y]
kind = "modular"
)",
                                     "g.toml");
  ASSERT_EQ(s.models.size(), 3u);
  EXPECT_EQ(s.models[0].name, "c");
  EXPECT_EQ(s.models[1].name, "a");
  EXPECT_EQ(s.models[2].name, "b");
  EXPECT_EQ(s.grid.model, std::vector<int>{2});
  ASSERT_EQ(s.tasks.size(), 2u);
  EXPECT_EQ(s.tasks[0].name, "z");
  EXPECT_EQ(s.tasks[1].name, "y");
}

TEST(ConfigLoad, DefaultsFillOmittedTables) {
  const SweepSpec s = load_spec_text(kMinimalGrid, "g.toml");
  EXPECT_EQ(s.name, "sweep");
  EXPECT_EQ(s.seed, 0u);
  EXPECT_EQ(s.out, "results/sweep.h5");

  const TrainSpec t;
  EXPECT_EQ(s.train.seq_len, t.seq_len);
  EXPECT_EQ(s.train.batch_size, t.batch_size);
  EXPECT_EQ(s.train.lr, t.lr);
  EXPECT_EQ(s.train.min_lr_ratio, t.min_lr_ratio);
  EXPECT_EQ(s.train.warmup_steps, t.warmup_steps);
  EXPECT_EQ(s.train.weight_decay, t.weight_decay);
  EXPECT_EQ(s.train.beta1, t.beta1);
  EXPECT_EQ(s.train.beta2, t.beta2);
  EXPECT_EQ(s.train.grad_clip, t.grad_clip);
  EXPECT_EQ(s.train.cot_fraction, t.cot_fraction);
  EXPECT_EQ(s.train.filler_fraction, t.filler_fraction);
  EXPECT_EQ(s.train.eval_loss_tokens, t.eval_loss_tokens);

  const EvalSpec e;
  EXPECT_EQ(s.eval.examples, e.examples);
  EXPECT_EQ(s.eval.few_shot_k, e.few_shot_k);
  EXPECT_EQ(s.eval.batch_size, e.batch_size);

  ASSERT_EQ(s.tasks.size(), 1u);
  EXPECT_EQ(s.tasks[0].name, "addition");
  EXPECT_EQ(s.tasks[0].kind, TaskKind::Addition);
  EXPECT_EQ(s.tasks[0].digits, TaskSpec{}.digits);
}

TEST(ConfigLoad, OutDefaultsToResultsSlashName) {
  const SweepSpec s = load_spec_text(std::string("[sweep]\nname = \"scan-1.b\"\n") + kMinimalGrid, "g.toml");
  EXPECT_EQ(s.out, "results/scan-1.b.h5");
}

TEST(ConfigLoad, EveryTrainAndEvalKeyIsRead) {
  const SweepSpec s = load_spec_text(std::string(kMinimalGrid) + R"(
[train]
seq_len = 256
batch_size = 16
lr = 1e-3
min_lr_ratio = 0
warmup_steps = 0
weight_decay = 0.05
beta1 = 0.8
beta2 = 0.99
grad_clip = 0
cot_fraction = 1
filler_fraction = 0.0
eval_loss_tokens = 256
[eval]
examples = 100000
few_shot_k = 0
batch_size = 4096
)",
                                     "g.toml");
  EXPECT_EQ(s.train.seq_len, 256);
  EXPECT_EQ(s.train.batch_size, 16);
  EXPECT_DOUBLE_EQ(s.train.lr, 1e-3);
  EXPECT_EQ(s.train.min_lr_ratio, 0.0);
  EXPECT_EQ(s.train.warmup_steps, 0);
  EXPECT_DOUBLE_EQ(s.train.weight_decay, 0.05);
  EXPECT_DOUBLE_EQ(s.train.beta1, 0.8);
  EXPECT_DOUBLE_EQ(s.train.beta2, 0.99);
  EXPECT_EQ(s.train.grad_clip, 0.0);
  EXPECT_EQ(s.train.cot_fraction, 1.0);
  EXPECT_EQ(s.train.filler_fraction, 0.0);
  EXPECT_EQ(s.train.eval_loss_tokens, 256);
  EXPECT_EQ(s.eval.examples, 100000);
  EXPECT_EQ(s.eval.few_shot_k, 0);
  EXPECT_EQ(s.eval.batch_size, 4096);
}

TEST(ConfigLoad, DefinedTaskTableShadowsBuiltinKindName) {
  const SweepSpec s = load_spec_text(std::string(kMinimalGrid) + "[task.addition]\nkind = \"addition\"\ndigits = 4\n",
                                     "g.toml");
  ASSERT_EQ(s.tasks.size(), 1u);
  EXPECT_EQ(s.tasks[0].digits, 4);
  EXPECT_EQ(s.grid.task, std::vector<int>{0});
}

TEST(ConfigLoad, FileLoadsLikeText) {
  const std::string path = ::testing::TempDir() + "sweep_config_valid.toml";
  std::ofstream(path) << kValidGrid;
  const SweepSpec s = load_spec_file(path);
  std::remove(path.c_str());
  EXPECT_EQ(s.path, path);
  EXPECT_EQ(s.text, kValidGrid);
  EXPECT_EQ(s.grid.task, (std::vector<int>{0, 2}));
}

TEST(ConfigErrors, UnknownKeyNamesLineAndColumn) {
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[train]\n  lrr = 1\n"),
            "g.toml:12:3: train.lrr: unknown key (expected one of: seq_len, batch_size, lr, min_lr_ratio, "
            "warmup_steps, weight_decay, beta1, beta2, grad_clip, cot_fraction, filler_fraction, instruction_fraction, eval_loss_tokens, "
            "checkpoint_every)");
}

TEST(ConfigErrors, UnknownTopLevelTableIsReportedAtItsName) {
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[optimizer]\n"),
            "g.toml:11:2: optimizer: unknown table (expected one of: sweep, grid, data, model, task, train, eval)");
}

TEST(ConfigErrors, WrongTypeSaysWhatWasExpectedAndFound) {
  EXPECT_EQ(error_of("[sweep]\nseed = \"7\"\n"), "g.toml:2:8: sweep.seed: expected an integer, got string");
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[train]\nlr = \"3e-3\"\n"),
            "g.toml:12:6: train.lr: expected a number, got string");
  EXPECT_EQ(error_of("train = 5\n"), "g.toml:1:9: train: expected a table, got integer");
}

TEST(ConfigErrors, IntegerKeysRejectFloats) {
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[eval]\nexamples = 10.0\n"),
            "g.toml:12:12: eval.examples: expected an integer, got float");
}

TEST(ConfigErrors, OutOfRangeValuesStateTheRange) {
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[train]\nseq_len = 4\n"),
            "g.toml:12:11: train.seq_len: expected an integer in [8, 4096], got 4");
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[train]\nbeta2 = 1\n"),
            "g.toml:12:9: train.beta2: expected a number in [0, 1), got 1");
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[train]\nlr = inf\n"),
            "g.toml:12:6: train.lr: expected a finite positive number, got inf");
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[eval]\nfew_shot_k = 65\n"),
            "g.toml:12:14: eval.few_shot_k: expected a non-negative integer <= 64, got 65");
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[train]\nwarmup_steps = 3000000000\n"),
            "g.toml:12:16: train.warmup_steps: expected a non-negative integer <= 2147483647, got 3000000000");
}

TEST(ConfigErrors, DModelMustBeDivisibleByNHead) {
  EXPECT_EQ(error_of("[model.xs]\nn_layer = 1\nn_head = 4\nd_model = 30\n", "sweeps/bad.toml"),
            "sweeps/bad.toml:4:11: model.xs.d_model: expected a positive integer divisible by n_head (4), got 30");
}

TEST(ConfigErrors, EvalLossTokensMustCoverOneSequence) {
  EXPECT_EQ(error_of(std::string(kMinimalGrid) + "[train]\nseq_len = 512\neval_loss_tokens = 100\n"),
            "g.toml:13:20: train.eval_loss_tokens: expected an integer >= seq_len (512), got 100");
}

TEST(ConfigErrors, MissingKeyPointsAtEnclosingTable) {
  EXPECT_EQ(error_of("[sweep]\nseed = 1\n\n  [model.xs]\nn_layer = 1\nd_model = 32\n"),
            "g.toml:4:3: model.xs.n_head: missing required key");
  EXPECT_EQ(error_of("[task.t]\ndigits = 3\n"), "g.toml:1:1: task.t.kind: missing required key");
}

TEST(ConfigErrors, MissingGridTableIsReportedAtFileStart) {
  EXPECT_EQ(error_of("[sweep]\nname = \"x\"\n"), "g.toml:1:1: grid: missing required table [grid]");
}

TEST(ConfigErrors, SyntaxErrorIsOneLineWithPosition) {
  const std::string e = error_of("[sweep]\nname = \"x\nseed = 1\n");
  EXPECT_EQ(e.rfind("g.toml:2:", 0), 0u) << e;
  EXPECT_NE(e.find(": syntax error: "), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(ConfigErrors, UnknownModelListsDefinedModels) {
  EXPECT_EQ(error_of(R"([grid]
model = ["xs", "m"]
data_tokens = [1000]
prompt = ["cot"]
task = ["addition"]
[model.xs]
n_layer = 1
d_model = 32
n_head = 2
)"),
            "g.toml:2:16: grid.model[1]: unknown model \"m\" (defined models: xs)");
}

TEST(ConfigErrors, UnknownPromptListsValidPrompts) {
  EXPECT_EQ(error_of(R"([grid]
model = ["xs"]
data_tokens = [1000]
prompt = ["cot", "chain"]
task = ["addition"]
[model.xs]
n_layer = 1
d_model = 32
n_head = 2
)"),
            "g.toml:4:18: grid.prompt[1]: unknown prompt \"chain\" (expected one of: zero_shot, few_shot, cot, instruction)");
}

TEST(ConfigErrors, UnknownTaskListsDefinedTasksAndBuiltinKinds) {
  EXPECT_EQ(error_of(R"([grid]
model = ["xs"]
data_tokens = [1000]
prompt = ["cot"]
task = ["add3"]
[model.xs]
n_layer = 1
d_model = 32
n_head = 2
[task.add2]
kind = "addition"
)"),
            "g.toml:5:9: grid.task[0]: unknown task \"add3\" (defined tasks: add2; built-in kinds: addition, multiplication, modular, unscramble, largest, redefine, negation)");
}

TEST(ConfigErrors, DuplicateAxisValuePointsAtTheRepeat) {
  EXPECT_EQ(error_of(R"([grid]
model = ["xs"]
data_tokens = [1000, 2000, 1_000]
prompt = ["cot"]
task = ["addition"]
[model.xs]
n_layer = 1
d_model = 32
n_head = 2
)"),
            "g.toml:3:28: grid.data_tokens[2]: duplicate value 1000 (already listed at 3:16)");
}

TEST(ConfigErrors, EmptyAxisIsRejected) {
  EXPECT_EQ(error_of(R"([grid]
model = ["xs"]
data_tokens = []
prompt = ["cot"]
task = ["addition"]
)"),
            "g.toml:3:15: grid.data_tokens: expected a non-empty array");
}

TEST(ConfigErrors, TaskKeysAreCheckedPerKind) {
  EXPECT_EQ(error_of("[task.a]\nkind = \"addition\"\nmodulus = 7\n"),
            "g.toml:3:1: task.a.modulus: not allowed for kind \"addition\" (expected one of: kind, digits)");
  EXPECT_EQ(error_of("[task.m]\nkind = \"modular\"\nmodulus = 1\n"),
            "g.toml:3:11: task.m.modulus: expected an integer in [2, 1000000], got 1");
  EXPECT_EQ(error_of("[task.s]\nkind = \"subtraction\"\n"),
            "g.toml:2:8: task.s.kind: expected one of: addition, multiplication, modular, unscramble, largest, "
            "redefine, negation, bigbench, jsonl, got \"subtraction\"");
  EXPECT_EQ(error_of("[task.u]\nkind = \"unscramble\"\ndigits = 2\n"),
            "g.toml:3:1: task.u.digits: not allowed for kind \"unscramble\" (expected one of: kind, min_length, max_length)");
  EXPECT_EQ(error_of("[task.u]\nkind = \"unscramble\"\nmin_length = 4\nmax_length = 3\n"),
            "g.toml:4:14: task.u.max_length: expected an integer in [4, 15], got 3");
  EXPECT_EQ(error_of("[task.u]\nkind = \"unscramble\"\nmin_length = 9\n"),
            "g.toml:3:14: task.u.min_length: expected an integer <= max_length (5), got 9");
  EXPECT_EQ(error_of("[task.l]\nkind = \"largest\"\ndigits = 1\noptions = 11\n"),
            "g.toml:4:11: task.l.options: expected an integer in [2, 10], got 11");
  EXPECT_EQ(error_of("[task.l]\nkind = \"largest\"\nscoring = \"vote\"\n"),
            "g.toml:3:11: task.l.scoring: expected one of: loglikelihood, generation, got \"vote\"");
  EXPECT_EQ(error_of("[task.n]\nkind = \"negation\"\noptions = 9\n"),
            "g.toml:3:11: task.n.options: expected an integer in [2, 8], got 9");
  EXPECT_EQ(error_of("[task.r]\nkind = \"redefine\"\nfact_fraction = 1.0\n"),
            "g.toml:3:17: task.r.fact_fraction: expected a number in [0, 1), got 1");
  EXPECT_EQ(error_of("[task.r]\nkind = \"redefine\"\nsymbol = 3\n"),
            "g.toml:3:1: task.r.symbol: unknown key (expected one of: kind, symbols, fact_fraction)");
  EXPECT_EQ(error_of("[task.m]\nkind = \"multiplication\"\ndigits_b = 0\n"),
            "g.toml:3:12: task.m.digits_b: expected a positive integer <= 9, got 0");
}

TEST(Config, EveryTaskKindLoadsItsParameters) {
  const SweepSpec s = load_spec_text(R"([grid]
model = ["xs"]
data_tokens = [1000]
prompt = ["instruction"]
task = ["mul", "words", "big", "redef", "neg"]

[model.xs]
n_layer = 1
d_model = 8
n_head = 2

[task.mul]
kind = "multiplication"
digits = 3
digits_b = 2

[task.words]
kind = "unscramble"
min_length = 4
max_length = 6

[task.big]
kind = "largest"
options = 5
scoring = "generation"

[task.redef]
kind = "redefine"
symbols = 30
fact_fraction = 0.25

[task.neg]
kind = "negation"
options = 3

[train]
instruction_fraction = 0.5
)", "g.toml");
  ASSERT_EQ(s.tasks.size(), 5u);
  EXPECT_EQ(s.grid.prompt, (std::vector<PromptStyle>{PromptStyle::Instruction}));
  EXPECT_EQ(s.tasks[0].kind, TaskKind::Multiplication);
  EXPECT_EQ(s.tasks[0].digits, 3);
  EXPECT_EQ(s.tasks[0].digits_b, 2);
  EXPECT_EQ(s.tasks[1].min_length, 4);
  EXPECT_EQ(s.tasks[1].max_length, 6);
  EXPECT_EQ(s.tasks[2].options, 5);
  EXPECT_EQ(s.tasks[2].scoring, Scoring::Generation);
  EXPECT_EQ(s.tasks[3].symbols, 30);
  EXPECT_DOUBLE_EQ(s.tasks[3].fact_fraction, 0.25);
  EXPECT_EQ(s.tasks[4].options, 3);
  EXPECT_EQ(s.tasks[4].scoring, Scoring::Loglikelihood);
  EXPECT_DOUBLE_EQ(s.train.instruction_fraction, 0.5);
}

TEST(Config, TorchscriptModelNeedsAnExistingFileAndItsParameterCount) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "sweep_test_config_ts";
  fs::create_directories(dir);
  std::ofstream(dir / "m.pt") << "not really a model";
  const std::string grid = (dir / "g.toml").string();
  const std::string axes = "[grid]\nmodel = [\"ext\"]\ndata_tokens = [1000]\nprompt = [\"zero_shot\"]\ntask = [\"addition\"]\n";
  const SweepSpec s =
      load_spec_text(axes + "[model.ext]\ntorchscript = \"m.pt\"\nn_params = 1234\ntokenizer = \"bytes\"\n", grid);
  ASSERT_EQ(s.models.size(), 1u);
  EXPECT_TRUE(s.models[0].external());
  EXPECT_EQ(s.models[0].torchscript, (dir / "m.pt").string());  // relative to the grid file's folder
  EXPECT_EQ(s.models[0].n_params, 1234);
  auto error = [&](const std::string& model) {
    try {
      load_spec_text(axes + model, grid);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("[model.ext]\ntorchscript = \"gone.pt\"\nn_params = 5\n"),
            grid + ":7:15: model.ext.torchscript: expected an existing TorchScript file, got \"gone.pt\" (" +
                (dir / "gone.pt").string() + " not found)");
  EXPECT_EQ(error("[model.ext]\ntorchscript = \"m.pt\"\n"), grid + ":6:1: model.ext.n_params: missing required key");
  EXPECT_EQ(error("[model.ext]\ntorchscript = \"m.pt\"\nn_params = 5\nn_layer = 2\n"),
            grid + ":9:1: model.ext.n_layer: not allowed with torchscript (expected one of: torchscript, n_params, tokenizer, ranks_per_job)");
  EXPECT_THAT(error("[model.ext]\ntorchscript = \"m.pt\"\nn_params = 5\ntokenizer = \"bpe\"\n"),
              ::testing::StartsWith(grid + ":9:13: model.ext.tokenizer: cannot use tokenizer: " + (dir / "bpe").string()));
  EXPECT_EQ(error("[model.ext]\nn_layer = 1\nd_model = 8\nn_head = 2\nn_params = 5\n"),
            grid + ":10:1: model.ext.n_params: allowed only with torchscript (expected one of: n_layer, d_model, n_head, lr, "
                   "tokenizer, or torchscript, n_params)");
  fs::remove_all(dir);
}

TEST(ConfigErrors, NamesAreShortAndPlain) {
  EXPECT_EQ(error_of("[sweep]\nname = \"my sweep\"\n"),
            "g.toml:2:8: sweep.name: expected a name of 1..31 characters from [A-Za-z0-9_.-], got \"my sweep\"");
  EXPECT_EQ(error_of("[model.\"x\\ny\"]\n"),
            "g.toml:1:8: model.\"x\\ny\": expected a name of 1..31 characters from [A-Za-z0-9_.-], got \"x\\ny\"");
}

TEST(ConfigErrors, UnreadableFileNamesThePath) {
  try {
    load_spec_file("/nonexistent/grid.toml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/grid.toml: cannot read grid file: No such file or directory");
  }
}

// Each bad_grids/*.toml starts with "# expect: LINE:COL: KEY.PATH".
TEST(BadGrids, EachFailsAtItsDeclaredPositionWithOneLine) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(SWEEP_BAD_GRIDS_DIR))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 10u);

  const std::regex expect_line(R"(# expect: (\d+):(\d+): (.+))");
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(first, m, expect_line)) << "first line: " << first;
    try {
      load_spec_file(file.string());
      ADD_FAILURE() << "loaded without error";
    } catch (const ConfigError& e) {
      const std::string msg = e.what();
      const std::string prefix = file.string() + ":" + m[1].str() + ":" + m[2].str() + ": ";
      EXPECT_EQ(msg.rfind(prefix, 0), 0u) << msg;
      EXPECT_NE(msg.find(m[3].str()), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
  }
}

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

TEST(ConfigPaths, RelativeOutIsRelativeToTheGridFilesFolder) {
  const std::string grid = std::string("[sweep]\nout = \"../results/x.h5\"\n") + kMinimalGrid;
  EXPECT_EQ(load_spec_text(grid, "sweeps/x.toml").out, "results/x.h5");
  EXPECT_EQ(load_spec_text(grid, "/data/study/sweeps/x.toml").out, "/data/study/results/x.h5");
  EXPECT_EQ(load_spec_text(grid, "x.toml").out, "../results/x.h5");
  const std::string absolute = std::string("[sweep]\nout = \"/scratch/x.h5\"\n") + kMinimalGrid;
  EXPECT_EQ(load_spec_text(absolute, "sweeps/x.toml").out, "/scratch/x.h5");
  EXPECT_EQ(load_spec_text(kMinimalGrid, "sweeps/x.toml").out, "results/sweep.h5");  // default: working directory
}

TEST(ConfigLimits, OutLongerThanAPathIsRefused) {
  const std::string grid = "[sweep]\nout = \"" + std::string(5000, 'a') + "\"\n" + kMinimalGrid;
  EXPECT_NE(error_of(grid).find("g.toml:2:7: sweep.out: expected a path of 1..4095 bytes without NUL, got 5000 bytes"),
            std::string::npos)
      << error_of(grid);
}

TEST(ConfigLimits, GridFileOver4MiBIsRefusedBeforeParsing) {
  const std::string grid = std::string(kMinimalGrid) + "# " + std::string(5u << 20, 'x') + "\n";
  EXPECT_NE(error_of(grid).find("g.toml: grid file is 5243017 bytes, expected at most 4194304 (4 MiB)"), std::string::npos) << error_of(grid).substr(0, 200);
}

// 1 model x 2000 data sizes x 3 prompts x 170 tasks = 1,020,000 points: refused
// at [grid] before anything is expanded (a few KB of text, no GB of configs).
TEST(ConfigLimits, GridOverAMillionPointsIsRefusedAtTheGridTable) {
  std::string grid = "[grid]\nmodel = [\"xs\"]\ndata_tokens = [";
  for (int i = 1; i <= 2000; ++i) grid += std::to_string(1000 * i) + ",";
  grid += "]\nprompt = [\"zero_shot\", \"few_shot\", \"cot\"]\ntask = [";
  for (int i = 0; i < 170; ++i) grid += "\"t" + std::to_string(i) + "\",";
  grid += "]\n[model.xs]\nn_layer = 1\nd_model = 32\nn_head = 2\n";
  for (int i = 0; i < 170; ++i) grid += "[task.t" + std::to_string(i) + "]\nkind = \"addition\"\n";
  const std::string message = error_of(grid);
  EXPECT_NE(message.find("g.toml:1:1: grid: expected at most 1000000 eval points"), std::string::npos) << message;
  EXPECT_NE(message.find("got 1 x 2000 x 3 x 170"), std::string::npos) << message;
}

// A tokenizer.json small enough to read: three tokens, one merge.
void write_tiny_tokenizer(const std::filesystem::path& path) {
  std::ofstream(path) << R"({"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":null,)"
                         R"("post_processor":null,"decoder":null,)"
                         R"("model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,)"
                         R"("end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,)"
                         R"("vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}})";
}

TEST(ConfigData, TrainAndValidGlobsAreRelativeToTheGridFilesFolder) {
  const SweepSpec s = load_spec_text(
      "[data]\ntrain = [\"corpus/*.txt\"]\nvalid = [\"held/out.jsonl\"]\nformat = \"jsonl\"\ntext_field = \"body\"\n"
      "documents = \"paragraph\"\n" + std::string(kMinimalGrid),
      "sweeps/g.toml");
  ASSERT_TRUE(s.data.files());
  EXPECT_EQ(s.data.train, std::vector<std::string>{"sweeps/corpus/*.txt"});
  EXPECT_EQ(s.data.valid, std::vector<std::string>{"sweeps/held/out.jsonl"});
  EXPECT_EQ(s.data.read.format, text::FileFormat::Jsonl);
  EXPECT_EQ(s.data.read.text_field, "body");
  EXPECT_EQ(s.data.read.documents, text::TextDocuments::Paragraph);
}

TEST(ConfigData, WithoutDataTheSyntheticCorpusAndBytesRemain) {
  const SweepSpec s = load_spec_text(kMinimalGrid, "g.toml");
  EXPECT_FALSE(s.data.files());
  for (const ModelSpec& m : s.models) {
    EXPECT_EQ(m.tokenizer, "bytes");
    EXPECT_EQ(m.vocab_size, 256);
  }
}

TEST(ConfigData, TrainFilesNeedValidFilesAndFormatIsAnEnum) {
  EXPECT_EQ(error_of("[data]\ntrain = [\"a.txt\"]\n" + std::string(kMinimalGrid)),
            "g.toml:2:9: data.train: needs held-out files too: [data] valid = [...] (eval_loss and eval_bpb are "
            "scored on them)");
  EXPECT_EQ(error_of("[data]\nvalid = [\"a.txt\"]\n" + std::string(kMinimalGrid)),
            "g.toml:2:9: data.valid: needs train files too ([data] train = [...])");
  EXPECT_EQ(error_of("[data]\ntrain = [\"a\"]\nvalid = [\"b\"]\nformat = \"parquet\"\n" + std::string(kMinimalGrid)),
            "g.toml:4:10: data.format: expected one of: auto, txt, jsonl, llmc, nanogpt, got \"parquet\"");
  EXPECT_EQ(error_of("[data]\ntrain = []\n" + std::string(kMinimalGrid)),
            "g.toml:2:9: data.train: expected a non-empty array of file names or globs");
  EXPECT_EQ(error_of("[data]\nshards = 3\n" + std::string(kMinimalGrid)),
            "g.toml:2:1: data.shards: unknown key (expected one of: tokenizer, train, valid, format, text_field, "
            "documents)");
}

TEST(ConfigData, ModelsTakeTheDataTokenizerUnlessTheyNameTheirOwn) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "sweep_test_config_tok";
  fs::create_directories(dir);
  write_tiny_tokenizer(dir / "tiny.json");
  const std::string grid = (dir / "g.toml").string();
  const SweepSpec s = load_spec_text(
      "[data]\ntokenizer = \"tiny.json\"\n[model.a]\nn_layer = 1\nd_model = 8\nn_head = 2\n"
      "[model.b]\nn_layer = 1\nd_model = 8\nn_head = 2\ntokenizer = \"bytes\"\n"
      "[grid]\nmodel = [\"a\", \"b\"]\ndata_tokens = [1000]\nprompt = [\"zero_shot\"]\ntask = [\"addition\"]\n",
      grid);
  EXPECT_EQ(s.models[0].tokenizer, (dir / "tiny.json").string());
  EXPECT_EQ(s.models[0].vocab_size, 3);
  EXPECT_EQ(s.models[0].tokenizer_hash.rfind("sha256:", 0), 0u);
  EXPECT_EQ(s.models[1].tokenizer, "bytes");
  EXPECT_EQ(s.models[1].vocab_size, 256);
  // The vocabulary pads to 64 rows of the embedding, which the parameter count sees.
  const Plan plan = expand(s);
  EXPECT_EQ(plan.runs[0].n_params, gpt_param_count(1, 8, 64, s.train.seq_len));
  EXPECT_EQ(plan.runs[1].n_params, gpt_param_count(1, 8, 256, s.train.seq_len));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sweep
