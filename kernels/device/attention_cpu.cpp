// Fused causal attention on CPU; see attention_cpu.hpp. Per (batch, head):
// query rows in blocks of kRows; a block's scores against keys [0, block end)
// come from one sgemm into a (kRows, T) scratch, are softmaxed in place row by
// row (only the causal part), and one more sgemm applies them to v. The
// backward recomputes each block's probabilities from each row's saved max
// and 1/sum.
#include "kernels/device/attention_cpu.hpp"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/device/simd_math.hpp"


namespace sweep {
namespace {

// Query rows per block. A block attends to keys [0, block end), so the
// blocks above the diagonal are never computed: at T 128, 4 blocks compute
// 5/8 of the square. Smaller blocks skip more but make the sgemms less efficient.
constexpr std::int64_t kRows = 32;

// Row of scores s[0, width): softmax over [0, n) in place, zeros in [n, width).
// Keeps the row's max and 1/sum so the backward recomputes exactly these
// probabilities (a saved log-sum-exp ~1e3 would lose digits to rounding).
struct RowStats {
  float max, inv_sum;
};
static_assert(sizeof(RowStats) == 2 * sizeof(float), "RowStats is stored as (.., 2) float tensors");

SWEEP_VECTOR_CLONES RowStats softmax_row(float* s, std::int64_t n, std::int64_t width) {
  float m = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : m)
  for (std::int64_t j = 0; j < n; ++j) m = std::max(m, s[j]);
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::int64_t j = 0; j < n; ++j) {
    const float p = fast_exp(s[j] - m);
    s[j] = p;
    sum += p;
  }
  const float inv = 1.0f / sum;
#pragma omp simd
  for (std::int64_t j = 0; j < n; ++j) s[j] *= inv;
  for (std::int64_t j = n; j < width; ++j) s[j] = 0.0f;
  return {m, inv};
}

// Backward of one row: the forward's p over [0, n) into s; ds = p (dp - p.dp)
// into dp; zeros in [n, width) of both.
SWEEP_VECTOR_CLONES void softmax_row_backward(float* s, float* dp, std::int64_t n, std::int64_t width, RowStats st) {
  float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
  for (std::int64_t j = 0; j < n; ++j) {
    const float p = fast_exp(s[j] - st.max) * st.inv_sum;
    s[j] = p;
    dot += p * dp[j];
  }
#pragma omp simd
  for (std::int64_t j = 0; j < n; ++j) dp[j] = s[j] * (dp[j] - dot);
  for (std::int64_t j = n; j < width; ++j) s[j] = dp[j] = 0.0f;
}

// Matrices are row-major with the given leading dimensions: q, k, v (T, hs)
// at stride ld (3C, inside the qkv projection), y and dy (T, hs) at stride
// ld_y (C), s and dp (kRows, T) scratch at stride T.
struct Head {
  const float *q, *k, *v;
  std::int64_t ld, ld_y, T, hs;
  float scale;
};

// Scores of query rows [r0, r1) against keys [0, r1), scaled, into s.
void block_scores(const Head& h, std::int64_t r0, std::int64_t r1, float* s) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(r1 - r0), static_cast<int>(r1),
              static_cast<int>(h.hs), h.scale, h.q + r0 * h.ld, static_cast<int>(h.ld), h.k, static_cast<int>(h.ld),
              0.0f, s, static_cast<int>(h.T));
}

void forward_head(const Head& h, float* y, RowStats* stats, float* s) {
  for (std::int64_t r0 = 0; r0 < h.T; r0 += kRows) {
    const std::int64_t r1 = std::min(h.T, r0 + kRows), rows = r1 - r0;
    block_scores(h, r0, r1, s);                                   // (rows, r1)
    for (std::int64_t i = 0; i < rows; ++i) stats[r0 + i] = softmax_row(s + i * h.T, r0 + i + 1, r1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(rows), static_cast<int>(h.hs),
                static_cast<int>(r1), 1.0f, s, static_cast<int>(h.T), h.v, static_cast<int>(h.ld), 0.0f,
                y + r0 * h.ld_y, static_cast<int>(h.ld_y));       // (rows, hs)
  }
}

