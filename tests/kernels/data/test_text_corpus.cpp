// Real-text rows: the seeded window order (a larger D reads a superset), the
// held-out windows, and the shortfall message of a corpus too small for D.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "kernels/data/text_corpus.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

using ::testing::HasSubstr;
using sweep::testing::TempDir;

// A [data] of one train and one valid text file, byte-tokenized: each
// document is preceded by the end-of-text byte 0.
DataSpec two_files(const TempDir& dir, const std::string& train_text, const std::string& valid_text) {
  std::ofstream(dir.path() / "train.txt") << train_text;
  std::ofstream(dir.path() / "valid.txt") << valid_text;
  DataSpec d;
  d.train = {(dir.path() / "train.txt").string()};
  d.valid = {(dir.path() / "valid.txt").string()};
  return d;
}

}  // namespace

TEST(TextRows, ALargerDataSizeReadsASupersetInTheSameOrder) {
  TempDir dir("text_rows_superset");
  // Letters from an LCG: every 9-letter window occurs once, so a row's place in the file is unique.
  std::string text;
  std::uint32_t x = 12345;
  for (int i = 0; i < 400; ++i) text += static_cast<char>('a' + ((x = x * 1103515245u + 12345u) >> 16) % 26);
  const auto corpus = TextCorpus::open(two_files(dir, text, "held out text"), "bytes");
  TextRows small(corpus, 8, 7), large(corpus, 8, 7);
  const auto a = small.take(5);
  const auto b = large.take(20);
  ASSERT_EQ(a.size(), 5u * 9);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
  // Rows are windows of the file: each starts at a multiple of T and runs T+1 tokens.
  const std::string stream = std::string(1, '\0') + text;
  std::set<std::string> starts;
  for (int r = 0; r < 20; ++r) {
    std::string row;
    for (int t = 0; t < 9; ++t) row += static_cast<char>(b[r * 9 + t]);
    const auto at = stream.find(row);
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(at % 8, 0u);
    starts.insert(row);
  }
  EXPECT_EQ(starts.size(), 20u);  // no window twice
}

TEST(TextRows, TheOrderDependsOnTheSeed) {
  TempDir dir("text_rows_seed");
  const auto corpus = TextCorpus::open(two_files(dir, std::string(1000, 'x') + std::string(1000, 'y'), "v"), "bytes");
  TextRows a(corpus, 16, 1), b(corpus, 16, 2);
  EXPECT_NE(a.take(30), b.take(30));
}

TEST(TextCorpus, HeldOutRowsAreTheValidSplitsFirstWindowsInOrder) {
  TempDir dir("text_heldout");
  const auto corpus = TextCorpus::open(two_files(dir, "train", "0123456789abcdefghij"), "bytes");
  EXPECT_EQ(held_out_rows_available(*corpus, 4), 5);  // 21 tokens (eot + 20): windows of 5, stride 4
  const auto rows = held_out_rows(*corpus, 4, 2);
  const std::vector<std::int64_t> want = {0, '0', '1', '2', '3', '3', '4', '5', '6', '7'};
  EXPECT_EQ(rows, want);
}

TEST(TextCorpus, ACorpusSmallerThanDataTokensSaysByHowMuch) {
  TempDir dir("text_short");
  const auto corpus = TextCorpus::open(two_files(dir, std::string(100, 'z'), "v"), "bytes");
  EXPECT_EQ(corpus->train_capacity(10), 100);  // 101 tokens: 10 windows of 10 targets
  EXPECT_NO_THROW(corpus->require(100, 10));
  try {
    corpus->require(250, 10);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("train.txt"));
    EXPECT_THAT(e.what(), HasSubstr("101 tokens under tokenizer bytes give 10 sequences of 10"));
    EXPECT_THAT(e.what(), HasSubstr("data_tokens 250 needs 150 more"));
  }
}

}  // namespace sweep
