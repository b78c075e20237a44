// The GPT model: shapes, parameter counts, causality, untrained loss.
#include <gtest/gtest.h>

#include "kernels/model/gpt.hpp"
#include "kernels/model/language_model.hpp"
#include "spec/model_size.hpp"

namespace sweep {
namespace {

GPTConfig small() {
  GPTConfig c;
  c.block_size = 16;
  c.n_layer = 2;
  c.n_head = 2;
  c.d_model = 16;
  return c;
}

}  // namespace

TEST(GPT, LogitsHaveShapeBatchTimeVocab) {
  torch::manual_seed(0);
  GPT model(small());
  auto idx = torch::randint(0, 256, {3, 10}, torch::kInt64);
  auto logits = model->forward(idx);
  EXPECT_EQ(logits.sizes(), (std::vector<std::int64_t>{3, 10, 256}));
}

TEST(GPT, ParameterCountMatchesFormula) {
  for (int layers : {1, 3}) {
    GPTConfig c = small();
    c.n_layer = layers;
    c.d_model = 24;
    c.n_head = 3;
    GPT model(c);
    EXPECT_EQ(model->n_params(), gpt_param_count(layers, 24, 256, c.block_size));
  }
}

TEST(GPT, AsALanguageModelCountsParametersWithoutEmbeddings) {
  GPTConfig c = small();
  const LanguageModel lm = as_language_model(GPT(c));
  EXPECT_EQ(lm.n_params, gpt_param_count(c.n_layer, c.d_model, c.vocab_size, c.block_size));
  // Kaplan et al.'s N: less the token and position embeddings (the head is tied).
  EXPECT_EQ(lm.n_params_non_embedding, lm.n_params - (c.vocab_size + c.block_size) * c.d_model);
}

TEST(GPT, AttentionIsCausal) {
  torch::manual_seed(0);
  GPT model(small());
  model->eval();
  torch::NoGradGuard no_grad;
  auto a = torch::randint(0, 256, {1, 12}, torch::kInt64);
  auto b = a.clone();
  b.index_put_({0, 11}, (a.index({0, 11}).item<std::int64_t>() + 1) % 256);
  auto la = model->forward(a), lb = model->forward(b);
  EXPECT_TRUE(torch::allclose(la.narrow(1, 0, 11), lb.narrow(1, 0, 11)));
  EXPECT_FALSE(torch::allclose(la.narrow(1, 11, 1), lb.narrow(1, 11, 1)));
}

TEST(GPT, RejectsSequencesLongerThanBlock) {
  GPT model(small());
  EXPECT_THROW(model->forward(torch::zeros({1, 17}, torch::kInt64)), c10::Error);
}

TEST(GPT, UntrainedLossIsNearUniform) {
  torch::manual_seed(1);
  GPT model(small());
  auto idx = torch::randint(0, 256, {4, 16}, torch::kInt64);
  const double loss = lm_loss(model->forward(idx), idx).item<double>();
  EXPECT_NEAR(loss, std::log(256.0), 0.3);
}

}  // namespace sweep
