// Training loop; see trainer.hpp.
#include "kernels/train/trainer.hpp"

#include "kernels/model/checkpoint_io.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "kernels/data/corpus.hpp"
#include "kernels/device/device.hpp"
#include "kernels/train/flat_adamw.hpp"

namespace sweep {
namespace {

Batch next_batch(Corpus& corpus, std::int64_t rows, std::int64_t T, std::int64_t live) {
  return make_batch(corpus.take(static_cast<std::size_t>(rows * (T + 1))), rows, T, live);
}

// Training rows: the synthetic stream, or a text corpus's seeded windows.
class TrainRows {
 public:
  TrainRows(const std::vector<Task>& tasks, const TrainSpec& train, std::uint64_t seed,
            std::shared_ptr<const TextCorpus> text) {
    if (text && text->files()) {
      text_.emplace(std::move(text), train.seq_len, seed);
    } else {
      tokenizer_ = std::move(text);  // keeps the tokenizer alive for the synthetic corpus
      synthetic_.emplace(tasks, train, seed, Split::Train, tokenizer_ ? tokenizer_->tokenizer.get() : nullptr);
    }
  }
  Batch next(std::int64_t rows, std::int64_t T, std::int64_t live) {
    return text_ ? make_batch(text_->take(rows), rows, T, live) : next_batch(*synthetic_, rows, T, live);
  }
  void skip(std::int64_t rows, std::int64_t T) {
    if (text_) return text_->skip(rows);
    for (std::int64_t left = rows * (T + 1); left > 0;) {
      const std::int64_t n = std::min<std::int64_t>(left, 1 << 20);
      synthetic_->take(static_cast<std::size_t>(n));
      left -= n;
    }
  }

 private:
  std::shared_ptr<const TextCorpus> tokenizer_;
  std::optional<Corpus> synthetic_;
  std::optional<TextRows> text_;
};

double elapsed(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

LossStat summarise(const std::vector<double>& losses, const std::vector<std::int64_t>& tokens) {
  LossStat s;
  double weighted = 0.0;
  for (std::size_t i = 0; i < losses.size(); ++i) {
    weighted += losses[i] * static_cast<double>(tokens[i]);
    s.tokens += tokens[i];
  }
  s.mean = weighted / static_cast<double>(s.tokens);
  if (losses.size() > 1) {
    double mean = 0.0, var = 0.0;
    for (double l : losses) mean += l;
    mean /= static_cast<double>(losses.size());
    for (double l : losses) var += (l - mean) * (l - mean);
    var /= static_cast<double>(losses.size() - 1);
    s.std_err = std::sqrt(var / static_cast<double>(losses.size()));
  }
  return s;
}

// A run's restart point, "<checkpoint>.resume": weights, AdamW state, the next
// step, the tail losses so far and the training seconds of every session up
// to it (so a resumed run reports its whole training time). Written to a
// temporary name and renamed, so a kill while saving leaves the previous
// restart point intact.
struct RestartPoint {
  std::int64_t next_step = 0;
  double seconds = 0.0;
  std::vector<double> tail_losses;
  std::vector<std::int64_t> tail_tokens;
};

// A standalone copy of `model` (fresh parameters, values copied): the trained
// model's parameters are views of the optimiser's flat buffer, which LibTorch
// would serialise whole once per parameter.
GPT standalone_copy(GPT& model) {
  GPT copy(model->config());
  torch::NoGradGuard no_grad;
  auto dst = copy->parameters();
  auto src = model->parameters();
  for (std::size_t i = 0; i < dst.size(); ++i) dst[i].copy_(src[i]);
  return copy;
}

void save_weights(GPT& model, const std::string& path) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  torch::serialize::OutputArchive archive;
  standalone_copy(model)->save(archive);
  save_archive(archive, path);
}

void save_restart(const std::string& path, GPT& model, const FlatAdamW& optimizer, const RestartPoint& rp) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  torch::serialize::OutputArchive archive, weights, state;
  standalone_copy(model)->save(weights);
  optimizer.save(state);
  archive.write("model", weights);
  archive.write("optimizer", state);
  archive.write("next_step", torch::tensor(rp.next_step));
  archive.write("seconds", torch::tensor(rp.seconds, torch::kFloat64));
  archive.write("tail_losses", torch::tensor(rp.tail_losses, torch::kFloat64));
  archive.write("tail_tokens", torch::tensor(rp.tail_tokens, torch::kInt64));
  save_archive(archive, path);
}

// Loads the weights into `model` (before FlatAdamW adopts its parameters) and
// keeps the optimiser's part of the archive for load_restart_state.
RestartPoint load_restart(const std::string& path, GPT& model, torch::serialize::InputArchive& state) {
  torch::serialize::InputArchive archive, weights;
  load_archive(archive, path);
  torch::Tensor next, losses, tokens, seconds;
  try {
    archive.read("model", weights);
    archive.read("optimizer", state);
    load_weights(*model, weights, path, "this run's");
    archive.read("next_step", next);
    archive.read("tail_losses", losses);
    archive.read("tail_tokens", tokens);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": restart point does not fit this run's model (another shape, or damaged): " +
                             first_line(e.what()));
  }
  RestartPoint rp;
  rp.next_step = next.item<std::int64_t>();
  // Absent from restart points saved before the seconds were kept: 0.
  if (archive.try_read("seconds", seconds)) rp.seconds = seconds.item<double>();
  rp.tail_losses.assign(losses.data_ptr<double>(), losses.data_ptr<double>() + losses.numel());
  rp.tail_tokens.assign(tokens.data_ptr<std::int64_t>(), tokens.data_ptr<std::int64_t>() + tokens.numel());
  return rp;
}

