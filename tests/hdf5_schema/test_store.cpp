// Tests of the HDF5 results store (hdf5_schema/store.hpp, schema_version 1).
#include "hdf5_schema/store.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifndef SWEEP_READ_STORE_PY
#define SWEEP_READ_STORE_PY "tests/python/read_store.py"
#endif
#ifndef SWEEP_TEST_PYTHON
#define SWEEP_TEST_PYTHON "/usr/bin/python3"
#endif

namespace fs = std::filesystem;
using sweep::store::ErrorRow;
using sweep::store::MetricRow;
using sweep::store::Provenance;
using sweep::store::Store;

namespace {

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sweep_store_test.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

Provenance sample_provenance() {
  Provenance p;
  p.grid_text = "name = \"tiny\"\nseed = 7\n[grid]\nmodel = [\"s\", \"m\"]\n";
  p.grid_path = "sweeps/tiny.toml";
  p.sweep_name = "tiny";
  p.sweep_version = "0.1.0+abc1234";
  p.seed = 0xFEDCBA9876543210ULL;  // above INT64_MAX: must stay unsigned
  p.ranks = 3;
  p.created = "2024-05-01T12:34:56Z";
  return p;
}

MetricRow metric_row(std::int64_t i) {
  MetricRow r;
  r.point_id = 1000003 * i - 7;
  r.model = "m" + std::to_string(i % 5);
  r.n_params = 1000 + i;
  r.data_tokens = 1 << 20;
  r.prompt = i % 2 ? "few_shot" : "";
  r.task = i % 2 ? "addition" : "";
  r.metric = i % 2 ? "exact_match" : "train_loss";
  r.value = 0.001 * static_cast<double>(i);
  r.std_err = 1e-3 / (1.0 + static_cast<double>(i));
  r.n_examples = 100 + i;
  r.train_flops = 6.0 * static_cast<double>(r.n_params) * static_cast<double>(r.data_tokens);
  return r;
}

std::vector<MetricRow> metric_rows(std::int64_t from, std::int64_t to) {
  std::vector<MetricRow> rows;
  for (std::int64_t i = from; i < to; ++i) rows.push_back(metric_row(i));
  return rows;
}

void expect_same(const MetricRow& a, const MetricRow& b, std::size_t i) {
  SCOPED_TRACE("row " + std::to_string(i));
  EXPECT_EQ(a.point_id, b.point_id);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.n_params, b.n_params);
  EXPECT_EQ(a.data_tokens, b.data_tokens);
  EXPECT_EQ(a.prompt, b.prompt);
  EXPECT_EQ(a.task, b.task);
  EXPECT_EQ(a.metric, b.metric);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.std_err, b.std_err);
  EXPECT_EQ(a.n_examples, b.n_examples);
  EXPECT_EQ(a.train_flops, b.train_flops);
}

