// The training loop: schedule, token counts, determinism, logging, restart points.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "kernels/model/checkpoint_io.hpp"
#include "kernels/train/trainer.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

ModelSpec tiny_model() {
  ModelSpec m;
  m.name = "tiny";
  m.n_layer = 1;
  m.d_model = 16;
  m.n_head = 2;
  return m;
}

TrainSpec tiny_train() {
  TrainSpec t;
  t.seq_len = 32;
  t.batch_size = 4;
  t.warmup_steps = 5;
  t.eval_loss_tokens = 256;
  return t;
}

std::vector<Task> tasks() {
  TaskSpec t;
  t.name = "add2";
  return {Task(t, 3)};
}

}  // namespace

TEST(Trainer, OneOptimizerStepLowersLossOnAFixedBatch) {
  torch::manual_seed(0);
  GPT model(gpt_config(tiny_model(), tiny_train()));
  auto x = torch::randint(0, 256, {4, 32}, torch::kInt64);
  auto y = torch::randint(0, 256, {4, 32}, torch::kInt64);
  torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-2));
  const double before = lm_loss(model->forward(x), y).item<double>();
  opt.zero_grad();
  lm_loss(model->forward(x), y).backward();
  opt.step();
  const double after = lm_loss(model->forward(x), y).item<double>();
  EXPECT_LT(after, before);
}

TEST(Trainer, LearningRateWarmsUpThenDecaysToFloor) {
  TrainSpec t = tiny_train();
  t.warmup_steps = 10;
  t.min_lr_ratio = 0.1;
  EXPECT_NEAR(lr_at(0, 100, 1.0, t), 0.1, 1e-12);
  EXPECT_NEAR(lr_at(9, 100, 1.0, t), 1.0, 1e-12);
  EXPECT_NEAR(lr_at(10, 100, 1.0, t), 1.0, 1e-12);
  EXPECT_GT(lr_at(50, 100, 1.0, t), lr_at(80, 100, 1.0, t));
  EXPECT_NEAR(lr_at(100, 100, 1.0, t), 0.1, 1e-12);
}

TEST(Trainer, TrainingIsDeterministicAndLowersHeldOutLoss) {
  const auto dir = std::filesystem::temp_directory_path() / "sweep_test_trainer";
  std::filesystem::remove_all(dir);
  const auto a = train_model(tiny_model(), tiny_train(), tasks(), 12000, 7, (dir / "a.pt").string());
  const auto b = train_model(tiny_model(), tiny_train(), tasks(), 12000, 7, "");
  EXPECT_EQ(a.train_loss.mean, b.train_loss.mean);
  EXPECT_EQ(a.eval_loss.mean, b.eval_loss.mean);
  EXPECT_EQ(a.steps, (12000 + 127) / 128);
  EXPECT_LT(a.eval_loss.mean, std::log(256.0) - 1.0);  // learnt the character distribution at least

  // The checkpoint reproduces the held-out loss.
  GPT loaded = load_model(tiny_model(), tiny_train(), (dir / "a.pt").string());
  EXPECT_NEAR(heldout_loss(as_language_model(loaded), tasks(), tiny_train(), 7).mean, a.eval_loss.mean, 1e-6);
  std::filesystem::remove_all(dir);
}

TEST(Trainer, TrainsOnExactlyTheRequestedTokens) {
  // 1000 tokens with 4 x 32 per step: 7 full steps and one of 104 tokens.
  const auto r = train_model(tiny_model(), tiny_train(), tasks(), 1000, 7, "");
  EXPECT_EQ(r.steps, 8);
  EXPECT_EQ(r.train_loss.tokens, 104);  // tail window is the last step only
}

TEST(Trainer, ShortLastBatchOfOneRowKeepsInputsIntact) {
  // One row of T + 1 = 9 tokens with 5 live targets: y is x shifted by one, its
  // tail masked with -1, and x untouched (a view shared between x and y would
  // put -1 into x).
  const std::vector<std::int64_t> ids{10, 11, 12, 13, 14, 15, 16, 17, 18};
  const Batch b = make_batch(ids, 1, 8, 5);
  ASSERT_EQ(b.x.sizes(), (std::vector<std::int64_t>{1, 8}));
  ASSERT_EQ(b.y.sizes(), (std::vector<std::int64_t>{1, 8}));
  for (int t = 0; t < 8; ++t) {
    EXPECT_EQ(b.x[0][t].item<std::int64_t>(), 10 + t);
    EXPECT_EQ(b.y[0][t].item<std::int64_t>(), t < 5 ? 11 + t : -1);
  }
  EXPECT_NE(b.x.data_ptr(), b.y.data_ptr());
}

TEST(Trainer, RunEndingInAOneRowPartialBatchTrainsExactlyItsTokens) {
  // 148 tokens with 4 x 32 per step: one full step, then one row with 20 live targets.
  const auto r = train_model(tiny_model(), tiny_train(), tasks(), 148, 7, "");
  EXPECT_EQ(r.steps, 2);
  EXPECT_EQ(r.train_loss.tokens, 20);
  EXPECT_TRUE(std::isfinite(r.train_loss.mean));
}