// dq, dk, dv: (T, hs) at stride ld, all written here. Row blocks run last
// first: the last one sees every key, so it sets dk and dv (beta 0) and the
// rest accumulate into them, with no zeroing pass.
void backward_head(const Head& h, const float* dy, const RowStats* stats, float* dq, float* dk, float* dv, float* s,
                   float* dp) {
  const int ld = static_cast<int>(h.ld), ld_y = static_cast<int>(h.ld_y), T = static_cast<int>(h.T),
            hs = static_cast<int>(h.hs);
  for (std::int64_t r0 = (h.T - 1) / kRows * kRows; r0 >= 0; r0 -= kRows) {
    const std::int64_t r1 = std::min(h.T, r0 + kRows);
    const int rows = static_cast<int>(r1 - r0), keys = static_cast<int>(r1);
    const float accumulate = r1 == h.T ? 0.0f : 1.0f;
    block_scores(h, r0, r1, s);                                   // (rows, r1)
    // dp = dy_blk v^T before s turns into probabilities (they do not need each other).
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, keys, hs, 1.0f, dy + r0 * h.ld_y, ld_y, h.v, ld, 0.0f,
                dp, T);                                           // (rows, r1)
    for (std::int64_t i = 0; i < rows; ++i)
      softmax_row_backward(s + i * h.T, dp + i * h.T, r0 + i + 1, r1, stats[r0 + i]);
    // dv[0, r1) += p^T dy_blk; dq_blk = scale ds k; dk[0, r1) += scale ds^T q_blk.
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, keys, hs, rows, 1.0f, s, T, dy + r0 * h.ld_y, ld_y, accumulate,
                dv, ld);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hs, keys, h.scale, dp, T, h.k, ld, 0.0f,
                dq + r0 * h.ld, ld);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, keys, hs, rows, h.scale, dp, T, h.q + r0 * h.ld, ld,
                accumulate, dk, ld);
  }
}

struct Shape {
  std::int64_t B, T, C, H, hs;
};

Shape shape_of(const torch::Tensor& qkv, std::int64_t n_head) {
  const std::int64_t C = qkv.size(2) / 3;
  return {qkv.size(0), qkv.size(1), C, n_head, C / n_head};
}

Head head_at(const float* qkv, const Shape& sh, std::int64_t bh) {
  const std::int64_t b = bh / sh.H, hd = bh % sh.H;
  const float* q = qkv + b * sh.T * 3 * sh.C + hd * sh.hs;
  return {q, q + sh.C, q + 2 * sh.C, 3 * sh.C, sh.C, sh.T, sh.hs,
          static_cast<float>(1.0 / std::sqrt(static_cast<double>(sh.hs)))};
}

class CausalAttention : public torch::autograd::Function<CausalAttention> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& qkv_in, std::int64_t n_head) {
    RECORD_FUNCTION("sweep::causal_attention", std::vector<c10::IValue>());  // shows in BENCH_TRACE profiles
    const auto qkv = qkv_in.contiguous();  // (B, T, 3C)
    const Shape sh = shape_of(qkv, n_head);
    auto y = torch::empty({sh.B, sh.T, sh.C}, qkv.options());     // (B, T, C)
    auto stats = torch::empty({sh.B, sh.H, sh.T, 2}, qkv.options());  // (B, H, T, {max, 1/sum})
    const float* src = qkv.data_ptr<float>();
    float* out = y.data_ptr<float>();
    auto* stats_p = reinterpret_cast<RowStats*>(stats.data_ptr<float>());
    at::parallel_for(0, sh.B * sh.H, 1, [&](std::int64_t from, std::int64_t to) {
      std::vector<float> s(static_cast<std::size_t>(kRows * sh.T));
      for (std::int64_t bh = from; bh < to; ++bh) {
        const std::int64_t b = bh / sh.H, hd = bh % sh.H;
        forward_head(head_at(src, sh, bh), out + b * sh.T * sh.C + hd * sh.hs, stats_p + bh * sh.T, s.data());
      }
    });
    ctx->save_for_backward({qkv, stats});
    ctx->saved_data["n_head"] = n_head;
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto& qkv = saved[0];  // (B, T, 3C)
    const auto& stats = saved[1];  // (B, H, T, 2)
    const Shape sh = shape_of(qkv, ctx->saved_data["n_head"].toInt());
    const auto dy = grads[0].contiguous();      // (B, T, C)
    auto dqkv = torch::empty_like(qkv);         // (B, T, 3C), every element written below
    const float* src = qkv.data_ptr<float>();
    const float* dy_p = dy.data_ptr<float>();
    const auto* stats_p = reinterpret_cast<const RowStats*>(stats.data_ptr<float>());
    float* d = dqkv.data_ptr<float>();
    at::parallel_for(0, sh.B * sh.H, 1, [&](std::int64_t from, std::int64_t to) {
      std::vector<float> s(static_cast<std::size_t>(kRows * sh.T)), dp(s.size());
      for (std::int64_t bh = from; bh < to; ++bh) {
        const std::int64_t b = bh / sh.H, hd = bh % sh.H;
        float* dq = d + b * sh.T * 3 * sh.C + hd * sh.hs;
        backward_head(head_at(src, sh, bh), dy_p + b * sh.T * sh.C + hd * sh.hs, stats_p + bh * sh.T, dq, dq + sh.C,
                      dq + 2 * sh.C, s.data(), dp.data());
      }
    });
    return {dqkv, torch::Tensor()};
  }
};

}  // namespace

