// The store's writer: create, resume, append, rewrite /points rows, flush, and
// SWMR writing (Store in store.hpp). Rows go through the table descriptions of
// schema.hpp, packed by table_io.hpp.
#include <hdf5.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "hdf5_schema/h5.hpp"
#include "hdf5_schema/recovery.hpp"
#include "hdf5_schema/schema.hpp"
#include "hdf5_schema/store.hpp"
#include "hdf5_schema/table_io.hpp"

namespace sweep::store {
namespace {

namespace fs = std::filesystem;

// The writer never races another writer: it reads each metadata block once
// (see kSwmrReaderReadAttempts in h5.hpp for the readers' bound).
constexpr unsigned kWriterReadAttempts = 1;

// A reader opening the store holds HDF5's shared file lock while it opens it
// (a SWMR reader only that long; a plain reader until it closes the file), so
// a --resume that starts while a plotting tool polls the store can meet that
// lock. The writer lock taken first rules out a live writer; a reader's lock
// is waited out this long before the resume gives up.
constexpr double kReaderLockWaitSeconds = 10.0;

bool reader_lock_held(const std::string& error) { return error.find("unable to lock file") != std::string::npos; }

// H5Fopen for writing, waiting out readers' locks; < 0 with `error` set when
// it fails for another reason or a reader keeps the file open.
hid_t open_for_writing(const std::string& path, hid_t fapl, std::string& error) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::duration<double>(kReaderLockWaitSeconds);
  auto pause = std::chrono::milliseconds(5);
  for (;;) {
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl);
    if (id >= 0) return id;
    error = hdf5_error_stack();
    if (!reader_lock_held(error) || std::chrono::steady_clock::now() >= give_up) {
      if (reader_lock_held(error))
        error = "another process holds it open (a reader that opened it without swmr=True keeps HDF5's lock "
                "until it closes the file): " + error;
      return id;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
}

std::string hdf5_library_version() {
  unsigned maj = 0, min = 0, rel = 0;
  if (H5get_libversion(&maj, &min, &rel) < 0) H5Eclear2(H5E_DEFAULT);
  return std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel);
}

Handle latest_format_fapl(const std::string& path) {
  Handle fapl = own(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate", path);
  // LATEST: the superblock (version 3) and object headers SWMR needs.
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), "H5Pset_libver_bounds", path);
  check(H5Pset_metadata_read_attempts(fapl.get(), kWriterReadAttempts), "H5Pset_metadata_read_attempts", path);
  return fapl;
}

void write_i32_attr(hid_t obj, const std::string& name, std::int32_t v, const std::string& path) {
  io::write_scalar_attr(obj, name.c_str(), H5T_STD_I32LE, H5T_NATIVE_INT32, &v, path);
}

// Writes each attribute of `attrs` from its member of `from`, named prefix + its name.
template <typename Owner, std::size_t N>
void write_attrs(hid_t obj, const std::array<schema::Attr<Owner>, N>& attrs, const Owner& from,
                 const std::string& prefix, const std::string& path) {
  for (const auto& a : attrs) {
    const std::string name = prefix + a.name;
    std::visit(
        [&](auto member) {
          const auto& v = from.*member;
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            io::write_string_attr(obj, name.c_str(), v, path);
          } else if constexpr (std::is_same_v<T, std::uint64_t>) {
            io::write_scalar_attr(obj, name.c_str(), H5T_STD_U64LE, H5T_NATIVE_UINT64, &v, path);
          } else {
            static_assert(std::is_same_v<T, std::int32_t>);
            write_i32_attr(obj, name, v, path);
          }
        },
        a.member);
  }
}

template <typename Table>
using RowOf = typename std::decay_t<Table>::row_type;

}  // namespace

void skip_hdf5_exit_cleanup() { H5dont_atexit(); }

const char* to_string(Status s) {
  const auto v = static_cast<std::uint8_t>(s);
  for (const auto& [name, value] : schema::kStatusNames) {
    if (value == v) return name;
  }
  return "invalid";
}

