// text/tokenizer: tokenizer.json loading and encoding/decoding, component by
// component, on small hand-written files; errors name the file and the
// component; the byte tokenizer; WHATWG UTF-8 repair. Parity with Hugging
// Face on real files is tests/text/parity.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/sha256.hpp"
#include "tests/temp_dir.hpp"
#include "text/byte_level.hpp"
#include "text/tokenizer.hpp"
#include "text/utf8.hpp"

namespace sweep::text {
namespace {

using json = nlohmann::json;
using Ids = std::vector<TokenId>;

// A BPE tokenizer.json with the given vocabulary and merges and no other
// components; tests add the component under test.
json bpe(json vocab, json merges = json::array()) {
  return {{"version", "1.0"},
          {"added_tokens", json::array()},
          {"normalizer", nullptr},
          {"pre_tokenizer", nullptr},
          {"post_processor", nullptr},
          {"decoder", nullptr},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", nullptr},
            {"fuse_unk", false},
            {"byte_fallback", false},
            {"vocab", std::move(vocab)},
            {"merges", std::move(merges)}}}};
}

// A vocabulary of GPT-2's 256 byte characters (id = byte) plus `extra`.
json byte_level_vocab(const std::vector<std::string>& extra) {
  json v = json::object();
  for (int b = 0; b < 256; ++b) v[byte_to_unicode()[b]] = b;
  int id = 256;
  for (const auto& e : extra) v[e] = id++;
  return v;
}

json added(TokenId id, const std::string& content, bool special, json flags = json::object()) {
  json a = {{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
            {"rstrip", false}, {"normalized", false}, {"special", special}};
  for (auto it = flags.begin(); it != flags.end(); ++it) a[it.key()] = it.value();
  return a;
}

class TokenizerFile : public ::testing::Test {
 protected:
  std::string write(const json& j, const std::string& name = "tokenizer.json") {
    const std::string path = dir_.file(name);
    std::ofstream(path) << j.dump();
    return path;
  }
  Tokenizer load(const json& j) { return Tokenizer::from_file(write(j)); }
  // The TokenizerError's message for loading `j`.
  std::string error(const json& j, std::string* path = nullptr) {
    const std::string p = write(j);
    if (path) *path = p;
    try {
      Tokenizer::from_file(p);
    } catch (const TokenizerError& e) {
      return e.what();
    }
    ADD_FAILURE() << "loading did not fail";
    return "";
  }
  testing::TempDir dir_;
};

// --- the BPE model -----------------------------------------------------------

using BpeTokenizer = TokenizerFile;

TEST_F(BpeTokenizer, MergesApplyInRankOrder) {
  const json vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"bc", 4}, {"abc", 5}};
  // "b c" outranks "a b", so "abc" becomes a + bc, and no merge joins those.
  EXPECT_EQ(load(bpe(vocab, {"b c", "a b"})).encode("abc"), (Ids{0, 4}));
  EXPECT_EQ(load(bpe(vocab, {"a b", "b c", "ab c"})).encode("abc"), (Ids{5}));
}

TEST_F(BpeTokenizer, EqualRanksMergeLeftmostFirst) {
  const json vocab = {{"a", 0}, {"aa", 1}};
  EXPECT_EQ(load(bpe(vocab, {"a a"})).encode("aaa"), (Ids{1, 0}));
  EXPECT_EQ(load(bpe(vocab, {"a a"})).encode("aaaa"), (Ids{1, 1}));
}

TEST_F(BpeTokenizer, MergesInPairFormEqualTheStringForm) {
  const json vocab = {{"a", 0}, {"b", 1}, {"ab", 2}, {"a b", 3}, {" ", 4}};
  EXPECT_EQ(load(bpe(vocab, {"a b"})).encode("ab"), (Ids{2}));
  EXPECT_EQ(load(bpe(vocab, json::array({json::array({"a", "b"})}))).encode("ab"), (Ids{2}));
}

