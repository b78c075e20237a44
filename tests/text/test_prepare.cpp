// The pure parts of sweep prepare: the plan of work units (text/prepare_plan),
// the manifest (text/manifest) and one unit to shards (text/prepare_unit).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/sha256.hpp"
#include "tests/temp_dir.hpp"
#include "tests/text/corpus_fixtures.hpp"
#include "text/manifest.hpp"
#include "text/prepare_unit.hpp"
#include "text/shards.hpp"

namespace sweep::text {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using sweep::testing::read_file;
using sweep::testing::TempDir;
using sweep::testing::write_file;
using sweep::testing::write_gzip;

std::string jsonl_of(int n, const std::string& tag) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "{\"text\": \"" + tag + " document " + std::to_string(i) + "\"}\n";
  return s;
}

Manifest planned(const std::vector<std::string>& train, const std::vector<std::string>& valid, const PlanOptions& o) {
  Manifest m;
  const Tokenizer tok = Tokenizer::bytes();
  m.tokenizer_name = tok.name();
  m.tokenizer_hash = tok.hash();
  m.vocab_size = tok.vocab_size();
  m.eot = *tok.eot();
  m.options = o;
  m.sources = describe_sources(train, valid);
  m.units = plan_units(m.sources, o);
  return m;
}

TEST(PreparePlan, SplittableFilesAreCutAtLineBoundariesOthersAreOneUnit) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), jsonl_of(1000, "a"));  // ~27 kB
  write_gzip(dir.file("b.jsonl.gz"), jsonl_of(1000, "b"));
  write_file(dir.file("c.txt"), "whole file");
  PlanOptions o;
  o.unit_bytes = 8000;
  const auto units = plan_units(describe_sources({dir.file("a.jsonl"), dir.file("b.jsonl.gz"), dir.file("c.txt")}, {}), o);
  ASSERT_EQ(units.size(), 4u + 2u);
  const std::string a = read_file(dir.file("a.jsonl"));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(units[i].source, dir.file("a.jsonl"));
    EXPECT_TRUE(units[i].begin == 0 || a[units[i].begin - 1] == '\n');
    if (i > 0) {
      EXPECT_EQ(units[i].begin, units[i - 1].end);
    }
  }
  EXPECT_EQ(units[3].end, a.size());
  EXPECT_EQ(units[4].source, dir.file("b.jsonl.gz"));
  EXPECT_EQ(units[5].shard, "train_000005.bin");
  EXPECT_EQ(units[0].shard, "train_000000.bin");
}

TEST(PreparePlan, ValidFilesGetTheirOwnNumberingAfterTheTrainUnits) {
  TempDir dir;
  write_file(dir.file("t.txt"), "t");
  write_file(dir.file("v1.txt"), "v");
  write_file(dir.file("v2.txt"), "w");
  const auto units = plan_units(describe_sources({dir.file("t.txt")}, {dir.file("v1.txt"), dir.file("v2.txt")}), {});
  ASSERT_EQ(units.size(), 3u);
  EXPECT_EQ(units[0].shard, "train_000000.bin");
  EXPECT_EQ(units[1].shard, "valid_000000.bin");
  EXPECT_EQ(units[2].shard, "valid_000001.bin");
  EXPECT_EQ(units[2].index, 2);
  EXPECT_EQ(units[2].split, "valid");
}

TEST(PreparePlan, ValidFractionGivesEachTrainUnitAHeldOutShard) {
  TempDir dir;
  write_file(dir.file("t.txt"), "t");
  PlanOptions o;
  o.valid_fraction = 0.1;
  const auto units = plan_units(describe_sources({dir.file("t.txt")}, {}), o);
  EXPECT_EQ(units[0].held_out, "valid_000000.bin");
}

TEST(PreparePlan, ShardsAndUnknownExtensionsAreRefusedNamingTheFile) {
  TempDir dir;
  write_file(dir.file("t.bin"), "");
  write_gzip(dir.file("changelog.gz"), "x");
  for (const auto& [file, says] : {std::pair{dir.file("t.bin"), "shard holds tokens already"},
                                   std::pair{dir.file("changelog.gz"), "unknown format"}}) {
    try {
      plan_units(describe_sources({file}, {}), {});
      ADD_FAILURE() << file;
    } catch (const CorpusError& e) {
      EXPECT_THAT(e.what(), HasSubstr(file + ": "));
      EXPECT_THAT(e.what(), HasSubstr(says));
    }
  }
}

