// Linear layers (y = x W^T + b) on CPU as one autograd node each, whose
// backward sums dW straight into the weight's gradient buffer (FlatAdamW's flat
// buffer), as Megatron-LM's gradient-accumulation fusion does: autograd's
// AccumulateGrad would otherwise read dW and the buffer and write the buffer
// again, a pass over every weight per step. The GEMMs are LibTorch's (OpenBLAS
// in Debian), or oneDNN's sgemm in a build with SWEEP_ONEDNN=ON (off by default;
// why, and its measurements: bench/RESULTS.md, "oneDNN for the linear layers").
// Anything that is not float32 on CPU takes torch::nn::functional::linear.
#pragma once

#include <torch/torch.h>

namespace sweep {

// Whether this build has oneDNN (CMake option SWEEP_ONEDNN, OFF by default: kernels/CMakeLists.txt).
bool onednn_built();

// True when linear() runs as sweep's node for these operands: float32 CPU
// tensors, x (..., K) and w (N, K) contiguous, b (N) or undefined.
bool linear_cpu_supports(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b);

// x (..., K), w (N, K), b (N) or undefined -> (..., N); differentiable in all
// three. w's gradient goes into w.grad() in place when that is a contiguous
// float32 tensor (and no double backward is asked for), else is returned; so
// torch::autograd::grad() with w among its inputs sees no gradient for w while
// w.grad() is defined (sweep calls backward() only).
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b);

// Row-major C (m, n) = op(A) op(B) + beta C through oneDNN (ta, tb: 'N' or 'T');
// throws with the call's shape if oneDNN refuses it, or if !onednn_built().
// bench_trainer times it.
void sgemm_onednn(char ta, char tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a, std::int64_t lda,
                  const float* b, std::int64_t ldb, float beta, float* c, std::int64_t ldc);

}  // namespace sweep
