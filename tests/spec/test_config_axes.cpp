// Specification of how the loader reads the grid's further axes: setting axes
// (seed, "train.KEY", "eval.KEY", "model.NAME.KEY", quoted or as dotted keys),
// compute budgets with their tokens-per-parameter bounds, zip groups,
// [[grid.exclude]] tables and loss-only grids, and the exact one-line
// "file:line:col: key.path: what" of every malformed one.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "spec/config.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

// Two trained GPTs after the [grid] lines, so grid line N is file line N + 1.
const char* const kModels = R"(
[model.s]
n_layer = 1
d_model = 8
n_head = 2
[model.m]
n_layer = 2
d_model = 16
n_head = 2
)";

std::string grid(const std::string& lines, const std::string& after = "") {
  return "[grid]\n" + lines + kModels + after;
}

const std::string kRuns = "model = [\"s\", \"m\"]\ndata_tokens = [1000]\n";
const std::string kPoints = "prompt = [\"zero_shot\"]\ntask = [\"addition\"]\n";

std::string error_of(const std::string& text) {
  try {
    load_spec_text(text, "g.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << text;
  return "";
}

}  // namespace

TEST(ConfigAxes, SettingAxesAreReadInFileOrderWithTheirCanonicalSpelling) {
  const SweepSpec s = load_spec_text(grid(kRuns + kPoints +
                                          "\"train.lr\" = [1e-3, 3e-3]\nseed = [0, 1, 2]\n\"eval.few_shot_k\" = [0, 2]\n"
                                          "\"model.s.n_layer\" = [1, 2]\ntrain.warmup_steps = [0, 10]\n"),
                                     "g.toml");
  ASSERT_EQ(s.grid.settings.size(), 5u);
  EXPECT_EQ(s.grid.settings[0].key, "train.lr");
  EXPECT_EQ(s.grid.settings[0].shown, (std::vector<std::string>{"0.001", "0.003"}));
  EXPECT_FALSE(s.grid.settings[0].values[0].integer);
  EXPECT_DOUBLE_EQ(s.grid.settings[0].values[1].f, 3e-3);
  EXPECT_EQ(s.grid.settings[1].key, "seed");
  EXPECT_EQ(s.grid.settings[1].shown, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_TRUE(s.grid.settings[1].values[2].integer);
  EXPECT_EQ(s.grid.settings[1].values[2].i, 2);
  EXPECT_EQ(s.grid.settings[2].key, "eval.few_shot_k");
  EXPECT_EQ(s.grid.settings[3].key, "model.s.n_layer");
  EXPECT_EQ(s.grid.settings[4].key, "train.warmup_steps");  // a dotted key, read as a nested table
  EXPECT_DOUBLE_EQ(s.train.lr, 3e-3);                        // the [train] value is left as it was
}

TEST(ConfigAxes, ComputeBudgetsAndTheirBoundsAreRead) {
  const SweepSpec s = load_spec_text(
      grid("model = [\"s\"]\ncompute = [1e12, 3e12]\nmin_tokens_per_param = 2\nmax_tokens_per_param = 100\n" + kPoints),
      "g.toml");
  EXPECT_TRUE(s.grid.budgets());
  EXPECT_EQ(s.grid.compute, (std::vector<double>{1e12, 3e12}));
  EXPECT_TRUE(s.grid.data_tokens.empty());
  EXPECT_EQ(s.grid.min_tokens_per_param, 2.0);
  EXPECT_EQ(s.grid.max_tokens_per_param, 100.0);
}

TEST(ConfigAxes, ZipGroupsAndExclusionsAreRead) {
  const SweepSpec s = load_spec_text(
      grid("model = [\"s\", \"m\"]\ndata_tokens = [1000, 2000]\n" + kPoints +
           "seed = [1, 2]\nzip = [[\"data_tokens\", \"seed\"]]\n[[grid.exclude]]\nmodel = \"s\"\n"
           "data_tokens = [1000, 2_000]\n[[grid.exclude]]\nprompt = \"zero_shot\"\nseed = 2\n"),
      "g.toml");
  EXPECT_EQ(s.grid.zip, (std::vector<std::vector<std::string>>{{"data_tokens", "seed"}}));
  ASSERT_EQ(s.grid.exclude.size(), 2u);
  using Match = std::vector<std::pair<std::string, std::vector<std::string>>>;
  EXPECT_EQ(s.grid.exclude[0].match, (Match{{"model", {"s"}}, {"data_tokens", {"1000", "2000"}}}));
  EXPECT_EQ(s.grid.exclude[1].match, (Match{{"prompt", {"zero_shot"}}, {"seed", {"2"}}}));
}

TEST(ConfigAxes, ALossOnlyGridLeavesOutPromptAndTaskWhenThereAreTrainFiles) {
  const SweepSpec s = load_spec_text(
      "[data]\ntrain = [\"a.txt\"]\nvalid = [\"b.txt\"]\n" + grid(kRuns), "g.toml");
  EXPECT_TRUE(s.grid.prompt.empty());
  EXPECT_TRUE(s.grid.task.empty());
  EXPECT_EQ(error_of(grid(kRuns)),
            "g.toml:1:1: grid: missing required key prompt and task (a loss-only study, without them, needs [data] "
            "train files: the built-in corpus is made of the grid's tasks)");
  EXPECT_EQ(error_of(grid(kRuns + "prompt = [\"zero_shot\"]\n")),
            "g.toml:1:1: grid.task: missing required key (grid.prompt is given: points need both; leave both out "
            "for a loss-only study)");
  EXPECT_EQ(error_of(grid(kRuns + "task = [\"addition\"]\n")),
            "g.toml:1:1: grid.prompt: missing required key (grid.task is given: points need both; leave both out "
            "for a loss-only study)");
}

TEST(ConfigAxesErrors, KeysThatAreNoAxis) {
  const std::string unknown =
      ": unknown key (expected one of: model, data_tokens, compute, prompt, task, zip, exclude, "
      "min_tokens_per_param, max_tokens_per_param, seed, or a setting axis: train.KEY, eval.KEY or model.NAME.KEY "
      "for a scalar key of that table)";
  EXPECT_EQ(error_of(grid(kRuns + kPoints + "models = [\"s\"]\n")), "g.toml:6:10: grid.models" + unknown);
  EXPECT_EQ(error_of(grid(kRuns + kPoints + "\"train.nope\" = [1]\n")), "g.toml:6:16: grid.\"train.nope\"" + unknown);
  EXPECT_EQ(error_of(grid(kRuns + kPoints + "train.nope = [1]\n")), "g.toml:6:14: grid.\"train.nope\"" + unknown);
  EXPECT_EQ(error_of(grid(kRuns + kPoints + "\"model.s.nope\" = [1]\n")),
            "g.toml:6:18: grid.\"model.s.nope\"" + unknown);
  EXPECT_EQ(error_of(grid(kRuns + kPoints + "\"model.x.lr\" = [1e-3]\n")),
            "g.toml:6:16: grid.\"model.x.lr\": no model \"x\" is defined (defined models: s, m)");
  EXPECT_EQ(error_of(grid(kRuns + kPoints + "\"train.checkpoint_every\" = [0, 100]\n")),
            "g.toml:6:28: grid.\"train.checkpoint_every\": not an axis: restart points do not change a run's result "
            "(set [train] checkpoint_every)");
}

TEST(ConfigAxesErrors, AModelAxisNeedsAModelTrainedHereAndInTheGrid) {
  testing::TempDir dir;
  std::ofstream(dir.file("m.pt")) << "not read at load";
  const std::string ts = "[model.ts]\ntorchscript = \"" + dir.file("m.pt") + "\"\nn_params = 1000\n";
  EXPECT_EQ(error_of(grid("model = [\"s\", \"ts\"]\ndata_tokens = [1000]\n" + kPoints + "\"model.ts.lr\" = [1e-3]\n", ts)),
            "g.toml:6:17: grid.\"model.ts.lr\": model \"ts\" is not trained here: only a trained GPT's n_layer, "
            "d_model, n_head and lr can be swept");
  EXPECT_EQ(error_of(grid("model = [\"s\"]\ndata_tokens = [1000]\n" + kPoints + "\"model.m.lr\" = [1e-3]\n")),
            "g.toml:6:16: grid.\"model.m.lr\": model \"m\" is not in grid.model, so this axis changes no run");
}

TEST(ConfigAxesErrors, AxisValuesAreCheckedLikeTheirKeys) {
  const std::string runs = kRuns + kPoints;
  EXPECT_EQ(error_of(grid(runs + "\"train.lr\" = 1e-3\n")), "g.toml:6:14: grid.\"train.lr\": expected an array, got float");
  EXPECT_EQ(error_of(grid(runs + "\"train.lr\" = []\n")), "g.toml:6:14: grid.\"train.lr\": expected a non-empty array");
  EXPECT_EQ(error_of(grid(runs + "train.lr = [0]\n")), "g.toml:6:13: grid.\"train.lr\"[0]: expected a finite positive number, got 0");
  EXPECT_EQ(error_of(grid(runs + "\"train.batch_size\" = [8, 1.5]\n")),
            "g.toml:6:26: grid.\"train.batch_size\"[1]: expected an integer, got float");
  EXPECT_EQ(error_of(grid(runs + "seed = [1, 2, 1]\n")),
            "g.toml:6:15: grid.seed[2]: duplicate value 1 (already listed at 6:9)");
  EXPECT_EQ(error_of(grid(runs + "\"train.lr\" = [1e-3, 0.001]\n")),
            "g.toml:6:21: grid.\"train.lr\"[1]: duplicate value 0.001 (already listed at 6:15)");
  EXPECT_EQ(error_of(grid(runs + "seed = [-1]\n")), "g.toml:6:9: grid.seed[0]: expected a non-negative integer, got -1");
}

TEST(ConfigAxesErrors, SettingAxesMakeAtMostTenThousandCombinations) {
  std::string seeds = "seed = [0", batches = "\"train.batch_size\" = [1";
  for (int i = 1; i < 101; ++i) seeds += ", " + std::to_string(i);
  for (int i = 2; i <= 100; ++i) batches += ", " + std::to_string(i);
  const std::string runs = kRuns + kPoints;
  EXPECT_EQ(error_of(grid(runs + seeds + "]\n" + batches + "]\n")),
            "g.toml:7:22: grid.\"train.batch_size\": expected at most 10000 combinations of setting axes (the product "
            "of their lengths), got more with this axis");
  EXPECT_NO_THROW(load_spec_text(grid(runs + seeds + "]\n\"train.batch_size\" = [1, 2]\n"), "g.toml"));
}

TEST(ConfigAxesErrors, SettingsThatConstrainEachOtherAreCheckedOverEveryValue) {
  const std::string runs = kRuns + kPoints;
  EXPECT_EQ(error_of(grid(runs + "\"train.seq_len\" = [64, 256]\n", "[train]\neval_loss_tokens = 128\n")),
            "g.toml:6:24: grid.\"train.seq_len\"[1]: seq_len 256 is more than train.eval_loss_tokens 128");
  EXPECT_EQ(error_of(grid(runs + "\"train.eval_loss_tokens\" = [64]\n", "[train]\nseq_len = 128\n")),
            "g.toml:6:29: grid.\"train.eval_loss_tokens\"[0]: expected an integer >= seq_len (128), got 64");
  EXPECT_EQ(error_of(grid(runs + "\"model.s.d_model\" = [8, 9]\n")),
            "g.toml:6:25: grid.\"model.s.d_model\"[1]: expected a d_model divisible by n_head (2), got 9");
  EXPECT_EQ(error_of(grid(runs + "\"model.m.n_head\" = [2, 3]\n")),
            "g.toml:6:24: grid.\"model.m.n_head\"[1]: expected an n_head that divides d_model (16), got 3");
}

TEST(ConfigAxesErrors, AFewShotKAxisNeedsThatManyExemplarsInEachTaskFile) {
  testing::TempDir dir;
  std::ofstream(dir.file("t.jsonl")) << "{\"question\": \"1+1\", \"answer\": \"2\"}\n{\"question\": \"2+2\", \"answer\": \"4\"}\n"
                                        "{\"question\": \"3+3\", \"answer\": \"6\"}\n";
  const std::string text = "[grid]\nmodel = [\"s\"]\ndata_tokens = [1000]\nprompt = [\"few_shot\"]\ntask = [\"t\"]\n"
                           "\"eval.few_shot_k\" = [1, 2, 3]\n" + std::string(kModels) +
                           "[task.t]\nkind = \"jsonl\"\npath = \"t.jsonl\"\n";
  try {
    load_spec_text(text, dir.file("g.toml"));
    ADD_FAILURE() << "loaded";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), dir.file("g.toml") + ":6:28: grid.\"eval.few_shot_k\"[2]: task t: " + dir.file("t.jsonl") +
                                     ": few_shot_k 3 asks more exemplars than the task's 2 other examples");
  }
}

