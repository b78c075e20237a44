// The HDF5 results store written by rank 0 alone. See hdf5_schema/SCHEMA.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sweep::store {

// One row of /metrics: one (grid point, metric) pair. Train-run metrics have
// empty prompt and task and point_id = the run id.
struct MetricRow {
  std::int64_t point_id = 0;
  std::string model;
  std::int64_t n_params = 0;
  std::int64_t data_tokens = 0;
  std::string prompt;
  std::string task;
  std::string metric;
  double value = 0.0;
  double std_err = 0.0;   // column "stderr" (a macro name in C, hence std_err here)
  std::int64_t n_examples = 0;
  double train_flops = 0.0;
};

// One row of /errors: a job that failed (or was skipped because its train failed).
struct ErrorRow {
  std::int64_t point_id = 0;
  std::string job;  // "train" or "eval"
  std::string model;
  std::int64_t data_tokens = 0;
  std::string prompt;
  std::string task;
  std::int32_t rank = -1;  // MPI rank that ran it, -1 if never run
  std::string message;
};

// Root attributes written once at creation.
struct Provenance {
  std::string grid_text;
  std::string grid_path;
  std::string sweep_name;
  std::string sweep_version;
  std::uint64_t seed = 0;
  std::int32_t ranks = 0;
  std::string created;  // ISO 8601 UTC
};

class Store {
 public:
  // Creates a new store. Refuses (throws std::runtime_error naming the path)
  // if the file already exists: a store is never overwritten.
  static Store create(const std::string& path, const Provenance& prov);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  void append(const std::vector<MetricRow>& rows);
  void append_error(const ErrorRow& row);
  void flush();  // H5Fflush: rows written so far survive a crash of this process

  const std::string& path() const;

  // Reading back (tests, tools).
  static std::vector<MetricRow> read_metrics(const std::string& path);
  static std::vector<ErrorRow> read_errors(const std::string& path);

 private:
  struct Impl;
  explicit Store(Impl* impl);
  Impl* impl_ = nullptr;
};

}  // namespace sweep::store
