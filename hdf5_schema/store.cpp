// The HDF5 results store (schema_version 1). See hdf5_schema/SCHEMA.md.
//
// Every HDF5 id is owned by a Handle (RAII, move-only, never throws on close)
// and every HDF5 C call goes through check(), which turns a failure into a
// std::runtime_error naming the call, the file and HDF5's own error stack.
#include "hdf5_schema/store.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <utility>

namespace sweep::store {
namespace {

namespace fs = std::filesystem;

constexpr std::int32_t kSchemaVersion = 1;
constexpr hsize_t kMetricsChunkRows = 1024;
constexpr hsize_t kErrorsChunkRows = 128;  // errors are rare; 128 * 620 B per chunk

// ---------------------------------------------------------------------------
// Errors


herr_t collect_error(unsigned n, const H5E_error2_t* err, void* data) {
  auto& out = *static_cast<std::string*>(data);
  if (n > 0) out += "; ";
  out += err->func_name ? err->func_name : "?";
  out += "(): ";
  out += err->desc ? err->desc : "";
  char minor[128] = {0};
  if (H5Eget_msg(err->min_num, nullptr, minor, sizeof minor) > 0) {
    out += " [";
    out += minor;
    out += "]";
  }
  return 0;
}

// HDF5's current error stack as one line (outermost call first), then cleared.
std::string hdf5_error_stack() {
  std::string msg;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &msg);
  H5Eclear2(H5E_DEFAULT);
  return msg.empty() ? std::string("no HDF5 error stack") : msg;
}

// The one check for every HDF5 call: herr_t, htri_t and hid_t are all
// negative on failure.
template <typename T>
T check(T result, const char* call, const std::string& path) {
  static_assert(std::is_integral_v<T> && std::is_signed_v<T>, "HDF5 status or id expected");
  if (result < 0) {
    throw std::runtime_error(path + ": " + call + " failed: " + hdf5_error_stack());
  }
  return result;
}

// Turns HDF5's automatic error printing off (for the default error stack, so
// for the whole process in a non-threadsafe HDF5 build): failures are reported
// once, through check(), as exceptions.
void quiet_hdf5(const std::string& path) {
  check(H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr), "H5Eset_auto2", path);
}

