// Command-line overrides of a grid file (`sweep GRID.toml train.lr=1e-3`):
// each replaces or adds one key before the grid is checked, so it is validated
// like the file's own key, and a bad one's error names the override.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "spec/config.hpp"
#include "spec/grid.hpp"

namespace sweep {
namespace {

const char* const kGrid = R"([grid]
model = ["s", "m"]
data_tokens = [1000]
prompt = ["zero_shot"]
task = ["addition"]

[model.s]
n_layer = 1
d_model = 8
n_head = 2

[model.m]
n_layer = 2
d_model = 16
n_head = 2

[train]
lr = 3e-3
)";

SweepSpec load(const std::vector<std::string>& overrides, const std::string& text = kGrid) {
  return load_spec_text(text, "g.toml", overrides);
}

std::string error_of(const std::vector<std::string>& overrides, const std::string& text = kGrid) {
  try {
    load(overrides, text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

}  // namespace

TEST(Overrides, AValueReplacesTheFilesAndIsKeptForProvenance) {
  const SweepSpec s = load({"train.lr=1e-3", "grid.model=[\"s\"]"});
  EXPECT_DOUBLE_EQ(s.train.lr, 1e-3);
  EXPECT_EQ(s.grid.model, (std::vector<int>{0}));
  EXPECT_EQ(s.overrides, (std::vector<std::string>{"train.lr=1e-3", "grid.model=[\"s\"]"}));
  EXPECT_EQ(s.text, kGrid);  // the file's text as read; the store appends the overrides
}

TEST(Overrides, AMissingKeyOrTableIsAdded) {
  const SweepSpec s = load({"train.warmup_steps=7", "eval.examples=12", "sweep.seed=9"});
  EXPECT_EQ(s.train.warmup_steps, 7);
  EXPECT_DOUBLE_EQ(s.train.lr, 3e-3);  // the table's other keys stay
  EXPECT_EQ(s.eval.examples, 12);
  EXPECT_EQ(s.seed, 9u);
}

TEST(Overrides, AnInlineTableReplacesATable) {
  const SweepSpec s = load({"model.m={n_layer = 3, d_model = 24, n_head = 3}"});
  EXPECT_EQ(s.models[1].n_layer, 3);
  EXPECT_EQ(s.models[1].d_model, 24);
  EXPECT_EQ(s.models[1].n_head, 3);
}

TEST(Overrides, ALaterOverrideWins) {
  EXPECT_DOUBLE_EQ(load({"train.lr=1e-3", "train.lr=2e-3"}).train.lr, 2e-3);
}

TEST(Overrides, AnAxisOverrideChangesThePlan) {
  const Plan plan = expand(load({"grid.seed=[1, 2, 3]", "grid.model=['s']"}));
  EXPECT_EQ(plan.runs.size(), 3u);
}

TEST(Overrides, AreAppliedBeforeTheGridIsChecked) {
  // The file alone lacks grid.task; an override completes it, another breaks it.
  std::string no_task = kGrid;
  no_task.erase(no_task.find("task = [\"addition\"]\n"), 20);
  EXPECT_EQ(load({"grid.task=[\"modular\"]"}, no_task).grid.task.size(), 1u);
  EXPECT_EQ(error_of({"model.s.d_model=9"}),
            "command line (model.s.d_model=9):1:17: model.s.d_model: expected a positive integer divisible by n_head "
            "(2), got 9");
}

TEST(Overrides, AValueOutOfRangePointsAtTheOverride) {
  EXPECT_EQ(error_of({"train.lr=0"}), "command line (train.lr=0):1:10: train.lr: expected a finite positive number, got 0");
  EXPECT_EQ(error_of({"grid.data_tokens=[1000, 1000]"}),
            "command line (grid.data_tokens=[1000, 1000]):1:25: grid.data_tokens[1]: duplicate value 1000 (already "
            "listed at 1:19)");
}

TEST(Overrides, MalformedOverridesAreOneLineErrors) {
  EXPECT_EQ(error_of({"train.lr"}),
            "command line (train.lr): expected KEY=VALUE (a dotted key and a TOML value, e.g. train.lr=1e-3)");
  EXPECT_EQ(error_of({"grid.model=[s]"}),
            "command line (grid.model=[s]):1:13: grid.model: expected KEY=VALUE with a TOML value (strings quoted: "
            "grid.model='[\"s\",\"m\"]'): Error while parsing value: could not determine value type");
  EXPECT_EQ(error_of({"train.lr.x=1"}),
            "command line (train.lr.x=1): train.lr: a float in the grid file, not a table (cannot set x in it)");
}

}  // namespace sweep