void load_restart_state(const std::string& path, FlatAdamW& optimizer, torch::serialize::InputArchive& state) {
  try {
    optimizer.load(state);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": restart point's optimiser state does not fit this run: " +
                             first_line(e.what()));
  }
}

}  // namespace

Batch make_batch(const std::vector<std::int64_t>& ids, std::int64_t rows, std::int64_t T, std::int64_t live) {
  if (static_cast<std::int64_t>(ids.size()) != rows * (T + 1) || live < 0 || live > rows * T)
    throw std::invalid_argument("make_batch: need rows * (T + 1) ids and 0 <= live <= rows * T");
  // from_blob does not own ids: clone. x and y are clones too, never views of
  // one buffer: with one row, narrow(...).contiguous() would return a view, and
  // masking y's tail would then write -1 into x (an invalid token id).
  auto all = torch::from_blob(const_cast<std::int64_t*>(ids.data()), {rows, T + 1}, torch::kInt64);  // (rows, T+1)
  Batch b{all.narrow(1, 0, T).clone(), all.narrow(1, 1, T).clone()};  // (rows, T) each
  if (live < rows * T) b.y.view({-1}).narrow(0, live, rows * T - live).fill_(-1);
  return b;
}

std::string restart_path(const std::string& checkpoint) { return checkpoint + ".resume"; }

GPTConfig gpt_config(const ModelSpec& model, const TrainSpec& train) {
  GPTConfig c;
  c.block_size = train.seq_len;
  c.n_layer = model.n_layer;
  c.n_head = model.n_head;
  c.d_model = model.d_model;
  c.vocab_size = static_cast<int>(padded_vocab(model.vocab_size));
  return c;
}

double lr_at(std::int64_t step, std::int64_t total, double peak, const TrainSpec& train) {
  if (step < train.warmup_steps) return peak * static_cast<double>(step + 1) / static_cast<double>(train.warmup_steps);
  const double span = std::max<std::int64_t>(1, total - train.warmup_steps);
  const double progress = std::min(1.0, static_cast<double>(step - train.warmup_steps) / span);
  const double min_lr = peak * train.min_lr_ratio;
  return min_lr + 0.5 * (peak - min_lr) * (1.0 + std::cos(M_PI * progress));
}

double bits_per_byte(double nats_per_token, const LossStat& s) {
  return nats_per_token * static_cast<double>(s.tokens) / (std::log(2.0) * static_cast<double>(s.bytes));
}

