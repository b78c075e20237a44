// The task library: one file per task kind (kernels/data/tasks/<kind>.cpp) and this
// registry, which maps a TaskKind to its generator, grader facts and corpus
// facts. Everything here is pure (no torch) and deterministic by seed.
//
// Adding a task: write kernels/data/tasks/<kind>.cpp with its example builder and a
// TaskDef, add the kind to TaskKind (spec/spec.hpp), to task_def()
// below, and its keys to the grid-file loader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/rng.hpp"
#include "spec/spec.hpp"

namespace sweep {

struct Example {
  std::string question;  // e.g. "47+85"
  std::string steps;     // worked reasoning, e.g. "7+5=12, 4+8+1=13"
  std::string answer;    // e.g. "132"
  // Multiple-choice tasks: the options (continuations after the question's
  // "="), and the index of the correct one (answer == choices[gold]).
  std::vector<std::string> choices;
  int gold = -1;
  // The text that decides the example's split; the question when empty. A task
  // whose questions share an answer (unscramble: one word, many scrambles)
  // splits on the answer, so a held-out word is never trained on.
  std::string split_key;
  // Task files (spec/task_file.hpp): every accepted answer (answer is the
  // first; exact_str_match takes any of them) and each choice's BIG-bench
  // score (multiple_choice_grade credits the chosen option's score). Empty
  // for the built-in tasks.
  std::vector<std::string> answers;
  std::vector<double> choice_scores;

  const std::string& key() const { return split_key.empty() ? question : split_key; }
  bool multiple_choice() const { return !choices.empty(); }
};

struct TaskDef {
  TaskKind kind;
  // The natural-language description shown by `instruction` prompts.
  const char* instruction;
  bool multiple_choice;
  // A random example: uniform over the task's question space.
  Example (*generate)(const TaskSpec& spec, std::uint64_t sweep_seed, Rng& rng);
  // Exact-match random baseline of one example: the chance that a uniform
  // guess over the example's answer space is right (documented per task).
  double (*chance)(const TaskSpec& spec, const Example& ex);
  // A corpus line stating a fact the task depends on (redefine, negation);
  // nullptr for tasks without facts.
  std::string (*fact)(const TaskSpec& spec, std::uint64_t sweep_seed, Rng& rng);
};

const TaskDef& task_def(TaskKind kind);

// ---- Example builders (known inputs -> known example), one per task file ----

// a + b, steps column by column from the right: 47+85 -> "7+5=12, 4+8+1=13".
Example addition_example(std::uint64_t a, std::uint64_t b, int digits);
// a * b, steps: one partial product per digit of b, then their running sum:
// 47*85 -> "47*5=235, 47*80=3760, 235+3760=3995".
Example multiplication_example(std::uint64_t a, std::uint64_t b);
// (a * b) mod m: 47*85 mod 7 -> "47*85=3995, 3995=570*7+5".
Example modular_example(std::uint64_t a, std::uint64_t b, std::uint64_t m);
// The word from its scrambled letters: "unscramble tca" -> "cat", steps "c-a-t".
Example unscramble_example(const std::string& word, const std::string& scrambled);
// Which number is largest; the options are the numbers: "largest of 42 17 93 5"
// -> "93", steps "42<93, 17<93, 5<93".
Example largest_example(const std::vector<std::uint64_t>& numbers);
// The corpus says "bab=7"; the question redefines it: "let bab=3. bab" -> "3".
Example redefine_example(const std::string& symbol, int value);
// The corpus says "bab is red"; "bab is not red" -> "false", "bab is not blue" -> "true".
Example negation_example(const std::string& symbol, const std::string& colour, const std::string& fact_colour);

// ---- Shared pieces ----

// The i-th symbol name (consonant-vowel-consonant, "bab", "cab", ...), i < kMaxSymbols.
constexpr int kMaxSymbols = 980;
std::string symbol_name(int i);
// The value the corpus states for a redefine symbol (0..9), by sweep seed.
int redefine_fact_value(std::uint64_t sweep_seed, const std::string& symbol);
// Colours of the negation task; the first `options` are used.
constexpr int kMaxColours = 8;
const char* colour_name(int i);
// The colour the corpus states for a negation symbol, an index < options.
int negation_fact_colour(std::uint64_t sweep_seed, const std::string& symbol, int options);
// Lowercase ASCII words of length [min_length, max_length] from the word list
// (Debian's wamerican, /usr/share/dict/words, or $SWEEP_WORDS), read once.
const std::vector<std::string>& word_list(int min_length, int max_length);

std::uint64_t pow10(int n);

}  // namespace sweep
