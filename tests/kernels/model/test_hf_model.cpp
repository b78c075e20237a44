// Hugging Face checkpoints as LanguageModels (kernels/model/hf_model.hpp) on
// the tiny random-weight folders tests/kernels/model/hf/make_tiny_checkpoints.py
// writes (one per supported architecture and variant): the key/value cache
// agrees with the full forward, bfloat16 with float32, sharded and
// half-precision folders load, generation with the cache equals recomputation,
// and each load error names what is wrong. Agreement with transformers itself
// is tests/kernels/model/hf/'s parity tests (through `sweep score`).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hf/config.hpp"
#include "hf/model_dir.hpp"
#include "kernels/device/device.hpp"
#include "kernels/eval/evaluate.hpp"
#include "kernels/eval/token_logprobs.hpp"
#include "kernels/model/hf_model.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kArchitectures = {"gpt2",    "neox",  "neox-serial", "llama",
                                                 "mistral", "qwen2", "qwen3",       "smollm"};

// The tiny folders, written once per test process into a temporary folder.
const testing::TempDir& tiny() {
  static const auto dir = [] {
    auto d = std::make_unique<testing::TempDir>("sweep_hf_tiny");
    const std::string cmd = std::string(SWEEP_TEST_PYTHON) + " " + SWEEP_HF_MAKER + " " + d->path().string();
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
    return d;
  }();
  return *dir;
}

std::string folder(const std::string& name) { return tiny().file(name); }

// The lines of the parity tests' text, tokenized by the model's tokenizer.
std::vector<std::vector<std::int64_t>> text_rows(const LanguageModel& lm) {
  std::ifstream in(SWEEP_HF_SCORE_TEXT);
  std::vector<std::vector<std::int64_t>> rows;
  std::string line;
  while (std::getline(in, line)) {
    const auto ids = lm.tokens().encode(line);
    rows.emplace_back(ids.begin(), ids.end());
  }
  if (rows.empty()) throw std::runtime_error(std::string(SWEEP_HF_SCORE_TEXT) + ": no lines");
  return rows;
}

double max_abs_diff(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  double worst = 0;
  EXPECT_EQ(a.size(), b.size());
  for (std::size_t r = 0; r < a.size() && r < b.size(); ++r) {
    EXPECT_EQ(a[r].size(), b[r].size());
    for (std::size_t i = 0; i < a[r].size() && i < b[r].size(); ++i)
      worst = std::max(worst, std::abs(static_cast<double>(a[r][i]) - b[r][i]));
  }
  return worst;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// A copy of folder NAME in `into` whose model.safetensors header is edited by
// `edit` (tensor name -> entry); the data bytes stay as they were.
std::string with_edited_header(const std::string& name, const testing::TempDir& into,
                               const std::function<void(nlohmann::json&)>& edit) {
  const fs::path dir = into.path() / name;
  fs::copy(folder(name), dir);
  const std::string path = (dir / "model.safetensors").string();
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  auto header = nlohmann::json::parse(bytes.substr(8, n));
  edit(header);
  const std::string text = header.dump();
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((text.size() >> (8 * i)) & 0xff);
  out += text + bytes.substr(8 + n);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << out;
  return dir.string();
}

// Sets SWEEP_DEVICE_MEMORY while alive.
struct DeviceMemoryOverride {
  explicit DeviceMemoryOverride(const char* value) { setenv("SWEEP_DEVICE_MEMORY", value, 1); }
  ~DeviceMemoryOverride() { unsetenv("SWEEP_DEVICE_MEMORY"); }
};

}  // namespace