TEST(ConfigAxesErrors, BudgetsNeedTrainedModelsAndExcludeDataTokens) {
  testing::TempDir dir;
  std::ofstream(dir.file("m.pt")) << "not read at load";
  const std::string ts = "[model.ts]\ntorchscript = \"" + dir.file("m.pt") + "\"\nn_params = 1000\n";
  EXPECT_EQ(error_of(grid("model = [\"s\"]\ndata_tokens = [1000]\ncompute = [1e12]\n" + kPoints)),
            "g.toml:4:11: grid.compute: not allowed with grid.data_tokens (a budget grid derives each run's D from C "
            "= 6 N D)");
  EXPECT_EQ(error_of(grid("model = [\"s\"]\n" + kPoints)),
            "g.toml:1:1: grid: missing required key data_tokens (training tokens) or compute (budgets in FLOP)");
  EXPECT_EQ(error_of(grid("model = [\"s\", \"ts\"]\ncompute = [1e12]\n" + kPoints, ts)),
            "g.toml:3:11: grid.compute: model \"ts\" is a TorchScript file: compute budgets set the D of models "
            "trained here (give pretrained models grid.data_tokens in a grid of their own)");
  EXPECT_EQ(error_of(grid("model = [\"s\"]\ncompute = [1e12]\nmin_tokens_per_param = 20\nmax_tokens_per_param = 10\n" +
                          kPoints)),
            "g.toml:5:24: grid.max_tokens_per_param: expected a number >= min_tokens_per_param (20), got 10");
  EXPECT_EQ(error_of(grid("model = [\"s\"]\ndata_tokens = [1000]\nmin_tokens_per_param = 20\n" + kPoints)),
            "g.toml:4:24: grid.min_tokens_per_param: allowed only with grid.compute (a budget grid)");
  EXPECT_EQ(error_of(grid("model = [\"s\"]\ndata_tokens = [1000]\nmax_tokens_per_param = 20\n" + kPoints)),
            "g.toml:4:24: grid.max_tokens_per_param: allowed only with grid.compute (a budget grid)");
  EXPECT_EQ(error_of(grid("model = [\"s\"]\ncompute = [0]\n" + kPoints)),
            "g.toml:3:12: grid.compute[0]: expected a finite positive number, got 0");
}

