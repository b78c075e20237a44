// The HDF5 results store (schema_version 3). See hdf5_schema/SCHEMA.md.
//
// Every HDF5 id is owned by a Handle (RAII, move-only, never throws on close)
// and every HDF5 C call goes through check(), which turns a failure into a
// std::runtime_error naming the call, the file and HDF5's own error stack.
//
// The column tables below (kMetricColumns ... kCurveColumns, gathered in
// kTables) are the one source of truth for the on-disk layout: the writer
// builds its types from them, the readers read with them and validate()
// compares a file against them.
#include "hdf5_schema/store.hpp"
#include "hdf5_schema/h5.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <ostream>
#include <regex>
#include <set>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <utility>

namespace sweep::store {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Fixed-length strings

// Copies s into a zeroed char[N] field, truncated to N-1 bytes so a NUL always
// ends it; a cut never splits a UTF-8 sequence.
template <std::size_t N>
void put(char (&dst)[N], const std::string& s) {
  std::size_t n = std::min(s.size(), N - 1);
  if (n < s.size()) {
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  }
  std::memset(dst, 0, N);
  std::memcpy(dst, s.data(), n);
}

template <std::size_t N>
std::string get(const char (&src)[N]) {
  const void* nul = std::memchr(src, '\0', N);
  return std::string(src, nul ? static_cast<const char*>(nul) - src : N);
}

// ---------------------------------------------------------------------------
// Row records: the in-memory layout of one dataset element.

struct MetricRec {
  std::int64_t point_id;
  char model[32];
  std::int64_t n_params;
  std::int64_t data_tokens;
  char prompt[16];
  char task[32];
  char metric[32];
  double value;
  double std_err;
  std::int64_t n_examples;
  double train_flops;
  double random_baseline;
};

struct ExampleRec {
  std::int64_t point_id;
  char model[32];
  std::int64_t data_tokens;
  char prompt[16];
  char task[32];
  char prompt_text[4096];  // train.seq_len is at most 4096 tokens (bytes)
  char target[1024];
  char output[1024];
};

struct ErrorRec {
  std::int64_t point_id;
  char job[8];
  char model[32];
  std::int64_t data_tokens;
  char prompt[16];
  char task[32];
  std::int32_t rank;
  char message[512];
};

struct PointRec {
  std::int64_t point_id;
  char job[8];
  char model[32];
  std::int64_t data_tokens;
  char prompt[16];
  char task[32];
  std::uint8_t status;
  std::int32_t attempts;
  char error[256];
  double start_time;
  double end_time;
  double wall_seconds;
  std::int32_t rank;
  char host[64];
  char config[1024];
};

struct RunRec {
  std::int64_t run_id;
  char model[32];
  std::int32_t n_layer;
  std::int32_t d_model;
  std::int32_t n_head;
  std::int64_t n_params;
  std::int64_t data_tokens;
  double train_flops;
  std::int64_t steps;
  double train_loss;
  double eval_loss;
  double tokens_per_s;
  std::int64_t peak_rss_bytes;
  double wall_seconds;
  char checkpoint[256];
};

struct CurveRec {
  std::int64_t run_id;
  std::int32_t attempt;
  std::int64_t step;
  std::int64_t tokens;
  double loss;
  double lr;
  double grad_norm;
  double wall_seconds;
};

enum class Kind { I32, I64, F64, Str, Status };

struct Column {
  const char* name;
  Kind kind;
  std::size_t mem_offset;
  std::size_t size;  // bytes in memory (and in the file: types are packed)
};

// Names and values of the HDF5 enum "status" (Status in store.hpp).
constexpr std::array<std::pair<const char*, std::uint8_t>, 7> kStatusNames = {{
    {"pending", 0}, {"running", 1}, {"done", 2}, {"failed", 3}, {"skipped", 4}, {"diverged", 5}, {"timeout", 6}}};

#define SWEEP_COL(rec, name, member, kind) \
  Column { name, kind, offsetof(rec, member), sizeof(rec::member) }

// Column order here is the on-disk member order (schema_version 3).
const Column kMetricColumns[] = {
    SWEEP_COL(MetricRec, "point_id", point_id, Kind::I64),
    SWEEP_COL(MetricRec, "model", model, Kind::Str),
    SWEEP_COL(MetricRec, "n_params", n_params, Kind::I64),
    SWEEP_COL(MetricRec, "data_tokens", data_tokens, Kind::I64),
    SWEEP_COL(MetricRec, "prompt", prompt, Kind::Str),
    SWEEP_COL(MetricRec, "task", task, Kind::Str),
    SWEEP_COL(MetricRec, "metric", metric, Kind::Str),
    SWEEP_COL(MetricRec, "value", value, Kind::F64),
    SWEEP_COL(MetricRec, "stderr", std_err, Kind::F64),
    SWEEP_COL(MetricRec, "n_examples", n_examples, Kind::I64),
    SWEEP_COL(MetricRec, "train_flops", train_flops, Kind::F64),
    SWEEP_COL(MetricRec, "random_baseline", random_baseline, Kind::F64),
};

const Column kExampleColumns[] = {
    SWEEP_COL(ExampleRec, "point_id", point_id, Kind::I64),
    SWEEP_COL(ExampleRec, "model", model, Kind::Str),
    SWEEP_COL(ExampleRec, "data_tokens", data_tokens, Kind::I64),
    SWEEP_COL(ExampleRec, "prompt", prompt, Kind::Str),
    SWEEP_COL(ExampleRec, "task", task, Kind::Str),
    SWEEP_COL(ExampleRec, "prompt_text", prompt_text, Kind::Str),
    SWEEP_COL(ExampleRec, "target", target, Kind::Str),
    SWEEP_COL(ExampleRec, "output", output, Kind::Str),
};

const Column kErrorColumns[] = {
    SWEEP_COL(ErrorRec, "point_id", point_id, Kind::I64),
    SWEEP_COL(ErrorRec, "job", job, Kind::Str),
    SWEEP_COL(ErrorRec, "model", model, Kind::Str),
    SWEEP_COL(ErrorRec, "data_tokens", data_tokens, Kind::I64),
    SWEEP_COL(ErrorRec, "prompt", prompt, Kind::Str),
    SWEEP_COL(ErrorRec, "task", task, Kind::Str),
    SWEEP_COL(ErrorRec, "rank", rank, Kind::I32),
    SWEEP_COL(ErrorRec, "message", message, Kind::Str),
};

const Column kPointColumns[] = {
    SWEEP_COL(PointRec, "point_id", point_id, Kind::I64),
    SWEEP_COL(PointRec, "job", job, Kind::Str),
    SWEEP_COL(PointRec, "model", model, Kind::Str),
    SWEEP_COL(PointRec, "data_tokens", data_tokens, Kind::I64),
    SWEEP_COL(PointRec, "prompt", prompt, Kind::Str),
    SWEEP_COL(PointRec, "task", task, Kind::Str),
    SWEEP_COL(PointRec, "status", status, Kind::Status),
    SWEEP_COL(PointRec, "attempts", attempts, Kind::I32),
    SWEEP_COL(PointRec, "error", error, Kind::Str),
    SWEEP_COL(PointRec, "start_time", start_time, Kind::F64),
    SWEEP_COL(PointRec, "end_time", end_time, Kind::F64),
    SWEEP_COL(PointRec, "wall_seconds", wall_seconds, Kind::F64),
    SWEEP_COL(PointRec, "rank", rank, Kind::I32),
    SWEEP_COL(PointRec, "host", host, Kind::Str),
    SWEEP_COL(PointRec, "config", config, Kind::Str),
};

const Column kRunColumns[] = {
    SWEEP_COL(RunRec, "run_id", run_id, Kind::I64),
    SWEEP_COL(RunRec, "model", model, Kind::Str),
    SWEEP_COL(RunRec, "n_layer", n_layer, Kind::I32),
    SWEEP_COL(RunRec, "d_model", d_model, Kind::I32),
    SWEEP_COL(RunRec, "n_head", n_head, Kind::I32),
    SWEEP_COL(RunRec, "n_params", n_params, Kind::I64),
    SWEEP_COL(RunRec, "data_tokens", data_tokens, Kind::I64),
    SWEEP_COL(RunRec, "train_flops", train_flops, Kind::F64),
    SWEEP_COL(RunRec, "steps", steps, Kind::I64),
    SWEEP_COL(RunRec, "train_loss", train_loss, Kind::F64),
    SWEEP_COL(RunRec, "eval_loss", eval_loss, Kind::F64),
    SWEEP_COL(RunRec, "tokens_per_s", tokens_per_s, Kind::F64),
    SWEEP_COL(RunRec, "peak_rss_bytes", peak_rss_bytes, Kind::I64),
    SWEEP_COL(RunRec, "wall_seconds", wall_seconds, Kind::F64),
    SWEEP_COL(RunRec, "checkpoint", checkpoint, Kind::Str),
};

const Column kCurveColumns[] = {
    SWEEP_COL(CurveRec, "run_id", run_id, Kind::I64),
    SWEEP_COL(CurveRec, "attempt", attempt, Kind::I32),
    SWEEP_COL(CurveRec, "step", step, Kind::I64),
    SWEEP_COL(CurveRec, "tokens", tokens, Kind::I64),
    SWEEP_COL(CurveRec, "loss", loss, Kind::F64),
    SWEEP_COL(CurveRec, "lr", lr, Kind::F64),
    SWEEP_COL(CurveRec, "grad_norm", grad_norm, Kind::F64),
    SWEEP_COL(CurveRec, "wall_seconds", wall_seconds, Kind::F64),
};

#undef SWEEP_COL

const char kMetricsDoc[] =
    "point_id: int64 grid-point id (train rows: run id); "
    "model: model name; n_params: parameter count; data_tokens: training tokens; "
    "prompt: prompt style (empty for train rows); task: task name (empty for train rows); "
    "metric: exact_match | edit_distance | logprob | seq_logprob | mc_accuracy | mc_accuracy_norm | brier | "
    "ece | train_loss | eval_loss; "
    "value: metric value (exact_match fraction in [0,1]; logprob nats/token <= 0; losses nats/token); "
    "stderr: sample std / sqrt(n) (ece: bootstrap); n_examples: examples (eval metrics) or tokens (loss metrics); "
    "train_flops: 6 * n_params * data_tokens; random_baseline: the metric's value for a guessing model. "
    "See hdf5_schema/SCHEMA.md.";

const char kExamplesDoc[] =
    "One row per finished eval point: its first eval example as the model saw it. point_id; model; "
    "data_tokens; prompt; task; prompt_text: the rendered prompt; target: the gold continuation; "
    "output: the model's greedy generation, or the option it ranked first. See hdf5_schema/SCHEMA.md.";

const char kErrorsDoc[] =
    "point_id: int64 grid-point id (train jobs: run id); job: train | eval; model; data_tokens; "
    "prompt; task; rank: MPI rank that ran it (-1 if never run); message: error text "
    "(truncated to 511 bytes). One row per failed attempt or skip. See hdf5_schema/SCHEMA.md.";

const char kPointsDoc[] =
    "One row per job of the sweep (train run or eval point), rewritten in place as it runs. "
    "point_id: int64 (train jobs: run id); job: train | eval; model; data_tokens; prompt; task "
    "(prompt and task empty for train jobs); status: enum uint8 pending=0 running=1 done=2 "
    "failed=3 skipped=4 diverged=5 timeout=6; attempts; error: last error text; start_time, end_time: unix seconds "
    "of the last attempt (0 if none); wall_seconds: the job's own seconds; rank, host: where "
    "the last attempt ran (-1, empty if never); config: resolved config (key=value lines). "
    "See hdf5_schema/SCHEMA.md.";

const char kRunsDoc[] =
    "One row per finished train run. run_id; model; n_layer, d_model, n_head; n_params; "
    "data_tokens; train_flops (6 N D); steps; train_loss (nats/token, last 10% of steps); "
    "eval_loss (nats/token, held-out corpus); tokens_per_s; peak_rss_bytes (worker peak RSS); "
    "wall_seconds; checkpoint: weights file. See hdf5_schema/SCHEMA.md.";

const char kCurvesDoc[] =
    "One row per logged training step, streamed while runs train. run_id; attempt (a restarted "
    "run logs again with the next attempt number); step; tokens (trained after this step); "
    "loss (nats/token, this step's batch); lr; grad_norm (global L2 norm before clipping); "
    "wall_seconds (since the run's start). See hdf5_schema/SCHEMA.md.";

// Every dataset of the store, in creation order.
struct Table {
  const char* name;
  const Column* cols;
  std::size_t n_cols;
  std::size_t rec_size;
  hsize_t chunk_rows;
  const char* doc;
};

template <std::size_t N>
constexpr std::size_t count(const Column (&)[N]) { return N; }

enum TableIndex : std::size_t { kMetrics = 0, kErrors, kPoints, kRuns, kCurves, kExamples, kNumTables };

const Table kTables[kNumTables] = {
    {"metrics", kMetricColumns, count(kMetricColumns), sizeof(MetricRec), 1024, kMetricsDoc},
    {"errors", kErrorColumns, count(kErrorColumns), sizeof(ErrorRec), 128, kErrorsDoc},
    {"points", kPointColumns, count(kPointColumns), sizeof(PointRec), 64, kPointsDoc},
    {"runs", kRunColumns, count(kRunColumns), sizeof(RunRec), 128, kRunsDoc},
    {"curves", kCurveColumns, count(kCurveColumns), sizeof(CurveRec), 4096, kCurvesDoc},
    {"examples", kExampleColumns, count(kExampleColumns), sizeof(ExampleRec), 16, kExamplesDoc},
};

// Root attributes (besides resume_<k>_*). Kind::Str attributes are fixed-length
// strings sized to their value.
struct RootAttr {
  const char* name;
  Kind kind;  // I32, I64 (stored as uint64: seed), Str
};
const RootAttr kRootAttrs[] = {
    {"schema_version", Kind::I32}, {"sessions", Kind::I32},       {"hdf5_version", Kind::Str},
    {"grid_text", Kind::Str},      {"grid_path", Kind::Str},      {"sweep_name", Kind::Str},
    {"sweep_version", Kind::Str},  {"seed", Kind::I64},           {"ranks", Kind::I32},
    {"created", Kind::Str},        {"resolved_config", Kind::Str}, {"torch_version", Kind::Str},
    {"mpi_version", Kind::Str},    {"nccl_version", Kind::Str},   {"hostnames", Kind::Str},
    {"slurm", Kind::Str},
};
const std::regex kResumeAttr("resume_[1-9][0-9]*_(grid_text|sweep_version|started|ranks|slurm)");

// The status enum over `base` (H5T_STD_U8LE in the file, native uint8 in memory).
Handle status_type(hid_t base, const std::string& path) {
  Handle t = own(H5Tenum_create(base), H5Tclose, "H5Tenum_create", path);
  for (const auto& [name, value] : kStatusNames) {
    std::uint8_t v = value;
    check(H5Tenum_insert(t.get(), name, &v), "H5Tenum_insert", path);
  }
  return t;
}

std::size_t file_size_of(const Column& c) { return c.size; }

// The member type of column c: standard little-endian for the file, native in memory.
Handle member_type(const Column& c, bool file, const std::string& path) {
  switch (c.kind) {
    case Kind::I32:
      return own(H5Tcopy(file ? H5T_STD_I32LE : H5T_NATIVE_INT32), H5Tclose, "H5Tcopy", path);
    case Kind::I64:
      return own(H5Tcopy(file ? H5T_STD_I64LE : H5T_NATIVE_INT64), H5Tclose, "H5Tcopy", path);
    case Kind::F64:
      return own(H5Tcopy(file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE), H5Tclose, "H5Tcopy", path);
    case Kind::Str:
      return string_type(c.size, path);
    case Kind::Status:
      return status_type(file ? H5T_STD_U8LE : H5T_NATIVE_UINT8, path);
  }
  throw std::logic_error("unknown column kind");
}

// Memory type (native, the Rec layout) or file type (little-endian, packed).
Handle compound_type(const Table& t, bool file, const std::string& path) {
  std::size_t file_size = 0;
  for (std::size_t i = 0; i < t.n_cols; ++i) file_size += file_size_of(t.cols[i]);
  Handle type = own(H5Tcreate(H5T_COMPOUND, file ? file_size : t.rec_size), H5Tclose,
                    "H5Tcreate", path);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < t.n_cols; ++i) {
    const Column& c = t.cols[i];
    Handle member = member_type(c, file, path);
    check(H5Tinsert(type.get(), c.name, file ? offset : c.mem_offset, member.get()), "H5Tinsert",
          path);
    offset += file_size_of(c);
  }
  return type;
}

