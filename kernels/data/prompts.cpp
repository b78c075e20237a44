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
  return task.instruction() + "\n" + direct_line(ex);
}

namespace {

// BIG-bench's default_format_fn: the input between the input and output
// prefixes, the choices appended after it when the file asks for that. The
// choices keep file order (BIG-bench permutes them with its own rng).
std::string file_input(const TaskFile& f, const Example& ex) {
  std::string s = f.example_input_prefix + ex.question;
  if (f.append_choices_to_input)
    for (const auto& c : ex.choices) s += f.choice_prefix + c;
  return s + f.example_output_prefix;
}

// The answer a worked file example ends with, after its steps, as cot_line does.
std::string file_cot_target(const Example& ex) { return ex.steps + ". " + kAnswerMarker + ex.answer + "."; }

}  // namespace

Prompt render_prompt(const Task& task, PromptStyle style, const Example& query,
                     const std::vector<Example>& exemplars, int max_tokens) {
  Prompt p;
  p.answer = query.answer;
  std::string description, query_text;
  std::vector<std::string> shots;
  if (const TaskFile* f = task.file()) {
    // BIG-bench's layout: task_prefix, exemplars each followed by the few-shot
    // separator, then the query up to the output prefix; the target follows.
    p.answers = query.answers;
    p.choice_scores = query.choice_scores;
    p.stop_string = f->stop_string;
    p.output_regex = f->output_regex;
    if (style == PromptStyle::Instruction && !f->description.empty()) description = f->description + "\n";
    description += f->task_prefix;
    query_text = file_input(*f, query);
    if (style == PromptStyle::Cot) {
      if (query.steps.empty())
        throw std::runtime_error("task " + task.spec().name + ": a cot prompt needs an example with worked steps");
      p.target = file_cot_target(query);
      for (const auto& ex : exemplars)
        shots.push_back(file_input(*f, ex) + file_cot_target(ex) + f->few_shot_example_separator);
    } else {
      p.target = query.answer;
      if (style == PromptStyle::FewShot)
        for (const auto& ex : exemplars)
          shots.push_back(file_input(*f, ex) + ex.answer + f->few_shot_example_separator);
    }
  } else {
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
        description = task.instruction() + "\n";
        query_text = query.question + "=";
        p.target = query.answer;
        break;
    }
  }
  if (style != PromptStyle::Cot && task.scores_choices()) {
    p.choices = query.choices;
    p.gold = query.gold;
    // A task file's example may list targets beside target_scores; the scored
    // continuation is still the best choice.
    if (task.file()) p.target = p.choices[static_cast<std::size_t>(p.gold)];
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
