// Prompt styles: how an example is rendered for each style.
#include <gtest/gtest.h>

#include "kernels/data/prompts.hpp"

namespace sweep {
namespace {

Task add2() {
  TaskSpec t;
  t.name = "add2";
  t.digits = 2;
  return Task(t, 11);
}

Example ex(const std::string& q, const std::string& steps, const std::string& a) {
  Example e;
  e.question = q;
  e.steps = steps;
  e.answer = a;
  return e;
}

}  // namespace

TEST(Prompts, ZeroShotIsQuestionThenEquals) {
  const Prompt p = render_prompt(add2(), PromptStyle::ZeroShot, ex("47+85", "7+5=12, 4+8+1=13", "132"), {}, 128);
  EXPECT_EQ(p.context, "47+85=");
  EXPECT_EQ(p.target, "132");
  EXPECT_EQ(p.exemplars, 0);
}

TEST(Prompts, FewShotPrependsExemplarLines) {
  const std::vector<Example> shots{ex("1+2", "1+2=3, 0+0=0", "3"), ex("10+20", "0+0=0, 1+2=3", "30")};
  const Prompt p = render_prompt(add2(), PromptStyle::FewShot, ex("47+85", "", "132"), shots, 128);
  EXPECT_EQ(p.context, "1+2=3\n10+20=30\n47+85=");
  EXPECT_EQ(p.exemplars, 2);
}

TEST(Prompts, CotExemplarsCarryStepsAndTargetEndsWithAnswer) {
  const std::vector<Example> shots{ex("1+2", "1+2=3, 0+0=0", "3")};
  const Prompt p = render_prompt(add2(), PromptStyle::Cot, ex("47+85", "7+5=12, 4+8+1=13", "132"), shots, 128);
  EXPECT_EQ(p.context, "1+2: 1+2=3, 0+0=0. The answer is 3.\n47+85:");
  EXPECT_EQ(p.target, " 7+5=12, 4+8+1=13. The answer is 132.");
}

TEST(Prompts, LeadingExemplarsDropToFitTheWindow) {
  std::vector<Example> shots(5, ex("11+22", "1+2=3, 1+2=3", "33"));
  const Prompt p = render_prompt(add2(), PromptStyle::FewShot, ex("47+85", "", "132"), shots, 24);
  // each exemplar is "11+22=33\n" (9 tokens); query, target and one spare take 10
  EXPECT_EQ(p.exemplars, 1);
  EXPECT_EQ(p.context, "11+22=33\n47+85=");
  EXPECT_LE(p.context.size() + p.target.size() + 1, 24u);
  EXPECT_THROW(render_prompt(add2(), PromptStyle::Cot, ex("47+85", "7+5=12, 4+8+1=13", "132"), {}, 16),
               std::runtime_error);
}

TEST(Prompts, InstructionIsTheTaskDescriptionThenTheQuestionWithoutExemplars) {
  const std::vector<Example> shots{ex("1+2", "1+2=3, 0+0=0", "3")};
  const Prompt p = render_prompt(add2(), PromptStyle::Instruction, ex("47+85", "", "132"), shots, 128);
  EXPECT_EQ(p.context, "Add the two numbers.\n47+85=");
  EXPECT_EQ(p.target, "132");
  EXPECT_EQ(p.exemplars, 0);
  EXPECT_EQ(instruction_line(add2(), ex("1+2", "", "3")), "Add the two numbers.\n1+2=3");
}

TEST(Prompts, MultipleChoiceOptionsAreContinuationsOfTheSameContext) {
  TaskSpec t;
  t.name = "largest";
  t.kind = TaskKind::Largest;
  const Task largest(t, 11);
  const Example q = largest_example({42, 17, 93, 5});
  const Prompt p = render_prompt(largest, PromptStyle::FewShot, q, {largest_example({3, 8})}, 128);
  EXPECT_EQ(p.context, "largest of 3 8=8\nlargest of 42 17 93 5=");
  EXPECT_EQ(p.choices, q.choices);
  EXPECT_EQ(p.gold, 2);
  EXPECT_EQ(p.target, "93");
  // cot reads the answer after generated steps: no option scoring
  EXPECT_TRUE(render_prompt(largest, PromptStyle::Cot, q, {}, 128).choices.empty());
  // scored by generation when the task says so
  t.scoring = Scoring::Generation;
  EXPECT_TRUE(render_prompt(Task(t, 11), PromptStyle::ZeroShot, q, {}, 128).choices.empty());
}

TEST(Prompts, ExtractAnswerReadsLineOrMarker) {
  EXPECT_EQ(extract_answer(PromptStyle::ZeroShot, "132\n5+5=10"), "132");
  EXPECT_EQ(extract_answer(PromptStyle::Instruction, "cat\n"), "cat");
  EXPECT_EQ(extract_answer(PromptStyle::Cot, " 7+5=12, 4+8+1=13. The answer is 132.\nfoo"), "132");
  EXPECT_EQ(extract_answer(PromptStyle::Cot, " 7+5=12 and no marker"), "");
}

}  // namespace sweep
