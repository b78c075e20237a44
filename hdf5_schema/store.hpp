// The HDF5 results store written by rank 0 alone. See hdf5_schema/SCHEMA.md.
//
// Life of a store: create() (or resume() of an existing one) makes every object
// and then starts SWMR writing; after that the writer only appends rows,
// rewrites rows of /points in place, and flushes. Readers open it live with
// h5py.File(path, "r", swmr=True).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "common/metric.hpp"

namespace sweep::store {

constexpr int kSchemaVersion = 5;
// The oldest layout still read, validated and resumed: a version 3 or 4 store
// lacks the columns later versions added (schema.hpp: Column::since); they read
// as 0 or empty, and rows appended on resume keep its layout (HDF5 converts
// compound rows by member name).
constexpr int kOldestSchemaVersion = 3;

// One row of /metrics: one (grid point, metric) pair: the grid point's axis
// columns and the metric's value (MetricValue, common/metric.hpp, as the worker
// computed it). Train-run metrics have empty prompt and task and point_id = the
// run id. Column "stderr" is the member std_err (stderr is a macro name in C).
struct MetricRow : MetricValue {
  std::int64_t point_id = 0;
  std::string model;
  std::int64_t n_params = 0;
  std::int64_t n_params_non_embedding = 0;  // 0: unknown (a torchscript model, a version 3 store)
  std::int64_t data_tokens = 0;
  std::string prompt;
  std::string task;
  double train_flops = 0.0;
  // The run's seed, its compute budget (a `compute` grid: the C its D was
  // derived from; 0 otherwise) and its swept settings beyond the core axes
  // (canonical "key=value;..." sorted by key; empty when the grid sweeps none).
  std::int64_t seed = 0;
  double compute_budget = 0.0;
  std::string axes;
};

// One row of /examples: the first eval example of an eval point, as the model
// saw it, so users can check what was asked.
struct ExampleRow {
  std::int64_t point_id = 0;
  std::string model;
  std::int64_t data_tokens = 0;
  std::string prompt;
  std::string task;
  std::string context;  // the rendered prompt (column "prompt_text")
  std::string target;   // the gold continuation
  std::string output;   // the model's generation, or the option it ranked first
};

// One row of /errors: one failed attempt of a job (or a skip because its train failed).
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

// Status of a job in /points (HDF5 enum "status", stored as uint8).
// Diverged: training stopped on a non-finite loss (a result about the model, not a bug).
// Timeout: the job ran past the sweep's job_timeout.
enum class Status : std::uint8_t {
  Pending = 0, Running = 1, Done = 2, Failed = 3, Skipped = 4, Diverged = 5, Timeout = 6
};
const char* to_string(Status s);

// Call first in main(), before any other store function. Stops HDF5 from
// closing still-open files at process exit: a file whose last flush failed
// (a full disk) stays open after its H5Fclose fails, and HDF5's exit-time
// cleanup would crash on it. sweep closes every store it opens through RAII,
// so nothing is left for that cleanup to do otherwise.
void skip_hdf5_exit_cleanup();

// One row of /points: one job of the sweep (a train run or an eval point).
// Rows are created pending and rewritten in place as the job progresses.
struct PointRow {
  std::int64_t point_id = 0;  // run id for train jobs
  std::string job;            // "train" or "eval"
  std::string model;
  std::int64_t data_tokens = 0;
  std::string prompt;          // empty for train jobs
  std::string task;            // empty for train jobs
  Status status = Status::Pending;
  std::int32_t attempts = 0;
  std::string error;           // last error text, "" if none
  double start_time = 0.0;     // unix seconds of the last attempt's start, 0 if never
  double end_time = 0.0;       // unix seconds of its end, 0 if not ended
  double wall_seconds = 0.0;   // job's own measured seconds
  std::int32_t rank = -1;      // rank of the last attempt
  std::string host;            // host of the last attempt
  std::string config;          // the point's resolved config (canonical key=value text)
  std::string axes;            // its run's swept settings (as MetricRow::axes)
};

// One row of /runs: one finished train run.
struct RunRow {
  std::int64_t run_id = 0;
  std::string model;
  std::int32_t n_layer = 0, d_model = 0, n_head = 0;
  std::int64_t n_params = 0;
  std::int64_t n_params_non_embedding = 0;
  std::int64_t data_tokens = 0;
  double train_flops = 0.0;
  std::int64_t steps = 0;
  double train_loss = 0.0;  // nats/token, last 10% of steps
  double eval_loss = 0.0;   // nats/token, held-out corpus
  double tokens_per_s = 0.0;
  std::int64_t peak_rss_bytes = 0;  // worker process peak resident memory
  double wall_seconds = 0.0;
  std::string checkpoint;   // weights file
  // Provenance of a pretrained (hf) model; empty for models trained here.
  std::string source;          // the model folder it was loaded from
  std::string weights_sha256;  // "sha256:<hex>" of its safetensors files (hf::Weights::checksum)
  std::int64_t seed = 0;       // as MetricRow's
  double compute_budget = 0.0;
  std::string axes;
};

// One row of /curves: one logged training step of a run (streamed during training).
struct CurveRow {
  std::int64_t run_id = 0;
  std::int32_t attempt = 0;  // a restarted run logs again with the next attempt number
  std::int64_t step = 0;
  std::int64_t tokens = 0;   // tokens trained after this step
  double loss = 0.0;         // nats/token of this step's batch
  double lr = 0.0;
  double grad_norm = 0.0;    // global L2 norm before clipping
  double wall_seconds = 0.0; // since the run's start
};

// Root attributes, written when the store is created.
struct Provenance {
  std::string grid_text;
  std::string grid_path;
  std::string sweep_name;
  std::string sweep_version;
  std::uint64_t seed = 0;
  std::int32_t ranks = 0;
  std::string created;         // ISO 8601 UTC
  std::string resolved_config; // the whole resolved spec (canonical key=value lines)
  std::string torch_version;
  std::string mpi_version;
  std::string nccl_version;    // "X.Y.Z (linked)", "not linked: ...", or "" without NCCL headers (SCHEMA.md)
  std::string hostnames;       // one per rank, newline-separated, rank order
  std::string slurm;           // the Slurm job ran in, "key=value" lines; "" outside Slurm
};

// One later session (a --resume) recorded as attributes resume_<k>_*.
struct Session {
  std::string grid_text;
  std::string sweep_version;
  std::string started;  // ISO 8601 UTC
  std::int32_t ranks = 0;
  std::string slurm;    // as Provenance::slurm
};

// The layout of one dataset, as SCHEMA.md documents it: the tables of
// hdf5_schema/schema.cpp, in creation order (tests compare SCHEMA.md with it).
struct ColumnInfo {
  std::string name;
  std::string type;  // int32, int64, float64, string[N] or enum uint8
  std::string doc;   // SCHEMA.md's "meaning" cell
};
struct TableInfo {
  std::string name;
  std::size_t row_bytes = 0;   // packed, as in the file
  std::size_t chunk_rows = 0;
  std::vector<ColumnInfo> columns;
};
std::vector<TableInfo> describe_schema();

class Store {
 public:
  // Creates a new store holding `points` (all pending), then starts SWMR.
  // Refuses (throws std::runtime_error naming the path) if the file exists,
  // unless `force`, which replaces it.
  static Store create(const std::string& path, const Provenance& prov, const std::vector<PointRow>& points,
                      bool force = false);

