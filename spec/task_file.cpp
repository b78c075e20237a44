// Task-file readers; see task_file.hpp. Objects are parsed as ordered_json so
// target_scores keep the file's option order (plain nlohmann::json sorts keys).
#include "spec/task_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace sweep {
namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot read: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(path, std::string("cannot read: ") + std::strerror(errno));
  return text.str();
}

// "a number", "an object": a JSON value's type for a message.
std::string a_type(const Json& j) {
  const std::string type = j.type_name();
  return (type == "object" || type == "array" ? "an " : "a ") + type;
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// nlohmann's what() opens with "[json.exception.parse_error.101] parse error at
// line L, column C: "; the byte count we print (nlohmann's, from 1) replaces
// the position, so keep only the reason after it.
std::string parse_reason(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  const std::size_t colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

Json parse(const std::string& text, const std::string& where) {
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(where, "malformed JSON at byte " + std::to_string(e.byte) + ": " + parse_reason(e));
  }
}

// An optional top-level string key; null counts as absent.
void read_string(const Json& task, const char* key, std::string& out, const std::string& path) {
  const auto it = task.find(key);
  if (it == task.end() || it->is_null()) return;
  if (!it->is_string()) fail(path, std::string("\"") + key + "\" is " + a_type(*it) + ", not a string");
  out = it->get<std::string>();
}

void set_gold(FileExample& ex) {
  ex.gold = static_cast<int>(std::max_element(ex.scores.begin(), ex.scores.end()) - ex.scores.begin());
}

FileExample bigbench_example(const Json& j, const std::string& where) {
  if (!j.is_object()) fail(where, a_type(j) + ", not an object");
  FileExample ex;
  const auto input = j.find("input");
  if (input == j.end()) fail(where, "no \"input\"");
  if (!input->is_string()) fail(where, std::string("\"input\" is ") + a_type(*input) + ", not a string");
  ex.input = input->get<std::string>();

  const auto target = j.find("target");
  const auto scores = j.find("target_scores");
  if (target == j.end() && scores == j.end()) fail(where, "neither target nor target_scores");
  if (target != j.end()) {
    if (target->is_string()) {
      ex.targets.push_back(target->get<std::string>());
    } else if (target->is_array()) {
      if (target->empty()) fail(where, "\"target\" is an empty list");
      for (std::size_t i = 0; i < target->size(); ++i) {
        const Json& t = (*target)[i];
        if (!t.is_string()) fail(where, "\"target\"[" + std::to_string(i) + "] is " + a_type(t) + ", not a string");
        ex.targets.push_back(t.get<std::string>());
      }
    } else {
      fail(where, std::string("\"target\" is ") + a_type(*target) + ", not a string or a list of strings");
    }
  }
  if (scores != j.end()) {
    if (!scores->is_object()) fail(where, std::string("\"target_scores\" is ") + a_type(*scores) + ", not an object");
    if (scores->empty()) fail(where, "\"target_scores\" is empty");
    for (const auto& [option, score] : scores->items()) {
      if (!score.is_number())
        fail(where, "\"target_scores\" score of \"" + option + "\" is " + a_type(score) + ", not a number");
      ex.choices.push_back(option);
      ex.scores.push_back(score.get<double>());
    }
    if (std::none_of(ex.scores.begin(), ex.scores.end(), [](double s) { return s > 0; }))
      fail(where, "\"target_scores\" has no positive score");
    set_gold(ex);
  }
  return ex;
}

// The declared string field `name` of a JSONL line.
std::string jsonl_string(const Json& j, const std::string& name, const char* role, const std::string& where) {
  const auto it = j.find(name);
  if (it == j.end()) fail(where, std::string("no ") + role + " field \"" + name + "\"");
  if (!it->is_string()) fail(where, std::string(role) + " field \"" + name + "\" is " + a_type(*it) + ", not a string");
  return it->get<std::string>();
}

FileExample jsonl_example(const Json& j, const JsonlFields& fields, const std::string& where) {
  if (!j.is_object()) fail(where, std::string("a JSON ") + j.type_name() + ", not an object");
  FileExample ex;
  ex.input = jsonl_string(j, fields.question, "question", where);
  if (!fields.context.empty()) ex.context = jsonl_string(j, fields.context, "context", where);
  if (!fields.steps.empty()) ex.steps = jsonl_string(j, fields.steps, "steps", where);

  const auto answer = j.find(fields.answer);
  if (answer == j.end()) fail(where, "no answer field \"" + fields.answer + "\"");
  if (fields.choices.empty()) {
    if (!answer->is_string())
      fail(where, "answer field \"" + fields.answer + "\" is " + a_type(*answer) + ", not a string");
    ex.targets.push_back(answer->get<std::string>());
    return ex;
  }

  const auto choices = j.find(fields.choices);
  if (choices == j.end()) fail(where, "no choices field \"" + fields.choices + "\"");
  if (!choices->is_array() || choices->empty())
    fail(where, "choices field \"" + fields.choices + "\" is not a non-empty list of strings");
  for (std::size_t i = 0; i < choices->size(); ++i) {
    const Json& c = (*choices)[i];
    if (!c.is_string())
      fail(where,
           "choices field \"" + fields.choices + "\"[" + std::to_string(i) + "] is " + a_type(c) + ", not a string");
    ex.choices.push_back(c.get<std::string>());
  }
  const auto n = static_cast<long long>(ex.choices.size());
  if (answer->is_number_integer()) {
    const long long index = answer->get<long long>();
    if (index < 0 || index >= n)
      fail(where, "answer index " + std::to_string(index) + " is out of range for " + std::to_string(n) + " choices");
    ex.gold = static_cast<int>(index);
  } else if (answer->is_string()) {
    const std::string& text = answer->get_ref<const std::string&>();
    const auto found = std::find(ex.choices.begin(), ex.choices.end(), text);
    if (found == ex.choices.end()) fail(where, "answer \"" + text + "\" is not one of the choices");
    ex.gold = static_cast<int>(found - ex.choices.begin());
  } else {
    fail(where,
         "answer field \"" + fields.answer + "\" is " + a_type(*answer) + ", not a choice index or one of the choices");
  }
  ex.scores.assign(ex.choices.size(), 0.0);
  ex.scores[static_cast<std::size_t>(ex.gold)] = 1.0;
  return ex;
}

}  // namespace

