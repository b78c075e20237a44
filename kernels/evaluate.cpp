// Batched eval; see evaluate.hpp. Batches right-pad sequences: with causal
// attention, padding after a sequence's end cannot affect its logits, so no
// mask or position shift is needed.
#include "kernels/evaluate.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/prompts.hpp"
#include "kernels/tokenizer.hpp"

namespace sweep {
namespace {

// Right-padded (B, T) tensor of the given sequences; returns it and the lengths.
torch::Tensor pad_batch(const std::vector<std::vector<std::int64_t>>& seqs, std::int64_t T) {
  auto out = torch::full({static_cast<std::int64_t>(seqs.size()), T}, static_cast<std::int64_t>('\n'), torch::kInt64);
  auto a = out.accessor<std::int64_t, 2>();
  for (std::size_t i = 0; i < seqs.size(); ++i)
    for (std::size_t t = 0; t < seqs[i].size(); ++t) a[i][t] = seqs[i][t];
  return out;
}

}  // namespace

MetricStat mean_stat(const std::vector<double>& xs) {
  MetricStat s;
  s.n = static_cast<std::int64_t>(xs.size());
  if (xs.empty()) return s;
  for (double x : xs) s.mean += x;
  s.mean /= static_cast<double>(xs.size());
  if (xs.size() > 1) {
    double var = 0.0;
    for (double x : xs) var += (x - s.mean) * (x - s.mean);
    var /= static_cast<double>(xs.size() - 1);
    s.std_err = std::sqrt(var / static_cast<double>(xs.size()));
  }
  return s;
}

std::vector<std::string> generate_greedy(GPT& model, const std::vector<std::string>& contexts, int max_new) {
  torch::NoGradGuard no_grad;
  model->eval();
  const std::int64_t block = model->config().block_size;
  std::vector<std::vector<std::int64_t>> seqs;
  std::vector<std::int64_t> len;
  for (const auto& c : contexts) {
    seqs.push_back(encode(c));
    len.push_back(static_cast<std::int64_t>(seqs.back().size()));
  }
  const std::int64_t longest = *std::max_element(len.begin(), len.end());
  const std::int64_t T = std::min(block, longest + max_new);
  auto tokens = pad_batch(seqs, T);  // (B, T)
  std::vector<std::string> out(contexts.size());
  std::vector<bool> done(contexts.size(), false);
  for (int step = 0; step < max_new; ++step) {
    std::int64_t cur = 0;
    for (std::size_t i = 0; i < len.size(); ++i)
      if (!done[i]) cur = std::max(cur, len[i]);
    if (cur == 0 || cur >= T) break;
    auto logits = model->forward(tokens.narrow(1, 0, cur));  // (B, cur, V)
    auto idx = torch::tensor(std::vector<std::int64_t>(len.begin(), len.end())).clamp_max(cur) - 1;  // (B,)
    auto last = logits.index({torch::arange(logits.size(0)), idx});  // (B, V)
    auto next = last.argmax(-1);                                     // (B,)
    auto na = next.accessor<std::int64_t, 1>();
    auto ta = tokens.accessor<std::int64_t, 2>();
    bool any = false;
    for (std::size_t i = 0; i < len.size(); ++i) {
      if (done[i]) continue;
      const char c = static_cast<char>(na[i]);
      if (c == '\n' || len[i] >= T) {
        done[i] = true;
        continue;
      }
      out[i] += c;
      ta[i][len[i]] = na[i];
      ++len[i];
      any = true;
    }
    if (!any) break;
  }
  return out;
}

std::vector<double> target_logprob(GPT& model, const std::vector<std::string>& contexts,
                                   const std::vector<std::string>& targets) {
  torch::NoGradGuard no_grad;
  model->eval();
  std::vector<std::vector<std::int64_t>> seqs;
  std::int64_t longest = 0;
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    seqs.push_back(encode(contexts[i] + targets[i]));
    longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(seqs.back().size()));
  }
  auto tokens = pad_batch(seqs, longest);                                        // (B, T)
  auto logp = torch::log_softmax(model->forward(tokens.narrow(1, 0, longest - 1)), -1);  // (B, T-1, V)
  auto next = logp.gather(2, tokens.narrow(1, 1, longest - 1).unsqueeze(2)).squeeze(2);  // (B, T-1)
  auto a = next.accessor<float, 2>();
  std::vector<double> out;
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    // Position t predicts token t+1: the target's tokens are predicted at
    // positions [context_len - 1, context_len + target_len - 1).
    const std::int64_t from = static_cast<std::int64_t>(contexts[i].size()) - 1;
    double sum = 0.0;
    for (std::size_t k = 0; k < targets[i].size(); ++k) sum += a[i][from + static_cast<std::int64_t>(k)];
    out.push_back(sum);
  }
  return out;
}

EvalResult evaluate(GPT& model, const Task& task, PromptStyle style, const EvalSpec& eval, int seq_len,
                    std::uint64_t sweep_seed, const std::function<void()>& check) {
  const auto queries = task.eval_examples(eval.examples);
  const int k = style == PromptStyle::ZeroShot ? 0 : eval.few_shot_k;
  std::vector<Prompt> prompts;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    // Exemplars per query from the training split, seeded by the query's index.
    Rng rng(derive_seed(sweep_seed, "exemplars/" + task.spec().name + "/" + std::to_string(i)));
    std::vector<Example> shots;
    for (int j = 0; j < k; ++j) shots.push_back(task.sample(Split::Train, rng));
    prompts.push_back(render_prompt(task, style, queries[i], shots, seq_len));
  }

  std::vector<double> correct, logprob;
  for (std::size_t from = 0; from < prompts.size(); from += static_cast<std::size_t>(eval.batch_size)) {
    if (check) check();
    const std::size_t to = std::min(prompts.size(), from + static_cast<std::size_t>(eval.batch_size));
    std::vector<std::string> contexts, targets;
    int max_new = 0;
    for (std::size_t i = from; i < to; ++i) {
      contexts.push_back(prompts[i].context);
      targets.push_back(prompts[i].target);
      max_new = std::max<int>(max_new, static_cast<int>(prompts[i].target.size()) + 1);
    }
    const auto generated = generate_greedy(model, contexts, max_new);
    const auto lp = target_logprob(model, contexts, targets);
    for (std::size_t i = from; i < to; ++i) {
      correct.push_back(extract_answer(style, generated[i - from]) == prompts[i].answer ? 1.0 : 0.0);
      logprob.push_back(lp[i - from] / static_cast<double>(prompts[i].target.size()));
    }
  }
  return EvalResult{mean_stat(correct), mean_stat(logprob)};
}

}  // namespace sweep
