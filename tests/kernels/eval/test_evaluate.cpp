// Evaluation: scoring and generation against one-sequence references, and the metrics it reports.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "kernels/eval/evaluate.hpp"
#include "kernels/data/tokenizer.hpp"
#include "kernels/train/trainer.hpp"
#include "tests/temp_dir.hpp"
#include "text/byte_level.hpp"

#include <nlohmann/json.hpp>

namespace sweep {
namespace {

GPT untrained(int vocab_size = kVocabSize) {
  torch::manual_seed(5);
  GPTConfig c;
  c.block_size = 48;
  c.n_layer = 1;
  c.n_head = 2;
  c.d_model = 16;
  c.vocab_size = vocab_size;
  return GPT(c);
}

}  // namespace

TEST(Evaluate, TargetLogprobMatchesSingleSequenceForward) {
  GPT model = untrained();
  const std::vector<std::string> ctx{"12+3=", "7+70=", "1+1="}, tgt{"15", "77", "2"};
  const auto batched = target_logprob(as_language_model(model), ctx, tgt);
  for (std::size_t i = 0; i < ctx.size(); ++i) {
    torch::NoGradGuard no_grad;
    const auto ids = encode(ctx[i] + tgt[i]);
    auto x = torch::tensor(ids).unsqueeze(0);
    auto logp = torch::log_softmax(model->forward(x), -1);  // (1, T, V)
    double want = 0.0;
    for (std::size_t k = 0; k < tgt[i].size(); ++k) {
      const auto pos = static_cast<std::int64_t>(ctx[i].size() + k - 1);
      want += logp.index({0, pos, ids[ctx[i].size() + k]}).item<double>();
    }
    EXPECT_NEAR(batched[i], want, 1e-4) << i;
  }
}

// The GPT's forward_at runs the output head on the target positions alone:
// the log-probabilities of the full forward's logits.
TEST(Evaluate, TargetLogprobWithForwardAtEqualsTheFullForwards) {
  GPT model = untrained();
  const std::vector<std::string> ctx{"12+3=", "7+70=", "1+1=", ""}, tgt{"15", "77", "2", "345"};
  const LanguageModel lm = as_language_model(model);
  ASSERT_TRUE(lm.forward_at);
  LanguageModel full_only = lm;
  full_only.forward_at = nullptr;
  const auto at = target_logprob(lm, ctx, tgt);
  const auto full = target_logprob(full_only, ctx, tgt);
  ASSERT_EQ(at.size(), ctx.size());
  for (std::size_t i = 0; i < ctx.size(); ++i) {
    EXPECT_NE(at[i], 0.0) << i;
    EXPECT_NEAR(at[i], full[i], 1e-5) << i;
  }
}

TEST(Evaluate, BatchedGenerationEqualsOneAtATime) {
  GPT gpt = untrained();
  const LanguageModel model = as_language_model(gpt);
  const std::vector<std::string> ctx{"12+3=", "700+70=", "1="};
  const auto batched = generate_greedy(model, ctx, 6);
  for (std::size_t i = 0; i < ctx.size(); ++i) {
    const auto one = generate_greedy(model, {ctx[i]}, 6)[0];
    EXPECT_EQ(one.text, batched[i].text);
    EXPECT_NEAR(one.logprob, batched[i].logprob, 1e-4);
  }
}

TEST(Evaluate, GenerationLogprobIsTheScoreOfTheGeneratedText) {
  GPT gpt = untrained();
  const LanguageModel model = as_language_model(gpt);
  const auto g = generate_greedy(model, {"12+3="}, 5)[0];
  ASSERT_EQ(g.text.size(), 5u);  // an untrained model rarely emits a newline; 5 tokens, no stop
  EXPECT_NEAR(g.logprob, target_logprob(model, {"12+3="}, {g.text})[0], 1e-4);
}

TEST(Evaluate, GenerationGradedPointsReportGenerationMetricsInRange) {
  GPT gpt = untrained();
  TaskSpec t;
  t.name = "add2";
  EvalSpec e;
  e.examples = 10;
  e.batch_size = 4;
  for (PromptStyle s : kAllPrompts) {
    const EvalResult r = evaluate(as_language_model(gpt), Task(t, 1), s, e, 48, 1);
    std::vector<std::string> names;
    for (const auto& m : r.metrics) {
      names.push_back(m.metric);
      EXPECT_EQ(m.n_examples, 10) << m.metric;
      EXPECT_TRUE(std::isfinite(m.value) && std::isfinite(m.std_err)) << m.metric;
    }
    EXPECT_EQ(names, (std::vector<std::string>{"exact_match", "edit_distance", "logprob", "seq_logprob", "ece"}));
    EXPECT_GE(r.metric("exact_match").value, 0.0);
    EXPECT_LE(r.metric("exact_match").value, 1.0);
    EXPECT_LT(r.metric("logprob").value, 0.0);
    EXPECT_DOUBLE_EQ(r.metric("exact_match").random_baseline, 1.0 / 199);
    EXPECT_NEAR(r.metric("logprob").random_baseline, -std::log(256.0), 1e-12);
    EXPECT_FALSE(r.example_context.empty());
    EXPECT_EQ(r.example_context.back(), s == PromptStyle::Cot ? ':' : '=');
  }
}

// An untrained model rarely writes a newline, so every row generates up to its
// cap: a row whose target is shorter than its batch's longest must still stop
// at its own cap, or the metrics would depend on the eval batch size.
TEST(Evaluate, MetricsDoNotDependOnTheEvalBatchSize) {
  GPT gpt = untrained();
  TaskSpec t;
  t.name = "add3";  // sums of 3 or 4 digits: targets of unequal length
  for (PromptStyle s : {PromptStyle::ZeroShot, PromptStyle::FewShot}) {
    EvalSpec one, many;
    one.examples = many.examples = 24;
    one.batch_size = 1;
    many.batch_size = 7;
    for (const LanguageModel& lm : {as_language_model(gpt), [&] {
           LanguageModel plain = as_language_model(gpt);
           plain.incremental = {};
           return plain;
         }()}) {
      const EvalResult a = evaluate(lm, Task(t, 1), s, one, 48, 1);
      const EvalResult b = evaluate(lm, Task(t, 1), s, many, 48, 1);
      ASSERT_EQ(a.metrics.size(), b.metrics.size());
      for (std::size_t i = 0; i < a.metrics.size(); ++i) {
        if (a.metrics[i].metric == "exact_match" || a.metrics[i].metric == "edit_distance")
          EXPECT_EQ(a.metrics[i].value, b.metrics[i].value) << a.metrics[i].metric;
        else
          EXPECT_NEAR(a.metrics[i].value, b.metrics[i].value, 1e-5) << a.metrics[i].metric;
      }
      EXPECT_EQ(a.example_output, b.example_output);
    }
  }
}

TEST(Evaluate, ChoiceScoredPointsReportMultipleChoiceMetrics) {
  GPT gpt = untrained();
  TaskSpec t;
  t.name = "largest";
  t.kind = TaskKind::Largest;
  EvalSpec e;
  e.examples = 12;
  e.batch_size = 5;
  const EvalResult r = evaluate(as_language_model(gpt), Task(t, 1), PromptStyle::FewShot, e, 48, 1);
  std::vector<std::string> names;
  for (const auto& m : r.metrics) names.push_back(m.metric);
  EXPECT_EQ(names, (std::vector<std::string>{"mc_accuracy", "mc_accuracy_norm", "brier", "logprob", "seq_logprob", "ece"}));
  EXPECT_DOUBLE_EQ(r.metric("mc_accuracy").random_baseline, 0.25);
  EXPECT_DOUBLE_EQ(r.metric("brier").random_baseline, 0.75);
  EXPECT_GE(r.metric("brier").value, 0.0);
  EXPECT_LE(r.metric("brier").value, 2.0);
  // The stored answer of the first example is one of its options.
  EXPECT_NE(r.example_context.find(" " + r.example_output), std::string::npos);
}

TEST(Evaluate, GenerationScoringTurnsAMultipleChoiceTaskIntoExactMatch) {
  GPT gpt = untrained();
  TaskSpec t;
  t.name = "neg";
  t.kind = TaskKind::Negation;
  t.scoring = Scoring::Generation;
  EvalSpec e;
  e.examples = 6;
  const EvalResult r = evaluate(as_language_model(gpt), Task(t, 1), PromptStyle::ZeroShot, e, 48, 1);
  EXPECT_DOUBLE_EQ(r.metric("exact_match").random_baseline, 0.5);
  EXPECT_THROW(r.metric("mc_accuracy"), std::out_of_range);
}

}  // namespace sweep