TEST(ConfigAxesErrors, ZipGroupsNameAxesOfEqualLengthOnce) {
  const std::string runs = "model = [\"s\", \"m\"]\ndata_tokens = [1000]\n" + kPoints + "seed = [1, 2]\n";
  EXPECT_EQ(error_of(grid(runs + "zip = [[\"model\", \"train.lr\"]]\n")),
            "g.toml:7:18: grid.zip[0][1]: not an axis of this grid: \"train.lr\" (axes: model, data_tokens, prompt, "
            "task, seed)");
  EXPECT_EQ(error_of(grid(runs + "zip = [[\"model\", \"prompt\"]]\n")),
            "g.toml:7:18: grid.zip[0][1]: prompt and task cannot be zipped: every run is evaluated on each of them");
  EXPECT_EQ(error_of(grid(runs + "zip = [[\"model\", \"seed\"], [\"seed\", \"model\"]]\n")),
            "g.toml:7:28: grid.zip[1][0]: \"seed\" is already zipped at grid.zip[0][1]");
  EXPECT_EQ(error_of(grid(runs + "zip = [[\"model\", \"data_tokens\"]]\n")),
            "g.toml:7:18: grid.zip[0][1]: axis data_tokens has 1 values and model has 2: zipped axes advance "
            "together and need as many values");
  EXPECT_EQ(error_of(grid(runs + "zip = [[\"model\"]]\n")),
            "g.toml:7:8: grid.zip[0]: expected an array of at least two axis names (axes that advance together)");
}

