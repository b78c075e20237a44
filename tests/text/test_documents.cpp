// Corpus files as documents (text/documents.hpp): each format, compressed or
// not, byte ranges, and every error naming its file (and line for JSONL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/temp_dir.hpp"
#include "tests/text/corpus_fixtures.hpp"
#include "text/documents.hpp"

namespace sweep::text {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using sweep::testing::TempDir;
using sweep::testing::write_file;
using sweep::testing::write_gzip;
using sweep::testing::write_zstd;

std::vector<std::string> documents(const std::string& path, const ReadOptions& o = {}) {
  std::vector<std::string> out;
  for_each_document(path, o, [&](std::string_view d) { out.emplace_back(d); });
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const CorpusError& e) {
    return e.what();
  }
  return "(no CorpusError)";
}

ReadOptions paragraphs() {
  ReadOptions o;
  o.documents = TextDocuments::Paragraph;
  return o;
}

const std::string kJsonl = "{\"text\": \"first doc\", \"id\": 1}\n\n{\"id\": 2, \"text\": \"second\\ndoc \\u00e9\"}\n";

TEST(TextFile, IsOneDocumentWithItsBytesUnchanged) {
  TempDir dir;
  write_file(dir.file("a.txt"), "line one\n\nline two\n");
  EXPECT_THAT(documents(dir.file("a.txt")), ElementsAre("line one\n\nline two\n"));
}

TEST(TextFile, EmptyFileHasNoDocument) {
  TempDir dir;
  write_file(dir.file("a.txt"), "");
  EXPECT_TRUE(documents(dir.file("a.txt")).empty());
}

TEST(TextFile, ParagraphsAreSeparatedByBlankOrWhitespaceLines) {
  TempDir dir;
  write_file(dir.file("a.txt"), "\n\none\ntwo\n\n \t\r\nthree\n\n\n");
  EXPECT_THAT(documents(dir.file("a.txt"), paragraphs()), ElementsAre("one\ntwo", "three"));
}

TEST(TextFile, InvalidUtf8StaysBytes) {
  TempDir dir;
  const std::string bad = "caf\xe9 \xff\xfe end";
  write_file(dir.file("a.txt"), bad);
  EXPECT_THAT(documents(dir.file("a.txt")), ElementsAre(bad));
}

TEST(Jsonl, OneDocumentPerLineFromTheTextFieldSkippingBlankLines) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), kJsonl);
  EXPECT_THAT(documents(dir.file("a.jsonl")), ElementsAre("first doc", "second\ndoc \xc3\xa9"));
}

TEST(Jsonl, TextFieldIsConfigurable) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), "{\"body\": \"b\", \"text\": 3}\n");
  ReadOptions o;
  o.text_field = "body";
  EXPECT_THAT(documents(dir.file("a.jsonl"), o), ElementsAre("b"));
}

TEST(Jsonl, InvalidUtf8InsideAStringStaysBytes) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), "{\"text\": \"caf\xe9 \xff ok \xc3\xa9\", \"n\": 1}\n");
  EXPECT_THAT(documents(dir.file("a.jsonl")), ElementsAre("caf\xe9 \xff ok \xc3\xa9"));
}

TEST(Jsonl, MalformedLineNamesFileAndLine) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), "{\"text\": \"ok\"}\n{\"text\": oops}\n");
  const std::string e = error_of([&] { documents(dir.file("a.jsonl")); });
  EXPECT_THAT(e, HasSubstr(dir.file("a.jsonl") + ":2: not a JSON object: "));
  EXPECT_THAT(e, HasSubstr("parse error"));
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(Jsonl, NonObjectLineNamesFileAndLine) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), "[1, 2]\n");
  EXPECT_THAT(error_of([&] { documents(dir.file("a.jsonl")); }),
              HasSubstr(dir.file("a.jsonl") + ":1: not a JSON object: a JSON array"));
}

TEST(Jsonl, MissingTextFieldNamesFileAndLine) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), "{\"text\": \"ok\"}\n\n{\"content\": \"x\"}\n");
  EXPECT_THAT(error_of([&] { documents(dir.file("a.jsonl")); }),
              HasSubstr(dir.file("a.jsonl") + ":3: no string field \"text\""));
}