struct Store::Impl {
  std::string path;
  // Members are destroyed in reverse order: datasets and types, then the
  // file, then the writer lock.
  WriterLock lock;
  Handle file;
  std::array<Handle, schema::kNumTables> mem_types;  // memory type of each table's packed rows
  std::array<Handle, schema::kNumTables> datasets;

  std::string where(const char* table) const { return path + " dataset /" + table; }

  void open_datasets() {
    schema::for_each_table([&](const auto& t) {
      const std::size_t i = schema::index_of<RowOf<decltype(t)>>();
      const std::string w = where(t.name);
      datasets[i] = own(H5Dopen2(file.get(), t.name, H5P_DEFAULT), H5Dclose, "H5Dopen2", w);
      if (!mem_types[i]) mem_types[i] = io::compound_type(t, false, w);
    });
  }

  // Starts SWMR writing. Datasets are closed first and opened again after:
  // HDF5 1.10.8 loses dataset access properties at H5Fstart_swmr_write.
  void start_swmr() {
    for (Handle& d : datasets) d.reset();
    check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "H5Fflush", path);
    check(H5Fstart_swmr_write(file.get()), "H5Fstart_swmr_write", path);
    open_datasets();
  }

  template <typename Row>
  void append(const Row* rows, std::size_t n) {
    const auto& t = schema::table<Row>();
    const std::size_t i = schema::index_of<Row>();
    const std::vector<char> buf = io::pack_all(t, rows, n);
    io::append_packed(datasets[i].get(), mem_types[i].get(), buf.data(), n, where(t.name));
  }

  template <typename Row>
  std::vector<Row> read_all() const {
    const auto& t = schema::table<Row>();
    const std::size_t i = schema::index_of<Row>();
    return io::unpack_all(t, io::read_packed(datasets[i].get(), mem_types[i].get(), t.row_bytes(), where(t.name)));
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

Store Store::create(const std::string& path, const Provenance& prov, const std::vector<PointRow>& points,
                    bool force) {
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
      throw std::runtime_error(path + ": cannot create directory " + p.parent_path().string() + ": " +
                               ec.message());
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  Handle fapl = latest_format_fapl(path);
  // EXCL: a file that appeared since the check above is still not overwritten.
  impl->file = own(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()), H5Fclose, "H5Fcreate", path);
  try {
    // Everything is created now: a SWMR writer may not create objects later.
    const hid_t root = impl->file.get();
    write_i32_attr(root, "schema_version", kSchemaVersion, path);
    write_i32_attr(root, "sessions", 1, path);
    io::write_string_attr(root, "hdf5_version", hdf5_library_version(), path);
    write_attrs(root, schema::kProvenanceAttrs, prov, "", path);

    schema::for_each_table([&](const auto& t) { io::create_table(root, t, path); });
    impl->open_datasets();
    impl->append(points.data(), points.size());
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
  std::string error;
  hid_t id = open_for_writing(path, fapl.get(), error);
  if (id < 0) {
    if (!status_flags_set(error)) {
      throw std::runtime_error(path + ": cannot open the store to resume it: H5Fopen failed: " + error);
    }
    run_h5clear(path);  // the writer was killed: recover its flushed rows
    id = open_for_writing(path, fapl.get(), error);
    if (id < 0) {
      throw std::runtime_error(path + ": cannot open the store to resume it, even after "
                               "`h5clear -s --increment`: H5Fopen failed: " + error);
    }
  }
  impl->file = Handle(id, H5Fclose);
  const hid_t root = impl->file.get();

  const std::int32_t version = io::schema_version_of(root, path);
  if (version < 0) {
    throw std::runtime_error(path + ": not a sweep store (no schema_version attribute); "
                             "refusing to resume it");
  }
  // An older layout is continued as it is: the columns it lacks are dropped
  // from appended rows (HDF5 converts compound rows by member name).
  if (version < kOldestSchemaVersion || version > kSchemaVersion) {
    throw std::runtime_error(path + ": schema_version " + std::to_string(version) + ", this sweep writes " +
                             std::to_string(kSchemaVersion) + " and resumes " + std::to_string(kOldestSchemaVersion) +
                             " to " + std::to_string(kSchemaVersion) + "; refusing to resume it (use a new --out)");
  }
  schema::for_each_table([&](const auto& t) {
    if (check(H5Lexists(root, t.name, H5P_DEFAULT), "H5Lexists", impl->where(t.name)) <= 0) {
      throw std::runtime_error(path + ": dataset /" + t.name +
                               " is missing; not a complete store, refusing to resume it");
    }
  });

  // Read every row once before anything is written: damage fails here, with
  // one read attempt per block and the store untouched, not later in SWMR mode
  // (where HDF5 retries a bad block with exponential sleeps: a hang).
  try {
    impl->open_datasets();
    (void)impl->read_all<MetricRow>();
    (void)impl->read_all<ErrorRow>();
    (void)impl->read_all<PointRow>();
    (void)impl->read_all<RunRow>();
    (void)impl->read_all<CurveRow>();
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + " -- the store is damaged; refusing to resume it");
  }

  // Record the session (attributes are created before SWMR starts).
  std::int32_t sessions = 1;
  const bool has_sessions = check(H5Aexists(root, "sessions"), "H5Aexists", path + " attribute sessions") > 0;
  if (has_sessions) io::read_scalar_attr(root, "sessions", H5T_NATIVE_INT32, &sessions, path);
  write_attrs(root, schema::kSessionAttrs, session, "resume_" + std::to_string(sessions) + "_", path);
  if (has_sessions) {
    // Rewritten in place: the attribute keeps its place among the root's.
    const std::string where = path + " attribute sessions";
    Handle attr = own(H5Aopen(root, "sessions", H5P_DEFAULT), H5Aclose, "H5Aopen", where);
    const std::int32_t next = sessions + 1;
    check(H5Awrite(attr.get(), H5T_NATIVE_INT32, &next), "H5Awrite", where);
  } else {
    write_i32_attr(root, "sessions", sessions + 1, path);
  }
  impl->start_swmr();
  return Store(impl.release());
}