bool causal_attention_cpu_supports(const torch::Tensor& qkv) {
  return qkv.device().is_cpu() && qkv.scalar_type() == torch::kFloat32 && qkv.dim() == 3 && qkv.size(2) % 3 == 0 &&
         qkv.size(1) > 0;
}

torch::Tensor causal_attention_cpu(const torch::Tensor& qkv, int n_head) {
  TORCH_CHECK(causal_attention_cpu_supports(qkv), "causal_attention_cpu: needs float32 CPU (B, T, 3C), got ",
              qkv.sizes(), " ", qkv.scalar_type(), " on ", qkv.device());
  TORCH_CHECK(n_head > 0 && (qkv.size(2) / 3) % n_head == 0, "causal_attention_cpu: ", qkv.size(2) / 3,
              " channels do not split into ", n_head, " heads");
  return CausalAttention::apply(qkv, static_cast<std::int64_t>(n_head));
}

bool decode_attention_cpu_supports(const torch::Tensor& qkv, const torch::Tensor& k_cache,
                                   const torch::Tensor& v_cache) {
  const bool wants_grad = torch::GradMode::is_enabled() &&
                          (qkv.requires_grad() || k_cache.requires_grad() || v_cache.requires_grad());
  const auto cache_ok = [](const torch::Tensor& c) {
    return c.device().is_cpu() && c.scalar_type() == torch::kFloat32 && c.dim() == 4 && c.is_contiguous();
  };
  return !wants_grad && causal_attention_cpu_supports(qkv) && qkv.size(1) == 1 && qkv.stride(2) == 1 &&
         cache_ok(k_cache) && cache_ok(v_cache) && v_cache.sizes() == k_cache.sizes() &&
         k_cache.size(0) == qkv.size(0) && 3 * k_cache.size(1) * k_cache.size(3) == qkv.size(2);
}

torch::Tensor decode_attention_cpu(const torch::Tensor& qkv, const torch::Tensor& k_cache,
                                   const torch::Tensor& v_cache, const torch::Tensor& pos, int n_head) {
  TORCH_CHECK(decode_attention_cpu_supports(qkv, k_cache, v_cache) && k_cache.size(1) == n_head,
              "decode_attention_cpu: needs float32 CPU qkv (B, 1, 3C) and contiguous caches (B, ", n_head,
              ", L, C / ", n_head, "), got ", qkv.sizes(), " and ", k_cache.sizes());
  const std::int64_t B = k_cache.size(0), H = n_head, L = k_cache.size(2), hs = k_cache.size(3), C = H * hs;
  const auto where = pos.to(torch::kInt64).contiguous().view({-1});  // (B)
  TORCH_CHECK(where.size(0) == B, "decode_attention_cpu: ", where.size(0), " positions for ", B, " rows");
  const std::int64_t* at_row = where.data_ptr<std::int64_t>();
  for (std::int64_t b = 0; b < B; ++b)
    TORCH_CHECK(at_row[b] >= 0 && at_row[b] < L, "decode_attention_cpu: position ", at_row[b], " of row ", b,
                " is outside the cache's ", L, " slots");
  auto y = torch::empty({B, 1, C}, qkv.options());  // (B, 1, C)
  const float* q_all = qkv.data_ptr<float>();
  const std::int64_t ld_q = qkv.stride(0);
  const float* k_all = k_cache.data_ptr<float>();
  const float* v_all = v_cache.data_ptr<float>();
  float* y_all = y.data_ptr<float>();
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  at::parallel_for(0, B * H, 1, [&](std::int64_t first, std::int64_t last) {
    std::vector<float> s(static_cast<std::size_t>(L));  // this (b, h)'s scores, then probabilities
    for (std::int64_t i = first; i < last; ++i) {
      const std::int64_t b = i / H, h = i % H, n = at_row[b] + 1;
      const float* q = q_all + b * ld_q + h * hs;  // (hs)
      const float* k = k_all + i * L * hs;         // (L, hs)
      const float* v = v_all + i * L * hs;         // (L, hs)
      float* out = y_all + b * C + h * hs;         // (hs)
      for (std::int64_t j = 0; j < n; ++j) {
        float dot = 0.0f;
        for (std::int64_t d = 0; d < hs; ++d) dot += q[d] * k[j * hs + d];
        s[j] = dot * scale;
      }
      softmax_row(s.data(), n, n);
      std::fill(out, out + hs, 0.0f);
      for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t d = 0; d < hs; ++d) out[d] += s[j] * v[j * hs + d];
    }
  });
  return y;
}

}  // namespace sweep