TEST_F(BpeTokenizer, IgnoreMergesTakesAWordInTheVocabularyWhole) {
  json j = bpe({{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"abc", 4}}, {"a b"});
  EXPECT_EQ(load(j).encode("abc"), (Ids{3, 2}));
  j["model"]["ignore_merges"] = true;
  EXPECT_EQ(load(j).encode("abc"), (Ids{4}));
}

TEST_F(BpeTokenizer, ByteFallbackSpellsUnknownCharactersAsBytes) {
  json j = bpe({{"<unk>", 0}, {"<0xC3>", 1}, {"<0xA9>", 2}, {"a", 3}});
  j["model"]["unk_token"] = "<unk>";
  j["model"]["byte_fallback"] = true;
  EXPECT_EQ(load(j).encode("a\xC3\xA9"), (Ids{3, 1, 2}));  // "aé"
  // Without every byte's token, the character is unknown.
  EXPECT_EQ(load(j).encode("\xC3\xA8"), (Ids{0}));  // "è": no <0xA8>
}

TEST_F(BpeTokenizer, UnknownCharactersFuseIntoOneUnkWhenAsked) {
  json j = bpe({{"<unk>", 0}, {"a", 1}});
  j["model"]["unk_token"] = "<unk>";
  EXPECT_EQ(load(j).encode("xyza"), (Ids{0, 0, 0, 1}));
  j["model"]["fuse_unk"] = true;
  EXPECT_EQ(load(j).encode("xyza"), (Ids{0, 1}));
}

TEST_F(BpeTokenizer, UnknownCharactersWithoutAnUnkTokenAreDropped) {
  EXPECT_EQ(load(bpe({{"a", 0}})).encode("xay"), (Ids{0}));
}

TEST_F(BpeTokenizer, SubwordAffixesMarkEachCharactersPlaceInTheWord) {
  // WordPiece-style: "##" before every character but the first, "</w>" after
  // the last; a merge with a "##" token drops its prefix ("##b" + "##c</w>" =
  // "##bc</w>").
  json j = bpe({{"a", 0}, {"##b", 1}, {"##c</w>", 2}, {"##bc</w>", 3}, {"a</w>", 4}, {"b", 5}},
               json::array({json::array({"##b", "##c</w>"})}));
  j["model"]["continuing_subword_prefix"] = "##";
  j["model"]["end_of_word_suffix"] = "</w>";
  EXPECT_EQ(load(j).encode("abc"), (Ids{0, 3}));
  EXPECT_EQ(load(j).encode("a"), (Ids{4}));
}

TEST_F(BpeTokenizer, RepeatedWordsGiveTheSameIdsFromTheCache) {
  const Tokenizer t = load(bpe({{"a", 0}, {"b", 1}, {"ab", 2}}, {"a b"}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(t.encode("abab"), (Ids{2, 2}));
}

TEST_F(BpeTokenizer, ConcurrentEncodesAgreeWithOneThread) {
  json j = bpe(byte_level_vocab({"\xC4\xA0w", "hi"}), {"\xC4\xA0 w", "h i"});
  j["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  const Tokenizer t = load(j);
  std::vector<std::string> lines;
  for (int i = 0; i < 400; ++i) lines.push_back("hi w " + std::to_string(i) + std::string(i % 7, ' ') + "w");
  std::vector<Ids> expected;
  for (const auto& l : lines) expected.push_back(t.encode(l));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (int rep = 0; rep < 5; ++rep)
        for (std::size_t i = 0; i < lines.size(); ++i) mismatches[k] += t.encode(lines[i]) != expected[i];
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, (std::vector<int>{0, 0, 0, 0}));
}

// --- pre-tokenizers ------------------------------------------------------------

using PreTokenizers = TokenizerFile;

TEST_F(PreTokenizers, ByteLevelSplitsLikeGpt2AndSpellsBytesAsCharacters) {
  // "Ġw" is " w": the space joins the word after it, as GPT-2's regex does.
  json j = bpe(byte_level_vocab({"\xC4\xA0w", "hi"}), {"\xC4\xA0 w", "h i"});
  j["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  const Tokenizer t = load(j);
  EXPECT_EQ(t.encode("hi w"), (Ids{257, 256}));
  // "  w": the first space stays alone (\s+(?!\S)), the second joins "w".
  EXPECT_EQ(t.encode("  w"), (Ids{' ', 256}));
  // A non-ASCII character is its UTF-8 bytes.
  EXPECT_EQ(t.encode("\xC3\xA9"), (Ids{0xC3, 0xA9}));
}

TEST_F(PreTokenizers, ByteLevelAddPrefixSpacePrependsOne) {
  json j = bpe(byte_level_vocab({"\xC4\xA0w"}), {"\xC4\xA0 w"});
  j["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
  EXPECT_EQ(load(j).encode("w"), (Ids{256}));
}

// Splitting "a-a" / "a--a" on "-" with each behavior, seen through merges
// that would join across the cut.
json split_tokenizer(const std::string& behavior, bool invert = false) {
  json j = bpe({{"a", 0}, {"-", 1}, {"a-", 2}, {"-a", 3}, {"--", 4}}, {"a -", "- a", "- -"});
  j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"String", "-"}}}, {"behavior", behavior}, {"invert", invert}};
  return j;
}

