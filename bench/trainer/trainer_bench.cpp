// Trainer and eval speed against the machine's limits (bench/trainer/run.sh
// drives it and the Python reference loop, torch_loop.py, alternately).
//
//   bench_trainer sgemm THREADS [M K N ...]   sgemm GFLOP/s (LibTorch and oneDNN): 1024^3, then each M x K x N given
//   bench_trainer train GRID MODEL THREADS STEPS [BATCH SEQ]
//                                             tokens/s and FLOP/s of train_model (the sweep's trainer)
//   bench_trainer phases GRID MODEL THREADS STEPS [BATCH SEQ [explicit|fused|fused_cpu]]
//                                             time per phase of a loop that mirrors train_model's step
//                                             (BENCH_TRACE=FILE: per-op Chrome trace; ops.py sums it)
//   bench_trainer attention THREADS B T D H REPS
//                                             explicit vs ATen fused vs sweep's CPU attention, forward + backward, alternating
//   bench_trainer gelu THREADS [B T C REPS]  tanh-GELU forward and backward: ATen vs fused (8, 128, 1024)
//   bench_trainer eval GRID MODEL THREADS TRAIN_TOKENS EXAMPLES STYLE REPS
//                                             add3 eval: batched + cache vs batched recompute vs naive loop
//                                             (BENCH_TRACE=FILE: per-op trace of one batched, cached eval)
//
// MODEL is a [model.NAME] of GRID or LAYERS:D_MODEL:HEADS. Training FLOPs per
// token: 6N + 12 * L * d_model * T (nanoGPT's estimate_mfu), N = parameters
// without the position embedding (the tied token embedding is the output head's
// matmul, so it counts). Each mode prints `key=value` lines for run.sh.
// This file: the sgemm, train and phases modes; kernel_modes.cpp: attention,
// gelu and eval.
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "kernels/data/corpus.hpp"
#include "kernels/eval/evaluate.hpp"
#include "kernels/train/flat_adamw.hpp"
#include "kernels/device/fused_cpu.hpp"
#include "kernels/device/linear_cpu.hpp"
#include "spec/model_size.hpp"
#include "kernels/data/prompts.hpp"
#include "spec/rng.hpp"
#include "kernels/data/tokenizer.hpp"
#include "kernels/train/trainer.hpp"
#include "spec/config.hpp"
#include "workers/resources.hpp"
#include "bench/trainer/bench_trainer.hpp"

