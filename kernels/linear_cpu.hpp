// Linear layers (y = x W^T + b) on CPU through oneDNN's sgemm. The trainer's
// step on CPU is three-quarters matmul, and at a small GPT's K = d_model shapes
// oneDNN's sgemm (libdnnl, the library Debian's LibTorch already links) ran
// most shapes up to 30% faster than LibTorch's mm (OpenBLAS 0.3.21 in Debian);
// the trainer gained 11% at d_model 96, ~5% at 256, none at 512 (bench/RESULTS.md,
// "Trainer speed with the linear layers through oneDNN"). Forward and backward are
// one sgemm each (bias folded into the forward's C), so the autograd graph has
// one node per layer instead of matmul + add. Anything that is not float32 on
// CPU takes torch::nn::functional::linear, and so does everything in a build
// with SWEEP_ONEDNN=OFF (scripts/gpu_build.sh: the pip torch it builds against
// carries its own oneDNN and MKL, and two copies of a library's exported
// symbols in one process can resolve into each other).
#pragma once

#include <torch/torch.h>

namespace sweep {

// Whether this build has oneDNN (CMake option SWEEP_ONEDNN, OFF by default: kernels/CMakeLists.txt).
bool onednn_built();

// True when linear() runs through oneDNN for these operands: float32 CPU
// tensors, x (..., K) and w (N, K) contiguous, b (N) or undefined.
bool linear_cpu_supports(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b);

// x (..., K), w (N, K), b (N) or undefined -> (..., N); differentiable in all three.
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b);

// Row-major C (m, n) = op(A) op(B) + beta C through oneDNN (ta, tb: 'N' or 'T');
// throws with the call's shape if oneDNN refuses it, or if !onednn_built().
// bench_trainer times it.
void sgemm_onednn(char ta, char tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a, std::int64_t lda,
                  const float* b, std::int64_t ldb, float beta, float* c, std::int64_t ldc);

}  // namespace sweep