TEST_F(PreTokenizers, SplitIsolatedKeepsEachDelimiterAlone) {
  EXPECT_EQ(load(split_tokenizer("Isolated")).encode("a-a"), (Ids{0, 1, 0}));
}
TEST_F(PreTokenizers, SplitRemovedDropsDelimiters) {
  EXPECT_EQ(load(split_tokenizer("Removed")).encode("a-a"), (Ids{0, 0}));
}
TEST_F(PreTokenizers, SplitMergedWithPreviousJoinsTheDelimiterToTheLeft) {
  EXPECT_EQ(load(split_tokenizer("MergedWithPrevious")).encode("a-a"), (Ids{2, 0}));
}
TEST_F(PreTokenizers, SplitMergedWithNextJoinsTheDelimiterToTheRight) {
  EXPECT_EQ(load(split_tokenizer("MergedWithNext")).encode("a-a"), (Ids{0, 3}));
}
TEST_F(PreTokenizers, SplitContiguousJoinsRunsOfDelimiters) {
  EXPECT_EQ(load(split_tokenizer("Isolated")).encode("a--a"), (Ids{0, 1, 1, 0}));
  EXPECT_EQ(load(split_tokenizer("Contiguous")).encode("a--a"), (Ids{0, 4, 0}));
}
TEST_F(PreTokenizers, SplitInvertTreatsTheTextBetweenMatchesAsDelimiters) {
  // Inverted, the "a"s are the delimiters, so Removed drops them.
  EXPECT_EQ(load(split_tokenizer("Removed", true)).encode("a-a"), (Ids{1}));
}

TEST_F(PreTokenizers, SplitRegexUsesUnicodeProperties) {
  json j = bpe({{"1", 0}, {"2", 1}, {"12", 2}, {"x", 3}, {"x1", 4}, {"\xD9\xA3", 5}}, {"1 2", "x 1"});
  j["pre_tokenizer"] = {
      {"type", "Split"}, {"pattern", {{"Regex", "\\p{N}+"}}}, {"behavior", "Isolated"}, {"invert", false}};
  EXPECT_EQ(load(j).encode("x12"), (Ids{3, 2}));
  EXPECT_EQ(load(j).encode("x\xD9\xA3"), (Ids{3, 5}));  // ARABIC-INDIC DIGIT THREE is \p{N}
}

TEST_F(PreTokenizers, SplitRegexWhitespaceIncludesNextLine) {
  // Oniguruma's \s has U+0085 (NEL), unlike PCRE2's; \s+ must take it.
  json j = bpe({{"\xC2\x85", 0}, {" ", 1}, {"x", 2}, {" \xC2\x85", 3}, {"x ", 4}}, {"  \xC2\x85", "x  "});
  j["model"]["merges"] = json::array({json::array({" ", "\xC2\x85"}), json::array({"x", " "})});
  j["pre_tokenizer"] = {
      {"type", "Split"}, {"pattern", {{"Regex", "\\s+"}}}, {"behavior", "Isolated"}, {"invert", false}};
  EXPECT_EQ(load(j).encode("x \xC2\x85"), (Ids{2, 3}));
}

