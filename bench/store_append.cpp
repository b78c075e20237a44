// Store append throughput: what the rank-0 writer sustains when it stores one
// result at a time as the master does (Store::append of 2 /metrics rows, then
// Store::flush), and the bytes on disk per /metrics row.
//
// Usage: bench_store_append [ROWS (default 100000)] [DIR (default: the temp directory)]
// Prints the figures; the store is removed afterwards.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "hdf5_schema/store.hpp"

namespace fs = std::filesystem;
using sweep::store::MetricRow;
using sweep::store::Store;

int main(int argc, char** argv) {
  const std::int64_t rows = argc > 1 ? std::atoll(argv[1]) : 100000;
  const fs::path dir = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path();
  if (rows < 2) {
    std::fprintf(stderr, "usage: %s [ROWS >= 2] [DIR]\n", argv[0]);
    return 2;
  }
  const std::string path = (dir / ("bench_store_append." + std::to_string(getpid()) + ".h5")).string();

  sweep::store::Provenance prov;
  prov.grid_text = "name = \"bench\"\n";
  prov.sweep_name = "bench";
  std::vector<sweep::store::PointRow> points(1000);  // a mid-sized grid's /points
  for (std::size_t i = 0; i < points.size(); ++i) {
    points[i].point_id = static_cast<std::int64_t>(i);
    points[i].job = "eval";
    points[i].model = "m" + std::to_string(i % 8);
  }

  const std::int64_t appends = rows / 2;
  double seconds = 0.0;
  std::uintmax_t bytes = 0;
  std::uintmax_t baseline = 0;  // the new store (attributes, /points, empty datasets)
  try {
    Store s = Store::create(path, prov, points, /*force=*/true);
    std::vector<MetricRow> pair(2);
    for (MetricRow& r : pair) {
      r.model = "m3";
      r.n_params = 1600000;
      r.data_tokens = 1 << 24;
      r.prompt = "few_shot";
      r.task = "addition";
      r.n_examples = 100;
      r.train_flops = 6.0 * 1600000.0 * (1 << 24);
    }
    s.flush();
    baseline = fs::file_size(path);
    pair[0].metric = "exact_match";
    pair[1].metric = "logprob";
    const auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < appends; ++i) {
      pair[0].point_id = pair[1].point_id = i;
      pair[0].value = 0.5;
      pair[1].value = -1.0 - 1e-6 * static_cast<double>(i);
      s.append(pair);
      s.flush();
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_store_append: %s\n", e.what());
    fs::remove(path);
    return 1;
  }
  bytes = fs::file_size(path);
  fs::remove(path);

  const double n_rows = 2.0 * static_cast<double>(appends);
  std::printf("bench_store_append: %lld appends of 2 /metrics rows, flush after each\n",
              static_cast<long long>(appends));
  std::printf("  %.0f rows/s (%.0f appends/s, %.1f us per append+flush) over %.2f s\n",
              n_rows / seconds, static_cast<double>(appends) / seconds,
              1e6 * seconds / static_cast<double>(appends), seconds);
  std::printf("  file %ju bytes after %.0f rows: %.1f bytes per /metrics row (168 B payload)\n"
              "  (file - new store of %ju bytes with %zu /points rows) / rows; whole file / rows: "
              "%.1f\n",
              bytes, n_rows, static_cast<double>(bytes - baseline) / n_rows, baseline,
              points.size(), static_cast<double>(bytes) / n_rows);
  return 0;
}