// ---------------------------------------------------------------------------
// RAII over HDF5 ids

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() = default;
  Handle(hid_t id, Closer close) noexcept : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const noexcept { return id_; }
  explicit operator bool() const noexcept { return id_ >= 0; }

  // Closes now. A failing close is not reported (destructors must not throw);
  // its error stack is cleared so it cannot leak into a later message.
  void reset() noexcept {
    if (id_ >= 0 && close_ != nullptr) {
      if (close_(id_) < 0) H5Eclear2(H5E_DEFAULT);
    }
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

// Checks the id returned by `call` and takes ownership of it.
Handle own(hid_t id, Handle::Closer close, const char* call, const std::string& path) {
  return Handle(check(id, call, path), close);
}

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

// A fixed-length, NUL-terminated UTF-8 string type of `size` bytes.
Handle string_type(std::size_t size, const std::string& path) {
  Handle t = own(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy", path);
  check(H5Tset_size(t.get(), size), "H5Tset_size", path);
  check(H5Tset_strpad(t.get(), H5T_STR_NULLTERM), "H5Tset_strpad", path);
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset", path);
  return t;
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

enum class Kind { I32, I64, F64, Str };

struct Column {
  const char* name;
  Kind kind;
  std::size_t mem_offset;
  std::size_t size;  // bytes, for strings
};

#define SWEEP_COL(rec, name, member, kind) \
  Column { name, kind, offsetof(rec, member), sizeof(rec::member) }

// Column order here is the on-disk member order (schema_version 1).
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

#undef SWEEP_COL

const char kMetricsDoc[] =
    "point_id: int64 grid-point id (train rows: run id); "
    "model: model name; n_params: parameter count; data_tokens: training tokens; "
    "prompt: prompt style (empty for train rows); task: task name (empty for train rows); "
    "metric: exact_match | logprob | train_loss | eval_loss; "
    "value: metric value (exact_match fraction in [0,1]; logprob nats/token <= 0; losses nats/token); "
    "stderr: sample std / sqrt(n); n_examples: examples (eval metrics) or tokens (loss metrics); "
    "train_flops: 6 * n_params * data_tokens. See hdf5_schema/SCHEMA.md.";

const char kErrorsDoc[] =
    "point_id: int64 grid-point id (train jobs: run id); job: train | eval; model; data_tokens; "
    "prompt; task; rank: MPI rank that ran it (-1 if never run); message: error text "
    "(truncated to 511 bytes). See hdf5_schema/SCHEMA.md.";

// Memory type (native) or file type (standard little-endian, packed).
template <std::size_t N>
Handle compound_type(const Column (&cols)[N], std::size_t mem_size, bool file,
                     const std::string& path) {
  std::size_t file_size = 0;
  for (const Column& c : cols) {
    file_size += c.kind == Kind::I32 ? 4 : c.kind == Kind::Str ? c.size : 8;
  }
  Handle t = own(H5Tcreate(H5T_COMPOUND, file ? file_size : mem_size), H5Tclose, "H5Tcreate",
                 path);
  std::size_t offset = 0;
  for (const Column& c : cols) {
    Handle str;
    hid_t member = H5I_INVALID_HID;
    std::size_t bytes = 8;
    switch (c.kind) {
      case Kind::I32:
        member = file ? H5T_STD_I32LE : H5T_NATIVE_INT32;
        bytes = 4;
        break;
      case Kind::I64:
        member = file ? H5T_STD_I64LE : H5T_NATIVE_INT64;
        break;
      case Kind::F64:
        member = file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
        break;
      case Kind::Str:
        str = string_type(c.size, path);
        member = str.get();
        bytes = c.size;
        break;
    }
    check(H5Tinsert(t.get(), c.name, file ? offset : c.mem_offset, member), "H5Tinsert", path);
    offset += bytes;
  }
  return t;
}

// Scalar root attribute of a fixed-length string sized to s (plus its NUL).
void write_string_attr(hid_t obj, const char* name, const std::string& s,
                       const std::string& path) {
  Handle type = string_type(s.size() + 1, path);
  Handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", path);
  Handle attr = own(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose, "H5Acreate2", path + " attribute " + name);
  check(H5Awrite(attr.get(), type.get(), s.c_str()), "H5Awrite", path + " attribute " + name);
}

template <typename T>
void write_scalar_attr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, T value,
                       const std::string& path) {
  Handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", path);
  Handle attr = own(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose, "H5Acreate2", path + " attribute " + name);
  check(H5Awrite(attr.get(), mem_type, &value), "H5Awrite", path + " attribute " + name);
}

// An empty 1-D chunked dataset with unlimited length.
Handle create_table(hid_t file, const char* name, hid_t file_type, hsize_t chunk_rows,
                    const char* doc, const std::string& path) {
  const std::string where = path + " dataset /" + name;
  hsize_t dims[1] = {0};
  hsize_t maxdims[1] = {H5S_UNLIMITED};
  Handle space = own(H5Screate_simple(1, dims, maxdims), H5Sclose, "H5Screate_simple", where);
  Handle dcpl = own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate", where);
  hsize_t chunk[1] = {chunk_rows};
  check(H5Pset_chunk(dcpl.get(), 1, chunk), "H5Pset_chunk", where);
  Handle ds = own(H5Dcreate2(file, name, file_type, space.get(), H5P_DEFAULT, dcpl.get(),
                             H5P_DEFAULT),
                  H5Dclose, "H5Dcreate2", where);
  write_string_attr(ds.get(), "columns_doc", doc, where);
  return ds;
}

// Appends recs to the 1-D dataset ds in one hyperslab write.
template <typename Rec>
void append_records(hid_t ds, hid_t mem_type, const std::vector<Rec>& recs,
                    const std::string& where) {
  if (recs.empty()) return;
  Handle old_space = own(H5Dget_space(ds), H5Sclose, "H5Dget_space", where);
  hsize_t n[1] = {0};
  check(H5Sget_simple_extent_dims(old_space.get(), n, nullptr), "H5Sget_simple_extent_dims",
        where);
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

// Reads the whole 1-D dataset `name` of the store at path.
template <typename Rec, std::size_t N>
std::vector<Rec> read_table(const std::string& path, const char* name,
                            const Column (&cols)[N]) {
  quiet_hdf5(path);
  Handle file;
  try {
    file = own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "H5Fopen", path);
  } catch (const std::runtime_error& e) {
    // A writer that is still running, or that died without closing, leaves
    // the superblock's write flag set. Say what to do about the second case.
    if (std::string(e.what()).find("consistency flags") == std::string::npos) throw;
    throw std::runtime_error(std::string(e.what()) +
                             " -- the store is still open for writing, or its writer died "
                             "without closing it; in that case `h5clear -s --increment " +
                             path + "` makes the flushed rows readable");
  }
  {
    const std::string where = path + " attribute schema_version";
    htri_t has = check(H5Aexists(file.get(), "schema_version"), "H5Aexists", where);
    if (has == 0) throw std::runtime_error(path + ": not a sweep store (no schema_version)");
    Handle attr = own(H5Aopen(file.get(), "schema_version", H5P_DEFAULT), H5Aclose, "H5Aopen",
                      where);
    std::int32_t version = 0;
    check(H5Aread(attr.get(), H5T_NATIVE_INT32, &version), "H5Aread", where);
    if (version != kSchemaVersion) {
      throw std::runtime_error(path + ": schema_version " + std::to_string(version) +
                               " is not supported (this reader knows " +
                               std::to_string(kSchemaVersion) + ")");
    }
  }
  const std::string where = path + " dataset /" + name;
  Handle ds = own(H5Dopen2(file.get(), name, H5P_DEFAULT), H5Dclose, "H5Dopen2", where);
  Handle space = own(H5Dget_space(ds.get()), H5Sclose, "H5Dget_space", where);
  hsize_t n[1] = {0};
  check(H5Sget_simple_extent_dims(space.get(), n, nullptr), "H5Sget_simple_extent_dims", where);
  std::vector<Rec> recs(n[0]);
  if (n[0] > 0) {
    Handle mem_type = compound_type(cols, sizeof(Rec), false, path);
    check(H5Dread(ds.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, recs.data()),
          "H5Dread", where);
  }
  return recs;
}

}  // namespace

// ---------------------------------------------------------------------------

struct Store::Impl {
  std::string path;
  // Members are destroyed in reverse order: types and datasets before the file.
  Handle file;
  Handle metrics_type;  // memory type of a MetricRec
  Handle errors_type;   // memory type of an ErrorRec
  Handle metrics;
  Handle errors;
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

Store Store::create(const std::string& path, const Provenance& prov) {
  quiet_hdf5(path);
  const fs::path p(path);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(p, ec))) {
    throw std::runtime_error(
        path + ": store already exists; refusing to overwrite it (choose another --out or move it away)");
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
  Handle fapl = own(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate", path);
  // LATEST: the superblock and object headers SWMR needs (added later).
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST),
        "H5Pset_libver_bounds", path);
  // EXCL: a file that appeared since the check above is still not overwritten.
  impl->file = own(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()), H5Fclose,
                   "H5Fcreate", path);
  try {
    // Everything is created now: a SWMR writer may not create objects later.
    const hid_t root = impl->file.get();
    write_scalar_attr(root, "schema_version", H5T_STD_I32LE, H5T_NATIVE_INT32, kSchemaVersion,
                      path);
    write_string_attr(root, "grid_text", prov.grid_text, path);
    write_string_attr(root, "grid_path", prov.grid_path, path);
    write_string_attr(root, "sweep_name", prov.sweep_name, path);
    write_string_attr(root, "sweep_version", prov.sweep_version, path);
    write_string_attr(root, "created", prov.created, path);
    write_scalar_attr(root, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, prov.seed, path);
    write_scalar_attr(root, "ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, prov.ranks, path);

    Handle metrics_file_type = compound_type(kMetricColumns, sizeof(MetricRec), true, path);
    Handle errors_file_type = compound_type(kErrorColumns, sizeof(ErrorRec), true, path);
    impl->metrics_type = compound_type(kMetricColumns, sizeof(MetricRec), false, path);
    impl->errors_type = compound_type(kErrorColumns, sizeof(ErrorRec), false, path);
    impl->metrics = create_table(root, "metrics", metrics_file_type.get(), kMetricsChunkRows,
                                 kMetricsDoc, path);
    impl->errors = create_table(root, "errors", errors_file_type.get(), kErrorsChunkRows,
                                kErrorsDoc, path);
    check(H5Fflush(root, H5F_SCOPE_GLOBAL), "H5Fflush", path);
  } catch (...) {
    // Half a store is worse than none: close it and remove the file we made.
    impl.reset();
    fs::remove(p, ec);
    throw;
  }
  return Store(impl.release());
}

