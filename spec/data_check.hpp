// Checks a grid's [data] files before a sweep starts: every glob matches,
// every file reads, and the train split holds the largest data_tokens of each
// tokenizer that trains on it. Rank 0 runs it (sweep, sweep plan), so a short
// corpus is one error at start-up instead of a failed job per run, and a
// corpus holding a task file's examples is a warning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace sweep {

// Sequences of T+1 tokens (stride T) a split of `tokens` tokens gives.
inline std::int64_t corpus_windows(std::int64_t tokens, std::int64_t T) { return tokens > T ? (tokens - 1) / T : 0; }

// "" when `tokens` hold data_tokens at context T; else one line naming the
// files, the tokenizer and how many target tokens are missing.
std::string data_shortfall(const std::vector<std::string>& globs, std::int64_t tokens, const std::string& tokenizer,
                           std::int64_t T, std::int64_t data_tokens);

// Reads (and tokenizes) the [data] files once per tokenizer of a trained
// model. Throws std::runtime_error with one line naming the file, or the
// shortfall. Prints nothing; returns one summary line per tokenizer.
std::vector<std::string> check_data(const SweepSpec& spec);

// Task files' examples are evaluation data; a corpus that holds them verbatim
// trains on the test. The first kContaminationExamples examples of each task
// file are looked for in each train file's raw bytes (at most max_bytes of a
// file): an example whose input occurs with one of its answers (a target, or
// the best choice) within kContaminationWindow bytes after it is reported.
// Returns one "warning: ..." line per such example, and per file cut short.
// Compressed (.gz, .zst) and token (.bin) files are not searched.
constexpr int kContaminationExamples = 20;
constexpr std::size_t kContaminationWindow = 4096;
constexpr std::int64_t kContaminationScanBytes = std::int64_t{256} << 20;
std::vector<std::string> contamination_warnings(const std::vector<std::string>& train_files,
                                                const std::vector<TaskSpec>& tasks,
                                                std::int64_t max_bytes = kContaminationScanBytes);
// The grid's: its [data] train files against its task files, when some grid
// model trains on them; empty otherwise.
std::vector<std::string> contamination_warnings(const SweepSpec& spec);

}  // namespace sweep
