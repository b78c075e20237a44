// The trainer's view of a split (text/token_source.hpp): shards and text
// files concatenated in glob order, copies across file boundaries, and the
// refusals (another tokenizer's manifest, an empty corpus).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/temp_dir.hpp"
#include "tests/text/corpus_fixtures.hpp"
#include "text/manifest.hpp"
#include "text/token_source.hpp"

namespace sweep::text {
namespace {

using ::testing::HasSubstr;
using sweep::testing::TempDir;
using sweep::testing::token_bytes;
using sweep::testing::write_file;

std::string source_error(const std::vector<std::string>& globs, const std::string& base, const ReadOptions& o = {}) {
  try {
    TokenSource s(globs, base, o, Tokenizer::bytes());
  } catch (const CorpusError& e) {
    return e.what();
  }
  return "(no CorpusError)";
}

TEST(TokenSource, ShardsAndTextAreConcatenatedInGlobOrder) {
  TempDir dir;
  write_llmc_shard(dir.file("a.bin"), {1, 2, 3}, 256);
  write_file(dir.file("b.jsonl"), "{\"text\": \"hi\"}\n");
  const Tokenizer tok = Tokenizer::bytes();
  TokenSource s({"*.bin", "*.jsonl"}, dir.path().string(), {}, tok);
  ASSERT_EQ(s.size(), 6u);
  std::vector<std::int64_t> all(6);
  s.copy(0, 6, all.data());
  EXPECT_EQ(all, (std::vector<std::int64_t>{1, 2, 3, 0, 'h', 'i'}));
  std::vector<std::int64_t> mid(3);
  s.copy(2, 3, mid.data());
  EXPECT_EQ(mid, (std::vector<std::int64_t>{3, 0, 'h'}));
  EXPECT_THAT(s.description(), HasSubstr("2 files, 6 tokens"));
  EXPECT_THAT(s.description(), HasSubstr("b.jsonl (3 tokenized)"));
}

TEST(TokenSource, CompressedTextIsTokenizedLikePlain) {
  TempDir dir;
  sweep::testing::write_gzip(dir.file("a.txt.gz"), "one\n\ntwo\n");
  sweep::testing::write_zstd(dir.file("b.jsonl.zst"), "{\"text\": \"z\"}\n");
  ReadOptions o;
  o.documents = TextDocuments::Paragraph;
  TokenSource s({"a.txt.gz", "b.jsonl.zst"}, dir.path().string(), o, Tokenizer::bytes());
  std::vector<std::int64_t> t(s.size());
  s.copy(0, t.size(), t.data());
  EXPECT_EQ(t, (std::vector<std::int64_t>{0, 'o', 'n', 'e', 0, 't', 'w', 'o', 0, 'z'}));
}

TEST(TokenSource, NanogptShardsWhenDeclared) {
  TempDir dir;
  write_file(dir.file("train.bin"), token_bytes(std::vector<std::uint16_t>{9, 8}));
  ReadOptions o;
  o.format = FileFormat::NanogptBin;
  TokenSource s({"train.bin"}, dir.path().string(), o, Tokenizer::bytes());
  std::vector<std::int64_t> t(2);
  s.copy(0, 2, t.data());
  EXPECT_EQ(t, (std::vector<std::int64_t>{9, 8}));
}

TEST(TokenSource, CopyPastTheEndThrows) {
  TempDir dir;
  write_llmc_shard(dir.file("a.bin"), {1, 2}, 256);
  TokenSource s({"a.bin"}, dir.path().string(), {}, Tokenizer::bytes());
  std::vector<std::int64_t> t(3);
  EXPECT_THROW(s.copy(0, 3, t.data()), std::out_of_range);
}

TEST(TokenSource, ManifestOfAnotherTokenizerIsRefusedNamingBoth) {
  TempDir dir;
  write_llmc_shard(dir.file("train_000000.bin"), {1, 2}, 256);
  Manifest m;
  m.tokenizer_name = "gpt2.json";
  m.tokenizer_hash = "sha256:abcd";
  m.vocab_size = 50257;
  write_manifest(dir.path().string(), m);
  const std::string e = source_error({"train_*.bin"}, dir.path().string());
  EXPECT_THAT(e, HasSubstr(dir.file("train_000000.bin") + ": tokenized by gpt2.json (sha256:abcd"));
  EXPECT_THAT(e, HasSubstr("this grid's tokenizer is bytes (bytes)"));
}

TEST(TokenSource, EmptyCorpusIsAnErrorNamingTheGlobs) {
  TempDir dir;
  write_file(dir.file("a.txt"), "");
  EXPECT_THAT(source_error({"*.txt"}, dir.path().string()), HasSubstr("*.txt: empty corpus"));
}

TEST(TokenSource, GlobMatchingNothingIsNamed) {
  TempDir dir;
  EXPECT_THAT(source_error({"*.bin"}, dir.path().string()), HasSubstr(dir.file("*.bin") + ": no file matches"));
}

TEST(TokenSource, TokensOutsideTheVocabularyAreRefused) {
  TempDir dir;
  write_llmc_shard(dir.file("a.bin"), {1, 300}, 512);
  EXPECT_THAT(source_error({"a.bin"}, dir.path().string()), HasSubstr(dir.file("a.bin") + ": token 300"));
}

}  // namespace
}  // namespace sweep::text