TEST(HfModel, CachedForwardOfRowsAtDifferentPositionsEqualsTheFullForward) {
  torch::NoGradGuard no_grad;
  for (const auto& name : kArchitectures) {
    SCOPED_TRACE(name);
    const LanguageModel lm = load_hf(folder(name));
    ASSERT_TRUE(lm.incremental);
    const std::int64_t B = 3, L = 16;
    const auto V = static_cast<std::int64_t>(lm.tokens().vocab_size());
    torch::manual_seed(1);
    auto tokens = torch::randint(0, V, {B, L}, torch::kInt64);  // (B, L)
    auto full = lm.forward(tokens);                              // (B, L, V)
    // As eval does: one prefill over the longest prefix (shorter rows padded
    // with other tokens, whose cache entries must be masked, then
    // overwritten), then each row at its own position: two tokens, then one at a time.
    const std::vector<std::int64_t> prefix = {5, 9, 12};
    auto padded = tokens.narrow(1, 0, 12).clone();
    for (std::int64_t b = 0; b < B; ++b) padded[b].narrow(0, prefix[b], 12 - prefix[b]).fill_(0);
    KVCache cache = lm.incremental.new_cache(B, L);
    auto pre = lm.incremental.forward(padded, torch::zeros({B}, torch::kInt64), cache);  // (B, 12, V)
    for (std::int64_t b = 0; b < B; ++b)
      EXPECT_LT((pre[b].narrow(0, 0, prefix[b]) - full[b].narrow(0, 0, prefix[b])).abs().max().item<double>(), 1e-5);
    auto pos = torch::tensor(prefix);  // (B,)
    for (std::int64_t t : {2, 1, 1}) {
      auto step = tokens.gather(1, pos.view({B, 1}) + torch::arange(t).view({1, t}));  // (B, t)
      auto got = lm.incremental.forward(step, pos, cache);                              // (B, t, V)
      for (std::int64_t b = 0; b < B; ++b) {
        const auto p = pos[b].item<std::int64_t>();
        EXPECT_LT((got[b] - full[b].narrow(0, p, t)).abs().max().item<double>(), 1e-5) << "row " << b << " at " << p;
      }
      pos = pos + t;
    }
  }
}

TEST(HfModel, Bfloat16LogprobsStayWithinTolerance) {
  // Measured on these folders and text (sweep score against the fp32
  // fixtures): at most 0.032 nats (gpt2 0.023, neox 0.019, neox-serial 0.021,
  // llama 0.027, mistral 0.025, qwen2 0.032, qwen3 0.026, smollm 0.029);
  // bfloat16 keeps 8 bits of mantissa.
  const double tolerance = 0.05;
  for (const auto& name : kArchitectures) {
    SCOPED_TRACE(name);
    const LanguageModel fp32 = load_hf(folder(name));
    HfLoadOptions options;
    options.dtype = HfDType::BFloat16;
    const LanguageModel bf16 = load_hf(folder(name), options);
    const auto rows = text_rows(fp32);
    const double diff = max_abs_diff(token_logprobs(fp32, rows, 4), token_logprobs(bf16, rows, 4));
    EXPECT_LT(diff, tolerance);
    EXPECT_GT(diff, 0.0) << "bfloat16 compute gave float32's numbers exactly: was it bfloat16?";
  }
}

TEST(HfModel, ShardedAndHalfPrecisionFoldersLoad) {
  const LanguageModel llama = load_hf(folder("llama"));
  const auto rows = text_rows(llama);
  const auto reference = token_logprobs(llama, rows, 8);
  // The same weights in two shards: the same numbers.
  EXPECT_EQ(max_abs_diff(token_logprobs(load_hf(folder("llama-sharded")), rows, 8), reference), 0.0);
  // Weights rounded to 16 bits on disk, computed in float32: close, not equal.
  for (const std::string name : {"llama-bf16", "llama-fp16"}) {
    SCOPED_TRACE(name);
    const double diff = max_abs_diff(token_logprobs(load_hf(folder(name)), rows, 8), reference);
    EXPECT_GT(diff, 0.0);
    EXPECT_LT(diff, 0.05);
  }
}

TEST(HfModel, ParameterCountsComeFromTheConfig) {
  for (const auto& name : kArchitectures) {
    SCOPED_TRACE(name);
    const LanguageModel lm = load_hf(folder(name));
    const hf::ParamCount n = hf::param_count(hf::read_config(folder(name)));
    EXPECT_EQ(lm.n_params, n.total);
    EXPECT_EQ(lm.n_params_non_embedding, n.non_embedding);
    EXPECT_LT(lm.n_params_non_embedding, lm.n_params);
  }
}

TEST(HfModel, BlockSizeIsTheContextOrLessIfAsked) {
  EXPECT_EQ(load_hf(folder("gpt2")).block_size, hf::read_config(folder("gpt2")).max_positions);
  HfLoadOptions options;
  options.block_size = 8;
  EXPECT_EQ(load_hf(folder("gpt2"), options).block_size, 8);
  options.block_size = 1 << 20;
  EXPECT_EQ(load_hf(folder("gpt2"), options).block_size, hf::read_config(folder("gpt2")).max_positions);
}

