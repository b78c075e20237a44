// Prompt rendering and answer extraction; see prompts.hpp for the layouts.
#include "kernels/data/prompts.hpp"

#include <algorithm>
#include <stdexcept>

namespace sweep {

std::string direct_line(const Example& ex) { return ex.question + "=" + ex.answer; }

std::string cot_line(const Example& ex) {
  return ex.question + ": " + ex.steps + ". " + kAnswerMarker + ex.answer + ".";
}

std::string instruction_line(const Task& task, const Example& ex) {
  return std::string(task.def().instruction) + "\n" + direct_line(ex);
}

Prompt render_prompt(const Task& task, PromptStyle style, const Example& query,
                     const std::vector<Example>& exemplars, int max_tokens) {
  Prompt p;
  p.answer = query.answer;
  std::string description, query_text;
  std::vector<std::string> shots;
  switch (style) {
    case PromptStyle::ZeroShot:
      query_text = query.question + "=";
      p.target = query.answer;
      break;
    case PromptStyle::FewShot:
      query_text = query.question + "=";
      p.target = query.answer;
      for (const auto& ex : exemplars) shots.push_back(direct_line(ex) + "\n");
      break;
    case PromptStyle::Cot:
      query_text = query.question + ":";
      p.target = " " + query.steps + ". " + kAnswerMarker + query.answer + ".";
      for (const auto& ex : exemplars) shots.push_back(cot_line(ex) + "\n");
      break;
    case PromptStyle::Instruction:
      description = std::string(task.def().instruction) + "\n";
      query_text = query.question + "=";
      p.target = query.answer;
      break;
  }
  if (style != PromptStyle::Cot && task.scores_choices()) {
    p.choices = query.choices;
    p.gold = query.gold;
  }
  std::size_t continuation = p.target.size();
  for (const auto& c : p.choices) continuation = std::max(continuation, c.size());
  std::size_t first = 0;
  auto length = [&] {
    std::size_t n = description.size() + query_text.size() + continuation + 1;
    for (std::size_t i = first; i < shots.size(); ++i) n += shots[i].size();
    return n;
  };
  while (first < shots.size() && length() > static_cast<std::size_t>(max_tokens)) ++first;
  if (length() > static_cast<std::size_t>(max_tokens))
    throw std::runtime_error("task " + task.spec().name + ": a " + to_string(style) + " prompt needs " +
                             std::to_string(length()) + " tokens but train.seq_len is " +
                             std::to_string(max_tokens));
  p.context = description;
  for (std::size_t i = first; i < shots.size(); ++i) p.context += shots[i];
  p.context += query_text;
  p.exemplars = static_cast<int>(shots.size() - first);
  return p;
}

std::string extract_answer(PromptStyle style, const std::string& generated) {
  const std::string line = generated.substr(0, generated.find('\n'));
  if (style != PromptStyle::Cot) return line;
  const std::size_t at = line.rfind(kAnswerMarker);
  if (at == std::string::npos) return "";
  const std::string rest = line.substr(at + std::char_traits<char>::length(kAnswerMarker));
  return rest.substr(0, rest.find('.'));
}

}  // namespace sweep