TEST(PreparePlan, AssignmentBalancesBytesAndIsDeterministic) {
  std::vector<WorkUnit> units(5);
  const std::uint64_t sizes[] = {10, 50, 30, 20, 40};
  for (int i = 0; i < 5; ++i) units[i].end = sizes[i];
  EXPECT_THAT(assign_units(units, 2), ElementsAre(0, 0, 1, 0, 1));  // 50 -> r0, 40 -> r1, 30 -> r1, 20 -> r0, 10 -> r0 (a tie: the lower rank)
  EXPECT_THAT(assign_units(units, 1), ElementsAre(0, 0, 0, 0, 0));
}

TEST(PreparePlan, HeldOutDependsOnlyOnTheTextAndMatchesTheFraction) {
  int held = 0;
  for (int i = 0; i < 20000; ++i) held += held_out("document number " + std::to_string(i), 0.1);
  EXPECT_NEAR(held, 2000, 200);
  EXPECT_EQ(held_out("same text", 0.5), held_out("same text", 0.5));
  EXPECT_FALSE(held_out("anything", 0.0));
}

TEST(Manifest, RoundTripsThroughJson) {
  TempDir dir;
  write_file(dir.file("t.jsonl"), jsonl_of(3, "t"));
  Manifest m = planned({dir.file("t.jsonl")}, {}, {});
  m.sweep_version = "0.1.0+test";
  record_shards(m, {{"train_000000.bin", "train", 0, 10, 1044, 3, 30, "ab"}});
  const Manifest back = parse_manifest(manifest_json(m), "m.json");
  EXPECT_EQ(manifest_json(back), manifest_json(m));
  EXPECT_EQ(back.shards.at(0).tokens, 10u);
  EXPECT_EQ(back.units, m.units);
}

TEST(Manifest, NotAManifestNamesTheFile) {
  try {
    parse_manifest("{\"kind\": \"something else\"}", "dir/manifest.json");
    FAIL();
  } catch (const CorpusError& e) {
    EXPECT_THAT(e.what(), HasSubstr("dir/manifest.json: not a sweep prepare manifest"));
  }
}

TEST(Manifest, AnotherTokenizerIsRefusedNamingBoth) {
  TempDir dir;
  write_file(dir.file("t.jsonl"), jsonl_of(3, "t"));
  const Manifest wanted = planned({dir.file("t.jsonl")}, {}, {});
  Manifest existing = wanted;
  existing.tokenizer_name = "gpt2/tokenizer.json";
  existing.tokenizer_hash = "sha256:0123";
  existing.vocab_size = 50257;
  const std::string why = manifest_mismatch(existing, wanted, "out");
  EXPECT_THAT(why, HasSubstr("out: holds shards of tokenizer gpt2/tokenizer.json (sha256:0123)"));
  EXPECT_THAT(why, HasSubstr("this run's tokenizer bytes (bytes)"));
  EXPECT_EQ(manifest_mismatch(wanted, wanted, "out"), "");
}

TEST(Manifest, ChangedInputsOrOptionsAreRefused) {
  TempDir dir;
  write_file(dir.file("t.jsonl"), jsonl_of(3, "t"));
  write_file(dir.file("u.jsonl"), jsonl_of(3, "u"));
  const Manifest wanted = planned({dir.file("t.jsonl")}, {}, {});
  EXPECT_THAT(manifest_mismatch(planned({dir.file("u.jsonl")}, {}, {}), wanted, "out"), HasSubstr("input " + dir.file("u.jsonl")));
  PlanOptions o;
  o.read.text_field = "body";
  EXPECT_THAT(manifest_mismatch(planned({dir.file("t.jsonl")}, {}, o), wanted, "out"), HasSubstr("other options"));
}

TEST(PrepareUnit, EachDocumentIsPrecededByEotAndTheShardIsRecorded) {
  TempDir dir;
  write_file(dir.file("t.jsonl"), "{\"text\": \"ab\"}\n{\"text\": \"c\"}\n");
  Manifest m = planned({dir.file("t.jsonl")}, {}, {});
  const auto records = prepare_unit(m.units[0], m.options, Tokenizer::bytes(), dir.path().string(), nullptr);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].tokens, 5u);
  EXPECT_EQ(records[0].documents, 2u);
  EXPECT_EQ(records[0].text_bytes, 3u);
  EXPECT_EQ(records[0].sha256, sha256_file(dir.file("train_000000.bin")));
  const Shard s = Shard::open(dir.file("train_000000.bin"), FileFormat::Auto);
  std::vector<std::int64_t> t(s.size());
  s.copy(0, s.size(), t.data());
  EXPECT_EQ(t, (std::vector<std::int64_t>{0, 'a', 'b', 0, 'c'}));
}