void expect_same(const std::vector<MetricRow>& want, const std::vector<MetricRow>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i) expect_same(want[i], got[i], i);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs a shell command; returns its exit status and fills `out` with stdout+stderr.
int run(const std::string& cmd, std::string* out) {
  std::FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// --- Minimal raw HDF5 access, to check what other readers see on disk. ---

struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

struct StringAttr {
  bool is_string = false;
  bool variable = true;
  H5T_str_t pad = H5T_STR_ERROR;
  std::size_t size = 0;
  std::string value;
};

StringAttr read_string_attr(hid_t obj, const char* name) {
  StringAttr s;
  Id attr{H5Aopen(obj, name, H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) return s;
  Id type{H5Aget_type(attr.id), H5Tclose};
  s.is_string = H5Tget_class(type.id) == H5T_STRING;
  if (!s.is_string) return s;
  s.variable = H5Tis_variable_str(type.id) > 0;
  s.pad = H5Tget_strpad(type.id);
  s.size = H5Tget_size(type.id);
  if (s.variable) return s;
  std::string buf(s.size, '\0');
  if (H5Aread(attr.id, type.id, buf.data()) >= 0) s.value = buf.substr(0, buf.find('\0'));
  return s;
}

template <typename T>
bool read_scalar_attr(hid_t obj, const char* name, hid_t std_type, hid_t mem_type, T* value) {
  Id attr{H5Aopen(obj, name, H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) return false;
  Id type{H5Aget_type(attr.id), H5Tclose};
  Id space{H5Aget_space(attr.id), H5Sclose};
  return H5Tequal(type.id, std_type) > 0 && H5Sget_simple_extent_type(space.id) == H5S_SCALAR &&
         H5Aread(attr.id, mem_type, value) >= 0;
}

struct Member {
  const char* name;
  H5T_class_t cls;
  std::size_t size;
};

void expect_table_layout(hid_t file, const char* name, const std::vector<Member>& members,
                         hsize_t chunk_rows) {
  SCOPED_TRACE(std::string("dataset /") + name);
  Id ds{H5Dopen2(file, name, H5P_DEFAULT), H5Dclose};
  ASSERT_GE(ds.id, 0);
  Id type{H5Dget_type(ds.id), H5Tclose};
  ASSERT_EQ(H5Tget_class(type.id), H5T_COMPOUND);
  ASSERT_EQ(H5Tget_nmembers(type.id), static_cast<int>(members.size()));
  std::size_t offset = 0;
  for (unsigned i = 0; i < members.size(); ++i) {
    char* got_name = H5Tget_member_name(type.id, i);
    EXPECT_STREQ(got_name, members[i].name) << "member " << i;
    H5free_memory(got_name);
    Id mt{H5Tget_member_type(type.id, i), H5Tclose};
    EXPECT_EQ(H5Tget_class(mt.id), members[i].cls) << members[i].name;
    EXPECT_EQ(H5Tget_size(mt.id), members[i].size) << members[i].name;
    EXPECT_EQ(H5Tget_member_offset(type.id, i), offset) << members[i].name;  // packed
    offset += members[i].size;
    if (members[i].cls == H5T_STRING) {
      EXPECT_LE(H5Tis_variable_str(mt.id), 0) << members[i].name;
      EXPECT_EQ(H5Tget_strpad(mt.id), H5T_STR_NULLTERM) << members[i].name;
    } else if (members[i].cls == H5T_INTEGER) {
      EXPECT_EQ(H5Tget_order(mt.id), H5T_ORDER_LE) << members[i].name;
      EXPECT_EQ(H5Tget_sign(mt.id), H5T_SGN_2) << members[i].name;
    } else {
      EXPECT_TRUE(H5Tequal(mt.id, H5T_IEEE_F64LE) > 0) << members[i].name;
    }
  }
  EXPECT_EQ(H5Tget_size(type.id), offset);

  Id space{H5Dget_space(ds.id), H5Sclose};
  ASSERT_EQ(H5Sget_simple_extent_ndims(space.id), 1);
  hsize_t dims[1], maxdims[1];
  H5Sget_simple_extent_dims(space.id, dims, maxdims);
  EXPECT_EQ(maxdims[0], H5S_UNLIMITED);
  Id dcpl{H5Dget_create_plist(ds.id), H5Pclose};
  ASSERT_EQ(H5Pget_layout(dcpl.id), H5D_CHUNKED);
  hsize_t chunk[1] = {0};
  H5Pget_chunk(dcpl.id, 1, chunk);
  EXPECT_EQ(chunk[0], chunk_rows);
  StringAttr doc = read_string_attr(ds.id, "columns_doc");
  EXPECT_TRUE(doc.is_string);
  EXPECT_NE(doc.value.find("point_id"), std::string::npos);
}

}  // namespace

TEST(Store, RefusesToOverwriteExistingFile) {
  TempDir dir;
  const std::string path = dir.file("results.h5");
  { std::ofstream(path) << "precious"; }
  try {
    Store::create(path, sample_provenance());
    FAIL() << "create() overwrote an existing file";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": store already exists; refusing to overwrite it (choose another --out or "
                     "move it away)");
  }
  EXPECT_EQ(slurp(path), "precious");
}

TEST(Store, RefusesToOverwriteExistingStore) {
  TempDir dir;
  const std::string path = dir.file("results.h5");
  {
    Store s = Store::create(path, sample_provenance());
    s.append(metric_rows(0, 3));
  }
  EXPECT_THROW(Store::create(path, sample_provenance()), std::runtime_error);
  EXPECT_EQ(Store::read_metrics(path).size(), 3u);
}

TEST(Store, CreatesMissingParentDirectories) {
  TempDir dir;
  const std::string path = dir.file("results/deep/er/tiny.h5");
  Store s = Store::create(path, sample_provenance());
  EXPECT_EQ(s.path(), path);
  EXPECT_TRUE(fs::is_regular_file(path));
}

TEST(Store, NewStoreHasNoRows) {
  TempDir dir;
  const std::string path = dir.file("empty.h5");
  { Store s = Store::create(path, sample_provenance()); }
  EXPECT_TRUE(Store::read_metrics(path).empty());
  EXPECT_TRUE(Store::read_errors(path).empty());
}

TEST(Store, AppendedRowsRoundTrip) {
  TempDir dir;
  const std::string path = dir.file("rt.h5");
  // Batches that cross the 1024-row chunk boundary twice, plus empty and single batches.
  const std::vector<MetricRow> want = metric_rows(0, 2600);
  {
    Store s = Store::create(path, sample_provenance());
    s.append({});
    s.append(std::vector<MetricRow>(want.begin(), want.begin() + 1500));
    s.append(std::vector<MetricRow>(want.begin() + 1500, want.begin() + 1501));
    s.flush();
    s.append(std::vector<MetricRow>(want.begin() + 1501, want.end()));
  }
  expect_same(want, Store::read_metrics(path));
}

TEST(Store, ExtremeValuesRoundTrip) {
  TempDir dir;
  const std::string path = dir.file("extreme.h5");
  MetricRow r = metric_row(1);
  r.point_id = std::numeric_limits<std::int64_t>::min();
  r.n_params = std::numeric_limits<std::int64_t>::max();
  r.value = -std::numeric_limits<double>::infinity();
  r.std_err = std::numeric_limits<double>::denorm_min();
  r.model = "";
  {
    Store s = Store::create(path, sample_provenance());
    s.append({r});
  }
  expect_same({r}, Store::read_metrics(path));
}

TEST(Store, ErrorRowsRoundTrip) {
  TempDir dir;
  const std::string path = dir.file("errors.h5");
  ErrorRow train{42, "train", "m1", 1 << 22, "", "", 1, "CUDA out of memory"};
  ErrorRow eval{-43, "eval", "m1", 1 << 22, "cot", "modular", -1, "skipped: train failed"};
  {
    Store s = Store::create(path, sample_provenance());
    s.append_error(train);
    s.append(metric_rows(0, 2));
    s.append_error(eval);
  }
  const std::vector<ErrorRow> got = Store::read_errors(path);
  ASSERT_EQ(got.size(), 2u);
  const ErrorRow* want[] = {&train, &eval};
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got[i].point_id, want[i]->point_id);
    EXPECT_EQ(got[i].job, want[i]->job);
    EXPECT_EQ(got[i].model, want[i]->model);
    EXPECT_EQ(got[i].data_tokens, want[i]->data_tokens);
    EXPECT_EQ(got[i].prompt, want[i]->prompt);
    EXPECT_EQ(got[i].task, want[i]->task);
    EXPECT_EQ(got[i].rank, want[i]->rank);
    EXPECT_EQ(got[i].message, want[i]->message);
  }
  EXPECT_EQ(Store::read_metrics(path).size(), 2u);
}