TEST_F(PreTokenizers, SplitRegexWhitespaceIsWhiteSpaceSinceUnicodeSixThree) {
  // U+180E left White_Space in Unicode 6.3; Oniguruma's \s follows, PCRE2's
  // own \s does not. "x \u180e": the space ends the \s+ run, so it stays
  // apart from the separator.
  json j = bpe({{" ", 0}, {"x", 1}, {"\xE1\xA0\x8E", 2}, {" \xE1\xA0\x8E", 3}},
               json::array({json::array({" ", "\xE1\xA0\x8E"})}));
  j["pre_tokenizer"] = {
      {"type", "Split"}, {"pattern", {{"Regex", "\\s+"}}}, {"behavior", "Isolated"}, {"invert", false}};
  EXPECT_EQ(load(j).encode("x \xE1\xA0\x8E"), (Ids{1, 0, 2}));
}

TEST_F(PreTokenizers, SplitRegexLettersIncludeScriptsNewerThanPcre2sTables) {
  // U+31350 (CJK Extension H, Unicode 15) is \p{L} to Oniguruma.
  json j = bpe({{"x", 0}, {"\xF0\xB1\x8D\x90", 1}, {"x\xF0\xB1\x8D\x90", 2}},
               json::array({json::array({"x", "\xF0\xB1\x8D\x90"})}));
  j["pre_tokenizer"] = {
      {"type", "Split"}, {"pattern", {{"Regex", "[^\\p{L}]"}}}, {"behavior", "Isolated"}, {"invert", false}};
  EXPECT_EQ(load(j).encode("x\xF0\xB1\x8D\x90"), (Ids{2}));
}

TEST_F(PreTokenizers, MetaspaceReplacesSpacesAndPrependsByScheme) {
  const std::string meta = "\xE2\x96\x81";
  json j = bpe({{meta, 0}, {"a", 1}, {meta + "a", 2}, {"b", 3}, {meta + "b", 4}},
               json::array({json::array({meta, "a"}), json::array({meta, "b"})}));
  j["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", meta}, {"prepend_scheme", "always"}, {"split", true}};
  EXPECT_EQ(load(j).encode("a b"), (Ids{2, 4}));
  j["pre_tokenizer"]["prepend_scheme"] = "never";
  EXPECT_EQ(load(j).encode("a b"), (Ids{1, 4}));
  j["pre_tokenizer"]["prepend_scheme"] = "first";
  j["added_tokens"] = json::array({added(5, "<s>", true)});
  // "first": only the text at the very start gets the prefix.
  EXPECT_EQ(load(j).encode("a<s>b"), (Ids{2, 5, 3}));
  j["pre_tokenizer"]["split"] = false;
  j["model"]["vocab"][meta + "a" + meta + "b"] = 6;
  j["model"]["merges"].push_back(json::array({meta + "a", meta + "b"}));
  EXPECT_EQ(load(j).encode("a b"), (Ids{6}));
}

TEST_F(PreTokenizers, DigitsIsolatesEachDigitOrEachRun) {
  json j = bpe({{"1", 0}, {"2", 1}, {"12", 2}}, {"1 2"});
  j["pre_tokenizer"] = {{"type", "Digits"}, {"individual_digits", true}};
  EXPECT_EQ(load(j).encode("12"), (Ids{0, 1}));
  j["pre_tokenizer"]["individual_digits"] = false;
  EXPECT_EQ(load(j).encode("12"), (Ids{2}));
}

TEST_F(PreTokenizers, SequenceAppliesEachInOrder) {
  json j = bpe(byte_level_vocab({}));
  j["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"}, {"pattern", {{"Regex", "\\p{N}{1,3}"}}}, {"behavior", "Isolated"}, {"invert", false}},
        {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
  EXPECT_EQ(load(j).encode("1\n"), (Ids{'1', '\n'}));
}

// --- normalizers ---------------------------------------------------------------

