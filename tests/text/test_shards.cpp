// Pre-tokenized shards (text/shards.hpp): llm.c uint16 and uint32, nanoGPT,
// what write_llmc_shard leaves on disk, and each malformed file named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/temp_dir.hpp"
#include "tests/text/corpus_fixtures.hpp"
#include "text/shard_writer.hpp"
#include "text/shards.hpp"

namespace sweep::text {
namespace {

using ::testing::HasSubstr;
using sweep::testing::llmc_bytes;
using sweep::testing::TempDir;
using sweep::testing::token_bytes;
using sweep::testing::write_file;

std::string open_error(const std::string& path, FileFormat f = FileFormat::Auto) {
  try {
    Shard::open(path, f);
  } catch (const CorpusError& e) {
    return e.what();
  }
  return "(no CorpusError)";
}

std::vector<std::int64_t> all_tokens(const Shard& s) {
  std::vector<std::int64_t> out(s.size());
  s.copy(0, s.size(), out.data());
  return out;
}

TEST(LlmcShard, Uint16TokensAreRead) {
  TempDir dir;
  write_file(dir.file("a.bin"), llmc_bytes(kLlmcMagic, 1, 4, token_bytes(std::vector<std::uint16_t>{7, 0, 65535, 3})));
  const Shard s = Shard::open(dir.file("a.bin"), FileFormat::Auto);
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(s[2], 65535u);
  EXPECT_EQ(all_tokens(s), (std::vector<std::int64_t>{7, 0, 65535, 3}));
}

TEST(LlmcShard, Uint32TokensAreRead) {
  TempDir dir;
  write_file(dir.file("a.bin"), llmc_bytes(kLlmcMagic, 2, 3, token_bytes(std::vector<std::uint32_t>{100000, 1, 151642})));
  const Shard s = Shard::open(dir.file("a.bin"), FileFormat::LlmcBin);
  EXPECT_EQ(all_tokens(s), (std::vector<std::int64_t>{100000, 1, 151642}));
}

TEST(LlmcShard, WrongMagicNamesFileAndBothNumbers) {
  TempDir dir;
  write_file(dir.file("a.bin"), llmc_bytes(12345, 1, 0, ""));
  EXPECT_THAT(open_error(dir.file("a.bin")),
              HasSubstr(dir.file("a.bin") + ": not an llm.c shard: magic 12345, expected 20240520"));
}

TEST(LlmcShard, UnknownVersionNamesFile) {
  TempDir dir;
  write_file(dir.file("a.bin"), llmc_bytes(kLlmcMagic, 7, 0, ""));
  EXPECT_THAT(open_error(dir.file("a.bin")), HasSubstr(dir.file("a.bin") + ": unknown llm.c shard version 7"));
}

TEST(LlmcShard, TruncatedTailNamesFileAndCounts) {
  TempDir dir;
  write_file(dir.file("a.bin"), llmc_bytes(kLlmcMagic, 1, 10, token_bytes(std::vector<std::uint16_t>(6, 1)) + "x"));
  EXPECT_THAT(open_error(dir.file("a.bin")), HasSubstr(dir.file("a.bin") + ": truncated: header says 10 tokens, file holds 6"));
}

TEST(LlmcShard, TruncatedHeaderNamesFile) {
  TempDir dir;
  write_file(dir.file("a.bin"), llmc_bytes(kLlmcMagic, 1, 0, "").substr(0, 100));
  EXPECT_THAT(open_error(dir.file("a.bin")), HasSubstr(dir.file("a.bin") + ": truncated"));
  write_file(dir.file("empty.bin"), "");
  EXPECT_THAT(open_error(dir.file("empty.bin")), HasSubstr(dir.file("empty.bin") + ": not an llm.c shard"));
}

TEST(LlmcShard, MissingFileNamesIt) {
  TempDir dir;
  EXPECT_THAT(open_error(dir.file("none.bin")), HasSubstr(dir.file("none.bin") + ": cannot open"));
}

TEST(NanogptShard, HeaderlessUint16TokensAreRead) {
  TempDir dir;
  write_file(dir.file("train.bin"), token_bytes(std::vector<std::uint16_t>{50256, 1, 2}));
  const Shard s = Shard::open(dir.file("train.bin"), FileFormat::NanogptBin);
  EXPECT_EQ(all_tokens(s), (std::vector<std::int64_t>{50256, 1, 2}));
}

TEST(NanogptShard, OddLengthNamesFile) {
  TempDir dir;
  write_file(dir.file("train.bin"), "abc");
  EXPECT_THAT(open_error(dir.file("train.bin"), FileFormat::NanogptBin),
              HasSubstr(dir.file("train.bin") + ": odd length 3 bytes"));
}

TEST(Shard, MovesKeepTheMappingAndTheSourceIsEmptied) {
  TempDir dir;
  write_file(dir.file("a.bin"), llmc_bytes(kLlmcMagic, 1, 2, token_bytes(std::vector<std::uint16_t>{5, 6})));
  Shard a = Shard::open(dir.file("a.bin"), FileFormat::Auto);
  Shard b = std::move(a);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_EQ(b[1], 6u);
  Shard c = Shard::open(dir.file("a.bin"), FileFormat::Auto);
  c = std::move(b);
  EXPECT_EQ(c[0], 5u);
}

TEST(WriteLlmcShard, Uint16WhenTheVocabularyFitsAndReadsBack) {
  TempDir dir;
  const std::vector<std::uint32_t> tokens = {0, 255, 65535, 17};
  write_llmc_shard(dir.file("s.bin"), tokens, 65536);
  EXPECT_EQ(std::filesystem::file_size(dir.file("s.bin")), 1024u + 2 * 4);
  EXPECT_FALSE(std::filesystem::exists(dir.file("s.bin.tmp")));
  const Shard s = Shard::open(dir.file("s.bin"), FileFormat::Auto);
  EXPECT_EQ(all_tokens(s), (std::vector<std::int64_t>{0, 255, 65535, 17}));
}

TEST(WriteLlmcShard, Uint32AboveA65536Vocabulary) {
  TempDir dir;
  const std::vector<std::uint32_t> tokens = {151643, 1};
  write_llmc_shard(dir.file("s.bin"), tokens, 151936);
  EXPECT_EQ(std::filesystem::file_size(dir.file("s.bin")), 1024u + 4 * 2);
  EXPECT_EQ(all_tokens(Shard::open(dir.file("s.bin"), FileFormat::Auto)), (std::vector<std::int64_t>{151643, 1}));
}

TEST(WriteLlmcShard, ReplacesALeftoverTmpAndLeavesNone) {
  TempDir dir;
  write_file(dir.file("s.bin.tmp"), "partial from a killed run");
  write_llmc_shard(dir.file("s.bin"), {1, 2, 3}, 256);
  EXPECT_FALSE(std::filesystem::exists(dir.file("s.bin.tmp")));
  EXPECT_EQ(Shard::open(dir.file("s.bin"), FileFormat::Auto).size(), 3u);
}

TEST(LlmcShardWriter, ManySmallAppendsEqualOneWrite) {
  TempDir dir;
  std::vector<std::uint32_t> tokens(3000000);
  for (std::size_t i = 0; i < tokens.size(); ++i) tokens[i] = static_cast<std::uint32_t>(i * 7919 % 50257);
  write_llmc_shard(dir.file("once.bin"), tokens, 50257);
  LlmcShardWriter w(dir.file("pieces.bin"), 50257);
  for (std::size_t at = 0; at < tokens.size(); at += 1001) w.append(tokens.data() + at, std::min<std::size_t>(1001, tokens.size() - at));
  w.finish();
  EXPECT_FALSE(std::filesystem::exists(dir.file("pieces.bin"))) << "not in place before commit()";
  w.commit();
  EXPECT_EQ(w.tokens(), tokens.size());
  EXPECT_EQ(w.bytes(), std::filesystem::file_size(dir.file("pieces.bin")));
  EXPECT_EQ(sweep::testing::read_file(dir.file("pieces.bin")), sweep::testing::read_file(dir.file("once.bin")));
}

TEST(LlmcShardWriter, AnUncommittedShardLeavesNoFile) {
  TempDir dir;
  {
    LlmcShardWriter w(dir.file("s.bin"), 256);
    const std::uint32_t t[] = {1, 2};
    w.append(t, 2);
    w.finish();
    EXPECT_TRUE(std::filesystem::exists(dir.file("s.bin.tmp")));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("s.bin.tmp")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("s.bin")));
}

TEST(WriteLlmcShard, UnwritableFolderNamesTheFile) {
  try {
    write_llmc_shard("/nonexistent/dir/s.bin", {1}, 256);
    FAIL() << "no error";
  } catch (const CorpusError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/dir/s.bin.tmp: open"));
  }
}

}  // namespace
}  // namespace sweep::text