// Scalar attribute of a fixed-length string sized to s (plus its NUL).
// Replaces an attribute of that name if there is one.
void write_string_attr(hid_t obj, const char* name, const std::string& s,
                       const std::string& path) {
  const std::string where = path + " attribute " + name;
  if (check(H5Aexists(obj, name), "H5Aexists", where) > 0) {
    check(H5Adelete(obj, name), "H5Adelete", where);
  }
  Handle type = string_type(s.size() + 1, path);
  Handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", path);
  Handle attr = own(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose, "H5Acreate2", where);
  check(H5Awrite(attr.get(), type.get(), s.c_str()), "H5Awrite", where);
}

// Scalar numeric attribute; an existing one of that name is overwritten.
template <typename T>
void write_scalar_attr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, T value,
                       const std::string& path) {
  const std::string where = path + " attribute " + name;
  if (check(H5Aexists(obj, name), "H5Aexists", where) > 0) {
    check(H5Adelete(obj, name), "H5Adelete", where);
  }
  Handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", path);
  Handle attr = own(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose, "H5Acreate2", where);
  check(H5Awrite(attr.get(), mem_type, &value), "H5Awrite", where);
}

template <typename T>
T read_scalar_attr(hid_t obj, const char* name, hid_t mem_type, const std::string& path) {
  const std::string where = path + " attribute " + name;
  Handle attr = own(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose, "H5Aopen", where);
  T value{};
  check(H5Aread(attr.get(), mem_type, &value), "H5Aread", where);
  return value;
}

