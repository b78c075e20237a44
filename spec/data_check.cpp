// [data] pre-flight; see data_check.hpp.
#include "spec/data_check.hpp"
#include "spec/grid.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <stdexcept>

#include "text/documents.hpp"

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
  // The most tokens any run trains on, at the longest context any run uses
  // (a budget grid's D, and seq_len, vary by run).
  const Plan plan = expand(spec, ExpandOptions{false});
  std::int64_t T = spec.train.seq_len, most = 0;
  for (const TrainRun& run : plan.runs) {
    T = std::max<std::int64_t>(T, plan.spec_of(run).train.seq_len);
    most = std::max(most, run.data_tokens);
  }
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

namespace {

struct Probe {
  const TaskSpec* task;
  int index;
  std::string input;
  std::vector<std::string> answers;
  bool found = false;
};

std::vector<Probe> probes_of(const std::vector<TaskSpec>& tasks) {
  std::vector<Probe> out;
  for (const TaskSpec& t : tasks) {
    if (!t.file) continue;
    const auto& ex = t.file->examples;
    for (std::size_t i = 0; i < ex.size() && i < static_cast<std::size_t>(kContaminationExamples); ++i) {
      Probe p{&t, static_cast<int>(i), ex[i].input, ex[i].targets};
      if (ex[i].gold >= 0) p.answers.push_back(ex[i].choices[static_cast<std::size_t>(ex[i].gold)]);
      if (!p.input.empty()) out.push_back(std::move(p));
    }
  }
  return out;
}

bool answered_after(const std::string& text, std::size_t from, const std::vector<std::string>& answers) {
  const std::string window = text.substr(from, kContaminationWindow);
  return std::any_of(answers.begin(), answers.end(),
                     [&](const std::string& a) { return !a.empty() && window.find(a) != std::string::npos; });
}

}  // namespace

std::vector<std::string> contamination_warnings(const std::vector<std::string>& train_files,
                                                const std::vector<TaskSpec>& tasks, std::int64_t max_bytes) {
  std::vector<std::string> out;
  std::vector<Probe> probes = probes_of(tasks);
  if (probes.empty()) return out;
  std::size_t longest = 0;
  for (const Probe& p : probes) longest = std::max(longest, p.input.size());
  // Chunks overlap by the longest input and the answer window, so a match
  // across a chunk boundary is seen whole in the next chunk.
  const std::size_t keep = longest + kContaminationWindow, chunk = std::size_t{16} << 20;
  for (const std::string& file : train_files) {
    // Compressed and pre-tokenized files hold no searchable text.
    const auto ends = [&](const char* ext) {
      const std::string e(ext);
      return file.size() >= e.size() && file.compare(file.size() - e.size(), e.size(), e) == 0;
    };
    if (ends(".gz") || ends(".zst") || ends(".bin")) continue;
    for (Probe& p : probes) p.found = false;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file + ": cannot read [data] train file");
    std::string text;
    std::int64_t read = 0;
    bool cut = false;
    while (in) {
      if (read >= max_bytes) {
        cut = in.peek() != std::char_traits<char>::eof();
        break;
      }
      const std::size_t want = static_cast<std::size_t>(std::min<std::int64_t>(chunk, max_bytes - read));
      const std::size_t old = text.size();
      text.resize(old + want);
      in.read(&text[old], static_cast<std::streamsize>(want));
      const std::size_t got = static_cast<std::size_t>(in.gcount());
      text.resize(old + got);
      read += static_cast<std::int64_t>(got);
      if (got == 0) break;
      for (Probe& p : probes) {
        if (p.found) continue;
        for (std::size_t at = text.find(p.input); at != std::string::npos; at = text.find(p.input, at + 1))
          if (answered_after(text, at + p.input.size(), p.answers)) {
            p.found = true;
            break;
          }
      }
      if (text.size() > keep) text.erase(0, text.size() - keep);
    }
    for (const Probe& p : probes)
      if (p.found)
        out.push_back("warning: task " + p.task->name + " (" + p.task->path + "): example " + std::to_string(p.index) +
                      " (input and answer) occurs verbatim in [data] train file " + file +
                      "; models trained on it have seen the test");
    if (cut)
      out.push_back("warning: [data] train file " + file + ": looked for task-file examples in its first " +
                    (max_bytes % (1 << 20) ? std::to_string(max_bytes) + " bytes"
                                           : std::to_string(max_bytes >> 20) + " MiB") +
                    " only");
  }
  return out;
}

std::vector<std::string> contamination_warnings(const SweepSpec& spec) {
  if (!spec.data.files()) return {};
  const bool trains = std::any_of(spec.grid.model.begin(), spec.grid.model.end(),
                                  [&](int m) { return !spec.models[static_cast<std::size_t>(m)].external(); });
  if (!trains) return {};
  std::vector<TaskSpec> tasks;
  for (int t : spec.grid.task) tasks.push_back(spec.tasks[static_cast<std::size_t>(t)]);
  return contamination_warnings(text::expand_globs(spec.data.train, ""), tasks);
}

}  // namespace sweep