using Normalizers = TokenizerFile;

TEST_F(Normalizers, NfcComposesAndNfkcFoldsCompatibilityForms) {
  json j = bpe({{"\xC3\xA9", 0}, {"f", 1}, {"i", 2}, {"e", 3}, {"\xCC\x81", 4}, {"\xEF\xAC\x81", 5}});
  EXPECT_EQ(load(j).encode("e\xCC\x81"), (Ids{3, 4}));
  j["normalizer"] = {{"type", "NFC"}};
  EXPECT_EQ(load(j).encode("e\xCC\x81"), (Ids{0}));
  EXPECT_EQ(load(j).encode("\xEF\xAC\x81"), (Ids{5}));  // the "fi" ligature survives NFC
  j["normalizer"] = {{"type", "NFKC"}};
  EXPECT_EQ(load(j).encode("\xEF\xAC\x81"), (Ids{1, 2}));
}

TEST_F(Normalizers, NfkcKeepsWhatTheCratesTablesKeep) {
  // U+32FF SQUARE ERA NAME REIWA decomposes in Unicode 12.1+ (and in ICU) but
  // not in the crate's tables; the text around it is normalized as usual.
  json j = bpe({{"\xE3\x8B\xBF", 0}, {"f", 1}, {"i", 2}});
  j["normalizer"] = {{"type", "NFKC"}};
  EXPECT_EQ(load(j).encode("\xEF\xAC\x81\xE3\x8B\xBF\xEF\xAC\x81"), (Ids{1, 2, 0, 1, 2}));
}

TEST_F(Normalizers, DivesAkuruOIsNeitherComposedNorDecomposedAsInTheCrate) {
  const std::string e = "\xF0\x91\xA4\xB5", aa = "\xF0\x91\xA4\xB0", o = "\xF0\x91\xA4\xB8";
  json j = bpe({{e, 0}, {aa, 1}, {o, 2}});
  j["normalizer"] = {{"type", "NFC"}};
  EXPECT_EQ(load(j).encode(e + aa), (Ids{0, 1}));
  j["normalizer"] = {{"type", "NFD"}};
  EXPECT_EQ(load(j).encode(o), (Ids{2}));
}

TEST_F(Normalizers, LowercaseLowersUnicode) {
  json j = bpe({{"a", 0}, {"\xC3\xA9", 1}});
  j["normalizer"] = {{"type", "Lowercase"}};
  EXPECT_EQ(load(j).encode("A\xC3\x89"), (Ids{0, 1}));  // "AÉ"
  // GARAY CAPITAL LETTER A (Unicode 16), which ICU 72 does not know yet.
  j["model"]["vocab"]["\xF0\x90\xB5\xB0"] = 2;
  EXPECT_EQ(load(j).encode("\xF0\x90\xB5\x90"), (Ids{2}));
}