  // Opens an existing store to continue it. Clears the status flags a killed
  // writer leaves (as `h5clear -s --increment` does, never `-s` alone), checks
  // schema_version (refusing another version with a clear message), records
  // `session`, then starts SWMR.
  static Store resume(const std::string& path, const Session& session);

  // Makes a store whose writer was killed readable again before a --resume
  // reads its /points: a resume killed between opening the file and starting
  // SWMR leaves status flags that refuse SWMR readers as well as plain ones.
  // Clears them as resume() would (`h5clear -s --increment`), and only then;
  // a closed store, a missing file and one that is not HDF5 are left as they
  // are. Throws if a live writer holds the store.
  static void recover(const std::string& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  // Current rows of /points, in row order (row i is index i for set_point).
  std::vector<PointRow> points() const;
  std::vector<MetricRow> metrics() const;
  void add_points(const std::vector<PointRow>& rows);   // appended (an enlarged grid)
  void set_point(std::size_t row, const PointRow& p);   // rewritten in place

  void append(const std::vector<MetricRow>& rows);
  void append_example(const ExampleRow& row);
  void append_error(const ErrorRow& row);
  void append_run(const RunRow& row);
  void append_curves(const std::vector<CurveRow>& rows);
  void flush();  // every dataset: rows written so far survive a kill of this process

  const std::string& path() const;

  // Reading a store: works on a finished store and, through SWMR read, on one
  // being written or left by a killed writer.
  static std::vector<MetricRow> read_metrics(const std::string& path);
  static std::vector<ErrorRow> read_errors(const std::string& path);
  static std::vector<PointRow> read_points(const std::string& path);
  static std::vector<RunRow> read_runs(const std::string& path);
  static std::vector<CurveRow> read_curves(const std::string& path);
  static std::vector<ExampleRow> read_examples(const std::string& path);

  // Checks a file against the schema; returns one line per problem (empty: valid).
  static std::vector<std::string> validate(const std::string& path);

  // Writes /metrics as CSV (header + rows) or JSON Lines to `out`.
  static void export_metrics(const std::string& path, const std::string& format, std::ostream& out);

 private:
  struct Impl;
  explicit Store(Impl* impl);
  Impl* impl_ = nullptr;
};

}  // namespace sweep::store