void Store::append(const std::vector<MetricRow>& rows) {
  if (rows.empty()) return;
  quiet_hdf5(path());
  std::vector<MetricRec> recs(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const MetricRow& r = rows[i];
    MetricRec& m = recs[i];
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
  }
  const std::string& p = path();
  append_records(impl_->metrics.get(), impl_->metrics_type.get(), recs, p + " dataset /metrics");
}

void Store::append_error(const ErrorRow& row) {
  quiet_hdf5(path());
  std::vector<ErrorRec> recs(1);
  ErrorRec& e = recs[0];
  e.point_id = row.point_id;
  put(e.job, row.job);
  put(e.model, row.model);
  e.data_tokens = row.data_tokens;
  put(e.prompt, row.prompt);
  put(e.task, row.task);
  e.rank = row.rank;
  put(e.message, row.message);
  const std::string& p = path();
  append_records(impl_->errors.get(), impl_->errors_type.get(), recs, p + " dataset /errors");
}

void Store::flush() {
  quiet_hdf5(path());
  const std::string& p = path();
  check(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL), "H5Fflush", p);
}

std::vector<MetricRow> Store::read_metrics(const std::string& path) {
  std::vector<MetricRec> recs = read_table<MetricRec>(path, "metrics", kMetricColumns);
  std::vector<MetricRow> rows(recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const MetricRec& m = recs[i];
    MetricRow& r = rows[i];
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
  }
  return rows;
}

std::vector<ErrorRow> Store::read_errors(const std::string& path) {
  std::vector<ErrorRec> recs = read_table<ErrorRec>(path, "errors", kErrorColumns);
  std::vector<ErrorRow> rows(recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const ErrorRec& e = recs[i];
    ErrorRow& r = rows[i];
    r.point_id = e.point_id;
    r.job = get(e.job);
    r.model = get(e.model);
    r.data_tokens = e.data_tokens;
    r.prompt = get(e.prompt);
    r.task = get(e.task);
    r.rank = e.rank;
    r.message = get(e.message);
  }
  return rows;
}

}  // namespace sweep::store
