// Task files: BIG-bench JSON tasks and JSONL datasets, read once into plain
// structs when a grid loads, so a bad file is one error before any job runs.
// Reading is all this layer does; prompts, few-shot draws and grading live
// above it and take what the file says (prefixes, metrics) from TaskFile.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sweep {

struct FileExample {
  std::string input;                 // BIG-bench "input" / JSONL question
  std::string context;               // JSONL context_field ("" if none)
  std::vector<std::string> targets;  // accepted answers, generation-graded: BIG-bench "target" (a string or a
                                     // list); JSONL answer without choices. Empty for a choice-only example.
  std::vector<std::string> choices;  // multiple choice: the options in file order (target_scores keys / choices_field)
  std::vector<double> scores;        // per choice (target_scores values; JSONL: 1 for the answer, 0 else)
  int gold = -1;                     // index of the highest-scoring choice (first on ties), -1 if not multiple choice
  std::string steps;                 // worked steps when the file gives them (JSONL steps_field), else ""
  bool multiple_choice() const { return !choices.empty(); }
};

struct TaskFile {
  std::string path;
  std::string name, description;  // BIG-bench "name", "description" (JSONL: "")
  // BIG-bench's formatting keys, with BIG-bench's defaults where the file
  // leaves one out (JSONL files get the same defaults).
  std::string task_prefix;
  std::string example_input_prefix = "\nQ: ";
  std::string example_output_prefix = "\nA: ";
  std::string choice_prefix = "\n  choice: ";
  std::string few_shot_example_separator = "\n";
  bool append_choices_to_input = true;
  std::string stop_string, output_regex;  // "" when the file gives none
  std::vector<std::string> metrics;       // as the file lists them ("exact_str_match", "multiple_choice_grade", ...)
  std::string preferred_score;
  std::vector<FileExample> examples;

  bool multiple_choice() const;  // every example has choices
  std::size_t max_choices() const;
};

// Both readers throw std::runtime_error, one line naming the file and the
// example ("task.json: examples[3]: ..." with the 0-based index into the
// file's examples array; "data.jsonl:5: ..." with the 1-based line).
TaskFile read_bigbench_task(const std::string& path);

// Field names of a JSONL dataset. `choices` empty: the answer is a string to
// generate; else the answer is an index into the choices array or one of its
// strings. `context` and `steps`, when named, are required on every line.
struct JsonlFields {
  std::string question = "question", answer = "answer", choices, context, steps;
};
TaskFile read_jsonl_task(const std::string& path, const JsonlFields& fields);

// Few-shot exemplars come from the task's other examples (never the query),
// so k of them need k + 1 examples; throws naming the file when there are fewer.
void check_few_shot(const TaskFile& task, int k);

}  // namespace sweep
