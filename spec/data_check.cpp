// [data] pre-flight; see data_check.hpp.
#include "spec/data_check.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "text/token_source.hpp"
#include "text/tokenizer.hpp"

namespace sweep {

std::string data_shortfall(const std::vector<std::string>& globs, std::int64_t tokens, const std::string& tokenizer,
                           std::int64_t T, std::int64_t data_tokens) {
  const std::int64_t have = corpus_windows(tokens, T), need = (data_tokens + T - 1) / T;
  if (need <= have) return "";
  std::string files;
  for (const auto& g : globs) files += (files.empty() ? "" : ", ") + g;
  return "[data] train (" + files + "): " + std::to_string(tokens) + " tokens under tokenizer " + tokenizer +
         " give " + std::to_string(have) + " sequences of " + std::to_string(T) + " (" + std::to_string(have * T) +
         " target tokens); data_tokens " + std::to_string(data_tokens) + " needs " +
         std::to_string((need - have) * T) + " more";
}

std::vector<std::string> check_data(const SweepSpec& spec) {
  std::vector<std::string> summary;
  if (!spec.data.files()) return summary;
  std::set<std::string> seen;
  const std::int64_t T = spec.train.seq_len;
  const std::int64_t most = *std::max_element(spec.grid.data_tokens.begin(), spec.grid.data_tokens.end());
  for (int m : spec.grid.model) {
    const ModelSpec& model = spec.models[static_cast<std::size_t>(m)];
    if (!seen.insert(model.tokenizer).second) continue;
    const text::Tokenizer tok = text::Tokenizer::load(model.tokenizer);
    const text::TokenSource train(spec.data.train, "", spec.data.read, tok);
    const text::TokenSource valid(spec.data.valid, "", spec.data.read, tok);
    if (corpus_windows(static_cast<std::int64_t>(valid.size()), T) == 0)
      throw std::runtime_error("[data] valid: " + std::to_string(valid.size()) + " tokens under tokenizer " +
                               tok.name() + ", fewer than seq_len + 1 (" + std::to_string(T + 1) + ")");
    // A TorchScript model trains nothing; every other needs its data_tokens.
    if (!model.external()) {
      const std::string short_by =
          data_shortfall(spec.data.train, static_cast<std::int64_t>(train.size()), tok.name(), T, most);
      if (!short_by.empty()) throw std::runtime_error(short_by);
    }
    summary.push_back("tokenizer " + tok.name() + ": train " + train.description() + "; valid " +
                      valid.description());
  }
  return summary;
}

}  // namespace sweep
