// Grading, for every task kind and prompt style: the gold continuation a
// perfect model would generate is graded right, a near miss wrong, without a
// model (prompts, answer extraction and metrics are pure).
#include <gtest/gtest.h>

#include "kernels/eval/metrics.hpp"
#include "kernels/data/prompts.hpp"

namespace sweep {

TEST(Grading, EveryTaskGradesTheGoldContinuationRightAndANearMissWrong) {
  for (TaskKind kind : kBuiltinTaskKinds) {
    TaskSpec spec;
    spec.kind = kind;
    spec.name = to_string(kind);
    spec.scoring = Scoring::Generation;  // multiple-choice tasks graded on generation here
    const Task task(spec, 13);
    Rng rng(13);
    const std::vector<Example> shots{task.sample(Split::Train, rng), task.sample(Split::Train, rng)};
    for (const Example& query : task.eval_examples(5)) {
      for (PromptStyle style : kAllPrompts) {
        SCOPED_TRACE(std::string(to_string(kind)) + " " + to_string(style) + " " + query.question);
        const Prompt p = render_prompt(task, style, query, shots, 256);
        // A model that continues with the gold target and then ends the line.
        const std::string right = extract_answer(style, p.target + "\n" + "47+85=132");
        EXPECT_EQ(right, p.answer);
        EXPECT_EQ(normalised_edit_distance(right, p.answer), 0.0);
        // One wrong token appended: not an exact match, one edit.
        std::string near = p.target;
        near.insert(style == PromptStyle::Cot ? near.size() - 1 : near.size(), "x");
        const std::string wrong = extract_answer(style, near);
        EXPECT_NE(wrong, p.answer);
        EXPECT_DOUBLE_EQ(normalised_edit_distance(wrong, p.answer), 1.0 / static_cast<double>(p.answer.size()));
      }
    }
  }
}

TEST(Grading, MultipleChoiceIsGradedOnTheOptionsLikelihoods) {
  TaskSpec spec;
  spec.kind = TaskKind::Negation;
  spec.name = "negation";
  const Task task(spec, 13);
  for (const Example& query : task.eval_examples(5)) {
    const Prompt p = render_prompt(task, PromptStyle::ZeroShot, query, {}, 128);
    ASSERT_EQ(p.choices.size(), 2u);
    std::vector<double> ll(2, -5.0);
    ll[static_cast<std::size_t>(p.gold)] = -1.0;  // the model prefers the gold option
    EXPECT_EQ(score_choices(ll, {p.choices[0].size(), p.choices[1].size()}, p.gold).correct, 1.0);
    ll[static_cast<std::size_t>(p.gold)] = -9.0;  // ... or the other one
    EXPECT_EQ(score_choices(ll, {p.choices[0].size(), p.choices[1].size()}, p.gold).correct, 0.0);
  }
}

}  // namespace sweep