LossStat heldout_loss(const LanguageModel& model, const std::vector<Task>& tasks, const TrainSpec& train,
                      std::uint64_t sweep_seed, const Collectives* group, const TextCorpus* text) {
  torch::NoGradGuard no_grad;
  const std::int64_t T = train.seq_len;
  std::int64_t n_seq = std::max<std::int64_t>(1, train.eval_loss_tokens / T);
  // Every rank builds every row: the same stream. (n_seq, T+1)
  std::vector<std::int64_t> rows_all;
  if (text && text->files()) {
    const std::int64_t have = held_out_rows_available(*text, T);
    if (have == 0)
      throw std::runtime_error("[data] valid: " + std::to_string(text->valid->size()) +
                               " tokens, fewer than seq_len + 1 (" + std::to_string(T + 1) + ")");
    n_seq = std::min(n_seq, have);
    rows_all = held_out_rows(*text, T, n_seq);
  } else {
    Corpus heldout(tasks, train, sweep_seed, Split::Eval, text ? text->tokenizer.get() : nullptr);
    rows_all = heldout.take(static_cast<std::size_t>(n_seq * (T + 1)));
  }
  const int ranks = group ? group->size() : 1, me = group ? group->rank() : 0;
  // One slot per sequence, filled by the rank that scored its batch; the sum
  // over the group leaves every other slot's zero out exactly.
  std::vector<double> losses(static_cast<std::size_t>(n_seq), 0.0);
  std::int64_t batch = 0;
  for (std::int64_t done = 0; done < n_seq; ++batch) {
    const std::int64_t rows = std::min<std::int64_t>(train.batch_size, n_seq - done);
    if (batch % ranks == me) {
      Batch b = make_batch(std::vector<std::int64_t>(rows_all.begin() + done * (T + 1),
                                                     rows_all.begin() + (done + rows) * (T + 1)),
                           rows, T, rows * T);
      auto logits = model.forward(b.x);  // (rows, T, V)
      auto per_seq = torch::nn::functional::cross_entropy(
                         logits.reshape({-1, logits.size(-1)}), b.y.reshape({-1}),
                         torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone))
                         .view({rows, T})
                         .mean(1);  // (rows,)
      auto acc = per_seq.accessor<float, 1>();
      for (std::int64_t r = 0; r < rows; ++r) losses[static_cast<std::size_t>(done + r)] = acc[r];
    }
    done += rows;
  }
  if (group) group->sum(losses);
  LossStat s = summarise(losses, std::vector<std::int64_t>(losses.size(), T));
  // The text the scored targets stand for, for eval_bpb (bytes: one byte each).
  const text::Tokenizer& tok = text ? *text->tokenizer : model.tokens();
  s.bytes = 0;
  for (std::int64_t r = 0; r < n_seq; ++r)
    for (std::int64_t t = 1; t <= T; ++t)
      s.bytes += static_cast<std::int64_t>(tok.token_bytes(static_cast<text::TokenId>(rows_all[r * (T + 1) + t])).size());
  if (s.bytes == 0) throw std::runtime_error("held-out tokens stand for no bytes of text");
  return s;
}