namespace sweep {
namespace {

using namespace bench;

// OpenBLAS's kernel choice (e.g. "SkylakeX"; "Prescott" is its generic fallback).
std::string blas_core() {
  using CoreName = char* (*)();
  if (auto f = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"))) return f();
  return "not OpenBLAS";
}

// The libraries sweep's CPU matmuls go through: LibTorch's mm (OpenBLAS in
// Debian; the attention's sgemms) and oneDNN (the linear layers).
enum class Gemm { LibTorch, OneDnn };

// FLOP/s of an (m, k) x (k, n) fp32 matmul through `gemm`, median of 7 timings
// (0 for oneDNN in a build without it).

double sgemm_rate(std::int64_t m, std::int64_t k, std::int64_t n, Gemm gemm = Gemm::LibTorch) {
  if (gemm == Gemm::OneDnn && !onednn_built()) return 0.0;
  auto a = torch::randn({m, k}), b = torch::randn({k, n});
  auto c = torch::empty({m, n});
  const auto once = [&] {
    if (gemm == Gemm::LibTorch)
      torch::mm_out(c, a, b);
    else
      sgemm_onednn('N', 'N', m, n, k, a.data_ptr<float>(), k, b.data_ptr<float>(), n, 0.0f, c.data_ptr<float>(), n);
  };
  once();  // warm-up
  std::vector<double> rates;
  for (int rep = 0; rep < 7; ++rep) {
    const auto t0 = Clock::now();
    const int inner = std::max<int>(1, static_cast<int>(2e8 / (2.0 * m * k * n)));  // >= ~0.2 GFLOP per timing
    for (int i = 0; i < inner; ++i) once();
    rates.push_back(2.0 * m * k * n * inner / seconds_since(t0));
  }
  return median(rates);
}

// The machine's sgemm rate at 1024^3: the faster of the two libraries.
struct SgemmRates {
  double libtorch = 0.0, onednn = 0.0;
  double best() const { return std::max(libtorch, onednn); }
};
SgemmRates sgemm_rates() { return {sgemm_rate(1024, 1024, 1024), sgemm_rate(1024, 1024, 1024, Gemm::OneDnn)}; }

ModelSpec model_of(const SweepSpec& spec, const std::string& name) {
  for (const auto& m : spec.models)
    if (m.name == name) return m;
  ModelSpec m;
  m.name = name;
  if (std::sscanf(name.c_str(), "%d:%d:%d", &m.n_layer, &m.d_model, &m.n_head) != 3)
    throw std::invalid_argument("no model " + name + " in the grid, and not LAYERS:D_MODEL:HEADS");
  return m;
}

struct FlopsPerToken {
  double six_n = 0.0, attention = 0.0;
};

FlopsPerToken flops_per_token(const ModelSpec& m, std::int64_t T) {
  const double n = static_cast<double>(gpt_param_count(m.n_layer, m.d_model, kVocabSize, T) - T * m.d_model);
  return {6.0 * n, 12.0 * m.n_layer * m.d_model * static_cast<double>(T)};
}

void print_model(const char* who, const ModelSpec& m, std::int64_t B, std::int64_t T, int threads) {
  std::printf("%s model=%s L=%d d=%d h=%d B=%lld T=%lld threads=%d", who, m.name.c_str(), m.n_layer, m.d_model,
              m.n_head, static_cast<long long>(B), static_cast<long long>(T), threads);
}

int run_sgemm(int threads, const std::vector<std::int64_t>& shapes) {
  std::printf("sgemm threads=%d blas_core=%s m=1024 k=1024 n=1024 gflops=%.2f onednn_gflops=%.2f\n", threads,
              blas_core().c_str(), sgemm_rate(1024, 1024, 1024) / 1e9,
              sgemm_rate(1024, 1024, 1024, Gemm::OneDnn) / 1e9);
  for (std::size_t i = 0; i + 2 < shapes.size(); i += 3)
    std::printf("sgemm threads=%d m=%lld k=%lld n=%lld gflops=%.2f onednn_gflops=%.2f\n", threads,
                static_cast<long long>(shapes[i]), static_cast<long long>(shapes[i + 1]),
                static_cast<long long>(shapes[i + 2]), sgemm_rate(shapes[i], shapes[i + 1], shapes[i + 2]) / 1e9,
                sgemm_rate(shapes[i], shapes[i + 1], shapes[i + 2], Gemm::OneDnn) / 1e9);
  return 0;
}

// The 1024^3 sgemm rate right now, for pairing with one training step: one
// untimed call (the step left other data in the caches), then the median of 5
// single timings; both libraries, the faster.
double sgemm_rate_now() {
  static const auto a = torch::randn({1024, 1024}), b = torch::randn({1024, 1024});
  static auto c = torch::empty({1024, 1024});
  double best = 0.0;
  for (Gemm gemm : {Gemm::LibTorch, Gemm::OneDnn}) {
    if (gemm == Gemm::OneDnn && !onednn_built()) continue;
    const auto once = [&] {
      if (gemm == Gemm::LibTorch) torch::mm_out(c, a, b);
      else sgemm_onednn('N', 'N', 1024, 1024, 1024, a.data_ptr<float>(), 1024, b.data_ptr<float>(), 1024, 0.0f,
                        c.data_ptr<float>(), 1024);
    };
    once();
    std::vector<double> rates;
    for (int rep = 0; rep < 5; ++rep) {
      const auto t0 = Clock::now();
      once();
      rates.push_back(2.0 * 1024 * 1024 * 1024 / seconds_since(t0));
    }
    best = std::max(best, median(rates));
  }
  return best;
}

// train_model on steps * B * T tokens; the rate counts the steps after the
// first `skip` (warm-up), from the step log's clock. Two references for FLOP/s:
// the sgemm rate before and after the whole run (the highest of four: two
// libraries, two moments), and, paired per step, the rate measured right
// after each step (this VM's speed drifts by up to 1.5x within a run, so a
// whole-run reference can come from a faster moment than the steps it is
// compared with). The paired timings are taken out of the step times.
int run_train(const SweepSpec& spec, const ModelSpec& model, int threads, int steps, TrainSpec train) {
  const int skip = std::min(10, steps / 4);
  const std::int64_t B = train.batch_size, T = train.seq_len;
  train.eval_loss_tokens = static_cast<int>(B * T);  // the held-out pass is not timed; keep it short
  const SgemmRates gemm_before = sgemm_rates();
  std::vector<StepLog> logs;
  std::vector<double> paired_gemm, paired_seconds;  // per step: sgemm rate after it, time that took
  const TrainResult r = train_model(model, train, grid_tasks(spec), steps * B * T, spec.seed, "",
                                    [&](const StepLog& s) {
                                      logs.push_back(s);
                                      const auto t0 = Clock::now();
                                      paired_gemm.push_back(sgemm_rate_now());
                                      paired_seconds.push_back(seconds_since(t0));
                                    }, 1);
  const SgemmRates gemm_after = sgemm_rates();
  const FlopsPerToken f = flops_per_token(model, T);
  // Step s ran from log s-1 to log s, less the paired sgemm timed after log s-1.
  std::vector<double> ratios, timed_gemm;
  double step_seconds = 0.0;
  for (std::size_t s = static_cast<std::size_t>(skip); s < logs.size(); ++s) {
    const double dt = logs[s].seconds - logs[s - 1].seconds - paired_seconds[s - 1];
    step_seconds += dt;
    const double rate = (f.six_n + f.attention) * static_cast<double>(logs[s].tokens - logs[s - 1].tokens) / dt;
    ratios.push_back(rate / paired_gemm[s]);
    timed_gemm.push_back(paired_gemm[s]);
  }
  const double tok_s = static_cast<double>(logs.back().tokens - logs[static_cast<std::size_t>(skip - 1)].tokens) /
                       step_seconds;
  print_model("cpp", model, B, T, threads);
  std::printf(" steps=%d skip=%d n_params=%lld loss=%.4f tokens_per_s=%.1f gflops_6n=%.3f gflops_6n_attn=%.3f "
              "sgemm_before=%.2f sgemm_after=%.2f onednn_before=%.2f onednn_after=%.2f "
              "sgemm_gflops=%.2f of_sgemm_paired=%.4f sgemm_paired_gflops=%.2f\n",
              steps, skip, static_cast<long long>(r.n_params), logs.back().loss, tok_s, f.six_n * tok_s / 1e9,
              (f.six_n + f.attention) * tok_s / 1e9, gemm_before.libtorch / 1e9, gemm_after.libtorch / 1e9,
              gemm_before.onednn / 1e9, gemm_after.onednn / 1e9,
              std::max(gemm_before.best(), gemm_after.best()) / 1e9, median(ratios), median(timed_gemm) / 1e9);
  return 0;
}

// A loop that mirrors train_model's step (its optimiser, FlatAdamW, with
// clipping, at the peak learning rate), timing each phase; medians over the
// steps after the first 5.
int run_phases(const SweepSpec& spec, const ModelSpec& model, int threads, int steps, const TrainSpec& train,
               const std::string& attention) {
  const std::int64_t B = train.batch_size, T = train.seq_len;
  torch::manual_seed(0);
  GPTConfig cfg = gpt_config(model, train);
  if (attention == "explicit") cfg.attention = AttentionKernel::Explicit;
  if (attention == "fused") cfg.attention = AttentionKernel::Fused;
  if (attention == "fused_cpu") cfg.attention = AttentionKernel::FusedCpu;
  GPT gpt(cfg);
  gpt->train();
  FlatAdamW optimizer(*gpt, {train.beta1, train.beta2, 1e-8, train.weight_decay});
  Corpus corpus(grid_tasks(spec), train, spec.seed, Split::Train);
  // As train_model: the gradients are zeroed once, then by each step's pass ("adamw").
  const char* names[] = {"data", "forward", "backward", "clip", "adamw"};
  constexpr int kPhases = 5;
  std::vector<std::vector<double>> t(kPhases);
  std::vector<double> total;
  // BENCH_TRACE=FILE: LibTorch's profiler over the timed steps, as a Chrome
  // trace (per-op times; bench/trainer/ops.py sums them by op).
  const char* trace = std::getenv("BENCH_TRACE");
  std::unique_ptr<torch::autograd::profiler::RecordProfile> profile;
  optimizer.zero_grad();
  for (int s = 0; s < steps; ++s) {
    if (s == 5 && trace) profile = std::make_unique<torch::autograd::profiler::RecordProfile>(trace);
    double ph[kPhases];
    auto t0 = Clock::now();
    Batch b = make_batch(corpus.take(static_cast<std::size_t>(B * (T + 1))), B, T, B * T);
    const torch::Tensor &x = b.x, &y = b.y;  // (B, T) each
    ph[0] = seconds_since(t0), t0 = Clock::now();
    auto loss = lm_loss(gpt->forward(x), y);
    ph[1] = seconds_since(t0), t0 = Clock::now();
    loss.backward();
    ph[2] = seconds_since(t0), t0 = Clock::now();
    optimizer.clip_grad_norm(train.grad_clip);
    ph[3] = seconds_since(t0), t0 = Clock::now();
    optimizer.step(train.lr, /*zero_grads=*/true);
    ph[4] = seconds_since(t0);
    if (s < 5) continue;
    double sum = 0.0;
    for (int i = 0; i < kPhases; ++i) t[i].push_back(ph[i]), sum += ph[i];
    total.push_back(sum);
  }
  profile.reset();
  print_model("phases", model, B, T, threads);
  std::printf(" attention=%s", attention.empty() ? "auto" : attention.c_str());
  std::printf(" n_params=%lld step_ms=%.2f", static_cast<long long>(gpt->n_params()), median(total) * 1e3);
  for (int i = 0; i < kPhases; ++i) std::printf(" %s_ms=%.3f", names[i], median(t[i]) * 1e3);
  std::printf("\n");
  return 0;
}

TrainSpec train_of(const SweepSpec& spec, int argc, char** argv, int at) {
  TrainSpec t = spec.train;
  if (argc > at + 1) {
    t.batch_size = std::atoi(argv[at]);
    t.seq_len = std::atoi(argv[at + 1]);
  }
  return t;
}

int usage(const char* prog) {
  std::fprintf(stderr,
               "usage: %s sgemm THREADS [M K N ...]\n"
               "       %s train GRID MODEL THREADS STEPS [BATCH SEQ]\n"
               "       %s phases GRID MODEL THREADS STEPS [BATCH SEQ [explicit|fused]]\n"
               "       %s attention THREADS B T D H REPS\n"
               "       %s gelu THREADS [B T C REPS]\n"
               "       %s eval GRID MODEL THREADS TRAIN_TOKENS EXAMPLES STYLE REPS\n",
               prog, prog, prog, prog, prog, prog);
  return 2;
}

}  // namespace
}  // namespace sweep

int main(int argc, char** argv) {
  using namespace sweep;
  using namespace sweep::bench;
  if (argc < 3) return usage(argv[0]);
  const std::string mode = argv[1];
  try {
    if (mode == "sgemm") {
      const int threads = std::atoi(argv[2]);
      set_compute_threads(threads);
      std::vector<std::int64_t> shapes;
      for (int i = 3; i < argc; ++i) shapes.push_back(std::atoll(argv[i]));
      return run_sgemm(threads, shapes);
    }
    if (mode == "attention" && argc >= 8) {
      const int threads = std::atoi(argv[2]);
      set_compute_threads(threads);
      return run_attention(threads, std::atoll(argv[3]), std::atoll(argv[4]), std::atoll(argv[5]),
                           std::atoll(argv[6]), std::atoi(argv[7]));
    }
    if (mode == "gelu") {
      const int threads = std::atoi(argv[2]);
      set_compute_threads(threads);
      if (argc >= 7)
        return run_gelu(threads, std::atoll(argv[3]), std::atoll(argv[4]), std::atoll(argv[5]), std::atoi(argv[6]));
      return run_gelu(threads, 8, 128, 1024, 20);
    }
    if (argc < 6) return usage(argv[0]);
    const SweepSpec spec = load_spec_file(argv[2]);
    const ModelSpec model = model_of(spec, argv[3]);
    const int threads = std::atoi(argv[4]);
    set_compute_threads(threads);
    keep_freed_memory_in_heap();  // as the workers do
    if (mode == "train")
      return run_train(spec, model, threads, std::atoi(argv[5]), train_of(spec, argc, argv, 6));
    if (mode == "phases")
      return run_phases(spec, model, threads, std::atoi(argv[5]), train_of(spec, argc, argv, 6), argc > 8 ? argv[8] : "");
    if (mode == "eval" && argc >= 9)
      return run_eval(spec, model, threads, std::atoll(argv[5]), std::atoi(argv[6]), argv[7], std::atoi(argv[8]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_trainer: %s\n", e.what());
    return 1;
  }
  return usage(argv[0]);
}
