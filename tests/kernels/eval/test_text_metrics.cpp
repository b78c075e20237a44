// BIG-bench's text metrics against values worked by hand from the reference
// code each follows (kernels/eval/text_metrics.hpp names it).
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/eval/text_metrics.hpp"

namespace sweep {

using Tokens = std::vector<std::string>;

TEST(Postprocess, StopStringCutsAfterItsFirstOccurrenceAndKeepsIt) {
  // BIG-bench's own docstring example (bigbench/api/util.py, postprocess_output).
  EXPECT_EQ(postprocess_generation("The apple is on the ground. What is", ".", ""), "The apple is on the ground.");
  // BIG-bench cuts only when the stop string is found past position 0.
  EXPECT_EQ(postprocess_generation(".abc", ".", ""), ".abc");
  EXPECT_EQ(postprocess_generation("no stop here", ".", ""), "no stop here");
}

TEST(Postprocess, OutputRegexTakesTheFirstMatchOrNothing) {
  // The docstring's example: r"\d+" on "= 42. 7*7 = 49. 7*8 =" gives "42".
  EXPECT_EQ(postprocess_generation("= 42. 7*7 = 49. 7*8 =", "", "\\d+"), "42");
  EXPECT_EQ(postprocess_generation("no digits", "", "\\d+"), "");
  // One capture group: the group, as re.findall returns it.
  EXPECT_EQ(postprocess_generation("answer: (B) because", "", "\\(([A-E])\\)"), "B");
  EXPECT_THROW(postprocess_generation("ab", "", "(a)(b)"), std::runtime_error);
  EXPECT_THROW(postprocess_generation("ab", "", "(a"), std::runtime_error);
  // Python's syntax: a named group, a lookbehind, Unicode digits.
  EXPECT_EQ(postprocess_generation("x=12;", "", "(?P<n>\\d+)"), "12");
  EXPECT_EQ(postprocess_generation("cost: $45", "", "(?<=\\$)\\d+"), "45");
  EXPECT_EQ(postprocess_generation("answer \u0664\u0662", "", "\\d+"), "\u0664\u0662");
  // An optional group that took no part gives "", as re.findall does.
  EXPECT_EQ(postprocess_generation("b", "", "(a)?b"), "");
}

TEST(Postprocess, StopStringCutsBeforeTheRegexLooks) {
  EXPECT_EQ(postprocess_generation("12. then 34", ".", "\\d+\\.\\s*then"), "");
  EXPECT_EQ(postprocess_generation("x 12. then 34", ".", "\\d+"), "12");
}

TEST(ExactStrMatch, AnyAcceptedAnswerExactlyWithoutStrippingOrCaseFolding) {
  EXPECT_EQ(exact_str_match("Paris", {"paris", "Paris"}), 1.0);
  EXPECT_EQ(exact_str_match("Paris ", {"Paris"}), 0.0);
  EXPECT_EQ(exact_str_match("PARIS", {"Paris"}), 0.0);
  EXPECT_EQ(exact_str_match("", {}), 0.0);
}

TEST(MultipleChoiceGrade, CreditsTheScoreOfTheMostLikelyOptionTiesToTheFirst) {
  EXPECT_EQ(multiple_choice_grade({-3.0, -1.0, -2.0}, {0.0, 0.5, 1.0}), 0.5);
  EXPECT_EQ(multiple_choice_grade({-1.0, -1.0}, {1.0, 0.0}), 1.0);
  EXPECT_EQ(multiple_choice_grade({-1.0, -1.0}, {0.0, 1.0}), 0.0);
  EXPECT_THROW(multiple_choice_grade({-1.0}, {0.0, 1.0}), std::invalid_argument);
}

TEST(BleuIntlTokens, SplitsPunctuationNextToNonDigitsAndEverySymbol) {
  EXPECT_EQ(bleu_intl_tokens("Hello, world!"), (Tokens{"Hello", ",", "world", "!"}));
  // Punctuation between digits stays: a number is one token, its full stop too.
  EXPECT_EQ(bleu_intl_tokens("pi is 3.14"), (Tokens{"pi", "is", "3.14"}));
  EXPECT_EQ(bleu_intl_tokens("1,000."), (Tokens{"1,000."}));
  EXPECT_EQ(bleu_intl_tokens("costs $5+2"), (Tokens{"costs", "$", "5", "+", "2"}));
  // Unicode classes: the guillemets are punctuation, the euro sign a symbol.
  EXPECT_EQ(bleu_intl_tokens("«oui» 5€"), (Tokens{"«", "oui", "»", "5", "€"}));
  EXPECT_EQ(bleu_intl_tokens("  a \t b\n"), (Tokens{"a", "b"}));
  EXPECT_EQ(bleu_intl_tokens("it&apos;s &lt;b&gt;"), (Tokens{"it", "'", "s", "<", "b", ">"}));
  // A byte model's invalid UTF-8 is read with replacement characters (a symbol: So).
  EXPECT_EQ(bleu_intl_tokens("ab\xff"), (Tokens{"ab", "\uFFFD"}));
}

TEST(Bleu13aTokens, SplitsAsciiPunctuationAndPeriodsOutsideNumbers) {
  EXPECT_EQ(bleu_13a_tokens("It wasn't surprising."), (Tokens{"It", "wasn't", "surprising", "."}));
  // The line is padded with spaces, so a year's closing full stop splits too.
  EXPECT_EQ(bleu_13a_tokens("In 1990. 3.5, 2-3"), (Tokens{"In", "1990", ".", "3.5", ",", "2", "-", "3"}));
  EXPECT_EQ(bleu_13a_tokens("a&amp;b (x)"), (Tokens{"a", "&", "b", "(", "x", ")"}));
}

TEST(CorpusBleu, ReproducesSacrebleusReadmeExample) {
  // sacrebleu's README (github.com/mjpost/sacrebleu, "Using SacreBLEU from
  // Python"): corpus_bleu with its defaults (13a, exp smoothing) over three
  // sentences and two reference streams gives 48.530827009929865
  // (82.4/50.0/45.5/37.5, BP = 0.943, hyp_len = 17, ref_len = 18).
  const std::vector<std::string> sys{"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."};
  const std::vector<std::vector<std::string>> refs{{"The dog bit the man.", "The dog had bit the man."},
                                                   {"It was not unexpected.", "No one was surprised."},
                                                   {"The man bit him first.", "The man had bitten the dog."}};
  EXPECT_NEAR(corpus_bleu(sys, refs, BleuTokenizer::Thirteen_a), 48.530827009929865, 1e-9);
  BleuStats st;
  for (std::size_t i = 0; i < sys.size(); ++i) st += bleu_stats(sys[i], refs[i], BleuTokenizer::Thirteen_a);
  EXPECT_EQ(st.sys_len, 17);
  EXPECT_EQ(st.ref_len, 18);
}

TEST(CorpusBleu, AnIdenticalHypothesisScoresOneHundred) {
  EXPECT_NEAR(corpus_bleu({"the cat sat on the mat"}, {{"the cat sat on the mat"}}), 100.0, 1e-9);
}

TEST(CorpusBleu, GeometricMeanOfTheFourPrecisions) {
  // a b c d e vs a b c d f: 4/5, 3/4, 2/3, 1/2 -> 100 * 0.2^(1/4).
  EXPECT_NEAR(corpus_bleu({"a b c d e"}, {{"a b c d f"}}), 66.8740304976422, 1e-9);
}

TEST(CorpusBleu, ExpSmoothingHalvesEachZeroMatchOrder) {
  // a b c d e vs a b x d e: 4/5, 2/4, then no 3- or 4-gram match: 1/(2*3), 1/(4*2).
  EXPECT_NEAR(corpus_bleu({"a b c d e"}, {{"a b x d e"}}), 30.21375397356768, 1e-9);
}

TEST(CorpusBleu, BrevityPenaltyAgainstTheClosestReferenceTiesToTheShorter) {
  // Every n-gram right, 4 tokens against 6: exp(1 - 6/4).
  EXPECT_NEAR(corpus_bleu({"a b c d"}, {{"a b c d e f"}}), 60.653065971263345, 1e-9);
  // References of 3 and 5 tokens are both 1 away from 4: the shorter counts, no penalty.
  EXPECT_NEAR(corpus_bleu({"a b c d"}, {{"a b c d e", "a b c"}}), 100.0, 1e-9);
  // Matches clip at the most any one reference has: "a" 2 of 4, "a a" 1 of 3,
  // then no match: 1/(2*2), 1/(4*1).
  EXPECT_NEAR(corpus_bleu({"a a a a"}, {{"a a b b", "b a a b"}}), 100 * std::pow(0.5 / 3 * 0.25 * 0.25, 0.25), 1e-9);
}

TEST(CorpusBleu, IsComputedOverTheCorpusNotAveragedOverSentences) {
  // Two 2-token hypotheses have no 3- or 4-grams: precision 0 there, BLEU 0,
  // whatever their 1- and 2-gram matches (sacrebleu without effective order).
  EXPECT_NEAR(corpus_bleu({"the cat", "a dog"}, {{"the cat"}, {"a dog"}}), 0.0, 1e-6);
  BleuStats sum = bleu_stats("a b c d e", {"a b c d f"});
  sum += bleu_stats("a b c d e", {"a b c d e"});
  // 9/10, 7/8, 5/6, 3/4.
  EXPECT_NEAR(bleu_score(sum), 100 * std::pow(0.9 * 0.875 * (5.0 / 6) * 0.75, 0.25), 1e-9);
  EXPECT_NEAR(corpus_bleu({"a b c d e", "a b c d e"}, {{"a b c d f"}, {"a b c d e"}}), bleu_score(sum), 1e-12);
}

TEST(RougeTokens, LowercasesAndSplitsOnAnythingOutsideAsciiLettersAndDigits) {
  EXPECT_EQ(rouge_tokens("The CAT's 2 hats!"), (Tokens{"the", "cat", "s", "2", "hats"}));
  EXPECT_EQ(rouge_tokens("café"), (Tokens{"caf"}));
}

TEST(Rouge, UnigramBigramAndSummaryLcsFMeasures) {
  // Target 6 tokens, prediction 5, all 5 in it: F1 = 10/11; bigrams 3 of 4
  // against 3 of 5: F = 2/3; the LCS is the whole prediction.
  const RougeScores s = rouge_pair("the cat sat on the mat", "the cat on the mat");
  EXPECT_NEAR(s.rouge1, 10.0 / 11, 1e-12);
  EXPECT_NEAR(s.rouge2, 2.0 / 3, 1e-12);
  EXPECT_NEAR(s.rougeLsum, 10.0 / 11, 1e-12);
}

TEST(Rouge, SummaryLcsMatchesSentencesInAnyOrder) {
  // t5 turns " . " into a line break: two sentences each, swapped. A single
  // LCS would find 2 of 4 tokens; the summary-level union finds all 4.
  const RougeScores s = rouge_pair("a b . c d", "c d . a b");
  EXPECT_NEAR(s.rouge1, 1.0, 1e-12);
  EXPECT_NEAR(s.rouge2, 2.0 / 3, 1e-12);  // a-b and c-d of a-b, b-c, c-d
  EXPECT_NEAR(s.rougeLsum, 1.0, 1e-12);
  EXPECT_EQ(rouge_pair("", "a").rougeLsum, 0.0);
}

TEST(Rouge, BestReferencePerTypeScaledToOneHundred) {
  const RougeScores s = rouge_best({"x y z", "the cat sat on the mat"}, "the cat on the mat");
  EXPECT_NEAR(s.rouge1, 100 * 10.0 / 11, 1e-9);
  EXPECT_NEAR(s.rouge2, 100 * 2.0 / 3, 1e-9);
}

}  // namespace sweep
