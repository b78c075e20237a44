// The typed sweep specification that a grid file (sweeps/*.toml) loads into.
// Plain structs only: no TOML, MPI or torch here, so the grid expander, the
// scheduler and tests can build and inspect specs directly. Defaults live here
// and nowhere else.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "spec/task_file.hpp"
#include "text/documents.hpp"

namespace sweep {

enum class PromptStyle { ZeroShot, FewShot, Cot, Instruction };
// The built-in kinds generate their examples; BigBench and Jsonl read them
// from a task file (spec/task_file.hpp).
enum class TaskKind { Addition, Multiplication, Modular, Unscramble, Largest, Redefine, Negation, BigBench, Jsonl };
// The compute dtype of a pretrained (Hugging Face) model: float32 everywhere,
// bfloat16 on CPU or CUDA (kernels/model/hf_model.hpp).
enum class ModelDType { Float32, BFloat16 };
// How a multiple-choice task is scored: by comparing the log-likelihood of each
// option, or by generating the answer and grading it like any other task.
enum class Scoring { Loglikelihood, Generation };

// Canonical spellings used in grid files and in the store.
const char* to_string(PromptStyle p);
const char* to_string(TaskKind k);
const char* to_string(Scoring s);
const char* to_string(ModelDType d);

// Every value of each enum, in declaration order (loaders, messages, tests).
inline constexpr PromptStyle kAllPrompts[] = {PromptStyle::ZeroShot, PromptStyle::FewShot, PromptStyle::Cot,
                                              PromptStyle::Instruction};
inline constexpr TaskKind kBuiltinTaskKinds[] = {TaskKind::Addition,   TaskKind::Multiplication, TaskKind::Modular,
                                                 TaskKind::Unscramble, TaskKind::Largest,        TaskKind::Redefine,
                                                 TaskKind::Negation};
inline constexpr TaskKind kAllTaskKinds[] = {TaskKind::Addition, TaskKind::Multiplication, TaskKind::Modular,
                                             TaskKind::Unscramble, TaskKind::Largest, TaskKind::Redefine,
                                             TaskKind::Negation, TaskKind::BigBench, TaskKind::Jsonl};
inline constexpr bool is_file_kind(TaskKind k) { return k == TaskKind::BigBench || k == TaskKind::Jsonl; }
inline constexpr Scoring kAllScorings[] = {Scoring::Loglikelihood, Scoring::Generation};
inline constexpr ModelDType kAllModelDTypes[] = {ModelDType::Float32, ModelDType::BFloat16};

struct ModelSpec {
  std::string name;  // key of its [model.NAME] table
  int n_layer = 0;
  int d_model = 0;
  int n_head = 0;
  double lr = 0.0;  // 0: use train.lr
  int ranks_per_job = 1;  // ranks that train (data-parallel) and evaluate (sharded) one job of this model together
  // A model sweep did not train: a TorchScript file (forward: (B, T) int64 ->
  // (B, T, V) logits), resolved against the grid file's folder. Its points are
  // eval-only; n_layer, d_model and n_head stay 0.
  std::string torchscript;
  std::int64_t n_params = 0;  // declared (torchscript) or counted from config.json (hf): the total
  // A pretrained Hugging Face model (hf/model_dir.hpp): its folder, resolved
  // against the grid file's folder and checked by hf::inspect at load. Eval-only
  // like torchscript; its tokenizer is the folder's tokenizer.json. With a
  // checkpoint suite, `hf` is the suite's first selected checkpoint (the shape
  // and tokenizer every checkpoint shares).
  std::string hf;
  ModelDType dtype = ModelDType::Float32;
  // Pretraining tokens of a single checkpoint (the D of its points; 0: unknown).
  std::int64_t data_tokens = 0;
  // A checkpoint suite (`checkpoints` key): grid.data_tokens selects its
  // checkpoints; `checkpoints` holds the selected ones (tokens -> folder), and
  // a grid value without a checkpoint has no point for this model.
  bool suite = false;
  std::map<std::int64_t, std::string> checkpoints;
  // Parameters less the token and position embeddings and an untied output
  // head (hf::param_count); 0 for a torchscript model (unknown).
  std::int64_t n_params_non_embedding = 0;
  // "bytes" or a tokenizer.json path (resolved against the grid file's
  // folder); its vocabulary (largest id + 1) and "sha256:..." hash, read at load.
  std::string tokenizer = "bytes";
  std::int64_t vocab_size = 256;
  std::string tokenizer_hash = "bytes";
  bool pretrained() const { return !hf.empty() || suite; }
  // The folder of the checkpoint trained on `data_tokens` (a suite's), else `hf`.
  const std::string& folder(std::int64_t data_tokens) const {
    const auto it = checkpoints.find(data_tokens);
    return it != checkpoints.end() ? it->second : hf;
  }
  // Trained elsewhere (torchscript or hf): its points are eval-only.
  bool external() const { return !torchscript.empty() || pretrained(); }
};

struct TaskSpec {
  std::string name;  // key of its [task.NAME] table, or the built-in kind name
  TaskKind kind = TaskKind::Addition;
  int digits = 2;      // operand digits (addition, modular, largest); first operand (multiplication)
  int digits_b = 1;    // multiplication: digits of the second operand
  int modulus = 7;     // modular: (a * b) mod modulus
  int min_length = 3;  // unscramble: word lengths
  int max_length = 5;
  int options = 4;     // largest: numbers to choose from; negation: attributes (colours)
  int symbols = 50;    // redefine, negation: named symbols the corpus states facts about
  double fact_fraction = 0.5;  // redefine, negation: share of the task's corpus lines that state a fact
  Scoring scoring = Scoring::Loglikelihood;  // largest, negation (multiple choice)
  // bigbench, jsonl: the file (resolved against the grid file's folder), the
  // JSONL field names, and its examples, read once when the grid loads.
  std::string path;
  JsonlFields fields;
  std::shared_ptr<const TaskFile> file;
};

// Where trained models' text comes from ([data]). Without train files, sweep's
// own synthetic corpus (the grid's tasks and filler prose, byte-level).
struct DataSpec {
  std::string tokenizer = "bytes";       // every model's, unless [model.NAME] tokenizer says otherwise
  std::vector<std::string> train, valid; // globs, resolved against the grid file's folder
  text::ReadOptions read;                // format, text_field, documents
  bool files() const { return !train.empty(); }
};

struct TrainSpec {
  int seq_len = 128;            // context length in tokens (bytes)
  int batch_size = 8;           // sequences per optimiser step
  double lr = 3e-3;             // peak learning rate
  double min_lr_ratio = 0.1;    // cosine decays to lr * min_lr_ratio
  int warmup_steps = 50;
  double weight_decay = 0.1;
  double beta1 = 0.9;
  double beta2 = 0.95;
  double grad_clip = 1.0;       // global L2 norm; 0 disables
  double cot_fraction = 0.3;    // share of task examples written with worked steps
  double filler_fraction = 0.1; // share of corpus lines that are filler prose
  double instruction_fraction = 0.1; // share of task examples preceded by the task's instruction line
  int eval_loss_tokens = 16384; // held-out corpus tokens scored for eval_loss
  int checkpoint_every = 200;   // steps between restart points of a run; 0: none
};

struct EvalSpec {
  int examples = 100;  // held-out examples per eval point
  int few_shot_k = 3;  // exemplars for few_shot and cot
  int batch_size = 32; // examples per generation batch
};

// A value of a swept setting, typed at load: an integer key's or a float key's.
struct SettingValue {
  bool integer = false;
  std::int64_t i = 0;
  double f = 0.0;
  double number() const { return integer ? static_cast<double>(i) : f; }
};

// An axis over one scalar setting beyond the core axes: "seed", "train.KEY",
// "eval.KEY" or "model.NAME.KEY" (spec/settings.hpp lists the keys). Each
// value was range-checked at load like the key itself.
struct SettingAxis {
  std::string key;
  std::vector<SettingValue> values;
  std::vector<std::string> shown;  // canonical spelling of each value (axes text, exclusions, messages)
};

// One [[grid.exclude]] table: a combination whose value on every named axis
// is among the listed ones is not in the plan. Axis names as in the grid
// ("model", "data_tokens", "compute", "prompt", "task", "seed", "train.lr", ...);
// values in their canonical spelling (names, integers, grid_toml::number).
struct Exclusion {
  std::vector<std::pair<std::string, std::vector<std::string>>> match;
};

// The grid's axes, resolved: names become indices into SweepSpec tables.
// Runs are the product of model, data_tokens (or compute) and the setting
// axes, axes in a zip group moving together; points add prompt and task.
struct GridAxes {
  std::vector<int> model;            // indices into SweepSpec::models
  std::vector<std::int64_t> data_tokens;  // empty when `compute` is given
  std::vector<PromptStyle> prompt;
  std::vector<int> task;             // indices into SweepSpec::tasks
  // Compute budgets C (FLOP): each trained model's D = C / (6 N), whole
  // batches; a D outside [min, max] tokens per parameter drops the run (0: no bound).
  std::vector<double> compute;
  double min_tokens_per_param = 0.0;
  double max_tokens_per_param = 0.0;
  std::vector<SettingAxis> settings;  // in file order
  std::vector<std::vector<std::string>> zip;  // groups of axis names that advance together
  std::vector<Exclusion> exclude;
  bool budgets() const { return !compute.empty(); }
};

struct SweepSpec {
  std::string path;       // grid file path as given
  std::string text;       // the grid file's full text
  std::string name = "sweep";
  std::uint64_t seed = 0;
  std::string out;        // store path: a relative `out` in the grid file is relative to its folder; default "results/<name>.h5" in the working directory
  double job_timeout = 0.0;  // seconds a job may run before it is stopped as timed out; 0: no limit
  int max_retries = 2;       // further attempts of a job that failed (not diverged or timed out)
  std::vector<ModelSpec> models;  // every [model.NAME] table, in file order
  std::vector<TaskSpec> tasks;    // every task referenced or defined
  DataSpec data;
  TrainSpec train;
  EvalSpec eval;
  GridAxes grid;
  // Command-line overrides ("train.lr=1e-3"), applied to the file before it
  // was validated, in order (spec/overrides.hpp); kept for the store's provenance.
  std::vector<std::string> overrides;
};

// `path` as written in the grid file at `file`: a relative path is taken from
// the file's folder ("../results/x.h5" in "sweeps/x.toml" -> "results/x.h5").
std::string relative_to_file(const std::string& file, const std::string& path);

}  // namespace sweep
