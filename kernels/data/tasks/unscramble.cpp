// unscramble: recover an English word from its shuffled letters. Words come from
// Debian's wamerican list, kept when all lowercase ASCII letters and of length
// [min_length, max_length]. Splits by the word, so a held-out word is never seen
// in training under any scramble. Exact-match random baseline: one over the
// distinct orderings of the letters (a uniform guess among rearrangements).
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>

#include "kernels/data/tasks/registry.hpp"

namespace sweep {

const std::vector<std::string>& word_list(int min_length, int max_length) {
  static std::mutex mu;
  static std::map<std::pair<int, int>, std::vector<std::string>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& words = cache[{min_length, max_length}];
  if (!words.empty()) return words;
  const char* env = std::getenv("SWEEP_WORDS");
  const std::string path = env && *env ? env : "/usr/share/dict/words";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("unscramble: cannot read word list " + path + " (install Debian's wamerican)");
  std::string w;
  while (std::getline(in, w)) {
    const int n = static_cast<int>(w.size());
    if (n < min_length || n > max_length) continue;
    if (!std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; })) continue;
    // A word of one repeated letter has no scramble that differs from it.
    if (std::all_of(w.begin(), w.end(), [&](char c) { return c == w[0]; })) continue;
    words.push_back(w);
  }
  // The list is sorted; dedupe anyway so the question space is a set.
  words.erase(std::unique(words.begin(), words.end()), words.end());
  if (words.empty())
    throw std::runtime_error("unscramble: no words of length " + std::to_string(min_length) + ".." +
                             std::to_string(max_length) + " in " + path);
  return words;
}

Example unscramble_example(const std::string& word, const std::string& scrambled) {
  Example ex;
  ex.question = "unscramble " + scrambled;
  ex.answer = word;
  for (std::size_t i = 0; i < word.size(); ++i) ex.steps += (i ? "-" : "") + std::string(1, word[i]);
  ex.split_key = "unscramble/" + word;
  return ex;
}

namespace {

// Distinct orderings of a word's letters: n! / prod(count(letter)!).
double orderings(const std::string& word) {
  std::map<char, int> counts;
  for (char c : word) ++counts[c];
  double n = 1.0;
  for (std::size_t i = 2; i <= word.size(); ++i) n *= static_cast<double>(i);
  for (const auto& [c, k] : counts)
    for (int i = 2; i <= k; ++i) n /= i;
  return n;
}

}  // namespace

TaskDef unscramble_task() {
  return {TaskKind::Unscramble, "Unscramble the letters into an English word.", false,
          [](const TaskSpec& spec, std::uint64_t, Rng& rng) {
            const auto& words = word_list(spec.min_length, spec.max_length);
            const std::string& word = words[rng.below(words.size())];
            std::string s = word;
            do {  // Fisher-Yates with our Rng (std::shuffle is implementation-defined)
              for (std::size_t i = s.size() - 1; i > 0; --i) std::swap(s[i], s[rng.below(i + 1)]);
            } while (s == word);
            return unscramble_example(word, s);
          },
          [](const TaskSpec&, const Example& ex) { return 1.0 / orderings(ex.answer); },
          nullptr};
}

}  // namespace sweep
