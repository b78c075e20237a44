// bench_trainer's attention, gelu and eval modes (see trainer_bench.cpp for
// the command line and what each mode prints).
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "kernels/data/corpus.hpp"
#include "kernels/eval/evaluate.hpp"
#include "kernels/train/flat_adamw.hpp"
#include "kernels/device/fused_cpu.hpp"
#include "kernels/device/linear_cpu.hpp"
#include "spec/model_size.hpp"
#include "kernels/data/prompts.hpp"
#include "spec/rng.hpp"
#include "kernels/data/tokenizer.hpp"
#include "kernels/train/trainer.hpp"
#include "spec/config.hpp"
#include "workers/resources.hpp"
#include "bench/trainer/bench_trainer.hpp"

namespace sweep::bench {

// Forward + backward of one attention layer's core, (B, H, T, hs) q, k, v.
int run_attention(int threads, std::int64_t B, std::int64_t T, std::int64_t d, std::int64_t H, int reps) {
  GPTConfig cfg;
  cfg.block_size = static_cast<int>(T);
  cfg.d_model = static_cast<int>(d);
  cfg.n_head = static_cast<int>(H);
  constexpr int kKernels = 3;
  std::vector<double> ms[kKernels];
  const char* names[kKernels] = {"explicit", "fused", "fused_cpu"};
  const AttentionKernel kernels[kKernels] = {AttentionKernel::Explicit, AttentionKernel::Fused, AttentionKernel::FusedCpu};
  torch::manual_seed(0);
  for (int rep = 0; rep < reps + 2; ++rep) {
    for (int k = 0; k < kKernels; ++k) {
      cfg.attention = kernels[k];
      torch::manual_seed(1);
      CausalSelfAttention attn(cfg);
      auto x = torch::randn({B, T, d}, torch::requires_grad());  // (B, T, C)
      const auto t0 = Clock::now();
      for (int i = 0; i < 5; ++i) attn->forward(x).sum().backward();
      if (rep >= 2) ms[k].push_back(seconds_since(t0) / 5 * 1e3);
    }
  }
  for (int k = 0; k < kKernels; ++k)
    std::printf("attention kernel=%s threads=%d B=%lld T=%lld d=%lld H=%lld reps=%d fwd_bwd_ms_min=%.3f "
                "fwd_bwd_ms_median=%.3f fwd_bwd_ms_max=%.3f\n",
                names[k], threads, static_cast<long long>(B), static_cast<long long>(T), static_cast<long long>(d),
                static_cast<long long>(H), reps, *std::min_element(ms[k].begin(), ms[k].end()), median(ms[k]),
                *std::max_element(ms[k].begin(), ms[k].end()));
  return 0;
}

// tanh-GELU of one MLP activation, (B, T, C) with C = 4 d_model: ATen's
// torch::gelu vs gelu_tanh (kernels/device/fused_cpu.hpp), forward and backward timed
// apart, alternating; medians over REPS after 2 warm-ups.
int run_gelu(int threads, std::int64_t B, std::int64_t T, std::int64_t C, int reps) {
  torch::manual_seed(0);
  const auto x = torch::randn({B, T, C}).requires_grad_(true);  // (B, T, C)
  const auto grad_out = torch::randn({B, T, C});               // (B, T, C)
  const char* names[] = {"aten", "fused"};
  std::vector<double> fwd[2], bwd[2];
  for (int rep = 0; rep < reps + 2; ++rep)
    for (int k = 0; k < 2; ++k) {
      auto t0 = Clock::now();
      auto y = k == 0 ? torch::gelu(x, "tanh") : gelu_tanh(x);
      const double f = seconds_since(t0);
      t0 = Clock::now();
      y.backward(grad_out);
      const double b = seconds_since(t0);
      x.mutable_grad() = torch::Tensor();
      if (rep >= 2) fwd[k].push_back(f * 1e3), bwd[k].push_back(b * 1e3);
    }
  for (int k = 0; k < 2; ++k)
    std::printf("gelu kernel=%s threads=%d B=%lld T=%lld C=%lld reps=%d fwd_ms_median=%.3f bwd_ms_median=%.3f "
                "fwd_bwd_ms_median=%.3f\n",
                names[k], threads, static_cast<long long>(B), static_cast<long long>(T), static_cast<long long>(C),
                reps, median(fwd[k]), median(bwd[k]), median(fwd[k]) + median(bwd[k]));
  return 0;
}

// Trains MODEL briefly on the grid's tasks, then runs the add3 eval point
// (EXAMPLES examples, STYLE prompts) batched with the cache, batched with the
// full recompute and in the naive per-example loop, alternating, REPS times
// each; then generation alone, cached vs recomputed.
int run_eval(const SweepSpec& spec, const ModelSpec& model, int threads, std::int64_t train_tokens, int examples,
             const std::string& style_name, int reps) {
  const auto dir = std::filesystem::temp_directory_path() / ("bench_trainer_eval_" + std::to_string(getpid()));
  const std::string ckpt = (dir / "model.pt").string();
  TrainSpec train = spec.train;
  train.eval_loss_tokens = train.seq_len * train.batch_size;
  const auto tasks = grid_tasks(spec);
  train_model(model, train, tasks, train_tokens, spec.seed, ckpt);
  const LanguageModel cached = as_language_model(load_model(model, train, ckpt));
  std::filesystem::remove_all(dir);
  LanguageModel naive = cached;
  naive.incremental = {};

  const Task* add3 = nullptr;
  for (const auto& t : tasks)
    if (t.spec().name == "add3") add3 = &t;
  if (!add3) throw std::invalid_argument("the grid has no add3 task");
  PromptStyle style = PromptStyle::ZeroShot;
  for (PromptStyle p : kAllPrompts)
    if (style_name == to_string(p)) style = p;
  EvalSpec eval = spec.eval;
  eval.examples = examples;

  // Three ways to run the same eval point: batched with the cache (one pass
  // scores the targets and fills the cache), batched with a full recompute per
  // new token, and the naive loop (one example at a time, a full forward pass
  // over the whole prefix for every new token, scoring separately).
  constexpr int kPaths = 3;
  const char* path_names[kPaths] = {"batched_kv_cache", "batched_full_recompute", "naive_per_example"};
  std::vector<double> secs[kPaths];
  EvalResult results[kPaths];
  EvalSpec one_at_a_time = eval;
  one_at_a_time.batch_size = 1;
  if (const char* trace = std::getenv("BENCH_TRACE")) {  // per-op profile of one batched, cached eval
    torch::autograd::profiler::RecordProfile profile(trace);
    evaluate(cached, *add3, style, eval, train.seq_len, spec.seed);
  }
  for (int rep = 0; rep < reps; ++rep) {
    for (int k = 0; k < kPaths; ++k) {
      const auto t0 = Clock::now();
      results[k] = evaluate(k == 0 ? cached : naive, *add3, style, k == 2 ? one_at_a_time : eval, train.seq_len,
                            spec.seed);
      secs[k].push_back(seconds_since(t0));
    }
  }
  // Generation alone, on the prompts evaluate() builds (same exemplar seeds).
  const auto queries = add3->eval_examples(examples);
  const int shots = style == PromptStyle::FewShot || style == PromptStyle::Cot ? eval.few_shot_k : 0;
  std::vector<std::vector<std::string>> batches;
  std::vector<int> max_news;
  double context_chars = 0.0;
  for (std::size_t from = 0; from < queries.size(); from += static_cast<std::size_t>(eval.batch_size)) {
    batches.emplace_back();
    int max_new = 0;
    for (std::size_t i = from; i < std::min(queries.size(), from + static_cast<std::size_t>(eval.batch_size)); ++i) {
      Rng rng(derive_seed(spec.seed, "exemplars/" + add3->spec().name + "/" + std::to_string(i)));
      std::vector<Example> exemplars;
      for (int j = 0; j < shots; ++j) exemplars.push_back(add3->sample(Split::Train, rng));
      const Prompt p = render_prompt(*add3, style, queries[i], exemplars, train.seq_len);
      batches.back().push_back(p.context);
      context_chars += static_cast<double>(p.context.size());
      max_new = std::max<int>(max_new, static_cast<int>(p.target.size()) + 1);
    }
    max_news.push_back(max_new);
  }
  std::vector<double> gen_secs[2];
  std::vector<Generation> gens[2];
  for (int rep = 0; rep < reps; ++rep) {
    for (int k = 0; k < 2; ++k) {
      gens[k].clear();
      const auto t0 = Clock::now();
      for (std::size_t b = 0; b < batches.size(); ++b) {
        const auto g = k == 0 ? generate_greedy(cached, batches[b], max_news[b])
                              : generate_greedy_full_recompute(cached, batches[b], max_news[b]);
        gens[k].insert(gens[k].end(), g.begin(), g.end());
      }
      gen_secs[k].push_back(seconds_since(t0));
    }
  }
  double generated_chars = 0.0;
  bool same_generations = gens[0].size() == gens[1].size();
  for (std::size_t i = 0; same_generations && i < gens[0].size(); ++i) {
    same_generations = gens[0][i].text == gens[1][i].text && std::abs(gens[0][i].logprob - gens[1][i].logprob) <= 1e-4;
    generated_chars += static_cast<double>(gens[0][i].text.size());
  }
  const char* names[] = {"kv_cache", "full_recompute"};
  for (int k = 0; k < 2; ++k)
    std::printf("generate path=%s model=%s threads=%d task=add3 style=%s examples=%d reps=%d mean_context_chars=%.1f "
                "mean_generated_chars=%.2f examples_per_s_median=%.1f examples_per_s_min=%.1f examples_per_s_max=%.1f\n",
                names[k], model.name.c_str(), threads, to_string(style), examples, reps, context_chars / examples,
                generated_chars / examples, examples / median(gen_secs[k]),
                examples / *std::max_element(gen_secs[k].begin(), gen_secs[k].end()),
                examples / *std::min_element(gen_secs[k].begin(), gen_secs[k].end()));
  std::vector<double> gen_ratio;
  for (int rep = 0; rep < reps; ++rep) gen_ratio.push_back(gen_secs[1][rep] / gen_secs[0][rep]);
  std::printf("generate speedup_min=%.2f speedup_median=%.2f speedup_max=%.2f same_tokens_and_logprobs=%s\n",
              *std::min_element(gen_ratio.begin(), gen_ratio.end()), median(gen_ratio),
              *std::max_element(gen_ratio.begin(), gen_ratio.end()), same_generations ? "yes" : "NO");

  for (int k = 0; k < kPaths; ++k) {
    std::printf("eval path=%s model=%s threads=%d task=add3 style=%s examples=%d batch=%d reps=%d "
                "examples_per_s_median=%.1f examples_per_s_min=%.1f examples_per_s_max=%.1f",
                path_names[k], model.name.c_str(), threads, to_string(style), examples,
                k == 2 ? 1 : eval.batch_size, reps, examples / median(secs[k]),
                examples / *std::max_element(secs[k].begin(), secs[k].end()),
                examples / *std::min_element(secs[k].begin(), secs[k].end()));
    for (const auto& m : results[k].metrics) std::printf(" %s=%.9g", m.metric.c_str(), m.value);
    std::printf("\n");
  }
  // Exact match and edit distance must be equal; the log-probability metrics
  // within 1e-5 relative (different batch shapes round differently).
  bool all_same = same_generations;
  for (int k = 1; k < kPaths; ++k) {
    std::vector<double> ratio;
    for (int rep = 0; rep < reps; ++rep) ratio.push_back(secs[k][rep] / secs[0][rep]);
    bool same = results[0].example_output == results[k].example_output &&
                results[0].metrics.size() == results[k].metrics.size();
    double worst = 0.0;
    for (std::size_t i = 0; same && i < results[0].metrics.size(); ++i) {
      const double a = results[0].metrics[i].value, b = results[k].metrics[i].value;
      const bool exact = results[0].metrics[i].metric == "exact_match" || results[0].metrics[i].metric == "edit_distance";
      worst = std::max(worst, std::abs(a - b) / std::max(1.0, std::abs(a)));
      same = same && (exact ? a == b : std::abs(a - b) <= 1e-5 * std::max(1.0, std::abs(a)));
    }
    all_same = all_same && same;
    std::printf("eval speedup_vs=%s speedup_min=%.2f speedup_median=%.2f speedup_max=%.2f metrics_equal=%s "
                "largest_relative_metric_difference=%.3g\n",
                path_names[k], *std::min_element(ratio.begin(), ratio.end()), median(ratio),
                *std::max_element(ratio.begin(), ratio.end()), same ? "yes" : "NO", worst);
  }
  return all_same ? 0 : 1;
}

}  // namespace sweep::bench
