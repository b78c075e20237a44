// Linear layers as one autograd node, on LibTorch's or oneDNN's GEMMs; see
// linear_cpu.hpp. Row-major throughout: x is (M, K) with M = all leading dims, w (N, K), y (M, N).
#include "kernels/device/linear_cpu.hpp"

#include <ATen/record_function.h>
#if SWEEP_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.h>
#endif

#include <cstring>
#include <stdexcept>
#include <string>

namespace sweep {

bool onednn_built() { return SWEEP_HAVE_ONEDNN != 0; }

void sgemm_onednn(char ta, char tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a, std::int64_t lda,
                  const float* b, std::int64_t ldb, float beta, float* c, std::int64_t ldc) {
#if SWEEP_HAVE_ONEDNN
  const dnnl_status_t s = dnnl_sgemm(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
  if (s != dnnl_success)
    throw std::runtime_error("dnnl_sgemm(" + std::string{ta} + std::string{tb} + ", m=" + std::to_string(m) +
                             ", n=" + std::to_string(n) + ", k=" + std::to_string(k) +
                             ") failed with status " + std::to_string(static_cast<int>(s)));
#else
  (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)a, (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
  throw std::runtime_error("sgemm_onednn: sweep was built without oneDNN (SWEEP_ONEDNN=OFF)");
#endif
}

namespace {

// (M, K) view of x (..., K); x is contiguous.
torch::Tensor rows_of(const torch::Tensor& x, std::int64_t K) { return x.view({x.numel() / K, K}); }

// The gradient buffer the weight's gradient can be summed into in place, as
// AccumulateGrad would: defined, contiguous float32 of w's shape, and no
// double backward (which needs a differentiable gradient). Else undefined.
torch::Tensor accumulation_target(const torch::Tensor& w) {
  const torch::Tensor& g = w.grad();
  if (!g.defined() || torch::GradMode::is_enabled()) return {};
  if (g.scalar_type() != torch::kFloat || !g.is_contiguous() || g.sizes() != w.sizes()) return {};
  return g;
}

struct LinearCpu : torch::autograd::Function<LinearCpu> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& w,
                               const torch::Tensor& b) {
    RECORD_FUNCTION("sweep::linear", std::vector<c10::IValue>());  // the forward shows in BENCH_TRACE profiles
    const std::int64_t K = w.size(1), N = w.size(0), M = x.numel() / K;
    ctx->save_for_backward({x, w});
    auto out_shape = x.sizes().vec();
    out_shape.back() = N;
    if (!onednn_built()) return at::addmm(b, rows_of(x, K), w.t()).view(out_shape);  // what at::linear runs
    auto y = torch::empty(out_shape, x.options());  // (..., N)
    float* yp = y.data_ptr<float>();
    const float* bp = b.data_ptr<float>();  // every row of y starts as b; the sgemm adds x W^T onto it
    for (std::int64_t r = 0; r < M; ++r) std::memcpy(yp + r * N, bp, sizeof(float) * N);
    sgemm_onednn('N', 'T', M, N, K, x.data_ptr<float>(), K, w.data_ptr<float>(), K, 1.0f, yp, N);
    return y;
  }

  // dx = g W; dW = g^T x, summed straight into w's gradient buffer when it has
  // one (FlatAdamW's flat buffer), which saves AccumulateGrad's pass over dW
  // (read dW and the buffer, write the buffer): the weight then gets no
  // returned gradient. db = column sums of g.
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    const auto& w = saved[1];
    const std::int64_t K = w.size(1), N = w.size(0), M = x.numel() / K;
    const auto g = grads[0].to(torch::kFloat).contiguous();  // (..., N)
    const auto g2 = g.view({M, N});
    torch::Tensor gx, gw, gb;
    if (ctx->needs_input_grad(0)) {
      if (onednn_built()) {
        gx = torch::empty_like(x, torch::MemoryFormat::Contiguous);  // (..., K) = g (M, N) . w (N, K)
        sgemm_onednn('N', 'N', M, K, N, g.data_ptr<float>(), N, w.data_ptr<float>(), K, 0.0f, gx.data_ptr<float>(),
                     K);
      } else {
        gx = at::mm(g2, w).view(x.sizes());
      }
    }
    if (ctx->needs_input_grad(1)) {
      torch::Tensor into = accumulation_target(w);  // (N, K) or undefined
      if (onednn_built()) {
        torch::Tensor out = into.defined() ? into : torch::empty_like(w, torch::MemoryFormat::Contiguous);
        sgemm_onednn('T', 'N', N, K, M, g.data_ptr<float>(), N, x.data_ptr<float>(), K, into.defined() ? 1.0f : 0.0f,
                     out.data_ptr<float>(), K);
        if (!into.defined()) gw = out;
      } else if (into.defined()) {
        at::addmm_out(into, into, g2.t(), rows_of(x, K));  // into += g^T x
      } else {
        gw = at::mm(g2.t(), rows_of(x, K));
      }
    }
    if (ctx->needs_input_grad(2)) gb = g2.sum(0);  // (N)
    return {gx, gw, gb};
  }
};

}  // namespace

bool linear_cpu_supports(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  const auto ok = [](const torch::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous();
  };
  return ok(x) && ok(w) && w.dim() == 2 && x.dim() >= 1 && x.size(-1) == w.size(1) && x.numel() > 0 &&
         (!b.defined() || (ok(b) && b.dim() == 1 && b.size(0) == w.size(0)));
}

torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  // LibTorch 1.13's custom functions take no undefined tensor: a missing bias
  // is a zero one that needs no gradient (sweep's layers all have biases).
  if (linear_cpu_supports(x, w, b)) return LinearCpu::apply(x, w, b.defined() ? b : torch::zeros({w.size(0)}));
  return torch::nn::functional::linear(x, w, b);
}

}  // namespace sweep
