// Encoding throughput of one tokenizer on one thread: each repetition loads
// the tokenizer afresh (so its word cache starts empty, as the references'
// do) and encodes every line of the corpus; only encoding is timed.
// Prints {"load_s", "encode_s" (median), "bytes", "tokens", "mb_per_s"} as JSON.
//
//   bench_tokenizer TOKENIZER CORPUS [REPS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_tokenizer TOKENIZER CORPUS [REPS]\n");
    return 2;
  }
  const int reps = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "bench_tokenizer: cannot read %s\n", argv[2]);
    return 1;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  std::vector<std::string_view> lines;
  for (std::size_t b = 0; b < data.size();) {
    std::size_t e = data.find('\n', b);
    if (e == std::string::npos) e = data.size();
    lines.push_back(std::string_view(data).substr(b, e - b));
    b = e + 1;
  }
  using clock = std::chrono::steady_clock;
  std::vector<double> times;
  double load_s = 0;
  std::size_t tokens = 0;
  try {
    for (int r = 0; r < reps; ++r) {
      const auto t0 = clock::now();
      const sweep::text::Tokenizer tok = sweep::text::Tokenizer::load(argv[1]);
      const auto t1 = clock::now();
      std::vector<sweep::text::TokenId> ids;
      tokens = 0;
      for (std::string_view line : lines) {
        ids.clear();
        tok.encode(line, ids);
        tokens += ids.size();
      }
      const auto t2 = clock::now();
      load_s = std::chrono::duration<double>(t1 - t0).count();
      times.push_back(std::chrono::duration<double>(t2 - t1).count());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_tokenizer: %s\n", e.what());
    return 1;
  }
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  std::printf("{\"load_s\": %.4f, \"encode_s\": %.4f, \"bytes\": %zu, \"tokens\": %zu, \"mb_per_s\": %.3f}\n", load_s,
              median, data.size(), tokens, data.size() / 1e6 / median);
  return 0;
}
