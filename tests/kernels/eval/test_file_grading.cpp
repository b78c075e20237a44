// How evaluate() grades a task file's example: BIG-bench's postprocessing and
// exact_str_match on a generation, multiple_choice_grade on option scores.
#include <gtest/gtest.h>

#include "kernels/eval/file_grading.hpp"

namespace sweep {

namespace {
Prompt generation_prompt() {
  Prompt p;
  p.context = "Q: 6*7=?\nA: ";
  p.target = "42";
  p.answer = "42";
  p.answers = {"42", "forty-two"};
  return p;
}
}  // namespace

TEST(FileGrading, OnlyPromptsWithAnswersOrChoiceScoresAreGradedAsTaskFiles) {
  EXPECT_TRUE(graded_as_task_file(generation_prompt()));
  Prompt builtin;
  builtin.answer = "132";
  EXPECT_FALSE(graded_as_task_file(builtin));
}

TEST(FileGrading, AGenerationMatchingAnyAcceptedAnswerScoresOne) {
  const Prompt p = generation_prompt();
  EXPECT_EQ(grade_generation(p, "42").exact_str_match, 1.0);
  EXPECT_EQ(grade_generation(p, "forty-two").exact_str_match, 1.0);
  EXPECT_EQ(grade_generation(p, "41").exact_str_match, 0.0);
  // Without a cut, trailing text is part of the answer.
  EXPECT_EQ(grade_generation(p, "42 because").exact_str_match, 0.0);
}

TEST(FileGrading, TheOutputRegexPicksTheAnswerOutOfTheGeneration) {
  Prompt p = generation_prompt();
  p.output_regex = "[-+]?\\d+";
  const GenerationGrade g = grade_generation(p, "it is 42, I think");
  EXPECT_EQ(g.prediction, "42");
  EXPECT_EQ(g.exact_str_match, 1.0);
  EXPECT_EQ(grade_generation(p, "I do not know").exact_str_match, 0.0);
}

TEST(FileGrading, TheStopStringIsKeptSoAnswersMustEndWithIt) {
  Prompt p = generation_prompt();
  p.stop_string = ".";
  p.answers = {"42."};
  EXPECT_EQ(grade_generation(p, "42. And then").prediction, "42.");
  EXPECT_EQ(grade_generation(p, "42. And then").exact_str_match, 1.0);
  EXPECT_EQ(grade_generation(p, "42 and then").exact_str_match, 0.0);
}

TEST(FileGrading, ExactStrMatchBaselineIsZeroForFreeGenerationAndOneOverKWithOptions) {
  Prompt p = generation_prompt();
  EXPECT_EQ(exact_str_match_baseline(p), 0.0);
  p.choice_scores = {1, 0, 0, 0};
  EXPECT_EQ(exact_str_match_baseline(p), 0.25);
}

TEST(FileGrading, MultipleChoiceCreditsTheMostLikelyOptionsScore) {
  Prompt p;
  p.choices = {"red", "green", "blue"};
  p.choice_scores = {0.0, 0.5, 1.0};
  p.gold = 2;
  EXPECT_EQ(grade_choices(p, {-1.0, -2.0, -3.0}), 0.0);
  EXPECT_EQ(grade_choices(p, {-3.0, -1.0, -2.0}), 0.5);
  EXPECT_EQ(grade_choices(p, {-3.0, -2.0, -1.0}), 1.0);
  EXPECT_EQ(multiple_choice_grade_baseline(p), 0.5);  // a uniform guess: the mean score
}

TEST(FileGrading, MultipleChoiceWithoutScoresCreditsTheGoldOption) {
  Prompt p;
  p.choices = {"a", "b", "c", "d"};
  p.gold = 1;
  p.answers = {"b"};
  EXPECT_EQ(grade_choices(p, {-2.0, -1.0, -3.0, -4.0}), 1.0);
  EXPECT_EQ(grade_choices(p, {-1.0, -2.0, -3.0, -4.0}), 0.0);
  EXPECT_EQ(multiple_choice_grade_baseline(p), 0.25);
}

}  // namespace sweep