namespace sweep {
namespace {

// A ByteLevel BPE tokenizer.json small enough to reason about: id b is byte
// b, 256 is " 4" (one merge), 257 is "a\n" (a token holding a newline).
std::shared_ptr<const text::Tokenizer> tiny_byte_level(const sweep::testing::TempDir& dir) {
  nlohmann::json vocab = nlohmann::json::object();
  for (int b = 0; b < 256; ++b) vocab[text::byte_to_unicode()[b]] = b;
  const std::string space = text::byte_to_unicode()[' '], newline = text::byte_to_unicode()['\n'];
  vocab[space + "4"] = 256;
  vocab["a" + newline] = 257;
  const nlohmann::json j = {
      {"version", "1.0"},
      {"added_tokens", nlohmann::json::array()},
      {"normalizer", nullptr},
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}}},
      {"post_processor", nullptr},
      {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
      {"model",
       {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
        {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false}, {"vocab", vocab},
        {"merges", nlohmann::json::array({space + " 4"})}}}};
  const std::string path = (dir.path() / "tokenizer.json").string();
  std::ofstream(path) << j.dump();
  return std::make_shared<const text::Tokenizer>(text::Tokenizer::from_file(path));
}

}  // namespace

TEST(EvaluateWithTokenizer, AContinuationIsScoredOnTheTokensPastItsContext) {
  sweep::testing::TempDir dir("eval_tokenizer");
  GPT gpt = untrained(320);  // 258 tokens, padded up to a multiple of 64
  LanguageModel model = as_language_model(gpt);
  model.tokenizer = tiny_byte_level(dir);
  // lm-evaluation-harness: the context's trailing space moves to the target,
  // so "A: " + "4" is scored as "A:" + " 4", and " 4" is one token (256).
  const double got = target_logprob(model, {"A: "}, {"4"})[0];
  torch::NoGradGuard no_grad;
  auto logp = torch::log_softmax(gpt->forward(torch::tensor({std::int64_t{'A'}, std::int64_t{':'}}).unsqueeze(0)), -1);
  EXPECT_NEAR(got, logp.index({0, 1, 256}).item<double>(), 1e-5);
}

TEST(EvaluateWithTokenizer, GenerationStopsAtATokenHoldingANewline) {
  sweep::testing::TempDir dir("eval_newline");
  LanguageModel model;
  model.block_size = 16;
  model.tokenizer = tiny_byte_level(dir);
  // Every position prefers token 257, "a\n": the text keeps "a", then stops.
  model.forward = [](const torch::Tensor& idx) {
    auto logits = torch::zeros({idx.size(0), idx.size(1), 320});  // (B, T, V)
    logits.select(2, 257).fill_(10.0);
    return logits;
  };
  const auto out = generate_greedy(model, {"Q: x", "Q: yy"}, 5);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& g : out) {
    EXPECT_EQ(g.text, "a");
    EXPECT_NEAR(g.logprob, -std::log(1.0 + 319.0 * std::exp(-10.0)), 1e-5);
  }
}

}  // namespace sweep
