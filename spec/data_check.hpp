// Checks a grid's [data] files before a sweep starts: every glob matches,
// every file reads, and the train split holds the largest data_tokens of each
// tokenizer that trains on it. Rank 0 runs it (sweep, sweep plan), so a short
// corpus is one error at start-up instead of a failed job per run.
#pragma once

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

}  // namespace sweep