// An empty 1-D chunked dataset with unlimited length.
void create_table(hid_t file, const Table& t, const std::string& path) {
  const std::string where = path + " dataset /" + t.name;
  Handle file_type = compound_type(t, true, where);
  hsize_t dims[1] = {0};
  hsize_t maxdims[1] = {H5S_UNLIMITED};
  Handle space = own(H5Screate_simple(1, dims, maxdims), H5Sclose, "H5Screate_simple", where);
  Handle dcpl = own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate", where);
  hsize_t chunk[1] = {t.chunk_rows};
  check(H5Pset_chunk(dcpl.get(), 1, chunk), "H5Pset_chunk", where);
  Handle ds = own(H5Dcreate2(file, t.name, file_type.get(), space.get(), H5P_DEFAULT, dcpl.get(),
                             H5P_DEFAULT),
                  H5Dclose, "H5Dcreate2", where);
  write_string_attr(ds.get(), "columns_doc", t.doc, where);
}

hsize_t extent(hid_t ds, const std::string& where) {
  Handle space = own(H5Dget_space(ds), H5Sclose, "H5Dget_space", where);
  hsize_t n[1] = {0};
  check(H5Sget_simple_extent_dims(space.get(), n, nullptr), "H5Sget_simple_extent_dims", where);
  return n[0];
}

// Appends recs to the 1-D dataset ds in one hyperslab write.
template <typename Rec>
void append_records(hid_t ds, hid_t mem_type, const std::vector<Rec>& recs,
                    const std::string& where) {
  if (recs.empty()) return;
  hsize_t n[1] = {extent(ds, where)};
  const hsize_t k[1] = {recs.size()};
  const hsize_t start[1] = {n[0]};
  const hsize_t new_n[1] = {n[0] + k[0]};
  check(H5Dset_extent(ds, new_n), "H5Dset_extent", where);
  try {
    Handle fspace = own(H5Dget_space(ds), H5Sclose, "H5Dget_space", where);
    check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, k, nullptr),
          "H5Sselect_hyperslab", where);
    Handle mspace = own(H5Screate_simple(1, k, nullptr), H5Sclose, "H5Screate_simple", where);
    check(H5Dwrite(ds, mem_type, mspace.get(), fspace.get(), H5P_DEFAULT, recs.data()),
          "H5Dwrite", where);
  } catch (...) {
    // Best effort: do not leave fill-value rows behind a failed write.
    if (H5Dset_extent(ds, n) < 0) H5Eclear2(H5E_DEFAULT);
    throw;
  }
}

// Every row of the open 1-D dataset ds.
template <typename Rec>
std::vector<Rec> read_records(hid_t ds, hid_t mem_type, const std::string& where) {
  std::vector<Rec> recs(extent(ds, where));
  if (!recs.empty()) {
    check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, recs.data()), "H5Dread", where);
  }
  return recs;
}

// The writer never races another writer: it reads each metadata block once
// (see kSwmrReaderReadAttempts in h5.hpp for the readers' bound).
constexpr unsigned kWriterReadAttempts = 1;

// schema_version of an open file; -1 if it has none.
std::int32_t schema_version_of(hid_t file, const std::string& path) {
  const std::string where = path + " attribute schema_version";
  if (check(H5Aexists(file, "schema_version"), "H5Aexists", where) == 0) return -1;
  return read_scalar_attr<std::int32_t>(file, "schema_version", H5T_NATIVE_INT32, path);
}

// Reads the whole dataset t of the store at path.
template <typename Rec>
std::vector<Rec> read_table(const std::string& path, const Table& t) {
  Handle file = open_for_reading(path);
  const std::int32_t version = schema_version_of(file.get(), path);
  if (version < 0) {
    throw std::runtime_error(path + ": not a sweep store (no schema_version attribute)");
  }
  if (version != kSchemaVersion) {
    throw std::runtime_error(path + ": schema_version " + std::to_string(version) +
                             " is not supported (this reader knows " +
                             std::to_string(kSchemaVersion) + ")");
  }
  const std::string where = path + " dataset /" + t.name;
  Handle ds = own(H5Dopen2(file.get(), t.name, H5P_DEFAULT), H5Dclose, "H5Dopen2", where);
  Handle mem_type = compound_type(t, false, where);
  return read_records<Rec>(ds.get(), mem_type.get(), where);
}