TEST(HfModel, CachedGreedyGenerationEqualsFullRecompute) {
  const std::vector<std::string> contexts = {"The quick brown", "In 2020 there were models with", "It"};
  for (const auto& name : kArchitectures) {
    SCOPED_TRACE(name);
    const LanguageModel lm = load_hf(folder(name));
    const auto cached = generate_greedy(lm, contexts, 12);
    const auto full = generate_greedy_full_recompute(lm, contexts, 12);
    ASSERT_EQ(cached.size(), full.size());
    for (std::size_t i = 0; i < cached.size(); ++i) {
      EXPECT_EQ(cached[i].text, full[i].text) << contexts[i];
      EXPECT_NEAR(cached[i].logprob, full[i].logprob, 1e-4) << contexts[i];
    }
  }
}

// Scoring runs the output head on the target positions alone (forward_at);
// without it, on every position: the same log-probabilities, whether scored
// alone or in the pass that is also the generation's prefill.
TEST(HfModel, TargetLogprobsWithAndWithoutForwardAtAgree) {
  const std::vector<std::string> ctx = {"The quick brown", "In 2020 there were models with", "It", ""};
  const std::vector<std::string> tgt = {" fox", " many parameters, and", " was a dark night", "Hello world, said the"};
  const std::vector<int> max_new = {4, 2, 6, 3};
  for (const auto& name : kArchitectures) {
    SCOPED_TRACE(name);
    const LanguageModel lm = load_hf(folder(name));
    ASSERT_TRUE(lm.forward_at);
    ASSERT_TRUE(lm.incremental.forward_at);
    LanguageModel full_only = lm;
    full_only.forward_at = nullptr;
    full_only.incremental.forward_at = nullptr;
    const auto at = target_logprob(lm, ctx, tgt);
    const auto full = target_logprob(full_only, ctx, tgt);
    const auto both_at = score_and_generate(lm, ctx, tgt, max_new);
    const auto both_full = score_and_generate(full_only, ctx, tgt, max_new);
    ASSERT_EQ(at.size(), ctx.size());
    for (std::size_t i = 0; i < ctx.size(); ++i) {
      EXPECT_NE(at[i], 0.0) << i;
      EXPECT_NEAR(at[i], full[i], 1e-5) << i;
      EXPECT_NEAR(both_at.target_logprob[i], full[i], 1e-5) << i;
      EXPECT_NEAR(both_full.target_logprob[i], full[i], 1e-5) << i;
      EXPECT_EQ(both_at.generations[i].text, both_full.generations[i].text) << i;
      EXPECT_NEAR(both_at.generations[i].logprob, both_full.generations[i].logprob, 1e-5) << i;
    }
  }
}

TEST(HfModel, TokenLogprobsAreTheFullForwardsLogSoftmax) {
  torch::NoGradGuard no_grad;
  const LanguageModel lm = load_hf(folder("neox"));
  const std::vector<std::vector<std::int64_t>> rows = {{5, 9, 2, 7, 7, 1}, {}, {3}, {4, 8}};
  const auto got = token_logprobs(lm, rows, 2);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[1].size(), 0u);
  EXPECT_EQ(got[2].size(), 0u);
  for (std::size_t r : {0u, 3u}) {
    auto ids = torch::tensor(rows[r]).view({1, -1});                                      // (1, n)
    auto logp = torch::log_softmax(lm.forward(ids), -1)[0];                                 // (n, V)
    ASSERT_EQ(got[r].size(), rows[r].size() - 1);
    for (std::size_t i = 1; i < rows[r].size(); ++i)
      EXPECT_NEAR(got[r][i - 1], logp[static_cast<std::int64_t>(i) - 1][rows[r][i]].item<float>(), 1e-6);
  }
  // Models without forward_at (sweep's GPT, TorchScript) take the full forward's logits.
  LanguageModel full_only = lm;
  full_only.forward_at = nullptr;
  const auto same = token_logprobs(full_only, rows, 2);
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t i = 0; i < got[r].size(); ++i) EXPECT_NEAR(same[r][i], got[r][i], 1e-6);
}

