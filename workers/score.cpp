// sweep score inside the module; see score.hpp.
#include "workers/score.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "kernels/eval/token_logprobs.hpp"

namespace sweep {
namespace {

std::string read_text(const std::string& path) {
  std::string data;
  if (path == "-") {
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) data.append(buf, n);
    if (std::ferror(stdin)) throw ScoreInputError("<stdin>: read error");
    return data;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScoreInputError(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string_view> split_lines(std::string_view data) {
  std::vector<std::string_view> lines;
  std::size_t begin = 0;
  while (begin < data.size()) {
    std::size_t end = data.find('\n', begin);
    if (end == std::string_view::npos) end = data.size();
    lines.push_back(data.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

void append_line(std::string& out, const std::vector<std::int64_t>& ids, const std::vector<float>& logprobs) {
  char num[32];
  out += "{\"ids\":[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::snprintf(num, sizeof num, i ? ",%lld" : "%lld", static_cast<long long>(ids[i]));
    out += num;
  }
  out += "],\"logprobs\":[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    const float lp = i == 0 ? NAN : logprobs[i - 1];
    // 9 significant digits give back the float32 exactly; JSON has no NaN or infinity.
    if (std::isfinite(lp)) {
      std::snprintf(num, sizeof num, "%.9g", static_cast<double>(lp));
      out += num;
    } else {
      out += "null";
    }
  }
  out += "]}\n";
}

}  // namespace

void score_text(const ScoreOptions& options, std::FILE* out) {
  const std::string data = read_text(options.text_path);
  LanguageModel model;
  try {
    HfLoadOptions load;
    load.dtype = options.dtype;
    load.device = options.device;
    load.batch = options.batch;
    model = load_hf(options.model_dir, load);
  } catch (const std::exception& e) {
    throw ScoreInputError(e.what());
  }
  const std::vector<std::string_view> lines = split_lines(data);
  const text::Tokenizer& tok = model.tokens();
  // Groups of lines, so output appears as the text is scored, a long text's
  // ids are not all held at once, and within a group lines of like length
  // share batches (token_logprobs sorts them).
  const std::size_t group = 64 * static_cast<std::size_t>(std::max<std::int64_t>(1, options.batch));
  std::vector<text::TokenId> encoded;
  for (std::size_t g0 = 0; g0 < lines.size(); g0 += group) {
    const std::size_t g1 = std::min(lines.size(), g0 + group);
    std::vector<std::vector<std::int64_t>> rows;
    for (std::size_t i = g0; i < g1; ++i) {
      encoded.clear();
      tok.encode(lines[i], encoded);
      rows.emplace_back(encoded.begin(), encoded.end());
    }
    const auto logprobs = token_logprobs(model, rows, options.batch);
    std::string text;
    for (std::size_t r = 0; r < rows.size(); ++r) append_line(text, rows[r], logprobs[r]);
    if (std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fflush(out) != 0)
      throw std::runtime_error("standard output: write error: " + std::string(std::strerror(errno)));
  }
}

}  // namespace sweep