TEST(Store, StringsAreTruncatedAtFixedSize) {
  TempDir dir;
  const std::string path = dir.file("trunc.h5");
  MetricRow r = metric_row(1);
  r.model = std::string(40, 'a');
  r.prompt = std::string(16, 'p');
  r.task = std::string(31, 't');  // exactly fits: size - 1
  r.metric = std::string(30, 'x') + "\xC3\xA9";  // 32 bytes; the cut may not split "é"
  ErrorRow e{1, "evaluation", std::string(32, 'm'), 0, "", "", 0, std::string(600, 'e')};
  {
    Store s = Store::create(path, sample_provenance());
    s.append({r});
    s.append_error(e);
  }
  const MetricRow got = Store::read_metrics(path).at(0);
  EXPECT_EQ(got.model, std::string(31, 'a'));
  EXPECT_EQ(got.prompt, std::string(15, 'p'));
  EXPECT_EQ(got.task, r.task);
  EXPECT_EQ(got.metric, std::string(30, 'x'));
  const ErrorRow got_e = Store::read_errors(path).at(0);
  EXPECT_EQ(got_e.job, "evaluat");
  EXPECT_EQ(got_e.model, std::string(31, 'm'));
  EXPECT_EQ(got_e.message, std::string(511, 'e'));
}

TEST(Store, RowsSurviveWithoutClose) {
  TempDir dir;
  const std::string path = dir.file("crash.h5");
  const std::vector<MetricRow> want = metric_rows(0, 1500);
  std::fflush(nullptr);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The writer dies right after flush(): no destructor, no H5Fclose.
    try {
      Store s = Store::create(path, sample_provenance());
      s.append(std::vector<MetricRow>(want.begin(), want.begin() + 1000));
      s.append_error(ErrorRow{7, "eval", "m", 1, "cot", "addition", 1, "boom"});
      s.append(std::vector<MetricRow>(want.begin() + 1000, want.end()));
      s.flush();
      _exit(0);
    } catch (...) {
      _exit(3);
    }
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "writer child failed";

  // The file still says "open for write": a plain open refuses, and says why.
  try {
    Store::read_metrics(path);
    ADD_FAILURE() << "expected the write flag of a crashed writer to block reading";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("H5Fopen"), std::string::npos) << msg;
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("h5clear -s --increment"), std::string::npos) << msg;
  }

  // Clearing the flags (see SCHEMA.md, "After a crash") gives back every flushed row.
  std::string out;
  const int rc = run("h5clear -s --increment '" + path + "'", &out);
  ASSERT_NE(rc, 127) << "h5clear (hdf5-tools) not installed: scripts/setup.sh installs it";
  ASSERT_EQ(rc, 0) << out;
  expect_same(want, Store::read_metrics(path));
  ASSERT_EQ(Store::read_errors(path).size(), 1u);
  EXPECT_EQ(Store::read_errors(path)[0].message, "boom");
}

