// The unscramble task: examples, answers and scoring.
#include <gtest/gtest.h>

#include <algorithm>

#include "kernels/data/tasks/registry.hpp"
#include "task_test_util.hpp"

namespace sweep {
using testing::draw;
using testing::spec_of;

TEST(UnscrambleTask, ExampleAsksForTheWordAndSplitsByIt) {
  const Example ex = unscramble_example("cat", "tca");
  EXPECT_EQ(ex.question, "unscramble tca");
  EXPECT_EQ(ex.answer, "cat");
  EXPECT_EQ(ex.steps, "c-a-t");
  EXPECT_EQ(ex.key(), "unscramble/cat");  // every scramble of a word is in one split
}

TEST(UnscrambleTask, WordsAreLowercaseAsciiOfBoundedLengthFromTheWordList) {
  const auto& words = word_list(4, 6);
  EXPECT_GT(words.size(), 1000u);  // wamerican has ~10k such words
  for (const auto& w : words) {
    ASSERT_GE(w.size(), 4u);
    ASSERT_LE(w.size(), 6u);
    ASSERT_TRUE(std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; })) << w;
  }
}

TEST(UnscrambleTask, ScrambleIsAPermutationThatDiffersFromTheWord) {
  const Task task(spec_of(TaskKind::Unscramble), 4);
  const auto& words = word_list(3, 5);
  for (const Example& ex : draw(task, Split::Train, 200)) {
    const std::string scrambled = ex.question.substr(std::string("unscramble ").size());
    EXPECT_NE(scrambled, ex.answer);
    std::string a = scrambled, b = ex.answer;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
    EXPECT_TRUE(std::binary_search(words.begin(), words.end(), ex.answer)) << ex.answer;
  }
}

TEST(UnscrambleTask, RandomBaselineIsOneOverDistinctOrderings) {
  const Task task(spec_of(TaskKind::Unscramble), 4);
  EXPECT_DOUBLE_EQ(task.chance(unscramble_example("cat", "tca")), 1.0 / 6);   // 3!
  EXPECT_DOUBLE_EQ(task.chance(unscramble_example("all", "lal")), 1.0 / 3);   // 3!/2!
  EXPECT_DOUBLE_EQ(task.chance(unscramble_example("moon", "noom")), 1.0 / 12);  // 4!/2!
}

}  // namespace sweep