// ---------------------------------------------------------------------------
// Row <-> record

MetricRec to_rec(const MetricRow& r) {
  MetricRec m{};
  m.point_id = r.point_id;
  put(m.model, r.model);
  m.n_params = r.n_params;
  m.data_tokens = r.data_tokens;
  put(m.prompt, r.prompt);
  put(m.task, r.task);
  put(m.metric, r.metric);
  m.value = r.value;
  m.std_err = r.std_err;
  m.n_examples = r.n_examples;
  m.train_flops = r.train_flops;
  m.random_baseline = r.random_baseline;
  return m;
}

ExampleRec to_rec(const ExampleRow& r) {
  ExampleRec e{};
  e.point_id = r.point_id;
  put(e.model, r.model);
  e.data_tokens = r.data_tokens;
  put(e.prompt, r.prompt);
  put(e.task, r.task);
  put(e.prompt_text, r.context);
  put(e.target, r.target);
  put(e.output, r.output);
  return e;
}

ExampleRow from_rec(const ExampleRec& e) {
  ExampleRow r;
  r.point_id = e.point_id;
  r.model = get(e.model);
  r.data_tokens = e.data_tokens;
  r.prompt = get(e.prompt);
  r.task = get(e.task);
  r.context = get(e.prompt_text);
  r.target = get(e.target);
  r.output = get(e.output);
  return r;
}

MetricRow from_rec(const MetricRec& m) {
  MetricRow r;
  r.point_id = m.point_id;
  r.model = get(m.model);
  r.n_params = m.n_params;
  r.data_tokens = m.data_tokens;
  r.prompt = get(m.prompt);
  r.task = get(m.task);
  r.metric = get(m.metric);
  r.value = m.value;
  r.std_err = m.std_err;
  r.n_examples = m.n_examples;
  r.train_flops = m.train_flops;
  r.random_baseline = m.random_baseline;
  return r;
}

ErrorRec to_rec(const ErrorRow& r) {
  ErrorRec e{};
  e.point_id = r.point_id;
  put(e.job, r.job);
  put(e.model, r.model);
  e.data_tokens = r.data_tokens;
  put(e.prompt, r.prompt);
  put(e.task, r.task);
  e.rank = r.rank;
  put(e.message, r.message);
  return e;
}

ErrorRow from_rec(const ErrorRec& e) {
  ErrorRow r;
  r.point_id = e.point_id;
  r.job = get(e.job);
  r.model = get(e.model);
  r.data_tokens = e.data_tokens;
  r.prompt = get(e.prompt);
  r.task = get(e.task);
  r.rank = e.rank;
  r.message = get(e.message);
  return r;
}

PointRec to_rec(const PointRow& r) {
  PointRec p{};
  p.point_id = r.point_id;
  put(p.job, r.job);
  put(p.model, r.model);
  p.data_tokens = r.data_tokens;
  put(p.prompt, r.prompt);
  put(p.task, r.task);
  p.status = static_cast<std::uint8_t>(r.status);
  p.attempts = r.attempts;
  put(p.error, r.error);
  p.start_time = r.start_time;
  p.end_time = r.end_time;
  p.wall_seconds = r.wall_seconds;
  p.rank = r.rank;
  put(p.host, r.host);
  put(p.config, r.config);
  return p;
}

PointRow from_rec(const PointRec& p) {
  PointRow r;
  r.point_id = p.point_id;
  r.job = get(p.job);
  r.model = get(p.model);
  r.data_tokens = p.data_tokens;
  r.prompt = get(p.prompt);
  r.task = get(p.task);
  // Values outside the enum read back as 0xff (HDF5's enum conversion); keep them.
  r.status = static_cast<Status>(p.status);
  r.attempts = p.attempts;
  r.error = get(p.error);
  r.start_time = p.start_time;
  r.end_time = p.end_time;
  r.wall_seconds = p.wall_seconds;
  r.rank = p.rank;
  r.host = get(p.host);
  r.config = get(p.config);
  return r;
}

RunRec to_rec(const RunRow& r) {
  RunRec x{};
  x.run_id = r.run_id;
  put(x.model, r.model);
  x.n_layer = r.n_layer;
  x.d_model = r.d_model;
  x.n_head = r.n_head;
  x.n_params = r.n_params;
  x.data_tokens = r.data_tokens;
  x.train_flops = r.train_flops;
  x.steps = r.steps;
  x.train_loss = r.train_loss;
  x.eval_loss = r.eval_loss;
  x.tokens_per_s = r.tokens_per_s;
  x.peak_rss_bytes = r.peak_rss_bytes;
  x.wall_seconds = r.wall_seconds;
  put(x.checkpoint, r.checkpoint);
  return x;
}

RunRow from_rec(const RunRec& x) {
  RunRow r;
  r.run_id = x.run_id;
  r.model = get(x.model);
  r.n_layer = x.n_layer;
  r.d_model = x.d_model;
  r.n_head = x.n_head;
  r.n_params = x.n_params;
  r.data_tokens = x.data_tokens;
  r.train_flops = x.train_flops;
  r.steps = x.steps;
  r.train_loss = x.train_loss;
  r.eval_loss = x.eval_loss;
  r.tokens_per_s = x.tokens_per_s;
  r.peak_rss_bytes = x.peak_rss_bytes;
  r.wall_seconds = x.wall_seconds;
  r.checkpoint = get(x.checkpoint);
  return r;
}

CurveRec to_rec(const CurveRow& r) {
  CurveRec c{};
  c.run_id = r.run_id;
  c.attempt = r.attempt;
  c.step = r.step;
  c.tokens = r.tokens;
  c.loss = r.loss;
  c.lr = r.lr;
  c.grad_norm = r.grad_norm;
  c.wall_seconds = r.wall_seconds;
  return c;
}

CurveRow from_rec(const CurveRec& c) {
  CurveRow r;
  r.run_id = c.run_id;
  r.attempt = c.attempt;
  r.step = c.step;
  r.tokens = c.tokens;
  r.loss = c.loss;
  r.lr = c.lr;
  r.grad_norm = c.grad_norm;
  r.wall_seconds = c.wall_seconds;
  return r;
}

template <typename Rec, typename Row>
std::vector<Rec> to_recs(const std::vector<Row>& rows) {
  std::vector<Rec> recs;
  recs.reserve(rows.size());
  for (const Row& r : rows) recs.push_back(to_rec(r));
  return recs;
}

template <typename Row, typename Rec>
std::vector<Row> from_recs(const std::vector<Rec>& recs) {
  std::vector<Row> rows;
  rows.reserve(recs.size());
  for (const Rec& r : recs) rows.push_back(from_rec(r));
  return rows;
}

// ---------------------------------------------------------------------------
// The writer lock.
//
// HDF5 1.10 drops its own file lock once SWMR writing starts, so a live SWMR
// writer and one that was killed look the same (status flags set). The writer
// therefore holds an open-file-description lock on one byte far past the end
// of the store for as long as it is open; resume() and create(force) refuse a
// store whose lock is held, so h5clear never runs under a live writer. Skipped
// when HDF5_USE_FILE_LOCKING=FALSE (file systems without working locks).