TEST(Jsonl, NonStringTextFieldNamesFileAndLine) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), "{\"text\": 42}\n");
  EXPECT_THAT(error_of([&] { documents(dir.file("a.jsonl")); }),
              HasSubstr(dir.file("a.jsonl") + ":1: no string field \"text\""));
}

TEST(Jsonl, ErrorInALaterRangeCountsLinesFromTheFileStart) {
  TempDir dir;
  const std::string path = dir.file("a.jsonl");
  write_file(path, "{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"text\": 7}\n");
  const auto begin = next_document_boundary(path, {}, 5);
  EXPECT_EQ(begin, 14u);
  EXPECT_THAT(error_of([&] {
                DocumentReader r(path, {}, begin);
                std::string_view d;
                while (r.next(d)) {
                }
              }),
              HasSubstr(path + ":3: no string field"));
}

TEST(Compressed, GzipAndZstdGiveTheSameDocumentsAsPlain) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), kJsonl);
  write_gzip(dir.file("a.jsonl.gz"), kJsonl);
  write_zstd(dir.file("a.jsonl.zst"), kJsonl);
  write_gzip(dir.file("b.txt.gz"), "x\n\ny\n");
  write_zstd(dir.file("b.txt.zst"), "x\n\ny\n");
  const auto plain = documents(dir.file("a.jsonl"));
  EXPECT_EQ(documents(dir.file("a.jsonl.gz")), plain);
  EXPECT_EQ(documents(dir.file("a.jsonl.zst")), plain);
  EXPECT_THAT(documents(dir.file("b.txt.gz"), paragraphs()), ElementsAre("x", "y"));
  EXPECT_THAT(documents(dir.file("b.txt.zst"), paragraphs()), ElementsAre("x", "y"));
}

TEST(Compressed, LargeZstdStreamsAcrossManyBuffers) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "{\"text\": \"document " + std::to_string(i) + "\"}\n";
  write_zstd(dir.file("big.jsonl.zst"), text);
  write_gzip(dir.file("big.jsonl.gz"), text);
  const auto z = documents(dir.file("big.jsonl.zst"));
  ASSERT_EQ(z.size(), 200000u);
  EXPECT_EQ(z.back(), "document 199999");
  EXPECT_EQ(documents(dir.file("big.jsonl.gz")), z);
}

TEST(Jsonl, ALineOfManyMegabytesIsOneDocument) {
  TempDir dir;
  const std::string big(20u << 20, 'w');
  write_file(dir.file("a.jsonl"), "{\"text\": \"" + big + "\"}\n{\"text\": \"next\"}\n");
  const auto docs = documents(dir.file("a.jsonl"));
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].size(), big.size());
  EXPECT_EQ(docs[1], "next");
}

TEST(Compressed, CorruptGzipNamesFile) {
  TempDir dir;
  std::string gz;
  {
    write_gzip(dir.file("ok.gz"), std::string(100000, 'a') + "tail");
    gz = sweep::testing::read_file(dir.file("ok.gz"));
  }
  write_file(dir.file("cut.txt.gz"), gz.substr(0, gz.size() / 2));
  EXPECT_THAT(error_of([&] { documents(dir.file("cut.txt.gz")); }),
              HasSubstr(dir.file("cut.txt.gz") + ": corrupt gzip data"));
  write_file(dir.file("plain.txt.gz"), "not gzip at all\n");
  EXPECT_THAT(error_of([&] { documents(dir.file("plain.txt.gz")); }),
              HasSubstr(dir.file("plain.txt.gz") + ": corrupt gzip data"));
}

TEST(Compressed, CorruptZstdNamesFile) {
  TempDir dir;
  const std::string z = sweep::testing::zstd_bytes(std::string(100000, 'b') + "xyz");
  write_file(dir.file("cut.txt.zst"), z.substr(0, z.size() - 3));
  EXPECT_THAT(error_of([&] { documents(dir.file("cut.txt.zst")); }),
              HasSubstr(dir.file("cut.txt.zst") + ": corrupt zstd data"));
  write_file(dir.file("junk.txt.zst"), "definitely not zstd");
  EXPECT_THAT(error_of([&] { documents(dir.file("junk.txt.zst")); }),
              HasSubstr(dir.file("junk.txt.zst") + ": corrupt zstd data"));
}