TEST(Trainer, LogsEveryNthStepAndTheLast) {
  std::vector<StepLog> logs;
  const auto r = train_model(tiny_model(), tiny_train(), tasks(), 1000, 7, "",
                             [&](const StepLog& s) { logs.push_back(s); }, 3);
  ASSERT_EQ(logs.size(), 4u);  // steps 0, 3, 6 and the last, 7
  EXPECT_EQ(logs[1].step, 3);
  EXPECT_EQ(logs[1].tokens, 4 * 128);
  EXPECT_EQ(logs.back().step, r.steps - 1);
  EXPECT_EQ(logs.back().tokens, 1000);
  for (const auto& s : logs) {
    EXPECT_GT(s.loss, 0.0);
    EXPECT_GT(s.grad_norm, 0.0);
    EXPECT_GT(s.lr, 0.0);
  }
  EXPECT_NEAR(logs.back().loss, r.train_loss.mean, 1e-9);  // the tail window is the last step
}

TEST(Trainer, InterruptedRunContinuesFromItsRestartPointWithIdenticalResults) {
  const auto dir = std::filesystem::temp_directory_path() / "sweep_test_restart";
  std::filesystem::remove_all(dir);
  TrainSpec t = tiny_train();
  t.checkpoint_every = 3;
  const auto whole = train_model(tiny_model(), t, tasks(), 2000, 7, (dir / "whole.pt").string());

  // A logger that throws at step 7 stands in for a kill after the restart point of step 6.
  struct Killed {};
  const std::string ckpt = (dir / "cut.pt").string();
  std::vector<std::int64_t> seen;
  EXPECT_THROW(train_model(tiny_model(), t, tasks(), 2000, 7, ckpt,
                           [](const StepLog& s) {
                             if (s.step == 7) throw Killed{};
                           }, 1),
               Killed);
  ASSERT_TRUE(std::filesystem::exists(restart_path(ckpt)));
  const auto resumed = train_model(tiny_model(), t, tasks(), 2000, 7, ckpt,
                                   [&](const StepLog& s) { seen.push_back(s.step); }, 1);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), 6);  // continued, not restarted
  EXPECT_EQ(resumed.train_loss.mean, whole.train_loss.mean);
  EXPECT_EQ(resumed.eval_loss.mean, whole.eval_loss.mean);
  EXPECT_FALSE(std::filesystem::exists(restart_path(ckpt)));  // removed once the run is complete
  std::filesystem::remove_all(dir);
}

TEST(Trainer, StopRequestSavesARestartPointAndTheRunContinuesIdentically) {
  const auto dir = std::filesystem::temp_directory_path() / "sweep_test_stop";
  std::filesystem::remove_all(dir);
  TrainSpec t = tiny_train();
  t.checkpoint_every = 0;  // only the stop request saves a restart point
  const auto whole = train_model(tiny_model(), t, tasks(), 2000, 7, (dir / "whole.pt").string());
  const std::string ckpt = (dir / "stopped.pt").string();
  int calls = 0;
  EXPECT_THROW(train_model(tiny_model(), t, tasks(), 2000, 7, ckpt, {}, 10,
                           [&](double) { return ++calls == 5 ? StepControl::Stop : StepControl::Continue; }),
               TrainingStopped);
  ASSERT_TRUE(std::filesystem::exists(restart_path(ckpt)));
  std::vector<std::int64_t> seen;
  const auto resumed = train_model(tiny_model(), t, tasks(), 2000, 7, ckpt,
                                   [&](const StepLog& s) { seen.push_back(s.step); }, 1);
  EXPECT_EQ(seen.front(), 5);
  EXPECT_EQ(resumed.train_loss.mean, whole.train_loss.mean);
  EXPECT_EQ(resumed.eval_loss.mean, whole.eval_loss.mean);
  std::filesystem::remove_all(dir);
}

TEST(Trainer, AResumedRunReportsTheTrainingTimeOfEverySession) {
  const auto dir = std::filesystem::temp_directory_path() / "sweep_test_resumed_seconds";
  std::filesystem::remove_all(dir);
  TrainSpec t = tiny_train();
  t.checkpoint_every = 0;
  const std::string ckpt = (dir / "stopped.pt").string();
  // The first session takes at least `pause` seconds (the stop request waits
  // that long), then stops before the last of its 16 steps; the second trains
  // that one step.
  const double pause = 0.5;
  int calls = 0;
  EXPECT_THROW(train_model(tiny_model(), t, tasks(), 2000, 7, ckpt, {}, 10,
                           [&](double) {
                             if (++calls < 15) return StepControl::Continue;
                             std::this_thread::sleep_for(std::chrono::duration<double>(pause));
                             return StepControl::Stop;
                           }),
               TrainingStopped);
  std::vector<StepLog> logs;
  const auto resumed = train_model(tiny_model(), t, tasks(), 2000, 7, ckpt,
                                   [&](const StepLog& s) { logs.push_back(s); }, 1);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs.front().step, 15);
  // Both sessions' time, not the last one's: the first alone took `pause`.
  EXPECT_GE(resumed.seconds, pause);
  EXPECT_GE(logs.front().seconds, pause);  // the curve's clock runs on from the first session
  EXPECT_LE(resumed.tokens_per_s, 2000 / pause);  // 2000 tokens over both sessions
  std::filesystem::remove_all(dir);
}