TEST_F(Normalizers, PrependAndReplaceMakeLlamaTwoStyleWords) {
  const std::string meta = "\xE2\x96\x81";
  json j = bpe({{meta, 0}, {"a", 1}, {"b", 2}});
  j["normalizer"] = {{"type", "Sequence"},
                     {"normalizers",
                      {{{"type", "Prepend"}, {"prepend", meta}},
                       {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", meta}}}}};
  EXPECT_EQ(load(j).encode("a b"), (Ids{0, 1, 0, 2}));
  EXPECT_EQ(load(j).encode(""), Ids{});  // Prepend leaves empty text empty
}

TEST_F(Normalizers, ReplaceTakesARegex) {
  json j = bpe({{"a", 0}, {"-", 1}});
  j["normalizer"] = {{"type", "Replace"}, {"pattern", {{"Regex", "\\d+"}}}, {"content", "-"}};
  EXPECT_EQ(load(j).encode("a123a"), (Ids{0, 1, 0}));
}

// --- decoders -------------------------------------------------------------------

using Decoders = TokenizerFile;

TEST_F(Decoders, ByteLevelMapsCharactersBackToBytes) {
  json j = bpe(byte_level_vocab({"\xC4\xA0w"}), {"\xC4\xA0 w"});
  j["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  j["decoder"] = {{"type", "ByteLevel"}};
  const Tokenizer t = load(j);
  EXPECT_EQ(t.decode({'h', 256}), "h w");
  EXPECT_EQ(t.decode({0xC3, 0xA9}), "\xC3\xA9");
  EXPECT_EQ(t.decode({0xC3}), "\xEF\xBF\xBD");  // a lone lead byte decodes to U+FFFD
}

TEST_F(Decoders, LlamaTwoChainRestoresTheText) {
  const std::string meta = "\xE2\x96\x81";
  json j = bpe({{"<unk>", 0}, {meta, 1}, {"a", 2}, {"<0xC3>", 3}, {"<0xA9>", 4}, {"<0xFF>", 5}});
  j["decoder"] = {{"type", "Sequence"},
                  {"decoders",
                   {{{"type", "Replace"}, {"pattern", {{"String", meta}}}, {"content", " "}},
                    {{"type", "ByteFallback"}},
                    {{"type", "Fuse"}},
                    {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  const Tokenizer t = load(j);
  EXPECT_EQ(t.decode({1, 2, 1, 3, 4}), "a \xC3\xA9");
  // Bytes that are not UTF-8 become one U+FFFD each.
  EXPECT_EQ(t.decode({2, 5, 3}), "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_F(Decoders, MetaspaceDropsEveryReplacementOfTheFirstTokenOnly) {
  const std::string meta = "\xE2\x96\x81";
  json j = bpe({{meta + "a", 0}, {meta + "b", 1}, {meta + meta + "c", 2}});
  j["decoder"] = {{"type", "Metaspace"}, {"replacement", meta}, {"prepend_scheme", "always"}, {"split", true}};
  EXPECT_EQ(load(j).decode({0, 1}), "a b");
  EXPECT_EQ(load(j).decode({2, 2}), "c  c");  // as the crate: the first token loses both
  j["decoder"]["prepend_scheme"] = "never";
  EXPECT_EQ(load(j).decode({0, 1}), " a b");
}

TEST_F(Decoders, WithoutADecoderTokensAreJoinedBySpaces) {
  EXPECT_EQ(load(bpe({{"a", 0}, {"b", 1}})).decode({0, 1}), "a b");
}

// --- added tokens ----------------------------------------------------------------

using AddedTokens = TokenizerFile;

TEST_F(AddedTokens, AreMatchedBeforeTheModelLongestFirst) {
  json j = bpe({{"<", 0}, {"a", 1}, {">", 2}});
  j["added_tokens"] = json::array({added(3, "<a>", true), added(4, "<a>>", false)});
  const Tokenizer t = load(j);
  EXPECT_EQ(t.encode("a<a>a"), (Ids{1, 3, 1}));
  EXPECT_EQ(t.encode("<a>>"), (Ids{4}));
  EXPECT_EQ(t.decode({1, 3, 1}), "a <a> a");  // no decoder: joined by spaces
  EXPECT_EQ(t.vocab_size(), 5u);
}

TEST_F(AddedTokens, LstripAndRstripTakeTheSurroundingWhitespace) {
  json j = bpe({{" ", 0}, {"a", 1}});
  j["added_tokens"] = json::array({added(2, "<m>", true, {{"lstrip", true}, {"rstrip", true}})});
  EXPECT_EQ(load(j).encode("a  <m>  a"), (Ids{1, 2, 1}));
}

TEST_F(AddedTokens, SingleWordMatchesOnlyBetweenNonWordCharacters) {
  json j = bpe({{" ", 0}, {"a", 1}, {"x", 2}, {"y", 3}});
  j["added_tokens"] = json::array({added(4, "xy", false, {{"single_word", true}})});
  EXPECT_EQ(load(j).encode("a xy"), (Ids{1, 0, 4}));
  EXPECT_EQ(load(j).encode("axy"), (Ids{1, 2, 3}));
}

TEST_F(AddedTokens, ContentInTheModelVocabularyKeepsTheModelsId) {
  // As the crate re-adds them on load, whatever id the file says.
  json j = bpe({{"a", 0}, {"<x>", 1}});
  j["added_tokens"] = json::array({added(7, "<x>", true)});
  EXPECT_EQ(load(j).encode("a<x>"), (Ids{0, 1}));
  EXPECT_EQ(load(j).vocab_size(), 2u);
}

TEST_F(AddedTokens, NormalizedOnesAreMatchedInTheNormalizedText) {
  json j = bpe({{"a", 0}, {"b", 1}});
  j["normalizer"] = {{"type", "Lowercase"}};
  j["added_tokens"] = json::array({added(2, "AB", false, {{"normalized", true}})});
  EXPECT_EQ(load(j).encode("aBa"), (Ids{2, 0}));
}

// --- errors ----------------------------------------------------------------------

using TokenizerErrors = TokenizerFile;

void expect_names(const std::string& message, const std::vector<std::string>& parts) {
  for (const auto& p : parts) EXPECT_NE(message.find(p), std::string::npos) << message << "\nlacks: " << p;
}

TEST_F(TokenizerErrors, AnUnreadableFileIsNamed) {
  try {
    Tokenizer::from_file(dir_.file("missing.json"));
    FAIL();
  } catch (const TokenizerError& e) {
    expect_names(e.what(), {dir_.file("missing.json")});
  }
}

TEST_F(TokenizerErrors, InvalidJsonIsNamed) {
  const std::string path = dir_.file("bad.json");
  std::ofstream(path) << "{\"model\": ";
  try {
    Tokenizer::from_file(path);
    FAIL();
  } catch (const TokenizerError& e) {
    expect_names(e.what(), {path, "not valid JSON"});
  }
}

TEST_F(TokenizerErrors, OtherModelTypesAreNamed) {
  json j = bpe({{"a", 0}});
  j["model"]["type"] = "WordPiece";
  std::string path;
  const std::string m = error(j, &path);
  expect_names(m, {path, "model type \"WordPiece\" is not supported", "supported: BPE"});
}

TEST_F(TokenizerErrors, UnknownPreTokenizerIsNamedWithTheSupportedOnes) {
  json j = bpe({{"a", 0}});
  j["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", {{{"type", "BertPreTokenizer"}}}}};
  std::string path;
  expect_names(error(j, &path), {path + ": pre_tokenizer type \"BertPreTokenizer\" is not supported "
                                        "(supported: ByteLevel, Split, Metaspace, Sequence, Digits)"});
}

TEST_F(TokenizerErrors, UnknownNormalizerAndDecoderAreNamed) {
  json j = bpe({{"a", 0}});
  j["normalizer"] = {{"type", "BertNormalizer"}};
  std::string path;
  expect_names(error(j, &path), {path, "normalizer type \"BertNormalizer\" is not supported"});
  j["normalizer"] = nullptr;
  j["decoder"] = {{"type", "WordPiece"}};
  expect_names(error(j, &path), {path, "decoder type \"WordPiece\" is not supported"});
}

TEST_F(TokenizerErrors, MergesOutsideTheVocabularyAreNamed) {
  std::string path;
  expect_names(error(bpe({{"a", 0}}, {"a b"}), &path), {path, "merge 0", "not in the vocabulary"});
}

TEST_F(TokenizerErrors, MergesShorterThanTheSubwordPrefixAreNamed) {
  json j = bpe({{"a", 0}, {"#", 1}, {"a#", 2}}, {"a #"});
  j["model"]["continuing_subword_prefix"] = "##";
  expect_names(error(j), {"merge 0", "shorter than continuing_subword_prefix"});
}

TEST_F(TokenizerErrors, BadRegexIsNamed) {
  json j = bpe({{"a", 0}});
  j["pre_tokenizer"] = {
      {"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}, {"invert", false}};
  expect_names(error(j), {"(unclosed", "does not compile"});
}

// --- UTF-8 repair ------------------------------------------------------------------

TEST(Utf8Repair, EachMaximalInvalidSubpartBecomesOneReplacement) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(repair_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(repair_utf8("\xFF"), r);
  EXPECT_EQ(repair_utf8("\xF0\x9F\x98x"), r + "x");           // truncated 4-byte sequence: one
  EXPECT_EQ(repair_utf8("\xC0\xAF"), r + r);                  // overlong lead: each byte
  EXPECT_EQ(repair_utf8("\xED\xA0\x80"), r + r + r);          // surrogate: each byte
  EXPECT_EQ(repair_utf8("\xF4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
  EXPECT_EQ(repair_utf8("\xE2\x82"), r);                      // truncated at the end
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));
}

TEST_F(TokenizerFile, InvalidUtf8IsEncodedAsItsRepair) {
  json j = bpe(byte_level_vocab({}));
  j["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  const Tokenizer t = load(j);
  EXPECT_EQ(t.encode("a\xFF"), t.encode("a\xEF\xBF\xBD"));
}

// --- tables --------------------------------------------------------------------------

TEST_F(TokenizerFile, TablesDescribeTheVocabulary) {
  json j = bpe(byte_level_vocab({"\xC4\x8A\xC4\x8A"}), {"\xC4\x8A \xC4\x8A"});
  j["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  j["decoder"] = {{"type", "ByteLevel"}};
  j["added_tokens"] = json::array({added(300, "<|endoftext|>", true), added(301, "</s>", true)});
  const std::string path = write(j);
  const Tokenizer t = Tokenizer::from_file(path);
  EXPECT_EQ(t.vocab_size(), 302u);
  EXPECT_EQ(t.eot(), std::optional<TokenId>(300));
  EXPECT_EQ(t.token_bytes(256), "\n\n");
  EXPECT_EQ(t.token_bytes(' '), " ");
  EXPECT_EQ(t.token_bytes(300), "");  // special
  EXPECT_EQ(t.token_bytes(299), "");  // no token has this id
  EXPECT_EQ(t.newline_ids(), (Ids{'\n', 256}));
  EXPECT_EQ(t.hash(), "sha256:" + sha256_file(path));
  EXPECT_EQ(t.name(), path);
}

TEST_F(TokenizerFile, MetaspaceAndByteFallbackTokensStandForTheirText) {
  const std::string meta = "\xE2\x96\x81";
  json j = bpe({{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}, {"<0x0A>", 3}, {meta + "a", 4}});
  j["model"]["byte_fallback"] = true;
  j["added_tokens"] = json::array({added(0, "<unk>", true), added(1, "<s>", true), added(2, "</s>", true)});
  const Tokenizer t = load(j);
  EXPECT_EQ(t.token_bytes(4), " a");
  EXPECT_EQ(t.token_bytes(3), "\n");
  EXPECT_EQ(t.eot(), std::optional<TokenId>(2));
  EXPECT_EQ(t.newline_ids(), (Ids{3}));
}

TEST_F(TokenizerFile, EndOfTextPrefersSpecialTokens) {
  // As Gemma-3: "</s>" is ordinary text there, "<eos>" the special token.
  json j = bpe({{"<pad>", 0}, {"<eos>", 1}, {"</s>", 2}});
  j["added_tokens"] = json::array({added(0, "<pad>", true), added(1, "<eos>", true)});
  EXPECT_EQ(load(j).eot(), std::optional<TokenId>(1));
  // Without special ones, the first name in the vocabulary.
  j["added_tokens"] = json::array();
  EXPECT_EQ(load(j).eot(), std::optional<TokenId>(2));
  EXPECT_EQ(load(bpe({{"a", 0}})).eot(), std::nullopt);
}

TEST(ByteTokenizer, IsOneIdPerByte) {
  const Tokenizer t = Tokenizer::load("bytes");
  EXPECT_EQ(t.encode("a\xFF"), (Ids{'a', 0xFF}));
  EXPECT_EQ(t.decode({'h', 'i'}), "hi");
  EXPECT_EQ(t.vocab_size(), 256u);
  EXPECT_EQ(t.eot(), std::optional<TokenId>(0));
  EXPECT_EQ(t.hash(), "bytes");
}

}  // namespace
}  // namespace sweep::text
