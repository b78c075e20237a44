// sweep score's work inside the module: loads a Hugging Face model folder,
// tokenizes each line of a text with the folder's tokenizer and prints the
// line's per-token log-probabilities as JSON lines (kernels/eval/token_logprobs
// computes them; rolling windows past the context).
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

#include "kernels/model/hf_model.hpp"

namespace sweep {

// The input's fault (a bad folder or text, a model too large for the device):
// the command exits 2 on these, 1 on anything else.
struct ScoreInputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ScoreOptions {
  std::string model_dir;
  std::string text_path;  // "-": standard input
  HfDType dtype = HfDType::Float32;
  torch::Device device = torch::kCPU;
  std::int64_t batch = 16;
};

// For each line of the text (without its '\n'; a final '\n' does not start
// another line), one line on `out`: {"ids":[...],"logprobs":[null,lp1,...]},
// logprobs[i] = log p(ids[i] | ids[<i]) as float32 printed with 9 significant
// digits (exact), the first token unscored; an empty line gives
// {"ids":[],"logprobs":[]}. Lines are scored `batch` windows at a time (of
// like length: token_logprobs sorts each group of 64 x batch lines) and
// written in order as each group finishes.
void score_text(const ScoreOptions& options, std::FILE* out);

}  // namespace sweep