// Every public call first quiets HDF5's error printing (path() also refuses a
// moved-from Store).
std::vector<PointRow> Store::points() const {
  quiet_hdf5(path());
  return impl_->read_all<PointRow>();
}

std::vector<MetricRow> Store::metrics() const {
  quiet_hdf5(path());
  return impl_->read_all<MetricRow>();
}

void Store::add_points(const std::vector<PointRow>& rows) {
  quiet_hdf5(path());
  impl_->append(rows.data(), rows.size());
}

void Store::set_point(std::size_t row, const PointRow& p) {
  quiet_hdf5(path());
  const auto& t = schema::points_table();
  const std::string where = impl_->where(t.name);
  const hid_t ds = impl_->datasets[schema::kPoints].get();
  const hsize_t n = io::extent(ds, where);
  if (row >= n) {
    throw std::out_of_range(where + ": set_point row " + std::to_string(row) + " but it has " + std::to_string(n) +
                            " rows");
  }
  const std::vector<char> buf = io::pack_all(t, &p, 1);
  io::write_packed_row(ds, impl_->mem_types[schema::kPoints].get(), row, buf.data(), where);
}

void Store::append(const std::vector<MetricRow>& rows) {
  quiet_hdf5(path());
  impl_->append(rows.data(), rows.size());
}

void Store::append_example(const ExampleRow& row) {
  quiet_hdf5(path());
  impl_->append(&row, 1);
}

void Store::append_error(const ErrorRow& row) {
  quiet_hdf5(path());
  impl_->append(&row, 1);
}

void Store::append_run(const RunRow& row) {
  quiet_hdf5(path());
  impl_->append(&row, 1);
}

void Store::append_curves(const std::vector<CurveRow>& rows) {
  quiet_hdf5(path());
  impl_->append(rows.data(), rows.size());
}

void Store::flush() {
  quiet_hdf5(path());
  check(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL), "H5Fflush", path());
}

}  // namespace sweep::store