TEST(HfModel, LongTextsAreScoredInRollingWindows) {
  torch::NoGradGuard no_grad;
  HfLoadOptions options;
  const std::int64_t T = 8;
  options.block_size = T;
  const LanguageModel lm = load_hf(folder("llama"), options);
  std::vector<std::int64_t> ids;
  for (std::int64_t i = 0; i < 30; ++i) ids.push_back((i * 37 + 11) % 300);
  const auto got = token_logprobs(lm, {ids}, 3)[0];
  ASSERT_EQ(got.size(), ids.size() - 1);
  // lm-evaluation-harness's windows: tokens 1..T-1 see the text from its
  // start; then each later chunk of T tokens, ending at `end`, is predicted
  // from the T tokens before end - 1 (so the last chunk's earlier tokens are
  // context, scored already).
  for (std::int64_t i = 1; i < 30; ++i) {
    std::int64_t begin = 0;
    if (i >= T) {
      const std::int64_t end = std::min<std::int64_t>(30, T + ((i - T) / T + 1) * T);
      begin = end - 1 - T;
    }
    auto context = torch::tensor(std::vector<std::int64_t>(ids.begin() + begin, ids.begin() + i)).view({1, -1});
    auto logp = torch::log_softmax(lm.forward(context)[0][-1], -1)[ids[static_cast<std::size_t>(i)]].item<float>();
    EXPECT_NEAR(got[static_cast<std::size_t>(i - 1)], logp, 1e-5) << "token " << i << " from " << begin;
  }
}

TEST(HfModel, RefusesAModelLargerThanTheDeviceMemoryNamingTheSize) {
  DeviceMemoryOverride small("1MiB");
  HfLoadOptions options;
  options.batch = 4;
  const hf::Config c = hf::read_config(folder("llama"));
  const std::string needed = format_bytes(hf::memory_needed(c, 4, 4, c.max_positions));
  const std::string message = message_of([&] { load_hf(folder("llama"), options); });
  EXPECT_NE(message.find(folder("llama") + ": needs " + needed + " (weights "), std::string::npos) << message;
  EXPECT_NE(message.find("batch 4 x " + std::to_string(c.max_positions)), std::string::npos) << message;
  EXPECT_NE(message.find("has 1.0 MiB available"), std::string::npos) << message;
}

TEST(HfModel, NamesAMissingTensor) {
  testing::TempDir dir;
  const std::string model = with_edited_header("llama", dir, [](nlohmann::json& h) {
    h["model.layers.1.mlp.up_proj.renamed"] = h["model.layers.1.mlp.up_proj.weight"];
    h.erase("model.layers.1.mlp.up_proj.weight");
  });
  const std::string message = message_of([&] { load_hf(model); });
  EXPECT_NE(message.find(model), std::string::npos) << message;
  EXPECT_NE(message.find("no tensor 'model.layers.1.mlp.up_proj.weight'"), std::string::npos) << message;
}

TEST(HfModel, NamesAWronglyShapedTensorAndItsFile) {
  testing::TempDir dir;
  const std::string model = with_edited_header("qwen3", dir, [](nlohmann::json& h) {
    auto& shape = h["model.layers.0.mlp.down_proj.weight"]["shape"];
    shape = nlohmann::json::array({shape[1], shape[0]});  // same bytes, transposed
  });
  const std::string message = message_of([&] { load_hf(model); });
  EXPECT_NE(message.find(model + "/model.safetensors: tensor 'model.layers.0.mlp.down_proj.weight' has shape"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("config.json implies"), std::string::npos) << message;
}

TEST(DeviceMemory, ReadsSweepDeviceMemoryWithUnits) {
  {
    DeviceMemoryOverride v("2GiB");
    EXPECT_EQ(device_memory_available(torch::kCPU), 2ull << 30);
  }
  {
    DeviceMemoryOverride v("1536");
    EXPECT_EQ(device_memory_available(torch::kCPU), 1536u);
  }
  {
    DeviceMemoryOverride v("12 apples");
    EXPECT_NE(message_of([] { device_memory_available(torch::kCPU); }).find("SWEEP_DEVICE_MEMORY: '12 apples'"),
              std::string::npos);
  }
  EXPECT_GT(device_memory_available(torch::kCPU), 0u);  // /proc/meminfo's MemAvailable
}

}  // namespace sweep
