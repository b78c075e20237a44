// Training loop; see trainer.hpp.
#include "kernels/trainer.hpp"

#include "kernels/checkpoint_io.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "kernels/corpus.hpp"

namespace sweep {
namespace {

Batch next_batch(Corpus& corpus, std::int64_t rows, std::int64_t T, std::int64_t live) {
  return make_batch(corpus.take(static_cast<std::size_t>(rows * (T + 1))), rows, T, live);
}

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
// step and the tail losses so far. Written to a temporary name and renamed, so
// a kill while saving leaves the previous restart point intact.
struct RestartPoint {
  std::int64_t next_step = 0;
  std::vector<double> tail_losses;
  std::vector<std::int64_t> tail_tokens;
};

void save_restart(const std::string& path, GPT& model, torch::optim::AdamW& optimizer, const RestartPoint& rp) {
  torch::serialize::OutputArchive archive, weights, state;
  model->save(weights);
  optimizer.save(state);
  archive.write("model", weights);
  archive.write("optimizer", state);
  archive.write("next_step", torch::tensor(rp.next_step));
  archive.write("tail_losses", torch::tensor(rp.tail_losses, torch::kFloat64));
  archive.write("tail_tokens", torch::tensor(rp.tail_tokens, torch::kInt64));
  save_archive(archive, path);
}

RestartPoint load_restart(const std::string& path, GPT& model, torch::optim::AdamW& optimizer) {
  torch::serialize::InputArchive archive, weights, state;
  load_archive(archive, path);
  torch::Tensor next, losses, tokens;
  try {
    archive.read("model", weights);
    archive.read("optimizer", state);
    load_weights(*model, weights, path, "this run's");
    optimizer.load(state);
    archive.read("next_step", next);
    archive.read("tail_losses", losses);
    archive.read("tail_tokens", tokens);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": restart point does not fit this run's model (another shape, or damaged): " +
                             first_line(e.what()));
  }
  RestartPoint rp;
  rp.next_step = next.item<std::int64_t>();
  rp.tail_losses.assign(losses.data_ptr<double>(), losses.data_ptr<double>() + losses.numel());
  rp.tail_tokens.assign(tokens.data_ptr<std::int64_t>(), tokens.data_ptr<std::int64_t>() + tokens.numel());
  return rp;
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
  return c;
}

double lr_at(std::int64_t step, std::int64_t total, double peak, const TrainSpec& train) {
  if (step < train.warmup_steps) return peak * static_cast<double>(step + 1) / static_cast<double>(train.warmup_steps);
  const double span = std::max<std::int64_t>(1, total - train.warmup_steps);
  const double progress = std::min(1.0, static_cast<double>(step - train.warmup_steps) / span);
  const double min_lr = peak * train.min_lr_ratio;
  return min_lr + 0.5 * (peak - min_lr) * (1.0 + std::cos(M_PI * progress));
}

LossStat heldout_loss(const LanguageModel& model, const std::vector<Task>& tasks, const TrainSpec& train,
                      std::uint64_t sweep_seed) {
  torch::NoGradGuard no_grad;
  Corpus heldout(tasks, train, sweep_seed, Split::Eval);
  const std::int64_t T = train.seq_len;
  const std::int64_t n_seq = std::max<std::int64_t>(1, train.eval_loss_tokens / T);
  std::vector<double> losses;
  std::vector<std::int64_t> tokens;
  for (std::int64_t done = 0; done < n_seq;) {
    const std::int64_t rows = std::min<std::int64_t>(train.batch_size, n_seq - done);
    Batch b = next_batch(heldout, rows, T, rows * T);
    auto logits = model.forward(b.x);  // (rows, T, V)
    auto per_seq = torch::nn::functional::cross_entropy(
                       logits.reshape({-1, logits.size(-1)}), b.y.reshape({-1}),
                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone))
                       .view({rows, T})
                       .mean(1);  // (rows,)
    auto acc = per_seq.accessor<float, 1>();
    for (std::int64_t r = 0; r < rows; ++r) {
      losses.push_back(acc[r]);
      tokens.push_back(T);
    }
    done += rows;
  }
  return summarise(losses, tokens);
}

