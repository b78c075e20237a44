// libFuzzer target: a tidy CSV of external results (`sweep analyze --csv`) ->
// rows -> curves -> ability verdicts (the sharpness fits included). A
// std::runtime_error naming the file and line is the expected answer to a bad CSV; a crash, hang or sanitizer report
// (NaN/inf values, one-point curves, huge numbers included) is a finding. The
// loss fits are left out: their grid of starts takes seconds per input, and
// tests/analysis covers them.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "analysis/curve.hpp"
#include "analysis/metric_registry.hpp"
#include "analysis/tidy.hpp"
#include "analysis/verdict.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/sweep-fuzz-csv-" + std::to_string(getpid()) + ".csv";
  }();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    using namespace sweep::analysis;
    const auto rows = read_tidy_csv(path);
    // The source's own declarations, as sweep analyze applies them.
    MetricRegistry metrics;
    for (const auto& r : rows)
      if (r.higher_is_better >= 0 || r.scale > 0) metrics.declare(r.metric, {r.higher_is_better, r.scale, r.where_metric});
    VerdictOptions o;
    o.bootstrap = 20;
    for (const auto& curve : build_curves(rows, {}, metrics)) (void)classify(curve, o);
  } catch (const std::exception&) {
  }
  std::remove(path.c_str());
  return 0;
}
