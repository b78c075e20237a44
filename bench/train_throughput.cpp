// Training throughput of a grid's largest model against the machine's sgemm
// rate, both measured here through LibTorch in one run, so the ratio holds
// whatever the machine. Usage: bench_train_throughput GRID.toml [threads] [steps]
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "kernels/trainer.hpp"
#include "kernels/model_size.hpp"
#include "kernels/tokenizer.hpp"
#include "orchestrator/config.hpp"
#include "workers/resources.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// FLOP/s of an n x n x n fp32 matmul, median of several timings.
double sgemm_rate(int n) {
  auto a = torch::randn({n, n}), b = torch::randn({n, n});
  torch::matmul(a, b);  // warm-up
  std::vector<double> rates;
  for (int rep = 0; rep < 7; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    auto c = torch::matmul(a, b);
    rates.push_back(2.0 * n * n * n / seconds_since(t0));
  }
  return median(rates);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s GRID.toml [threads] [steps]\n", argv[0]);
    return 2;
  }
  const sweep::SweepSpec spec = sweep::load_spec_file(argv[1]);
  const int threads = argc > 2 ? std::atoi(argv[2]) : static_cast<int>(std::thread::hardware_concurrency());
  const int steps = argc > 3 ? std::atoi(argv[3]) : 60;
  sweep::set_compute_threads(threads);
  sweep::keep_freed_memory_in_heap();  // as the workers do

  // The grid's largest model.
  const sweep::ModelSpec* model = nullptr;
  std::int64_t n_params = 0;
  for (int m : spec.grid.model) {
    const auto& ms = spec.models[m];
    const auto n = sweep::gpt_param_count(ms.n_layer, ms.d_model, sweep::kVocabSize, spec.train.seq_len);
    if (n > n_params) n_params = n, model = &ms;
  }

  const double gemm = sgemm_rate(1024);

  torch::manual_seed(0);
  sweep::GPT gpt(sweep::gpt_config(*model, spec.train));
  torch::optim::AdamW opt(gpt->parameters(), torch::optim::AdamWOptions(1e-3));
  const std::int64_t B = spec.train.batch_size, T = spec.train.seq_len;
  auto x = torch::randint(0, 256, {B, T}, torch::kInt64), y = torch::randint(0, 256, {B, T}, torch::kInt64);
  std::vector<double> step_rates;
  for (int s = 0; s < steps + 5; ++s) {
    const auto t0 = std::chrono::steady_clock::now();
    opt.zero_grad();
    auto loss = sweep::lm_loss(gpt->forward(x), y);
    loss.backward();
    torch::nn::utils::clip_grad_norm_(gpt->parameters(), 1.0);
    opt.step();
    if (s >= 5) step_rates.push_back(static_cast<double>(B * T) / seconds_since(t0));  // skip warm-up
  }
  const double tok_s = median(step_rates);
  const double flops = 6.0 * static_cast<double>(n_params) * tok_s;
  std::printf("machine: %u cores, torch threads %d\n", std::thread::hardware_concurrency(), threads);
  std::printf("sgemm 1024^3 (LibTorch matmul, median of 7): %.1f GFLOP/s\n", gemm / 1e9);
  std::printf("model %s: n_layer=%d d_model=%d n_head=%d n_params=%lld, batch %lld x %lld\n", model->name.c_str(),
              model->n_layer, model->d_model, model->n_head, static_cast<long long>(n_params),
              static_cast<long long>(B), static_cast<long long>(T));
  std::printf("training: %.0f tokens/s (median of %d steps) = %.2f GFLOP/s (6*N*tokens/s) = %.3f of sgemm\n", tok_s,
              steps, flops / 1e9, flops / gemm);
  return 0;
}
