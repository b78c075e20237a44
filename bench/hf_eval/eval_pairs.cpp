// sweep's side of bench/hf_eval's eval-pairs measure: log-likelihoods of
// (context, continuation) pairs, as lm-evaluation-harness's loglikelihood
// requests (a multiple-choice task's options) are scored, through eval's own
// path: load_hf, then target_logprob (kernels/eval/evaluate.hpp) BATCH pairs
// at a time in file order. Tokenizing is inside target_logprob, so it is timed.
//
//   bench_hf_eval_pairs MODEL_DIR PAIRS.jsonl BATCH OUT.jsonl
//
// PAIRS.jsonl: one {"context": ..., "continuation": ...} per line. Prints one
// line `load_s S score_s S examples N`; OUT gets per pair the token ids the
// peer scores (context and continuation, split as lm-evaluation-harness splits
// them) and sweep's log-probability, for bench/hf_eval/torch_pairs.py.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/eval/evaluate.hpp"
#include "kernels/model/hf_model.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<std::int64_t> ids_of(const sweep::text::Tokenizer& tok, const std::string& s) {
  const auto ids = tok.encode(s);
  return std::vector<std::int64_t>(ids.begin(), ids.end());
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc != 5) {
    std::fprintf(stderr, "usage: bench_hf_eval_pairs MODEL_DIR PAIRS.jsonl BATCH OUT.jsonl\n");
    return 2;
  }
  const std::string pairs_path = argv[2];
  const std::size_t batch = static_cast<std::size_t>(std::max(1, std::atoi(argv[3])));
  std::vector<std::string> contexts, continuations;
  {
    std::ifstream in(pairs_path);
    if (!in) throw std::runtime_error(pairs_path + ": cannot open");
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line);
      if (!j.contains("context") || !j.contains("continuation"))
        throw std::runtime_error(pairs_path + ": line " + std::to_string(n) + " lacks context or continuation");
      contexts.push_back(j["context"].get<std::string>());
      continuations.push_back(j["continuation"].get<std::string>());
    }
  }
  if (contexts.empty()) throw std::runtime_error(pairs_path + ": no pairs");

  auto t0 = std::chrono::steady_clock::now();
  const sweep::LanguageModel lm = sweep::load_hf(argv[1]);
  const double load_s = seconds_since(t0);

  t0 = std::chrono::steady_clock::now();
  std::vector<double> logprob;
  for (std::size_t from = 0; from < contexts.size(); from += batch) {
    const std::size_t to = std::min(contexts.size(), from + batch);
    const std::vector<std::string> ctx(contexts.begin() + static_cast<std::ptrdiff_t>(from),
                                       contexts.begin() + static_cast<std::ptrdiff_t>(to));
    const std::vector<std::string> cont(continuations.begin() + static_cast<std::ptrdiff_t>(from),
                                        continuations.begin() + static_cast<std::ptrdiff_t>(to));
    const auto lp = sweep::target_logprob(lm, ctx, cont);
    logprob.insert(logprob.end(), lp.begin(), lp.end());
  }
  const double score_s = seconds_since(t0);

  // The peer's token ids, split as lm-evaluation-harness splits a pair (and as
  // target_logprob does): the context's trailing spaces move to the
  // continuation, the whole is encoded, and the continuation is what lies past
  // the context's own encoding.
  std::ofstream out(argv[4]);
  const auto& tok = lm.tokens();
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    std::string context = contexts[i], continuation = continuations[i];
    std::size_t keep = context.size();
    while (keep > 0 && context[keep - 1] == ' ') --keep;
    continuation = context.substr(keep) + continuation;
    context.resize(keep);
    const auto whole = ids_of(tok, context + continuation);
    const auto alone = ids_of(tok, context);
    nlohmann::json j;
    j["context_ids"] = std::vector<std::int64_t>(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(alone.size()));
    j["continuation_ids"] = std::vector<std::int64_t>(whole.begin() + static_cast<std::ptrdiff_t>(alone.size()), whole.end());
    j["logprob"] = logprob[i];
    out << j.dump() << '\n';
  }
  std::printf("load_s %.4f score_s %.4f examples %zu\n", load_s, score_s, contexts.size());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_hf_eval_pairs: %s\n", e.what());
  return 1;
}