TEST(Store, RootAttributesHoldProvenance) {
  TempDir dir;
  const std::string path = dir.file("prov.h5");
  Provenance prov = sample_provenance();
  // A real grid file can exceed the 64 KiB limit of compact attribute storage.
  for (int i = 0; prov.grid_text.size() < 100000; ++i) {
    prov.grid_text += "# comment line " + std::to_string(i) + "\n";
  }
  { Store s = Store::create(path, prov); }

  Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  ASSERT_GE(file.id, 0);
  std::int32_t version = 0;
  EXPECT_TRUE(read_scalar_attr(file.id, "schema_version", H5T_STD_I32LE, H5T_NATIVE_INT32,
                               &version));
  EXPECT_EQ(version, 1);
  std::uint64_t seed = 0;
  EXPECT_TRUE(read_scalar_attr(file.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed));
  EXPECT_EQ(seed, prov.seed);
  std::int32_t ranks = 0;
  EXPECT_TRUE(read_scalar_attr(file.id, "ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, &ranks));
  EXPECT_EQ(ranks, prov.ranks);

  const std::pair<const char*, std::string> strings[] = {
      {"grid_text", prov.grid_text},         {"grid_path", prov.grid_path},
      {"sweep_name", prov.sweep_name},       {"sweep_version", prov.sweep_version},
      {"created", prov.created},
  };
  for (const auto& [name, want] : strings) {
    SCOPED_TRACE(name);
    const StringAttr got = read_string_attr(file.id, name);
    ASSERT_TRUE(got.is_string);
    EXPECT_FALSE(got.variable);  // fixed-length: plain bytes for every reader
    EXPECT_EQ(got.pad, H5T_STR_NULLTERM);
    EXPECT_EQ(got.size, want.size() + 1);
    EXPECT_EQ(got.value, want);
  }
}

TEST(Store, EmptyProvenanceStringsAreStored) {
  TempDir dir;
  const std::string path = dir.file("blank.h5");
  { Store s = Store::create(path, Provenance{}); }
  Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  ASSERT_GE(file.id, 0);
  const StringAttr got = read_string_attr(file.id, "grid_text");
  EXPECT_TRUE(got.is_string);
  EXPECT_EQ(got.size, 1u);
  EXPECT_EQ(got.value, "");
}

TEST(Store, DatasetsHaveSchemaVersion1Layout) {
  TempDir dir;
  const std::string path = dir.file("layout.h5");
  { Store s = Store::create(path, sample_provenance()); }
  Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  ASSERT_GE(file.id, 0);
  // Created with libver bounds LATEST: superblock version 3, which SWMR needs.
  H5F_info2_t info;
  ASSERT_GE(H5Fget_info2(file.id, &info), 0);
  EXPECT_GE(info.super.version, 3u);

  expect_table_layout(file.id, "metrics",
                      {{"point_id", H5T_INTEGER, 8},
                       {"model", H5T_STRING, 32},
                       {"n_params", H5T_INTEGER, 8},
                       {"data_tokens", H5T_INTEGER, 8},
                       {"prompt", H5T_STRING, 16},
                       {"task", H5T_STRING, 32},
                       {"metric", H5T_STRING, 32},
                       {"value", H5T_FLOAT, 8},
                       {"stderr", H5T_FLOAT, 8},
                       {"n_examples", H5T_INTEGER, 8},
                       {"train_flops", H5T_FLOAT, 8}},
                      1024);
  expect_table_layout(file.id, "errors",
                      {{"point_id", H5T_INTEGER, 8},
                       {"job", H5T_STRING, 8},
                       {"model", H5T_STRING, 32},
                       {"data_tokens", H5T_INTEGER, 8},
                       {"prompt", H5T_STRING, 16},
                       {"task", H5T_STRING, 32},
                       {"rank", H5T_INTEGER, 4},
                       {"message", H5T_STRING, 512}},
                      128);
}

TEST(Store, FailuresNameTheCallAndThePath) {
  TempDir dir;
  const std::string missing = dir.file("missing.h5");
  try {
    Store::read_metrics(missing);
    FAIL() << "read of a missing file succeeded";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("H5Fopen"), std::string::npos) << msg;
    EXPECT_NE(msg.find(missing), std::string::npos) << msg;
    EXPECT_NE(msg.find("unable to open file"), std::string::npos) << msg;  // HDF5's own stack
  }

  const std::string text = dir.file("notes.txt");
  { std::ofstream(text) << "not hdf5"; }
  EXPECT_THROW(Store::read_errors(text), std::runtime_error);

  // An HDF5 file that is not a store.
  const std::string other = dir.file("other.h5");
  {
    Id f{H5Fcreate(other.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
    ASSERT_GE(f.id, 0);
  }
  try {
    Store::read_metrics(other);
    FAIL() << "read of a non-store succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not a sweep store"), std::string::npos) << e.what();
  }

  // A directory that cannot be created (a file is in the way).
  try {
    Store::create(dir.file("notes.txt/sub/x.h5"), sample_provenance());
    FAIL() << "create under a file succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
  }
}

TEST(Store, MovedStoreKeepsWriting) {
  TempDir dir;
  const std::string path = dir.file("moved.h5");
  {
    Store a = Store::create(path, sample_provenance());
    a.append(metric_rows(0, 2));
    Store b = std::move(a);
    EXPECT_THROW(a.path(), std::logic_error);  // NOLINT(bugprone-use-after-move)
    b.append(metric_rows(2, 4));
    Store c = Store::create(dir.file("other.h5"), sample_provenance());
    c = std::move(b);  // closes other.h5, takes over moved.h5
    c.append(metric_rows(4, 5));
    EXPECT_EQ(c.path(), path);
  }
  expect_same(metric_rows(0, 5), Store::read_metrics(path));
  EXPECT_TRUE(Store::read_metrics(dir.file("other.h5")).empty());
}

// The plotting user's view: h5py + pandas (tests/python/read_store.py).
TEST(Store, PythonReaderAcceptsAStore) {
  std::string probe;
  if (run(std::string(SWEEP_TEST_PYTHON) + " -c 'import h5py, pandas'", &probe) != 0) {
    FAIL() << SWEEP_TEST_PYTHON << " lacks h5py or pandas (scripts/setup.sh installs them): " << probe;
  }
  TempDir dir;
  const std::string good = dir.file("good.h5");
  const std::string dup = dir.file("dup.h5");
  std::vector<MetricRow> rows;
  for (std::int64_t m = 0; m < 2; ++m) {
    MetricRow base;
    base.model = "m" + std::to_string(m);
    base.n_params = 10000 * (m + 1);
    base.data_tokens = 1 << 20;
    base.train_flops = 6.0 * static_cast<double>(base.n_params) * static_cast<double>(base.data_tokens);
    MetricRow t = base;
    t.point_id = 100 + m;
    t.n_examples = 16384;
    t.metric = "train_loss";
    t.value = 2.5;
    rows.push_back(t);
    t.metric = "eval_loss";
    t.value = 2.7;
    rows.push_back(t);
    for (const char* prompt : {"zero_shot", "few_shot", "cot"}) {
      MetricRow e = base;
      e.point_id = 1000 * (m + 1) + static_cast<std::int64_t>(std::string(prompt).size());
      e.prompt = prompt;
      e.task = "addition";
      e.n_examples = 100;
      e.metric = "exact_match";
      e.value = 0.25;
      e.std_err = 0.04;
      rows.push_back(e);
      e.metric = "logprob";
      e.value = -1.5;
      rows.push_back(e);
    }
  }
  {
    Store s = Store::create(good, sample_provenance());
    s.append(rows);
    Store d = Store::create(dup, sample_provenance());
    rows.push_back(rows.back());
    d.append(rows);
  }
  const std::string script = std::string(SWEEP_TEST_PYTHON) + " " + SWEEP_READ_STORE_PY + " ";
  std::string out;
  ASSERT_EQ(run(script + "'" + good + "' --expect-points 6", &out), 0) << out;
  EXPECT_NE(out.find("read_store: 16 metrics rows, 6 points, OK"), std::string::npos) << out;
  out.clear();
  EXPECT_NE(run(script + "'" + good + "' --expect-points 7", &out), 0) << out;
  out.clear();
  EXPECT_NE(run(script + "'" + dup + "'", &out), 0) << out;
  EXPECT_NE(out.find("point_id, metric"), std::string::npos) << out;
}