TEST(Trainer, DivergenceIsAnError) {
  ModelSpec m = tiny_model();
  m.lr = 1e30;
  EXPECT_THROW(train_model(m, tiny_train(), tasks(), 4000, 7, ""), TrainingDiverged);
}

}  // namespace sweep

namespace sweep {
namespace {

std::string saved_model(const ModelSpec& spec, const std::string& path) {
  GPT model(gpt_config(spec, tiny_train()));
  torch::serialize::OutputArchive archive;
  model->save(archive);
  save_archive(archive, path);
  return path;
}

std::string load_error(const ModelSpec& spec, const std::string& path) {
  try {
    load_model(spec, tiny_train(), path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "loaded " << path;
  return "";
}

}  // namespace

TEST(Checkpoint, SavedThroughMemoryAndReadBackIdentically) {
  const std::string path = ::testing::TempDir() + "ckpt_roundtrip.pt";
  torch::manual_seed(7);
  saved_model(tiny_model(), path);
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  GPT a = load_model(tiny_model(), tiny_train(), path);
  GPT b = load_model(tiny_model(), tiny_train(), path);
  for (std::size_t i = 0; i < a->parameters().size(); ++i)
    EXPECT_TRUE(torch::equal(a->parameters()[i], b->parameters()[i]));
}

TEST(Checkpoint, TruncatedFileIsOneClearLine) {
  const std::string path = saved_model(tiny_model(), ::testing::TempDir() + "ckpt_truncated.pt");
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  const std::string message = load_error(tiny_model(), path);
  EXPECT_NE(message.find(path + ": not a readable checkpoint (truncated, or not written by sweep)"), std::string::npos)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(Checkpoint, AnotherModelsShapeIsRefusedNamingTheModel) {
  ModelSpec wide = tiny_model();
  wide.d_model = 32;
  const std::string path = saved_model(wide, ::testing::TempDir() + "ckpt_wide.pt");
  const std::string message = load_error(tiny_model(), path);
  EXPECT_NE(message.find(path + ": checkpoint does not fit model tiny (another shape?)"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(Checkpoint, MissingFileIsNamed) {
  const std::string path = ::testing::TempDir() + "ckpt_missing.pt";
  EXPECT_NE(load_error(tiny_model(), path).find(path + ": checkpoint is missing"), std::string::npos);
}

}  // namespace sweep

namespace sweep {

TEST(Trainer, TrainsOnTextFilesAndScoresTheirValidSplit) {
  sweep::testing::TempDir dir("trainer_text");
  std::string train_text, valid_text;
  for (int i = 0; i < 300; ++i) train_text += "the cat sat on the mat and the dog sat on the log. ";
  for (int i = 0; i < 40; ++i) valid_text += "the dog sat on the mat and the cat sat on the log. ";
  std::ofstream(dir.path() / "train.txt") << train_text;
  std::ofstream(dir.path() / "valid.txt") << valid_text;
  DataSpec data;
  data.train = {(dir.path() / "train.txt").string()};
  data.valid = {(dir.path() / "valid.txt").string()};
  const auto text = TextCorpus::open(data, "bytes");
  const TrainSpec t = tiny_train();
  const auto a = train_model(tiny_model(), t, tasks(), 15000, 7, "", {}, 10, {}, {}, text);
  const auto b = train_model(tiny_model(), t, tasks(), 15000, 7, "", {}, 10, {}, {}, text);
  EXPECT_EQ(a.eval_loss.mean, b.eval_loss.mean);  // deterministic
  EXPECT_LT(a.eval_loss.mean, 0.5 * std::log(256.0));  // it learned the text
  EXPECT_EQ(a.eval_loss.tokens, t.eval_loss_tokens);
  EXPECT_EQ(a.eval_loss.bytes, a.eval_loss.tokens);  // bytes: one byte per token
  EXPECT_DOUBLE_EQ(bits_per_byte(a.eval_loss.mean, a.eval_loss), a.eval_loss.mean / std::log(2.0));
  // More data than the train file holds is refused before any step.
  EXPECT_THROW(train_model(tiny_model(), t, tasks(), 20000, 7, "", {}, 10, {}, {}, text), std::runtime_error);
}

}  // namespace sweep
