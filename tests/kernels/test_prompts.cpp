#include <gtest/gtest.h>

#include "kernels/prompts.hpp"

namespace sweep {
namespace {

Task add2() {
  TaskSpec t;
  t.name = "add2";
  t.digits = 2;
  return Task(t, 11);
}

Example ex(const std::string& q, const std::string& steps, const std::string& a) { return {q, steps, a}; }

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

TEST(Prompts, ExtractAnswerReadsLineOrMarker) {
  EXPECT_EQ(extract_answer(PromptStyle::ZeroShot, "132\n5+5=10"), "132");
  EXPECT_EQ(extract_answer(PromptStyle::Cot, " 7+5=12, 4+8+1=13. The answer is 132.\nfoo"), "132");
  EXPECT_EQ(extract_answer(PromptStyle::Cot, " 7+5=12 and no marker"), "");
}

}  // namespace sweep