class WriterLock {
 public:
  WriterLock() = default;
  WriterLock(WriterLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  WriterLock& operator=(WriterLock&& o) noexcept {
    if (this != &o) {
      release();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~WriterLock() { release(); }

  // Takes the lock on the store at path; throws if another writer holds it.
  static WriterLock take(const std::string& path, const char* refusing) {
    WriterLock lock;
    const char* env = std::getenv("HDF5_USE_FILE_LOCKING");
    if (env != nullptr && (std::strcmp(env, "FALSE") == 0 || std::strcmp(env, "0") == 0)) {
      return lock;
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      throw std::runtime_error(path + ": cannot open to lock it: " + std::strerror(errno));
    }
    lock.fd_ = fd;
    struct flock fl{};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = kLockByte;
    fl.l_len = 1;
    if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
      const int err = errno;
      if (err == EAGAIN || err == EACCES) {
        throw std::runtime_error(path + ": another process is writing this store (a sweep is "
                                 "still running on it); " + refusing);
      }
      // No lock support here (ENOLCK, EINVAL): go on without one.
      lock.release();
    }
    return lock;
  }

 private:
  static constexpr off_t kLockByte = static_cast<off_t>(1) << 62;
  void release() noexcept {
    if (fd_ >= 0) ::close(fd_);  // drops the lock
    fd_ = -1;
  }
  int fd_ = -1;
};

// Runs `h5clear -s --increment path` (never `-s` alone: see SCHEMA.md).
void run_h5clear(const std::string& path) {
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child < 0) {
    throw std::runtime_error(path + ": cannot clear the status flags a killed writer left: fork "
                             "failed: " + std::strerror(errno));
  }
  if (child == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
    execlp("h5clear", "h5clear", "-s", "--increment", path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      throw std::runtime_error(path + ": waiting for h5clear failed: " + std::strerror(errno));
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::string why = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                      : "was killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) why += " (not installed? it is in hdf5-tools)";
  throw std::runtime_error(path + ": the store's writer died without closing it, and "
                           "`h5clear -s --increment " + path + "` (clearing its status flags) " +
                           why);
}

std::string hdf5_library_version() {
  unsigned maj = 0, min = 0, rel = 0;
  if (H5get_libversion(&maj, &min, &rel) < 0) H5Eclear2(H5E_DEFAULT);
  return std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel);
}

}  // namespace

void skip_hdf5_exit_cleanup() { H5dont_atexit(); }

const char* to_string(Status s) {
  const auto v = static_cast<std::uint8_t>(s);
  for (const auto& [name, value] : kStatusNames) {
    if (value == v) return name;
  }
  return "invalid";
}

// ---------------------------------------------------------------------------

struct Store::Impl {
  std::string path;
  // Members are destroyed in reverse order: datasets and types, then the
  // file, then the writer lock.
  WriterLock lock;
  Handle file;
  std::array<Handle, kNumTables> mem_types;  // memory type of each table's Rec
  std::array<Handle, kNumTables> datasets;

  hid_t ds(TableIndex t) const { return datasets[t].get(); }
  hid_t mem(TableIndex t) const { return mem_types[t].get(); }
  std::string where(TableIndex t) const { return path + " dataset /" + kTables[t].name; }

  void open_datasets() {
    for (std::size_t i = 0; i < kNumTables; ++i) {
      const std::string w = path + " dataset /" + kTables[i].name;
      datasets[i] = own(H5Dopen2(file.get(), kTables[i].name, H5P_DEFAULT), H5Dclose, "H5Dopen2", w);
      if (!mem_types[i]) mem_types[i] = compound_type(kTables[i], false, w);
    }
  }

  // Starts SWMR writing. Datasets are closed first and opened again after:
  // HDF5 1.10.8 loses dataset access properties at H5Fstart_swmr_write.
  void start_swmr() {
    for (Handle& d : datasets) d.reset();
    check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "H5Fflush", path);
    check(H5Fstart_swmr_write(file.get()), "H5Fstart_swmr_write", path);
    open_datasets();
  }
};

Store::Store(Impl* impl) : impl_(impl) {}
Store::Store(Store&& o) noexcept : impl_(std::exchange(o.impl_, nullptr)) {}
Store& Store::operator=(Store&& o) noexcept {
  if (this != &o) {
    delete impl_;
    impl_ = std::exchange(o.impl_, nullptr);
  }
  return *this;
}
Store::~Store() { delete impl_; }

const std::string& Store::path() const {
  if (impl_ == nullptr) throw std::logic_error("sweep::store::Store used after move");
  return impl_->path;
}

namespace {

Handle latest_format_fapl(const std::string& path) {
  Handle fapl = own(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate", path);
  // LATEST: the superblock (version 3) and object headers SWMR needs.
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST),
        "H5Pset_libver_bounds", path);
  check(H5Pset_metadata_read_attempts(fapl.get(), kWriterReadAttempts), "H5Pset_metadata_read_attempts", path);
  return fapl;
}

}  // namespace

Store Store::create(const std::string& path, const Provenance& prov,
                    const std::vector<PointRow>& points, bool force) {
  quiet_hdf5(path);
  const fs::path p(path);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(p, ec))) {
    if (!force) {
      throw std::runtime_error(path + ": store already exists; refusing to overwrite it (choose "
                                      "another --out or move it away)");
    }
    if (fs::is_directory(p, ec)) {
      throw std::runtime_error(path + ": is a directory; refusing to replace it with a store");
    }
    if (fs::is_regular_file(p, ec)) {
      // Never pull the file from under a live writer.
      WriterLock::take(path, "refusing to replace it");
    }
    fs::remove(p, ec);
    if (ec) throw std::runtime_error(path + ": cannot remove the old store: " + ec.message());
  }
  if (p.has_parent_path()) {
    fs::create_directories(p.parent_path(), ec);
    if (ec) {
      throw std::runtime_error(path + ": cannot create directory " + p.parent_path().string() +
                               ": " + ec.message());
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  Handle fapl = latest_format_fapl(path);
  // EXCL: a file that appeared since the check above is still not overwritten.
  impl->file = own(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()), H5Fclose,
                   "H5Fcreate", path);
  try {
    // Everything is created now: a SWMR writer may not create objects later.
    const hid_t root = impl->file.get();
    write_scalar_attr(root, "schema_version", H5T_STD_I32LE, H5T_NATIVE_INT32,
                      static_cast<std::int32_t>(kSchemaVersion), path);
    write_scalar_attr(root, "sessions", H5T_STD_I32LE, H5T_NATIVE_INT32, std::int32_t{1}, path);
    write_string_attr(root, "hdf5_version", hdf5_library_version(), path);
    write_string_attr(root, "grid_text", prov.grid_text, path);
    write_string_attr(root, "grid_path", prov.grid_path, path);
    write_string_attr(root, "sweep_name", prov.sweep_name, path);
    write_string_attr(root, "sweep_version", prov.sweep_version, path);
    write_scalar_attr(root, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, prov.seed, path);
    write_scalar_attr(root, "ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, prov.ranks, path);
    write_string_attr(root, "created", prov.created, path);
    write_string_attr(root, "resolved_config", prov.resolved_config, path);
    write_string_attr(root, "torch_version", prov.torch_version, path);
    write_string_attr(root, "mpi_version", prov.mpi_version, path);
    write_string_attr(root, "nccl_version", prov.nccl_version, path);
    write_string_attr(root, "hostnames", prov.hostnames, path);
    write_string_attr(root, "slurm", prov.slurm, path);

    for (const Table& t : kTables) create_table(root, t, path);
    impl->open_datasets();
    append_records(impl->ds(kPoints), impl->mem(kPoints), to_recs<PointRec>(points),
                   impl->where(kPoints));
    impl->start_swmr();
    impl->lock = WriterLock::take(path, "refusing to write it");
  } catch (...) {
    // Half a store is worse than none: close it and remove the file we made.
    impl.reset();
    fs::remove(p, ec);
    throw;
  }
  return Store(impl.release());
}

void Store::recover(const std::string& path) {
  quiet_hdf5(path);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return;
  // A live writer must not have its flags cleared under it.
  const WriterLock lock = WriterLock::take(path, "refusing to resume it");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id >= 0) {
    if (H5Fclose(id) < 0) H5Eclear2(H5E_DEFAULT);
    return;
  }
  const bool killed = status_flags_set(hdf5_error_stack());
  if (killed) run_h5clear(path);
}

