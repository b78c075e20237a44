// bench_trainer's shared helpers and the modes defined in kernel_modes.cpp
// (the command line and the other modes: trainer_bench.cpp).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/data/tasks.hpp"
#include "spec/spec.hpp"

namespace sweep::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

inline std::vector<Task> grid_tasks(const SweepSpec& spec) {
  std::vector<Task> tasks;
  for (int t : spec.grid.task) tasks.emplace_back(spec.tasks[t], spec.seed);
  return tasks;
}

// Forward + backward of one attention layer's core: explicit vs ATen fused vs sweep's CPU kernel.
int run_attention(int threads, std::int64_t B, std::int64_t T, std::int64_t d, std::int64_t H, int reps);
// tanh-GELU forward and backward: ATen vs fused.
int run_gelu(int threads, std::int64_t B, std::int64_t T, std::int64_t C, int reps);
// The add3 eval point: batched + cache vs batched recompute vs naive loop.
int run_eval(const SweepSpec& spec, const ModelSpec& model, int threads, std::int64_t train_tokens, int examples,
             const std::string& style_name, int reps);

}  // namespace sweep::bench
