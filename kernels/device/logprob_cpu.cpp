// Fused target log-probabilities; see logprob_cpu.hpp. Compiled with
// -fopenmp-simd -fno-math-errno -fno-trapping-math (kernels/CMakeLists.txt) so
// the row reductions vectorise.
#include "kernels/device/logprob_cpu.hpp"

#include <ATen/Parallel.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/device/simd_math.hpp"

namespace sweep {
namespace {

SWEEP_VECTOR_CLONES
float row_max(const float* x, std::int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : m)
  for (std::int64_t i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

SWEEP_VECTOR_CLONES
float row_sum_exp(const float* x, std::int64_t n, float m) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::int64_t i = 0; i < n; ++i) sum += fast_exp(x[i] - m);
  return sum;
}

}  // namespace

torch::Tensor target_logprobs(const torch::Tensor& logits, const torch::Tensor& targets) {
  const bool fused = logits.device().is_cpu() && logits.scalar_type() == torch::kFloat32 && logits.dim() == 2 &&
                     logits.is_contiguous() && !logits.requires_grad();
  if (!fused)
    return torch::log_softmax(logits.to(torch::kFloat32), -1).gather(1, targets.view({-1, 1}).to(logits.device()))
        .view({-1})
        .to(torch::kCPU);  // (N,)
  const std::int64_t N = logits.size(0), V = logits.size(1);
  TORCH_CHECK(targets.numel() == N, "target_logprobs: ", targets.numel(), " targets for ", N, " rows");
  auto t = targets.to(torch::kCPU, torch::kInt64).contiguous();
  auto out = torch::empty({N}, torch::kFloat32);  // (N,)
  const float* x = logits.data_ptr<float>();
  const std::int64_t* tp = t.data_ptr<std::int64_t>();
  float* op = out.data_ptr<float>();
  for (std::int64_t r = 0; r < N; ++r)
    TORCH_CHECK(tp[r] >= 0 && tp[r] < V, "target_logprobs: target ", tp[r], " outside [0, ", V, ")");
  at::parallel_for(0, N, 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t r = b; r < e; ++r) {
      const float* row = x + r * V;
      const float m = row_max(row, V);
      op[r] = row[tp[r]] - m - std::log(row_sum_exp(row, V, m));
    }
  });
  return out;
}

}  // namespace sweep