Store Store::resume(const std::string& path, const Session& session) {
  quiet_hdf5(path);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw std::runtime_error(path + ": no store to resume (no such file)");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  // First: a live writer must not have its flags cleared under it.
  impl->lock = WriterLock::take(path, "refusing to resume it");
  Handle fapl = latest_format_fapl(path);
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
  if (id < 0) {
    const std::string first = hdf5_error_stack();
    if (!status_flags_set(first)) {
      throw std::runtime_error(path + ": cannot open the store to resume it: H5Fopen failed: " +
                               first);
    }
    run_h5clear(path);  // the writer was killed: recover its flushed rows
    id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
    if (id < 0) {
      throw std::runtime_error(path + ": cannot open the store to resume it, even after "
                               "`h5clear -s --increment`: H5Fopen failed: " + hdf5_error_stack());
    }
  }
  impl->file = Handle(id, H5Fclose);
  const hid_t root = impl->file.get();

  const std::int32_t version = schema_version_of(root, path);
  if (version < 0) {
    throw std::runtime_error(path + ": not a sweep store (no schema_version attribute); "
                             "refusing to resume it");
  }
  if (version != kSchemaVersion) {
    throw std::runtime_error(path + ": schema_version " + std::to_string(version) +
                             ", this sweep writes " + std::to_string(kSchemaVersion) +
                             "; refusing to resume it (use a new --out)");
  }
  for (const Table& t : kTables) {
    const std::string w = path + " dataset /" + t.name;
    if (check(H5Lexists(root, t.name, H5P_DEFAULT), "H5Lexists", w) <= 0) {
      throw std::runtime_error(path + ": dataset /" + t.name +
                               " is missing; not a complete store, refusing to resume it");
    }
  }

  // Read every row once before anything is written: damage fails here, with
  // one read attempt per block and the store untouched, not later in SWMR mode
  // (where HDF5 retries a bad block with exponential sleeps: a hang).
  try {
    impl->open_datasets();
    (void)read_records<MetricRec>(impl->ds(kMetrics), impl->mem(kMetrics), impl->where(kMetrics));
    (void)read_records<ErrorRec>(impl->ds(kErrors), impl->mem(kErrors), impl->where(kErrors));
    (void)read_records<PointRec>(impl->ds(kPoints), impl->mem(kPoints), impl->where(kPoints));
    (void)read_records<RunRec>(impl->ds(kRuns), impl->mem(kRuns), impl->where(kRuns));
    (void)read_records<CurveRec>(impl->ds(kCurves), impl->mem(kCurves), impl->where(kCurves));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + " -- the store is damaged; refusing to resume it");
  }

  // Record the session (attributes are created before SWMR starts).
  std::int32_t sessions = 1;
  if (check(H5Aexists(root, "sessions"), "H5Aexists", path + " attribute sessions") > 0) {
    sessions = read_scalar_attr<std::int32_t>(root, "sessions", H5T_NATIVE_INT32, path);
  }
  const std::string k = "resume_" + std::to_string(sessions) + "_";
  write_string_attr(root, (k + "grid_text").c_str(), session.grid_text, path);
  write_string_attr(root, (k + "sweep_version").c_str(), session.sweep_version, path);
  write_string_attr(root, (k + "started").c_str(), session.started, path);
  write_scalar_attr(root, (k + "ranks").c_str(), H5T_STD_I32LE, H5T_NATIVE_INT32, session.ranks,
                    path);
  write_string_attr(root, (k + "slurm").c_str(), session.slurm, path);
  {
    const std::string where = path + " attribute sessions";
    if (check(H5Aexists(root, "sessions"), "H5Aexists", where) > 0) {
      Handle attr = own(H5Aopen(root, "sessions", H5P_DEFAULT), H5Aclose, "H5Aopen", where);
      const std::int32_t next = sessions + 1;
      check(H5Awrite(attr.get(), H5T_NATIVE_INT32, &next), "H5Awrite", where);
    } else {
      write_scalar_attr(root, "sessions", H5T_STD_I32LE, H5T_NATIVE_INT32, sessions + 1, path);
    }
  }
  impl->start_swmr();
  return Store(impl.release());
}

std::vector<PointRow> Store::points() const {
  quiet_hdf5(path());
  return from_recs<PointRow>(
      read_records<PointRec>(impl_->ds(kPoints), impl_->mem(kPoints), impl_->where(kPoints)));
}

std::vector<MetricRow> Store::metrics() const {
  quiet_hdf5(path());
  return from_recs<MetricRow>(
      read_records<MetricRec>(impl_->ds(kMetrics), impl_->mem(kMetrics), impl_->where(kMetrics)));
}

void Store::add_points(const std::vector<PointRow>& rows) {
  quiet_hdf5(path());
  append_records(impl_->ds(kPoints), impl_->mem(kPoints), to_recs<PointRec>(rows),
                 impl_->where(kPoints));
}

void Store::set_point(std::size_t row, const PointRow& p) {
  quiet_hdf5(path());
  const std::string where = impl_->where(kPoints);
  const hid_t ds = impl_->ds(kPoints);
  const hsize_t n = extent(ds, where);
  if (row >= n) {
    throw std::out_of_range(where + ": set_point row " + std::to_string(row) + " but it has " +
                            std::to_string(n) + " rows");
  }
  const PointRec rec = to_rec(p);
  const hsize_t start[1] = {row};
  const hsize_t one[1] = {1};
  Handle fspace = own(H5Dget_space(ds), H5Sclose, "H5Dget_space", where);
  check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, one, nullptr),
        "H5Sselect_hyperslab", where);
  Handle mspace = own(H5Screate_simple(1, one, nullptr), H5Sclose, "H5Screate_simple", where);
  check(H5Dwrite(ds, impl_->mem(kPoints), mspace.get(), fspace.get(), H5P_DEFAULT, &rec),
        "H5Dwrite", where);
}

void Store::append(const std::vector<MetricRow>& rows) {
  quiet_hdf5(path());
  append_records(impl_->ds(kMetrics), impl_->mem(kMetrics), to_recs<MetricRec>(rows),
                 impl_->where(kMetrics));
}

void Store::append_example(const ExampleRow& row) {
  quiet_hdf5(path());
  append_records(impl_->ds(kExamples), impl_->mem(kExamples), std::vector<ExampleRec>{to_rec(row)},
                 impl_->where(kExamples));
}

void Store::append_error(const ErrorRow& row) {
  quiet_hdf5(path());
  append_records(impl_->ds(kErrors), impl_->mem(kErrors), std::vector<ErrorRec>{to_rec(row)},
                 impl_->where(kErrors));
}

void Store::append_run(const RunRow& row) {
  quiet_hdf5(path());
  append_records(impl_->ds(kRuns), impl_->mem(kRuns), std::vector<RunRec>{to_rec(row)},
                 impl_->where(kRuns));
}