TEST(CorpusFile, MissingFileNamesIt) {
  TempDir dir;
  EXPECT_THAT(error_of([&] { documents(dir.file("nope.txt")); }), HasSubstr(dir.file("nope.txt") + ": cannot open"));
}

TEST(CorpusFile, UnknownExtensionAsksForAFormat) {
  TempDir dir;
  write_file(dir.file("LICENSE"), "x");
  EXPECT_THAT(error_of([&] { documents(dir.file("LICENSE")); }), HasSubstr(dir.file("LICENSE") + ": unknown format"));
  ReadOptions o;
  o.format = FileFormat::Text;
  EXPECT_THAT(documents(dir.file("LICENSE"), o), ElementsAre("x"));
}

TEST(FormatOf, ByExtensionAfterCompression) {
  EXPECT_EQ(format_of("a.txt", FileFormat::Auto), FileFormat::Text);
  EXPECT_EQ(format_of("a.jsonl.zst", FileFormat::Auto), FileFormat::Jsonl);
  EXPECT_EQ(format_of("a.txt.gz", FileFormat::Auto), FileFormat::Text);
  EXPECT_EQ(format_of("a.bin", FileFormat::Auto), FileFormat::LlmcBin);
  EXPECT_EQ(format_of("a.bin", FileFormat::NanogptBin), FileFormat::NanogptBin);
}

TEST(ExpandGlobs, SortedPerGlobInGlobOrderWithoutDuplicates) {
  TempDir dir;
  for (const char* f : {"b.txt", "a.txt", "c.jsonl"}) write_file(dir.file(f), "x");
  const auto files = expand_globs({"*.jsonl", "*.txt", "a.txt"}, dir.path().string());
  EXPECT_THAT(files, ElementsAre(dir.file("c.jsonl"), dir.file("a.txt"), dir.file("b.txt")));
}

TEST(ExpandGlobs, AbsoluteGlobIgnoresTheBaseDir) {
  TempDir dir;
  write_file(dir.file("a.txt"), "x");
  EXPECT_THAT(expand_globs({dir.file("*.txt")}, "/nonexistent"), ElementsAre(dir.file("a.txt")));
}

TEST(ExpandGlobs, GlobMatchingNothingNamesIt) {
  TempDir dir;
  EXPECT_THAT(error_of([&] { expand_globs({"*.jsonl"}, dir.path().string()); }),
              HasSubstr(dir.file("*.jsonl") + ": no file matches"));
  EXPECT_THAT(error_of([&] { expand_globs({"missing.txt"}, dir.path().string()); }),
              HasSubstr(dir.file("missing.txt") + ": no such file"));
}

TEST(DocumentRanges, CutAtBoundariesGiveTheSameDocumentsAsTheWholeFile) {
  TempDir dir;
  std::string jsonl, text;
  for (int i = 0; i < 500; ++i) {
    jsonl += "{\"text\": \"doc " + std::to_string(i) + std::string(i % 37, 'x') + "\"}\n";
    text += "para " + std::to_string(i) + "\n" + std::string(i % 13, 'y') + "\n" + (i % 3 ? "\n" : "\n \n\n");
  }
  write_file(dir.file("a.jsonl"), jsonl);
  write_file(dir.file("a.txt"), text);
  for (const auto& [path, options] : {std::pair{dir.file("a.jsonl"), ReadOptions{}}, std::pair{dir.file("a.txt"), paragraphs()}}) {
    ASSERT_TRUE(splittable(path, options));
    const auto whole = documents(path, options);
    std::vector<std::string> pieces;
    std::uint64_t begin = 0;
    const std::uint64_t size = sweep::testing::read_file(path).size();
    while (begin < size) {
      const std::uint64_t end = next_document_boundary(path, options, begin + 1000);
      ASSERT_GT(end, begin);
      DocumentReader r(path, options, begin, end);
      std::string_view d;
      while (r.next(d)) pieces.emplace_back(d);
      begin = end;
    }
    EXPECT_EQ(pieces, whole) << path;
  }
}

TEST(DocumentRanges, CompressedAndWholeFileDocumentsAreNotSplittable) {
  EXPECT_FALSE(splittable("a.jsonl.gz", {}));
  EXPECT_FALSE(splittable("a.txt", {}));
  EXPECT_TRUE(splittable("a.txt", paragraphs()));
}

}  // namespace
}  // namespace sweep::text
