// Per-token log-probabilities in rolling windows; see token_logprobs.hpp.
#include "kernels/eval/token_logprobs.hpp"

#include <algorithm>
#include <stdexcept>

#include "kernels/device/logprob_cpu.hpp"

namespace sweep {
namespace {

// Input ids[begin, begin + len) of one row; the outputs at window positions
// first .. last (each predicting the token after it) are scored.
struct Window {
  std::size_t row = 0;
  std::int64_t begin = 0, len = 0, first = 0, last = 0;
};

// lm-evaluation-harness's get_rolling_token_windows (max_seq_len T,
// context_len 1) without its prefix token: the first token is not scored.
void add_windows(std::size_t row, std::int64_t n, std::int64_t T, std::vector<Window>& out) {
  if (n < 2) return;
  const std::int64_t first_len = std::min(T, n);
  out.push_back({row, 0, first_len, 0, first_len - 2});
  std::int64_t predicted = first_len;  // tokens 0 .. predicted - 1 are done
  while (predicted < n) {
    const std::int64_t count = std::min(n - predicted, T);
    const std::int64_t end = predicted + count;
    const std::int64_t begin = end - 1 - T;  // input ids[end - 1 - T, end - 1) predicts ids[end - T, end)
    out.push_back({row, begin, T, predicted - begin - 1, T - 1});
    predicted = end;
  }
}

}  // namespace

std::vector<std::vector<float>> token_logprobs(const LanguageModel& model,
                                               const std::vector<std::vector<std::int64_t>>& rows,
                                               std::int64_t batch) {
  torch::NoGradGuard no_grad;
  const std::int64_t T = model.block_size;
  if (T < 1) throw std::invalid_argument("token_logprobs: the model's block_size is " + std::to_string(T));
  batch = std::max<std::int64_t>(1, batch);
  std::vector<std::vector<float>> out(rows.size());
  std::vector<Window> windows;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto n = static_cast<std::int64_t>(rows[r].size());
    out[r].resize(static_cast<std::size_t>(std::max<std::int64_t>(0, n - 1)));
    add_windows(r, n, T, windows);
  }
  // Longest first, as lm-evaluation-harness orders its requests: windows of
  // like length share a batch, so little of it is padding.
  std::stable_sort(windows.begin(), windows.end(), [](const Window& a, const Window& b) { return a.len > b.len; });
  for (std::size_t w0 = 0; w0 < windows.size(); w0 += static_cast<std::size_t>(batch)) {
    const std::size_t w1 = std::min(windows.size(), w0 + static_cast<std::size_t>(batch));
    const auto B = static_cast<std::int64_t>(w1 - w0);
    std::int64_t L = 0;
    for (std::size_t w = w0; w < w1; ++w) L = std::max(L, windows[w].len);
    // Inputs right-padded with id 0 (causal: padding never reaches a scored
    // position); the scored positions, and the token each predicts.
    auto idx = torch::zeros({B, L}, torch::kInt64);      // (B, L)
    auto at = torch::zeros({B, L}, torch::kBool);        // (B, L)
    auto ia = idx.accessor<std::int64_t, 2>();
    auto aa = at.accessor<bool, 2>();
    std::vector<std::int64_t> targets;
    for (std::size_t w = w0; w < w1; ++w) {
      const Window& win = windows[w];
      const auto& ids = rows[win.row];
      const auto b = static_cast<std::int64_t>(w - w0);
      for (std::int64_t j = 0; j < win.len; ++j) ia[b][j] = ids[static_cast<std::size_t>(win.begin + j)];
      for (std::int64_t j = win.first; j <= win.last; ++j) {
        aa[b][j] = true;
        targets.push_back(ids[static_cast<std::size_t>(win.begin + j + 1)]);
      }
    }
    // (N, V): the scored positions' logits, in row-major order as `targets`.
    auto logits = model.forward_at ? model.forward_at(idx, at) : model.forward(idx).index({at});
    auto logp = target_logprobs(logits.contiguous(), torch::tensor(targets, torch::kInt64));  // (N,)
    auto la = logp.accessor<float, 1>();
    std::int64_t k = 0;
    for (std::size_t w = w0; w < w1; ++w) {
      const Window& win = windows[w];
      // Output j predicts token begin + j + 1, stored at index begin + j.
      auto& row = out[win.row];
      for (std::int64_t j = win.first; j <= win.last; ++j) row[static_cast<std::size_t>(win.begin + j)] = la[k++];
    }
  }
  return out;
}

}  // namespace sweep