TrainResult train_model(const ModelSpec& spec, const TrainSpec& train, const std::vector<Task>& tasks,
                        std::int64_t data_tokens, std::uint64_t sweep_seed, const std::string& checkpoint,
                        const StepLogger& log, int log_every, const StepCheck& check, const Placement& where,
                        std::shared_ptr<const TextCorpus> text) {
  const auto t0 = std::chrono::steady_clock::now();
  Collectives* group = where.group;
  const int ranks = group ? group->size() : 1, me = group ? group->rank() : 0;
  // Initial weights depend on the sweep seed and the model name only, so runs of
  // one model at different data sizes (and every rank of a group) start from the same point.
  torch::manual_seed(derive_seed(sweep_seed, "init/" + spec.name) >> 1);
  GPT model(gpt_config(spec, train));
  model->train();

  const std::int64_t T = train.seq_len, B = train.batch_size;
  const std::int64_t steps = (data_tokens + B * T - 1) / (B * T);
  const std::int64_t tail_from = steps - std::max<std::int64_t>(1, steps / 10);
  if (text) text->require(data_tokens, T);
  const std::shared_ptr<const TextCorpus> held_out_text = text;
  TrainRows corpus(tasks, train, sweep_seed, std::move(text));
  RestartPoint rp;
  const std::string restart = checkpoint.empty() ? "" : restart_path(checkpoint);
  torch::serialize::InputArchive restart_state;
  bool restarted = false;
  on_every_rank(group, [&] {
    if (restart.empty() || !std::filesystem::exists(restart)) return;
    rp = load_restart(restart, model, restart_state);
    restarted = true;
  });
  const double earlier_seconds = rp.seconds;  // sessions before this one (0 on a fresh start)
  model->to(where.device);
  FlatAdamW optimizer(*model, {train.beta1, train.beta2, 1e-8, train.weight_decay});
  if (restarted) {
    on_every_rank(group, [&] { load_restart_state(restart, optimizer, restart_state); });
    // Every step before a restart point took B full rows of T+1 tokens.
    corpus.skip(rp.next_step * B, T);
  }
  const double peak = spec.lr > 0 ? spec.lr : train.lr;
  // Per-step losses stay on the device until a log, a divergence check or the
  // end reads them: no host sync per step on a GPU.
  auto step_losses = torch::zeros({std::max<std::int64_t>(steps, 1)}, torch::dtype(torch::kFloat32).device(where.device));
  auto read_loss = [&](std::int64_t step) { return step_losses[step].item<double>(); };
  std::int64_t tail_read = std::max(tail_from, rp.next_step);  // tail steps before it are in rp already
  auto collect_tail = [&](std::int64_t upto) {  // tail losses of steps [tail_read, upto) to the host
    if (upto <= tail_read) return;
    auto host = step_losses.narrow(0, tail_read, upto - tail_read).to(torch::kCPU, torch::kFloat64);
    for (std::int64_t s = tail_read; s < upto; ++s) {
      rp.tail_losses.push_back(host[s - tail_read].item<double>());
      rp.tail_tokens.push_back(std::min(B * T, data_tokens - s * B * T));
    }
    tail_read = upto;
  };

  optimizer.zero_grad();  // once: after that each step's pass leaves them zero
  for (std::int64_t step = rp.next_step; step < steps; ++step) {
    const std::int64_t live = std::min(B * T, data_tokens - step * B * T);
    const std::int64_t rows = (live + T - 1) / T;
    Batch b = corpus.next(rows, T, live);  // the global batch; this rank trains on its shard
    const Shard mine = shard(rows, me, ranks);
    const double lr = lr_at(step, steps, peak, train);

    if (mine.count > 0) {
      auto x = b.x.narrow(0, mine.first, mine.count).to(where.device);  // (rows_r, T)
      auto y = b.y.narrow(0, mine.first, mine.count).to(where.device);  // (rows_r, T)
      torch::Tensor loss_sum;
      {
        Bf16Autocast autocast(where.device);
        auto logits = model->forward(x);  // (rows_r, T, V)
        loss_sum = torch::nn::functional::cross_entropy(
            logits.reshape({-1, logits.size(-1)}).to(torch::kFloat32), y.reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1).reduction(torch::kSum));
      }
      // Divided by the global batch's live tokens: summed over the group this
      // is the mean loss of the whole batch, and its gradient.
      auto loss = loss_sum / static_cast<double>(live);
      loss.backward();
      optimizer.loss_slot().copy_(loss.detach().reshape({1}));
    }
    if (group) group->all_reduce(optimizer.grads_with_loss(), ReduceOp::Sum);
    step_losses.narrow(0, step, 1).copy_(optimizer.loss_slot());
    const bool logged = log && (step % log_every == 0 || step == steps - 1);
    auto grad_norm = optimizer.clip_grad_norm(train.grad_clip);
    optimizer.step(lr, /*zero_grads=*/true);

    if (step % 50 == 0 || logged || step == steps - 1) {
      const double l = read_loss(step);
      if (!std::isfinite(l))
        throw TrainingDiverged("training diverged: loss is " + std::to_string(l) + " at step " +
                                 std::to_string(step) + " (lr " + std::to_string(lr) + ")");
      if (logged)
        log({step, std::min(data_tokens, (step + 1) * B * T), l, lr, grad_norm.item<double>(),
             earlier_seconds + elapsed(t0)});
    }
    const bool stop = check && step + 1 < steps && check(elapsed(t0)) == StepControl::Stop;
    if (!restart.empty() && step + 1 < steps &&
        (stop || (train.checkpoint_every > 0 && (step + 1) % train.checkpoint_every == 0))) {
      collect_tail(step + 1);
      rp.next_step = step + 1;
      rp.seconds = earlier_seconds + elapsed(t0);
      on_leader(group, [&] { save_restart(restart, model, optimizer, rp); });
    }
    if (stop) throw TrainingStopped("training stopped at step " + std::to_string(step + 1) + " of " +
                                    std::to_string(steps) + " (restart point saved)");
  }
  collect_tail(steps);
  for (double l : rp.tail_losses)
    if (!std::isfinite(l)) throw TrainingDiverged("training diverged: a loss of the last steps is not finite");
  const double train_seconds = earlier_seconds + elapsed(t0);

  TrainResult r;
  r.n_params = model->n_params();
  r.steps = steps;
  r.tokens_per_s = static_cast<double>(data_tokens) / train_seconds;  // over every session
  r.earlier_seconds = earlier_seconds;
  r.train_loss = summarise(rp.tail_losses, rp.tail_tokens);
  LanguageModel trained = on_device(model, where.device);
  if (held_out_text) trained.tokenizer = held_out_text->tokenizer;
  r.eval_loss = heldout_loss(trained, tasks, train, sweep_seed, group, held_out_text.get());
  if (!std::isfinite(r.eval_loss.mean)) throw TrainingDiverged("training diverged: held-out loss is not finite");
  if (!checkpoint.empty())
    on_leader(group, [&] {
      save_weights(model, checkpoint);
      std::filesystem::remove(restart);
    });
  r.seconds = earlier_seconds + elapsed(t0);
  return r;
}

LanguageModel on_device(GPT model, const torch::Device& device) {
  LanguageModel lm = as_language_model(model);
  if (device.is_cpu()) return lm;
  lm.incremental = {};  // its cache lives on the CPU; on a GPU, generation recomputes the prefix
  lm.forward = [model, device](const torch::Tensor& idx) mutable {
    Bf16Autocast autocast(device);
    return model->forward(idx.to(device)).to(torch::kCPU, torch::kFloat32);
  };
  return lm;
}

GPT load_model(const ModelSpec& spec, const TrainSpec& train, const std::string& checkpoint) {
  GPT model(gpt_config(spec, train));
  torch::serialize::InputArchive archive;
  load_archive(archive, checkpoint);
  load_weights(*model, archive, checkpoint, spec.name);
  model->eval();
  return model;
}

}  // namespace sweep
