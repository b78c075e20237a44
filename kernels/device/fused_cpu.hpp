// Fused CPU elementwise kernels for the trainer's step. On CPU the step spends
// a large share outside the matmuls in elementwise work that ATen does as
// several full passes over memory or through a slow transcendental: tanh-GELU
// (Sleef tanhf, forward and backward) and the AdamW update (about nine passes
// over all parameters). Each kernel here is one vectorised pass (GCC function
// multiversioning: AVX-512 where the machine has it, AVX2, or baseline x86-64)
// split into chunks with at::parallel_for, so its result is the same at any
// thread count. Tensors that are not contiguous float32 CPU tensors (CUDA,
// other dtypes, strided views) take the ATen path instead.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace sweep {

// torch::gelu(x, "tanh") with a fused forward and backward on contiguous
// float32 CPU tensors (any shape); otherwise torch::gelu itself. The backward
// saves only x.
torch::Tensor gelu_tanh(const torch::Tensor& x);

// The kernels behind gelu_tanh, on n contiguous floats.
void gelu_tanh_forward(const float* x, float* y, std::int64_t n);
void gelu_tanh_backward(const float* x, const float* grad_out, float* grad_in, std::int64_t n);

// One AdamW step (torch.optim.AdamW's update, decoupled weight decay) over n
// parameters in one pass, in place on p, m and v, in this order:
//   p *= decay;  m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g g;
//   p += neg_step_size * m / (sqrt(v) / sqrt_bc2 + eps)
// the same float operations as FlatAdamW's sequence of ATen ops.
struct AdamWCoefficients {
  float decay;         // 1 - lr * weight_decay (1 for parameters without decay)
  float beta1, one_minus_beta1;
  float beta2, one_minus_beta2;
  float sqrt_bc2;      // sqrt(1 - beta2^t): denominator = sqrt(v) / sqrt_bc2 + eps
  float eps;
  float neg_step_size;  // -lr / (1 - beta1^t)
  float grad_scale = 1.0f;  // gradient clipping's scale, applied as each gradient is read
};
// zero_grads: also set g to zero as it is read.
void adamw_step(float* p, float* g, float* m, float* v, std::int64_t n, const AdamWCoefficients& c,
                bool zero_grads = false);

}  // namespace sweep
