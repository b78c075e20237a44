// Trains one GPT for exactly `data_tokens` target tokens of the training corpus
// with AdamW (kernels/train/flat_adamw.hpp), linear warmup and cosine decay, on one
// rank or data-parallel over a group, then scores the held-out corpus.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/device/collectives.hpp"
#include "kernels/model/gpt.hpp"
#include "kernels/model/language_model.hpp"
#include "kernels/data/tasks.hpp"
#include "kernels/data/text_corpus.hpp"
#include "spec/spec.hpp"

namespace sweep {

struct LossStat {
  double mean = 0.0;     // nats/token
  double std_err = 0.0;  // over steps (train) or sequences (held-out)
  std::int64_t tokens = 0;
  std::int64_t bytes = 0;  // held-out: UTF-8 bytes the scored tokens stand for (eval_bpb)
};

// Bits per UTF-8 byte of a held-out loss, comparable across tokenizers:
// mean * tokens / (ln 2 * bytes). Its standard error scales the same way.
double bits_per_byte(double nats_per_token, const LossStat& s);

// One logged optimiser step (a row of the store's /curves).
struct StepLog {
  std::int64_t step = 0;
  std::int64_t tokens = 0;  // trained so far, this step included
  double loss = 0.0;        // this step's batch, nats/token
  double lr = 0.0;
  double grad_norm = 0.0;   // before clipping
  double seconds = 0.0;     // since the run started, earlier sessions' training seconds included
};
using StepLogger = std::function<void(const StepLog&)>;

// Training stopped because the loss became non-finite.
struct TrainingDiverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Training stopped on request (a graceful stop); a restart point was saved.
struct TrainingStopped : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Asked after every optimiser step with the run's seconds so far. Stop saves a
// restart point (when the run has a checkpoint) and throws TrainingStopped; an
// exception thrown by the check abandons the run.
enum class StepControl { Continue, Stop };
using StepCheck = std::function<StepControl(double seconds)>;

// Where a run computes: its device and, for a group job, the group's
// collectives (null: this rank alone). Every rank of a group calls train_model
// with the same arguments; each takes its shard of every global batch
// (train.batch_size rows), so the result does not depend on the group size
// beyond floating-point reordering of the gradient sum. Group rank 0 alone
// writes checkpoint and restart files; every rank reads them.
struct Placement {
  torch::Device device = torch::kCPU;
  Collectives* group = nullptr;
};

struct TrainResult {
  std::int64_t n_params = 0;
  std::int64_t steps = 0;
  double tokens_per_s = 0.0;  // data_tokens over the training seconds of every session
  LossStat train_loss;  // the last 10% of steps
  LossStat eval_loss;   // held-out corpus
  // Wall seconds of the run: a run continued from a restart point adds the
  // training seconds of the sessions before (earlier_seconds, kept in the
  // restart point) to this call's.
  double seconds = 0.0;
  double earlier_seconds = 0.0;
};

GPTConfig gpt_config(const ModelSpec& model, const TrainSpec& train);

// Learning rate at `step` (0-based) of `total`: linear warmup to `peak`, then
// cosine decay to peak * min_lr_ratio.
double lr_at(std::int64_t step, std::int64_t total, double peak, const TrainSpec& train);

// A (rows, T+1) window of the token stream as inputs x = columns [0, T) and
// targets y = columns [1, T], each its own (rows, T) int64 tensor. Only the first
// `live` target positions count; the rest are -1 (ignored by lm_loss), so the
// last step of a run trains on exactly the tokens that remain.
struct Batch {
  torch::Tensor x, y;  // (rows, T) int64 each
};
Batch make_batch(const std::vector<std::int64_t>& ids, std::int64_t rows, std::int64_t T, std::int64_t live);

// Mean held-out loss over train.eval_loss_tokens tokens: of the synthetic
// held-out stream, or with `text` of its valid split (at most what it holds).
// With a group, its batches are dealt round-robin and the per-sequence losses
// gathered: every rank returns the numbers one rank alone would.
LossStat heldout_loss(const LanguageModel& model, const std::vector<Task>& tasks, const TrainSpec& train,
                      std::uint64_t sweep_seed, const Collectives* group = nullptr, const TextCorpus* text = nullptr);

// Trains on the synthetic corpus, or with `text` on its train split, and,
// when `checkpoint` is non-empty, saves the weights there. With a
// checkpoint, every train.checkpoint_every steps the run also saves a restart
// point (restart_path); a later call continues from it, giving the same result
// as an uninterrupted run, and removes it when the run completes. Every
// `log_every` steps and at the last step, `log` receives the step's figures.
// Throws TrainingDiverged if the loss becomes non-finite.
TrainResult train_model(const ModelSpec& model, const TrainSpec& train, const std::vector<Task>& tasks,
                        std::int64_t data_tokens, std::uint64_t sweep_seed, const std::string& checkpoint,
                        const StepLogger& log = {}, int log_every = 10, const StepCheck& check = {},
                        const Placement& where = {}, std::shared_ptr<const TextCorpus> text = nullptr);

std::string restart_path(const std::string& checkpoint);

// The model as eval sees it on `device`: token ids in, CPU fp32 logits out
// (bf16 autocast on a GPU).
LanguageModel on_device(GPT model, const torch::Device& device);

// Builds the model of `model` and loads weights saved by train_model.
GPT load_model(const ModelSpec& model, const TrainSpec& train, const std::string& checkpoint);

}  // namespace sweep