TrainResult train_model(const ModelSpec& spec, const TrainSpec& train, const std::vector<Task>& tasks,
                        std::int64_t data_tokens, std::uint64_t sweep_seed, const std::string& checkpoint,
                        const StepLogger& log, int log_every, const StepCheck& check) {
  const auto t0 = std::chrono::steady_clock::now();
  // Initial weights depend on the sweep seed and the model name only, so runs of
  // one model at different data sizes start from the same point.
  torch::manual_seed(derive_seed(sweep_seed, "init/" + spec.name) >> 1);
  GPT model(gpt_config(spec, train));
  model->train();

  // AdamW; weight decay on matrices only (embeddings included, as in GPT-2).
  std::vector<torch::Tensor> decay, no_decay;
  for (auto& p : model->parameters()) (p.dim() >= 2 ? decay : no_decay).push_back(p);
  const double peak = spec.lr > 0 ? spec.lr : train.lr;
  auto opts = torch::optim::AdamWOptions(peak).betas({train.beta1, train.beta2}).weight_decay(train.weight_decay);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(opts));
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(opts.weight_decay(0.0)));
  torch::optim::AdamW optimizer(std::move(groups));

  const std::int64_t T = train.seq_len, B = train.batch_size;
  const std::int64_t steps = (data_tokens + B * T - 1) / (B * T);
  const std::int64_t tail_from = steps - std::max<std::int64_t>(1, steps / 10);
  Corpus corpus(tasks, train, sweep_seed, Split::Train);
  RestartPoint rp;
  const std::string restart = checkpoint.empty() ? "" : restart_path(checkpoint);
  if (!restart.empty() && std::filesystem::exists(restart)) {
    rp = load_restart(restart, model, optimizer);
    // Every step before a restart point took B full rows of T+1 tokens.
    for (std::int64_t skip = rp.next_step * B * (T + 1); skip > 0;) {
      const std::int64_t n = std::min<std::int64_t>(skip, 1 << 20);
      corpus.take(static_cast<std::size_t>(n));
      skip -= n;
    }
  }
  std::vector<double>& tail_losses = rp.tail_losses;
  std::vector<std::int64_t>& tail_tokens = rp.tail_tokens;

  for (std::int64_t step = rp.next_step; step < steps; ++step) {
    const std::int64_t live = std::min(B * T, data_tokens - step * B * T);
    const std::int64_t rows = (live + T - 1) / T;
    Batch b = next_batch(corpus, rows, T, live);
    const double lr = lr_at(step, steps, peak, train);
    for (auto& g : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);

    optimizer.zero_grad();
    auto loss = lm_loss(model->forward(b.x), b.y);
    loss.backward();
    const bool logged = log && (step % log_every == 0 || step == steps - 1);
    double grad_norm = 0.0;
    if (train.grad_clip > 0) {
      grad_norm = torch::nn::utils::clip_grad_norm_(model->parameters(), train.grad_clip);
    } else if (logged) {
      grad_norm = torch::nn::utils::clip_grad_norm_(model->parameters(), INFINITY);
    }
    optimizer.step();

    if (step >= tail_from || step % 50 == 0 || logged) {
      const double l = loss.item<double>();
      if (!std::isfinite(l))
        throw TrainingDiverged("training diverged: loss is " + std::to_string(l) + " at step " +
                                 std::to_string(step) + " (lr " + std::to_string(lr) + ")");
      if (step >= tail_from) {
        tail_losses.push_back(l);
        tail_tokens.push_back(live);
      }
      if (logged) log({step, std::min(data_tokens, (step + 1) * B * T), l, lr, grad_norm, elapsed(t0)});
    }
    const bool stop = check && step + 1 < steps && check(elapsed(t0)) == StepControl::Stop;
    if (!restart.empty() && step + 1 < steps &&
        (stop || (train.checkpoint_every > 0 && (step + 1) % train.checkpoint_every == 0))) {
      std::filesystem::create_directories(std::filesystem::path(restart).parent_path());
      rp.next_step = step + 1;
      save_restart(restart, model, optimizer, rp);
    }
    if (stop) throw TrainingStopped("training stopped at step " + std::to_string(step + 1) + " of " +
                                    std::to_string(steps) + " (restart point saved)");
  }
  const double train_seconds = elapsed(t0);

  TrainResult r;
  r.n_params = model->n_params();
  r.steps = steps;
  r.tokens_per_s = static_cast<double>(data_tokens) / train_seconds;
  r.train_loss = summarise(tail_losses, tail_tokens);
  r.eval_loss = heldout_loss(as_language_model(model), tasks, train, sweep_seed);
  if (!std::isfinite(r.eval_loss.mean)) throw TrainingDiverged("training diverged: held-out loss is not finite");
  if (!checkpoint.empty()) {
    std::filesystem::create_directories(std::filesystem::path(checkpoint).parent_path());
    torch::serialize::OutputArchive archive;
    model->save(archive);
    save_archive(archive, checkpoint);
    std::filesystem::remove(restart);
  }
  r.seconds = elapsed(t0);
  return r;
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