void Store::append_curves(const std::vector<CurveRow>& rows) {
  quiet_hdf5(path());
  append_records(impl_->ds(kCurves), impl_->mem(kCurves), to_recs<CurveRec>(rows),
                 impl_->where(kCurves));
}

void Store::flush() {
  quiet_hdf5(path());
  check(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL), "H5Fflush", path());
}

std::vector<MetricRow> Store::read_metrics(const std::string& path) {
  return from_recs<MetricRow>(read_table<MetricRec>(path, kTables[kMetrics]));
}

std::vector<ErrorRow> Store::read_errors(const std::string& path) {
  return from_recs<ErrorRow>(read_table<ErrorRec>(path, kTables[kErrors]));
}

std::vector<PointRow> Store::read_points(const std::string& path) {
  return from_recs<PointRow>(read_table<PointRec>(path, kTables[kPoints]));
}

std::vector<RunRow> Store::read_runs(const std::string& path) {
  return from_recs<RunRow>(read_table<RunRec>(path, kTables[kRuns]));
}

std::vector<CurveRow> Store::read_curves(const std::string& path) {
  return from_recs<CurveRow>(read_table<CurveRec>(path, kTables[kCurves]));
}

std::vector<ExampleRow> Store::read_examples(const std::string& path) {
  return from_recs<ExampleRow>(read_table<ExampleRec>(path, kTables[kExamples]));
}

// ---------------------------------------------------------------------------
// validate