TEST(PrepareUnit, ABadLineLeavesNeitherShardNorTmp) {
  TempDir dir;
  write_file(dir.file("t.jsonl"), jsonl_of(1000, "t") + "{\"text\": 5}\n");
  PlanOptions o;
  o.valid_fraction = 0.5;
  Manifest m = planned({dir.file("t.jsonl")}, {}, o);
  const std::string out = dir.file("out");
  std::filesystem::create_directory(out);
  try {
    prepare_unit(m.units[0], m.options, Tokenizer::bytes(), out, nullptr);
    FAIL() << "no error";
  } catch (const CorpusError& e) {
    EXPECT_THAT(e.what(), HasSubstr(dir.file("t.jsonl") + ":1001: no string field \"text\""));
  }
  EXPECT_TRUE(std::filesystem::is_empty(out));
}

TEST(PrepareUnit, HeldOutDocumentsGoToTheValidShard) {
  TempDir dir;
  write_file(dir.file("t.jsonl"), jsonl_of(400, "t"));
  PlanOptions o;
  o.valid_fraction = 0.25;
  Manifest m = planned({dir.file("t.jsonl")}, {}, o);
  const auto records = prepare_unit(m.units[0], m.options, Tokenizer::bytes(), dir.path().string(), nullptr);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].path, "valid_000000.bin");
  EXPECT_EQ(records[0].documents + records[1].documents, 400u);
  EXPECT_NEAR(static_cast<double>(records[1].documents), 100.0, 35.0);
}

TEST(PrepareUnit, RangesGiveTheSameTokensAsTheWholeFile) {
  TempDir dir;
  write_file(dir.file("t.jsonl"), jsonl_of(2000, "t"));
  std::filesystem::create_directory(dir.file("whole"));
  std::filesystem::create_directory(dir.file("cut"));
  PlanOptions small;
  small.unit_bytes = 4096;
  const Manifest one = planned({dir.file("t.jsonl")}, {}, {});
  const Manifest many = planned({dir.file("t.jsonl")}, {}, small);
  ASSERT_GT(many.units.size(), 5u);
  prepare_unit(one.units[0], one.options, Tokenizer::bytes(), dir.file("whole"), nullptr);
  std::vector<std::int64_t> cut;
  for (const auto& u : many.units) {
    prepare_unit(u, many.options, Tokenizer::bytes(), dir.file("cut"), nullptr);
    const Shard s = Shard::open(dir.file("cut") + "/" + u.shard, FileFormat::Auto);
    const auto at = cut.size();
    cut.resize(at + s.size());
    s.copy(0, s.size(), cut.data() + at);
  }
  const Shard w = Shard::open(dir.file("whole") + "/train_000000.bin", FileFormat::Auto);
  std::vector<std::int64_t> whole(w.size());
  w.copy(0, w.size(), whole.data());
  EXPECT_EQ(cut, whole);
}

TEST(UnitsToDo, RecordedShardsWithTheirChecksumAreSkippedOthersRedone) {
  TempDir dir;
  write_file(dir.file("t.jsonl"), jsonl_of(2000, "t"));
  PlanOptions o;
  o.unit_bytes = 10000;
  Manifest m = planned({dir.file("t.jsonl")}, {}, o);
  ASSERT_GE(m.units.size(), 4u);
  const std::string out = dir.file("out");
  std::filesystem::create_directory(out);
  for (int i = 0; i < 3; ++i) {
    const auto r = prepare_unit(m.units[i], m.options, Tokenizer::bytes(), out, nullptr);
    if (i < 2) record_shards(m, r);  // unit 2: written but killed before it was recorded
  }
  write_file(out + "/" + m.units[1].shard, "corrupted");
  std::vector<std::string> notes;
  const auto todo = units_to_do(m, out, notes);
  EXPECT_EQ(todo.front(), 1);
  EXPECT_EQ(todo.size(), m.units.size() - 1);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_THAT(notes[0], HasSubstr("train_000001.bin: differs from its manifest entry"));
  EXPECT_THAT(notes[1], HasSubstr("train_000002.bin: not in the manifest"));
}

}  // namespace
}  // namespace sweep::text