TEST(ConfigAxesErrors, ExclusionsNameAxesAndTheirValues) {
  const std::string runs = kRuns + kPoints;
  EXPECT_EQ(error_of(grid(runs + "[[grid.exclude]]\nseed = 1\n")),
            "g.toml:7:8: grid.exclude[0].seed: not an axis of this grid (axes: model, data_tokens, prompt, task)");
  EXPECT_EQ(error_of(grid(runs + "[[grid.exclude]]\nmodel = \"l\"\n")),
            "g.toml:7:9: grid.exclude[0].model: \"l\" is not a value of grid.model (values: s, m)");
  EXPECT_EQ(error_of(grid(runs + "[[grid.exclude]]\ndata_tokens = [1000, 3000]\n")),
            "g.toml:7:22: grid.exclude[0].data_tokens[1]: \"3000\" is not a value of grid.data_tokens (values: 1000)");
  EXPECT_EQ(error_of(grid(runs + "exclude = [{}]\n")),
            "g.toml:6:12: grid.exclude[0]: expected a table of axis = value(s); an empty one excludes everything");
  EXPECT_EQ(error_of(grid(runs + "[[grid.exclude]]\nmodel = []\n")),
            "g.toml:7:9: grid.exclude[0].model: expected a value or a non-empty array of values");
}

}  // namespace sweep
