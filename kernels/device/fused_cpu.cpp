// Fused CPU elementwise kernels; see fused_cpu.hpp. The loops are plain loops
// over float* that GCC vectorises; each range kernel is cloned for AVX-512,
// AVX2 and baseline x86-64 and the loader picks the best the CPU has. exp is
// our own (kernels/device/simd_math.hpp: no libm call inside a loop); this file is
// compiled with -fno-math-errno -fno-trapping-math (kernels/CMakeLists.txt),
// without which sqrt and the clamps keep the loops scalar.
#include "kernels/device/fused_cpu.hpp"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include "kernels/device/simd_math.hpp"


namespace sweep {
namespace {

// Elements per at::parallel_for chunk: large enough that a chunk outweighs the
// fork (a few microseconds), small enough that a (8, 128, 1024) activation
// splits across cores.
constexpr std::int64_t kGrain = 32768;

// gelu_tanh(x) = 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3).
constexpr float kTwoBeta = 2.0f * 0.7978845608028654f;  // 2 sqrt(2/pi)
constexpr float kKappa = 0.044715f;

SWEEP_VECTOR_CLONES
void gelu_forward_range(const float* __restrict x, float* __restrict y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float xi = x[i];
    const float e = fast_exp(-kTwoBeta * (xi + kKappa * xi * xi * xi));  // exp(-2u)
    y[i] = xi / (1.0f + e);
  }
}

// d/dx gelu_tanh = s + x s (1 - s) 2 sqrt(2/pi) (1 + 3 * 0.044715 x^2), s = sigmoid(2u);
// s (1 - s) = e s^2 with e = exp(-2u), which keeps its precision where s ~ 1.
SWEEP_VECTOR_CLONES
void gelu_backward_range(const float* __restrict x, const float* __restrict grad_out, float* __restrict grad_in,
                         std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float xi = x[i];
    const float x2 = xi * xi;
    const float e = fast_exp(-kTwoBeta * (xi + kKappa * x2 * xi));
    const float s = 1.0f / (1.0f + e);
    const float ds = e * s * s * kTwoBeta * (1.0f + 3.0f * kKappa * x2);
    grad_in[i] = grad_out[i] * (s + xi * ds);
  }
}

// FlatAdamW's ATen sequence per element, in its order and rounding: g.mul_(clip
// scale); mul_(decay); m.mul_(b1).add_(g, 1 - b1); v.mul_(b2).addcmul_(g, g, 1 - b2);
// denom = sqrt(v) / sqrt_bc2 + eps; p.addcdiv_(m, denom, neg_step_size).
__attribute__((always_inline)) inline void adamw_element(float& p, float g, float& m, float& v,
                                                         const AdamWCoefficients& c) {
  const float gi = g * c.grad_scale;
  const float mi = m * c.beta1 + c.one_minus_beta1 * gi;
  const float vi = v * c.beta2 + c.one_minus_beta2 * gi * gi;
  const float denom = __builtin_sqrtf(vi) / c.sqrt_bc2 + c.eps;
  p = p * c.decay + c.neg_step_size * mi / denom;
  m = mi;
  v = vi;
}

SWEEP_VECTOR_CLONES
void adamw_range(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v,
                 std::int64_t n, AdamWCoefficients c) {
  for (std::int64_t i = 0; i < n; ++i) adamw_element(p[i], g[i], m[i], v[i], c);
}

// The same, leaving each gradient zero once read: the next backward's
// zero_grad without a pass of its own.
SWEEP_VECTOR_CLONES
void adamw_zero_range(float* __restrict p, float* __restrict g, float* __restrict m, float* __restrict v,
                      std::int64_t n, AdamWCoefficients c) {
  for (std::int64_t i = 0; i < n; ++i) {
    adamw_element(p[i], g[i], m[i], v[i], c);
    g[i] = 0.0f;
  }
}

void check_cpu_float_contiguous(const torch::Tensor& t, const char* what) {
  TORCH_CHECK(t.device().is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous(), what,
              ": needs a contiguous float32 CPU tensor, got ", t.toString(), " (contiguous: ", t.is_contiguous(),
              ")");
}

struct GeluTanh : torch::autograd::Function<GeluTanh> {
  // x: any shape, contiguous float32 CPU; returns gelu_tanh(x), x's shape.
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x) {
    RECORD_FUNCTION("sweep::gelu_tanh", std::vector<c10::IValue>());  // the forward shows in BENCH_TRACE profiles
    check_cpu_float_contiguous(x, "gelu_tanh");
    ctx->save_for_backward({x});
    auto y = torch::empty_like(x, torch::MemoryFormat::Contiguous);
    gelu_tanh_forward(x.data_ptr<float>(), y.data_ptr<float>(), x.numel());
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto x = ctx->get_saved_variables()[0];
    const auto grad_out = grads[0].to(torch::kFloat).contiguous();  // x's shape
    check_cpu_float_contiguous(grad_out, "gelu_tanh backward");
    auto grad_in = torch::empty_like(x, torch::MemoryFormat::Contiguous);
    gelu_tanh_backward(x.data_ptr<float>(), grad_out.data_ptr<float>(), grad_in.data_ptr<float>(), x.numel());
    return {grad_in};
  }
};

}  // namespace

void gelu_tanh_forward(const float* x, float* y, std::int64_t n) {
  at::parallel_for(0, n, kGrain, [&](std::int64_t b, std::int64_t e) { gelu_forward_range(x + b, y + b, e - b); });
}

void gelu_tanh_backward(const float* x, const float* grad_out, float* grad_in, std::int64_t n) {
  at::parallel_for(0, n, kGrain, [&](std::int64_t b, std::int64_t e) {
    gelu_backward_range(x + b, grad_out + b, grad_in + b, e - b);
  });
}

torch::Tensor gelu_tanh(const torch::Tensor& x) {
  if (x.device().is_cpu() && x.scalar_type() == torch::kFloat && x.is_contiguous()) return GeluTanh::apply(x);
  return torch::gelu(x, "tanh");
}

void adamw_step(float* p, float* g, float* m, float* v, std::int64_t n, const AdamWCoefficients& c,
                bool zero_grads) {
  at::parallel_for(0, n, kGrain, [&](std::int64_t b, std::int64_t e) {
    if (zero_grads) adamw_zero_range(p + b, g + b, m + b, v + b, e - b, c);
    else adamw_range(p + b, g + b, m + b, v + b, e - b, c);
  });
}

}  // namespace sweep