bool TaskFile::multiple_choice() const {
  return !examples.empty() &&
         std::all_of(examples.begin(), examples.end(), [](const FileExample& e) { return e.multiple_choice(); });
}

std::size_t TaskFile::max_choices() const {
  std::size_t most = 0;
  for (const auto& e : examples) most = std::max(most, e.choices.size());
  return most;
}

TaskFile read_bigbench_task(const std::string& path) {
  const std::string text = read_whole(path);
  if (blank(text)) fail(path, "empty file");
  const Json task = parse(text, path);
  if (!task.is_object()) fail(path, std::string("a JSON ") + task.type_name() + ", not a task object");

  TaskFile out;
  out.path = path;
  read_string(task, "name", out.name, path);
  read_string(task, "description", out.description, path);
  read_string(task, "task_prefix", out.task_prefix, path);
  read_string(task, "example_input_prefix", out.example_input_prefix, path);
  read_string(task, "example_output_prefix", out.example_output_prefix, path);
  read_string(task, "choice_prefix", out.choice_prefix, path);
  read_string(task, "few_shot_example_separator", out.few_shot_example_separator, path);
  read_string(task, "stop_string", out.stop_string, path);
  read_string(task, "output_regex", out.output_regex, path);
  read_string(task, "preferred_score", out.preferred_score, path);
  if (const auto it = task.find("append_choices_to_input"); it != task.end() && !it->is_null()) {
    if (!it->is_boolean()) fail(path, std::string("\"append_choices_to_input\" is ") + a_type(*it) + ", not a boolean");
    out.append_choices_to_input = it->get<bool>();
  }
  if (const auto it = task.find("metrics"); it != task.end() && !it->is_null()) {
    if (!it->is_array()) fail(path, std::string("\"metrics\" is ") + a_type(*it) + ", not a list of strings");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& m = (*it)[i];
      if (!m.is_string()) fail(path, "\"metrics\"[" + std::to_string(i) + "] is " + a_type(m) + ", not a string");
      out.metrics.push_back(m.get<std::string>());
    }
  }

  const auto examples = task.find("examples");
  if (examples == task.end()) fail(path, "no \"examples\" array");
  if (!examples->is_array()) fail(path, std::string("\"examples\" is ") + a_type(*examples) + ", not an array");
  if (examples->empty()) fail(path, "\"examples\" is empty");
  out.examples.reserve(examples->size());
  for (std::size_t i = 0; i < examples->size(); ++i)
    out.examples.push_back(bigbench_example((*examples)[i], path + ": examples[" + std::to_string(i) + "]"));
  return out;
}

TaskFile read_jsonl_task(const std::string& path, const JsonlFields& fields) {
  const std::string text = read_whole(path);
  TaskFile out;
  out.path = path;
  std::size_t begin = 0;
  for (int line_no = 1; begin < text.size(); ++line_no) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    if (blank(line)) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    out.examples.push_back(jsonl_example(parse(line, where), fields, where));
  }
  if (out.examples.empty()) fail(path, "empty file: no examples");
  return out;
}

void check_few_shot(const TaskFile& task, int k) {
  const std::size_t others = task.examples.empty() ? 0 : task.examples.size() - 1;
  if (k > 0 && static_cast<std::size_t>(k) > others)
    fail(task.path, "few_shot_k " + std::to_string(k) + " asks more exemplars than the task's " +
                        std::to_string(others) + " other examples");
}

}  // namespace sweep