namespace {

// A short name of an HDF5 type, as SCHEMA.md writes it.
std::string describe_type(hid_t t) {
  const H5T_class_t cls = H5Tget_class(t);
  const std::size_t size = H5Tget_size(t);
  switch (cls) {
    case H5T_INTEGER: {
      std::string s = (H5Tget_sign(t) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(8 * size);
      if (size > 1 && H5Tget_order(t) != H5T_ORDER_LE) s += " (big-endian)";
      return s;
    }
    case H5T_FLOAT: {
      std::string s = "float" + std::to_string(8 * size);
      if (H5Tget_order(t) != H5T_ORDER_LE) s += " (big-endian)";
      return s;
    }
    case H5T_STRING:
      if (H5Tis_variable_str(t) > 0) return "variable-length string";
      return "string[" + std::to_string(size) + "]";
    case H5T_ENUM:
      return "enum of " + std::to_string(8 * size) + "-bit integers";
    case H5T_COMPOUND:
      return "compound";
    default:
      return "HDF5 type class " + std::to_string(static_cast<int>(cls));
  }
}

// The enum's (name, value) pairs, values read as uint8 (empty if not a 1-byte enum).
std::vector<std::pair<std::string, int>> enum_members(hid_t t) {
  std::vector<std::pair<std::string, int>> out;
  if (H5Tget_class(t) != H5T_ENUM || H5Tget_size(t) != 1) return out;
  const int n = H5Tget_nmembers(t);
  for (int i = 0; i < n; ++i) {
    char* name = H5Tget_member_name(t, static_cast<unsigned>(i));
    std::uint8_t v = 0;
    if (H5Tget_member_value(t, static_cast<unsigned>(i), &v) < 0) H5Eclear2(H5E_DEFAULT);
    out.emplace_back(name ? name : "?", v);
    H5free_memory(name);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return out;
}

// "" if the file member type t is what column c needs, else a description.
// Strings compare by fixed length (pad and character set are not checked).
std::string type_problem(hid_t t, const Column& c) {
  Handle want = member_type(c, true, "validate");
  const std::string got = describe_type(t);
  const std::string expected = describe_type(want.get());
  bool ok = H5Tget_class(t) == H5Tget_class(want.get()) && H5Tget_size(t) == H5Tget_size(want.get());
  if (ok && c.kind == Kind::Str) ok = H5Tis_variable_str(t) <= 0;
  if (ok && (c.kind == Kind::I32 || c.kind == Kind::I64 || c.kind == Kind::F64)) {
    ok = H5Tequal(t, want.get()) > 0;
  }
  if (ok && c.kind == Kind::Status) {
    ok = enum_members(t) == enum_members(want.get());
    if (!ok) return "is an enum with other names or values than pending=0 running=1 done=2 failed=3 skipped=4 diverged=5 timeout=6";
  }
  H5Eclear2(H5E_DEFAULT);
  return ok ? "" : "is " + got + ", expected " + expected;
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

herr_t collect_attr(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

void validate_table(hid_t root, const Table& t, const std::string& path,
                    std::vector<std::string>& problems) {
  const std::string where = path + ": /" + t.name;
  hid_t id = H5Dopen2(root, t.name, H5P_DEFAULT);
  if (id < 0) {
    H5Eclear2(H5E_DEFAULT);
    problems.push_back(where + " is not a dataset");
    return;
  }
  Handle ds(id, H5Dclose);
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  if (!type || !space) {
    H5Eclear2(H5E_DEFAULT);
    problems.push_back(where + ": cannot read its type or shape");
    return;
  }
  if (H5Sget_simple_extent_ndims(space.get()) != 1) {
    problems.push_back(where + " is not 1-D");
  } else {
    hsize_t maxdims[1] = {0};
    H5Sget_simple_extent_dims(space.get(), nullptr, maxdims);
    if (maxdims[0] != H5S_UNLIMITED) problems.push_back(where + " is not of unlimited length");
  }
  if (H5Tget_class(type.get()) != H5T_COMPOUND) {
    problems.push_back(where + " is not a compound (table) dataset");
    return;
  }
  if (H5Aexists(ds.get(), "columns_doc") <= 0) {
    problems.push_back(where + " lacks its columns_doc attribute");
  }
  const int n = H5Tget_nmembers(type.get());
  std::vector<std::string> have;
  for (int i = 0; i < n; ++i) {
    char* name = H5Tget_member_name(type.get(), static_cast<unsigned>(i));
    have.push_back(name ? name : "");
    H5free_memory(name);
  }
  bool all_present = true;
  for (std::size_t i = 0; i < t.n_cols; ++i) {
    const Column& c = t.cols[i];
    const auto it = std::find(have.begin(), have.end(), c.name);
    if (it == have.end()) {
      problems.push_back(where + ": column '" + c.name + "' is missing");
      all_present = false;
      continue;
    }
    Handle mt(H5Tget_member_type(type.get(), static_cast<unsigned>(it - have.begin())), H5Tclose);
    const std::string bad = type_problem(mt.get(), c);
    if (!bad.empty()) {
      problems.push_back(where + ": column '" + c.name + "' " + bad);
      all_present = false;
    }
  }
  for (const std::string& h : have) {
    const bool known = std::any_of(t.cols, t.cols + t.n_cols,
                                   [&](const Column& c) { return h == c.name; });
    if (!known) problems.push_back(where + ": column '" + h + "' is not in schema_version " + std::to_string(kSchemaVersion) + "");
  }
  if (all_present && have.size() == t.n_cols) {
    for (std::size_t i = 0; i < t.n_cols; ++i) {
      if (have[i] != t.cols[i].name) {
        problems.push_back(where + ": columns are out of order (column " + std::to_string(i + 1) +
                           " is '" + have[i] + "', expected '" + t.cols[i].name + "')");
        break;
      }
    }
  }

  // Status values: read the status bytes as stored (no enum conversion).
  if (std::string(t.name) == "points" && all_present) {
    const int idx = H5Tget_member_index(type.get(), "status");
    Handle st(H5Tget_member_type(type.get(), static_cast<unsigned>(idx)), H5Tclose);
    Handle raw(H5Tcreate(H5T_COMPOUND, 1), H5Tclose);
    hsize_t dims[1] = {0};
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    std::vector<std::uint8_t> values(dims[0]);
    if (st && raw && H5Tinsert(raw.get(), "status", 0, st.get()) >= 0 &&
        (values.empty() ||
         H5Dread(ds.get(), raw.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0)) {
      std::size_t bad = 0;
      std::size_t first = 0;
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] > static_cast<std::uint8_t>(Status::Timeout)) {
          if (bad++ == 0) first = i;
        }
      }
      if (bad > 0) {
        problems.push_back(where + ": " + std::to_string(bad) +
                           " rows have a status value outside 0..6 (first: row " +
                           std::to_string(first) + ", value " + std::to_string(values[first]) + ")");
      }
    } else {
      problems.push_back(where + ": cannot read the status column: " + hdf5_error_stack());
    }
  }
  H5Eclear2(H5E_DEFAULT);
}

}  // namespace

std::vector<std::string> Store::validate(const std::string& path) {
  std::vector<std::string> problems;
  Handle file;
  try {
    quiet_hdf5(path);
    file = open_for_reading(path);
  } catch (const std::exception& e) {
    problems.push_back(std::string("cannot open as HDF5: ") + e.what());
    return problems;
  }
  const hid_t root = file.get();
  try {
    // Root attributes.
    std::vector<std::string> attrs;
    hsize_t idx = 0;
    if (H5Aiterate2(root, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr, &attrs) < 0) {
      problems.push_back(path + ": cannot list root attributes: " + hdf5_error_stack());
    }
    // A file without schema_version is another program's HDF5 file: one line
    // says so, not a line per missing attribute and dataset.
    if (std::find(attrs.begin(), attrs.end(), std::string("schema_version")) == attrs.end()) {
      problems.push_back(path + ": not a sweep store (an HDF5 file without the root attribute schema_version)");
      return problems;
    }
    for (const RootAttr& a : kRootAttrs) {
      if (std::find(attrs.begin(), attrs.end(), a.name) == attrs.end()) {
        problems.push_back(path + ": root attribute '" + std::string(a.name) + "' is missing");
        continue;
      }
      Handle attr(H5Aopen(root, a.name, H5P_DEFAULT), H5Aclose);
      Handle type(attr ? H5Aget_type(attr.get()) : H5I_INVALID_HID, H5Tclose);
      if (!type) {
        H5Eclear2(H5E_DEFAULT);
        problems.push_back(path + ": root attribute '" + std::string(a.name) + "' is unreadable");
        continue;
      }
      const H5T_class_t cls = H5Tget_class(type.get());
      const bool ok = a.kind == Kind::Str ? cls == H5T_STRING && H5Tis_variable_str(type.get()) <= 0
                                          : cls == H5T_INTEGER;
      if (!ok) {
        problems.push_back(path + ": root attribute '" + std::string(a.name) + "' is " +
                           describe_type(type.get()) + ", expected " +
                           (a.kind == Kind::Str ? "a fixed-length string" : "an integer"));
      }
    }
    for (const std::string& a : attrs) {
      const bool known =
          std::any_of(std::begin(kRootAttrs), std::end(kRootAttrs),
                      [&](const RootAttr& r) { return a == r.name; }) ||
          std::regex_match(a, kResumeAttr);
      if (!known) problems.push_back(path + ": root attribute '" + a + "' is not in schema_version " + std::to_string(kSchemaVersion) + "");
    }
    if (std::find(attrs.begin(), attrs.end(), "schema_version") != attrs.end()) {
      std::int32_t version = 0;
      Handle attr(H5Aopen(root, "schema_version", H5P_DEFAULT), H5Aclose);
      if (attr && H5Aread(attr.get(), H5T_NATIVE_INT32, &version) >= 0) {
        if (version != kSchemaVersion) {
          problems.push_back(path + ": schema_version is " + std::to_string(version) +
                             ", expected " + std::to_string(kSchemaVersion));
        }
      } else {
        problems.push_back(path + ": schema_version is unreadable");
      }
    }

    // Datasets.
    std::vector<std::string> links;
    idx = 0;
    if (H5Literate(root, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, &links) < 0) {
      problems.push_back(path + ": cannot list the root group: " + hdf5_error_stack());
    }
    for (const Table& t : kTables) {
      if (std::find(links.begin(), links.end(), t.name) == links.end()) {
        problems.push_back(path + ": dataset /" + t.name + " is missing");
      } else {
        validate_table(root, t, path, problems);
      }
    }
    for (const std::string& l : links) {
      const bool known = std::any_of(std::begin(kTables), std::end(kTables),
                                     [&](const Table& t) { return l == t.name; });
      if (!known) problems.push_back(path + ": /" + l + " is not in schema_version " + std::to_string(kSchemaVersion) + "");
    }
  } catch (const std::exception& e) {
    problems.push_back(path + ": " + e.what());
  }
  H5Eclear2(H5E_DEFAULT);
  return problems;
}

// ---------------------------------------------------------------------------
// export_metrics

namespace {

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  return std::string(buf, res.ptr);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

// Column c of rec as text: numbers in shortest round-trip form; strings raw.
std::string field(const MetricRec& rec, const Column& c, bool* is_string) {
  const char* base = reinterpret_cast<const char*>(&rec) + c.mem_offset;
  *is_string = false;
  switch (c.kind) {
    case Kind::I32: {
      std::int32_t v;
      std::memcpy(&v, base, sizeof v);
      return std::to_string(v);
    }
    case Kind::I64: {
      std::int64_t v;
      std::memcpy(&v, base, sizeof v);
      return std::to_string(v);
    }
    case Kind::F64: {
      double v;
      std::memcpy(&v, base, sizeof v);
      return number(v);
    }
    case Kind::Str: {
      *is_string = true;
      const void* nul = std::memchr(base, '\0', c.size);
      return std::string(base, nul ? static_cast<const char*>(nul) - base : c.size);
    }
    case Kind::Status:
      return std::to_string(static_cast<unsigned char>(*base));
  }
  return "";
}

}  // namespace

void Store::export_metrics(const std::string& path, const std::string& format, std::ostream& out) {
  const bool csv = format == "csv";
  if (!csv && format != "jsonl") {
    throw std::invalid_argument("export format '" + format + "' is unknown (use csv or jsonl)");
  }
  const std::vector<MetricRec> recs = read_table<MetricRec>(path, kTables[kMetrics]);
  const Table& t = kTables[kMetrics];
  if (csv) {
    for (std::size_t i = 0; i < t.n_cols; ++i) out << (i ? "," : "") << t.cols[i].name;
    out << "\n";
  }
  for (const MetricRec& rec : recs) {
    if (!csv) out << '{';
    for (std::size_t i = 0; i < t.n_cols; ++i) {
      bool is_string = false;
      const std::string v = field(rec, t.cols[i], &is_string);
      if (csv) {
        out << (i ? "," : "") << csv_field(v);
      } else {
        out << (i ? "," : "") << json_string(t.cols[i].name) << ':';
        // JSON has no NaN or infinity: those values are written as null.
        const bool finite_number = !is_string && v != "nan" && v != "inf" && v != "-inf";
        out << (is_string ? json_string(v) : finite_number ? v : "null");
      }
    }
    out << (csv ? "\n" : "}\n");
  }
  if (!out) throw std::runtime_error(path + ": writing the " + format + " export failed");
}

}  // namespace sweep::store
