// The scalar settings of [train], [eval] and a GPT's [model.NAME] table, each
// with its type and allowed range, described once: the loader reads those
// tables through them, a grid axis over "train.lr" or "model.s.n_layer" checks
// its values against the same ranges, and expansion sets a value with
// apply_setting. Plain data: no TOML here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spec/spec.hpp"

namespace sweep {

// The range of a key's values: [lo, hi] for an integer key; for a float key
// lo/hi with open ends where flagged (every float must also be finite).
struct SettingRange {
  bool integer = false;
  std::int64_t lo = 0, hi = 0;
  double flo = 0, fhi = 0;
  bool lo_open = false, hi_open = false;
};

struct SettingField {
  const char* key;
  SettingRange range;
  int TrainSpec::*train_int = nullptr;  // exactly one member pointer is set, by its table
  double TrainSpec::*train_float = nullptr;
  int EvalSpec::*eval_int = nullptr;
  int ModelSpec::*model_int = nullptr;
  double ModelSpec::*model_float = nullptr;
};

// In the order the loader reads them (the order of their `expected one of` lists).
const std::vector<SettingField>& train_fields();
const std::vector<SettingField>& eval_fields();
const std::vector<SettingField>& gpt_model_fields();  // n_layer, d_model, n_head, lr

// The field an axis key names ("train.lr", "eval.examples", "model.s.lr";
// "seed" has none: it is [sweep] seed), or null. `model` receives NAME of a
// model key.
const SettingField* setting_field(std::string_view key, std::string* model = nullptr);

// Whether the key's value changes a run (train, model, seed) or only its eval points (eval).
bool run_level_setting(std::string_view key);

// Sets `key` to `v` in `spec` (a key setting_field knows, or "seed"); throws
// std::invalid_argument for any other key or an unknown model name.
void apply_setting(SweepSpec& spec, const std::string& key, const SettingValue& v);

// The canonical spelling of a value: integers in decimal, floats as the
// shortest text that reads back the same ("0.001", "1e+15").
std::string setting_text(const SettingValue& v);

}  // namespace sweep
