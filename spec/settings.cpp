// The setting tables; see settings.hpp. Ranges are the loader's: a value an
// axis lists is refused exactly when the same value in its table would be.
#include "spec/settings.hpp"

#include <charconv>
#include <limits>
#include <stdexcept>

namespace sweep {
namespace {

constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

// constexpr, so the ranges are constant-initialized: the loader's own static
// tables (config.cpp) read train_fields() during dynamic initialization, which
// may run before this file's.
constexpr SettingRange ints(std::int64_t lo, std::int64_t hi) { return {true, lo, hi, 0, 0, false, false}; }
constexpr SettingRange floats(double lo, double hi, bool lo_open, bool hi_open) {
  return {false, 0, 0, lo, hi, lo_open, hi_open};
}
constexpr SettingRange kPositive = floats(0, kInf, true, true);
constexpr SettingRange kNonNegative = floats(0, kInf, false, true);
constexpr SettingRange kUnit = floats(0, 1, false, false);
constexpr SettingRange kUnitHalfOpen = floats(0, 1, false, true);

SettingField train_int(const char* key, int TrainSpec::*m, std::int64_t lo, std::int64_t hi) {
  SettingField f{key, ints(lo, hi)};
  f.train_int = m;
  return f;
}
SettingField train_float(const char* key, double TrainSpec::*m, SettingRange r) {
  SettingField f{key, r};
  f.train_float = m;
  return f;
}
SettingField eval_int(const char* key, int EvalSpec::*m, std::int64_t lo, std::int64_t hi) {
  SettingField f{key, ints(lo, hi)};
  f.eval_int = m;
  return f;
}

const SettingField* find(const std::vector<SettingField>& fields, std::string_view key) {
  for (const SettingField& f : fields)
    if (key == f.key) return &f;
  return nullptr;
}

}  // namespace

const std::vector<SettingField>& train_fields() {
  static const std::vector<SettingField> fields = {
      train_int("seq_len", &TrainSpec::seq_len, 8, 4096),
      train_int("batch_size", &TrainSpec::batch_size, 1, 4096),
      train_float("lr", &TrainSpec::lr, kPositive),
      train_float("min_lr_ratio", &TrainSpec::min_lr_ratio, kUnit),
      train_int("warmup_steps", &TrainSpec::warmup_steps, 0, kIntMax),
      train_float("weight_decay", &TrainSpec::weight_decay, kNonNegative),
      train_float("beta1", &TrainSpec::beta1, kUnitHalfOpen),
      train_float("beta2", &TrainSpec::beta2, kUnitHalfOpen),
      train_float("grad_clip", &TrainSpec::grad_clip, kNonNegative),
      train_float("cot_fraction", &TrainSpec::cot_fraction, kUnit),
      train_float("filler_fraction", &TrainSpec::filler_fraction, kUnitHalfOpen),
      train_float("instruction_fraction", &TrainSpec::instruction_fraction, kUnit),
      train_int("eval_loss_tokens", &TrainSpec::eval_loss_tokens, 1, kIntMax),
      train_int("checkpoint_every", &TrainSpec::checkpoint_every, 0, kIntMax),
  };
  return fields;
}

const std::vector<SettingField>& eval_fields() {
  static const std::vector<SettingField> fields = {
      eval_int("examples", &EvalSpec::examples, 1, 100000),
      eval_int("few_shot_k", &EvalSpec::few_shot_k, 0, 64),
      eval_int("batch_size", &EvalSpec::batch_size, 1, 4096),
  };
  return fields;
}

const std::vector<SettingField>& gpt_model_fields() {
  static const std::vector<SettingField> fields = [] {
    SettingField n_layer{"n_layer", ints(1, 64)}, d_model{"d_model", ints(1, 8192)}, n_head{"n_head", ints(1, kIntMax)},
        lr{"lr", kPositive};
    n_layer.model_int = &ModelSpec::n_layer;
    d_model.model_int = &ModelSpec::d_model;
    n_head.model_int = &ModelSpec::n_head;
    lr.model_float = &ModelSpec::lr;
    return std::vector<SettingField>{n_layer, d_model, n_head, lr};
  }();
  return fields;
}

const SettingField* setting_field(std::string_view key, std::string* model) {
  if (key.substr(0, 6) == "train.") return find(train_fields(), key.substr(6));
  if (key.substr(0, 5) == "eval.") return find(eval_fields(), key.substr(5));
  if (key.substr(0, 6) == "model.") {
    const std::string_view rest = key.substr(6);
    const std::size_t dot = rest.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return nullptr;
    if (model) *model = std::string(rest.substr(0, dot));
    return find(gpt_model_fields(), rest.substr(dot + 1));
  }
  return nullptr;
}

bool run_level_setting(std::string_view key) { return key.substr(0, 5) != "eval."; }

void apply_setting(SweepSpec& spec, const std::string& key, const SettingValue& v) {
  if (key == "seed") {
    spec.seed = static_cast<std::uint64_t>(v.i);
    return;
  }
  std::string model;
  const SettingField* f = setting_field(key, &model);
  if (!f) throw std::invalid_argument("not a setting a grid can sweep: " + key);
  const int i = static_cast<int>(v.i);
  if (f->train_int) spec.train.*(f->train_int) = i;
  if (f->train_float) spec.train.*(f->train_float) = v.number();
  if (f->eval_int) spec.eval.*(f->eval_int) = i;
  if (f->model_int || f->model_float) {
    for (ModelSpec& m : spec.models)
      if (m.name == model) {
        if (f->model_int) m.*(f->model_int) = i;
        else m.*(f->model_float) = v.number();
        return;
      }
    throw std::invalid_argument("no model named " + model + " (axis " + key + ")");
  }
}

std::string setting_text(const SettingValue& v) {
  if (v.integer) return std::to_string(v.i);
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v.f);
  return std::string(buf, r.ptr);
}

}  // namespace sweep
