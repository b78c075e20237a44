// Tests of the HDF5 results store (hdf5_schema/store.hpp, schema_version 5).
#include "hdf5_schema/store.hpp"
#include "tests/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cmath>
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
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifndef SWEEP_READ_STORE_PY
#define SWEEP_READ_STORE_PY "tests/python/read_store.py"
#endif
#ifndef SWEEP_CHECK_SCHEMA_DOC_PY
#define SWEEP_CHECK_SCHEMA_DOC_PY "tests/python/check_schema_doc.py"
#endif
#ifndef SWEEP_SCHEMA_MD
#define SWEEP_SCHEMA_MD "hdf5_schema/SCHEMA.md"
#endif
#ifndef SWEEP_READ_LIVE_PY
#define SWEEP_READ_LIVE_PY "hdf5_schema/examples/read_live.py"
#endif
#ifndef SWEEP_TEST_PYTHON
#define SWEEP_TEST_PYTHON "/usr/bin/python3"
#endif

namespace fs = std::filesystem;
using sweep::store::CurveRow;
using sweep::store::ErrorRow;
using sweep::store::ExampleRow;
using sweep::store::MetricRow;
using sweep::store::PointRow;
using sweep::store::Provenance;
using sweep::store::RunRow;
using sweep::store::Session;
using sweep::store::Status;
using sweep::store::Store;

namespace {

using sweep::testing::TempDir;

Provenance sample_provenance() {
  Provenance p;
  p.grid_text = "name = \"tiny\"\nseed = 7\n[grid]\nmodel = [\"s\", \"m\"]\n";
  p.grid_path = "sweeps/tiny.toml";
  p.sweep_name = "tiny";
  p.sweep_version = "0.1.0+abc1234";
  p.seed = 0xFEDCBA9876543210ULL;  // above INT64_MAX: must stay unsigned
  p.ranks = 3;
  p.created = "2024-05-01T12:34:56Z";
  p.resolved_config = "model.s.n_layer=2\nmodel.s.d_model=64\n";
  p.torch_version = "2.3.0";
  p.mpi_version = "Open MPI v4.1.4";
  p.nccl_version = "";
  p.hostnames = "node0\nnode0\nnode1";
  p.slurm = "job_id=42\nrestart_count=0\nnodelist=node[0-1]\ntasks_per_node=2(x2)\nend_time=1790000000\n";
  return p;
}

Session sample_session() {
  Session s;
  s.grid_text = "name = \"tiny\"\n# resumed\n";
  s.slurm = "job_id=42\nrestart_count=1\n";
  s.sweep_version = "0.1.0+def5678";
  s.started = "2024-05-02T08:00:00Z";
  s.ranks = 5;
  return s;
}

MetricRow metric_row(std::int64_t i) {
  MetricRow r;
  r.point_id = 1000003 * i - 7;
  r.model = "m" + std::to_string(i % 5);
  r.n_params = 1000 + i;
  r.n_params_non_embedding = 900 + i;
  r.data_tokens = 1 << 20;
  r.prompt = i % 2 ? "few_shot" : "";
  r.task = i % 2 ? "addition" : "";
  r.metric = i % 2 ? "exact_match" : "train_loss";
  r.value = 0.001 * static_cast<double>(i);
  r.std_err = 1e-3 / (1.0 + static_cast<double>(i));
  r.n_examples = 100 + i;
  r.train_flops = 6.0 * static_cast<double>(r.n_params) * static_cast<double>(r.data_tokens);
  r.random_baseline = i % 2 ? 1.0 / 199 : std::log(256.0);
  return r;
}

std::vector<MetricRow> metric_rows(std::int64_t from, std::int64_t to) {
  std::vector<MetricRow> rows;
  for (std::int64_t i = from; i < to; ++i) rows.push_back(metric_row(i));
  return rows;
}

PointRow point_row(std::int64_t i) {
  PointRow p;
  p.point_id = 7919 * i + 1;
  p.job = i % 3 == 0 ? "train" : "eval";
  p.model = "m" + std::to_string(i % 4);
  p.data_tokens = (1 << 20) * (1 + i % 2);
  p.prompt = p.job == "eval" ? "cot" : "";
  p.task = p.job == "eval" ? "addition" : "";
  p.config = "model=" + p.model + "\nseed=" + std::to_string(i) + "\n";
  return p;
}

std::vector<PointRow> point_rows(std::int64_t n) {
  std::vector<PointRow> rows;
  for (std::int64_t i = 0; i < n; ++i) rows.push_back(point_row(i));
  return rows;
}

RunRow run_row(std::int64_t i) {
  RunRow r;
  r.run_id = 7919 * i + 1;
  r.model = "m" + std::to_string(i);
  r.n_layer = 2 + static_cast<std::int32_t>(i);
  r.d_model = 64;
  r.n_head = 4;
  r.n_params = 100000 * (i + 1);
  r.data_tokens = 1 << 20;
  r.train_flops = 6.0 * static_cast<double>(r.n_params) * static_cast<double>(r.data_tokens);
  r.steps = 512;
  r.train_loss = 3.0 - 0.1 * static_cast<double>(i);
  r.eval_loss = 3.1 - 0.1 * static_cast<double>(i);
  r.tokens_per_s = 12345.5;
  r.peak_rss_bytes = std::int64_t{3} << 30;
  r.wall_seconds = 61.25;
  r.checkpoint = "results/tiny/ckpt/run" + std::to_string(r.run_id) + ".pt";
  r.n_params_non_embedding = r.n_params - 64 * 320;
  if (i % 2) {  // a pretrained model's provenance
    r.source = "models/pythia-70m/step" + std::to_string(1000 * (i + 1));
    r.weights_sha256 = "sha256:" + std::string(64, static_cast<char>('a' + i));
  }
  return r;
}

std::vector<CurveRow> curve_rows(std::int64_t run_id, std::int64_t from, std::int64_t to,
                                 std::int32_t attempt = 0) {
  std::vector<CurveRow> rows;
  for (std::int64_t s = from; s < to; ++s) {
    CurveRow c;
    c.run_id = run_id;
    c.attempt = attempt;
    c.step = s;
    c.tokens = 2048 * (s + 1);
    c.loss = 5.0 / (1.0 + 0.01 * static_cast<double>(s));
    c.lr = 3e-4;
    c.grad_norm = 1.0 + 1.0 / (1.0 + static_cast<double>(s));
    c.wall_seconds = 0.05 * static_cast<double>(s);
    rows.push_back(c);
  }
  return rows;
}

void expect_same(const MetricRow& a, const MetricRow& b, std::size_t i) {
  SCOPED_TRACE("row " + std::to_string(i));
  EXPECT_EQ(a.point_id, b.point_id);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.n_params, b.n_params);
  EXPECT_EQ(a.n_params_non_embedding, b.n_params_non_embedding);
  EXPECT_EQ(a.data_tokens, b.data_tokens);
  EXPECT_EQ(a.prompt, b.prompt);
  EXPECT_EQ(a.task, b.task);
  EXPECT_EQ(a.metric, b.metric);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.std_err, b.std_err);
  EXPECT_EQ(a.n_examples, b.n_examples);
  EXPECT_EQ(a.train_flops, b.train_flops);
  EXPECT_EQ(a.random_baseline, b.random_baseline);
}

void expect_same(const std::vector<MetricRow>& want, const std::vector<MetricRow>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i) expect_same(want[i], got[i], i);
}

void expect_same(const std::vector<PointRow>& want, const std::vector<PointRow>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("point row " + std::to_string(i));
    const PointRow& a = want[i];
    const PointRow& b = got[i];
    EXPECT_EQ(a.point_id, b.point_id);
    EXPECT_EQ(a.job, b.job);
    EXPECT_EQ(a.model, b.model);
    EXPECT_EQ(a.data_tokens, b.data_tokens);
    EXPECT_EQ(a.prompt, b.prompt);
    EXPECT_EQ(a.task, b.task);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.attempts, b.attempts);
    EXPECT_EQ(a.error, b.error);
    EXPECT_EQ(a.start_time, b.start_time);
    EXPECT_EQ(a.end_time, b.end_time);
    EXPECT_EQ(a.wall_seconds, b.wall_seconds);
    EXPECT_EQ(a.rank, b.rank);
    EXPECT_EQ(a.host, b.host);
    EXPECT_EQ(a.config, b.config);
  }
}

void expect_same(const std::vector<RunRow>& want, const std::vector<RunRow>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("run row " + std::to_string(i));
    const RunRow& a = want[i];
    const RunRow& b = got[i];
    EXPECT_EQ(a.run_id, b.run_id);
    EXPECT_EQ(a.model, b.model);
    EXPECT_EQ(a.n_layer, b.n_layer);
    EXPECT_EQ(a.d_model, b.d_model);
    EXPECT_EQ(a.n_head, b.n_head);
    EXPECT_EQ(a.n_params, b.n_params);
    EXPECT_EQ(a.data_tokens, b.data_tokens);
    EXPECT_EQ(a.train_flops, b.train_flops);
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.train_loss, b.train_loss);
    EXPECT_EQ(a.eval_loss, b.eval_loss);
    EXPECT_EQ(a.tokens_per_s, b.tokens_per_s);
    EXPECT_EQ(a.peak_rss_bytes, b.peak_rss_bytes);
    EXPECT_EQ(a.wall_seconds, b.wall_seconds);
    EXPECT_EQ(a.checkpoint, b.checkpoint);
    EXPECT_EQ(a.n_params_non_embedding, b.n_params_non_embedding);
    EXPECT_EQ(a.source, b.source);
    EXPECT_EQ(a.weights_sha256, b.weights_sha256);
  }
}

void expect_same(const std::vector<CurveRow>& want, const std::vector<CurveRow>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("curve row " + std::to_string(i));
    const CurveRow& a = want[i];
    const CurveRow& b = got[i];
    EXPECT_EQ(a.run_id, b.run_id);
    EXPECT_EQ(a.attempt, b.attempt);
    EXPECT_EQ(a.step, b.step);
    EXPECT_EQ(a.tokens, b.tokens);
    EXPECT_EQ(a.loss, b.loss);
    EXPECT_EQ(a.lr, b.lr);
    EXPECT_EQ(a.grad_norm, b.grad_norm);
    EXPECT_EQ(a.wall_seconds, b.wall_seconds);
  }
}

template <typename T>
std::vector<T> concat(std::vector<T> a, const std::vector<T>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
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

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Fails the test unless SWEEP_TEST_PYTHON has h5py and pandas.
void require_python() {
  std::string probe;
  if (run(std::string(SWEEP_TEST_PYTHON) + " -c 'import h5py, pandas'", &probe) != 0) {
    FAIL() << SWEEP_TEST_PYTHON << " lacks h5py or pandas (scripts/setup.sh installs them): "
           << probe;
  }
}

// Runs a Python program (text) with arguments; returns its exit status.
int run_python(const TempDir& dir, const std::string& program, const std::string& args,
               std::string* out) {
  const std::string script = dir.file("snippet.py");
  { std::ofstream(script) << program; }
  return run(std::string(SWEEP_TEST_PYTHON) + " " + quoted(script) + " " + args, out);
}

bool contains_line_with(const std::vector<std::string>& lines, const std::string& part) {
  for (const std::string& l : lines) {
    if (l.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += "\n  " + l;
  return s.empty() ? "(none)" : s;
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
    } else if (members[i].cls == H5T_ENUM) {
      Id base{H5Tget_super(mt.id), H5Tclose};
      EXPECT_TRUE(H5Tequal(base.id, H5T_STD_U8LE) > 0) << members[i].name;
      const char* names[] = {"pending", "running", "done", "failed", "skipped", "diverged", "timeout"};
      ASSERT_EQ(H5Tget_nmembers(mt.id), 7);
      for (std::uint8_t v = 0; v < 7; ++v) {
        char buf[32] = {0};
        ASSERT_GE(H5Tenum_nameof(mt.id, &v, buf, sizeof buf), 0);
        EXPECT_STREQ(buf, names[v]);
      }
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
  EXPECT_FALSE(doc.variable);
  EXPECT_NE(doc.value.find(members[0].name), std::string::npos);
}

// Runs `write` in a child process, which must end by calling _exit(0) while its
// Store is still open (the writer dies: no destructor, no H5Fclose); the test
// fails unless the child got that far.
template <typename Write>
void in_killed_writer(Write write) {
  std::fflush(nullptr);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      write();
      _exit(4);  // write() returned: it closed its store instead of dying
    } catch (...) {
      _exit(3);
    }
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "writer child failed";
}

// An HDF5 file (LATEST format) with an int32 schema_version attribute.
void make_hdf5_file(const std::string& path, int schema_version /* <0: none */) {
  Id fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
  H5Pset_libver_bounds(fapl.id, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  Id f{H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.id), H5Fclose};
  ASSERT_GE(f.id, 0);
  if (schema_version >= 0) {
    Id space{H5Screate(H5S_SCALAR), H5Sclose};
    Id attr{H5Acreate2(f.id, "schema_version", H5T_STD_I32LE, space.id, H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose};
    ASSERT_GE(attr.id, 0);
    std::int32_t v = schema_version;
    ASSERT_GE(H5Awrite(attr.id, H5T_NATIVE_INT32, &v), 0);
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// Creating

TEST(Store, RefusesToOverwriteExistingFile) {
  TempDir dir;
  const std::string path = dir.file("results.h5");
  { std::ofstream(path) << "precious"; }
  try {
    Store::create(path, sample_provenance(), {});
    FAIL() << "create() overwrote an existing file";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": store already exists; refusing to overwrite it (choose another --out or "
                     "move it away)");
  }
  EXPECT_EQ(slurp(path), "precious");
}

TEST(Store, RefusesToOverwriteExistingStoreUnlessForced) {
  TempDir dir;
  const std::string path = dir.file("results.h5");
  {
    Store s = Store::create(path, sample_provenance(), point_rows(2));
    s.append(metric_rows(0, 3));
  }
  EXPECT_THROW(Store::create(path, sample_provenance(), {}), std::runtime_error);
  EXPECT_EQ(Store::read_metrics(path).size(), 3u);

  { Store s = Store::create(path, sample_provenance(), point_rows(5), /*force=*/true); }
  EXPECT_TRUE(Store::read_metrics(path).empty());
  EXPECT_EQ(Store::read_points(path).size(), 5u);
}

TEST(Store, ForceDoesNotReplaceAStoreAWriterHasOpen) {
  TempDir dir;
  const std::string path = dir.file("live.h5");
  Store live = Store::create(path, sample_provenance(), {});
  live.append(metric_rows(0, 2));
  live.flush();
  try {
    Store::create(path, sample_provenance(), {}, /*force=*/true);
    FAIL() << "create(force) replaced a store under its live writer";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another process is writing this store"),
              std::string::npos) << e.what();
  }
  EXPECT_EQ(live.metrics().size(), 2u);
}

TEST(Store, CreatesMissingParentDirectories) {
  TempDir dir;
  const std::string path = dir.file("results/deep/er/tiny.h5");
  Store s = Store::create(path, sample_provenance(), {});
  EXPECT_EQ(s.path(), path);
  EXPECT_TRUE(fs::is_regular_file(path));
}

TEST(Store, NewStoreHoldsOnlyItsPoints) {
  TempDir dir;
  const std::string path = dir.file("empty.h5");
  const std::vector<PointRow> points = point_rows(7);
  {
    Store s = Store::create(path, sample_provenance(), points);
    expect_same(points, s.points());
    EXPECT_TRUE(s.metrics().empty());
  }
  expect_same(points, Store::read_points(path));
  EXPECT_TRUE(Store::read_metrics(path).empty());
  EXPECT_TRUE(Store::read_errors(path).empty());
  EXPECT_TRUE(Store::read_runs(path).empty());
  EXPECT_TRUE(Store::read_curves(path).empty());
  EXPECT_TRUE(Store::validate(path).empty()) << joined(Store::validate(path));
}

// ---------------------------------------------------------------------------
// Round trips

TEST(Store, AppendedMetricsRoundTrip) {
  TempDir dir;
  const std::string path = dir.file("rt.h5");
  // Batches that cross the 1024-row chunk boundary twice, plus empty and single batches.
  const std::vector<MetricRow> want = metric_rows(0, 2600);
  {
    Store s = Store::create(path, sample_provenance(), {});
    s.append({});
    s.append(std::vector<MetricRow>(want.begin(), want.begin() + 1500));
    s.append(std::vector<MetricRow>(want.begin() + 1500, want.begin() + 1501));
    s.flush();
    s.append(std::vector<MetricRow>(want.begin() + 1501, want.end()));
    expect_same(want, s.metrics());  // the writer reads its own rows
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
    Store s = Store::create(path, sample_provenance(), {});
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
    Store s = Store::create(path, sample_provenance(), {});
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

TEST(Store, PointsAreRewrittenInPlaceAndAppended) {
  TempDir dir;
  const std::string path = dir.file("points.h5");
  std::vector<PointRow> want = point_rows(150);  // crosses the 64-row chunk boundary twice
  {
    Store s = Store::create(path, sample_provenance(), want);
    PointRow p = want[100];
    p.status = Status::Running;
    p.attempts = 1;
    p.start_time = 1714567890.25;
    p.rank = 2;
    p.host = "node1";
    s.set_point(100, p);
    s.flush();
    p.status = Status::Failed;
    p.error = "worker 2: CUDA out of memory";
    p.end_time = 1714567899.5;
    p.wall_seconds = 9.25;
    s.set_point(100, p);
    want[100] = p;
    want[0].status = Status::Done;
    want[0].attempts = 1;
    s.set_point(0, want[0]);
    expect_same(want, s.points());  // same rows, in place: no row was added

    const std::vector<PointRow> more = {point_row(150), point_row(151)};
    s.add_points(more);
    want = concat(want, more);
    want[151].status = Status::Skipped;
    s.set_point(151, want[151]);
    EXPECT_THROW(s.set_point(152, point_row(0)), std::out_of_range);
    expect_same(want, s.points());
  }
  expect_same(want, Store::read_points(path));
  EXPECT_STREQ(sweep::store::to_string(Status::Pending), "pending");
  EXPECT_STREQ(sweep::store::to_string(Status::Skipped), "skipped");
  EXPECT_STREQ(sweep::store::to_string(Status::Diverged), "diverged");
  EXPECT_STREQ(sweep::store::to_string(Status::Timeout), "timeout");
}

TEST(Store, RunsAndCurvesRoundTrip) {
  TempDir dir;
  const std::string path = dir.file("runs.h5");
  const std::vector<RunRow> runs = {run_row(0), run_row(1), run_row(2)};
  // Two runs' curves interleaved, crossing the 4096-row chunk boundary; a restarted attempt.
  std::vector<CurveRow> curves;
  {
    Store s = Store::create(path, sample_provenance(), {});
    s.append_curves({});
    for (std::int64_t b = 0; b < 5000; b += 1000) {
      for (const RunRow& r : runs) {
        const auto batch = curve_rows(r.run_id, b, b + 1000);
        s.append_curves(batch);
        curves = concat(curves, batch);
      }
    }
    const auto retry = curve_rows(runs[2].run_id, 0, 3, /*attempt=*/1);
    s.append_curves(retry);
    curves = concat(curves, retry);
    for (const RunRow& r : runs) s.append_run(r);
  }
  expect_same(runs, Store::read_runs(path));
  expect_same(curves, Store::read_curves(path));
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
  PointRow p = point_row(0);
  p.config = std::string(2000, 'c');
  p.error = std::string(300, 'E');
  {
    Store s = Store::create(path, sample_provenance(), {p});
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
  const PointRow got_p = Store::read_points(path).at(0);
  EXPECT_EQ(got_p.config, std::string(1023, 'c'));
  EXPECT_EQ(got_p.error, std::string(255, 'E'));
}

TEST(Store, MovedStoreKeepsWriting) {
  TempDir dir;
  const std::string path = dir.file("moved.h5");
  {
    Store a = Store::create(path, sample_provenance(), {});
    a.append(metric_rows(0, 2));
    Store b = std::move(a);
    EXPECT_THROW(a.path(), std::logic_error);  // NOLINT(bugprone-use-after-move)
    b.append(metric_rows(2, 4));
    Store c = Store::create(dir.file("other.h5"), sample_provenance(), {});
    c = std::move(b);  // closes other.h5, takes over moved.h5
    c.append(metric_rows(4, 5));
    EXPECT_EQ(c.path(), path);
  }
  expect_same(metric_rows(0, 5), Store::read_metrics(path));
  EXPECT_TRUE(Store::read_metrics(dir.file("other.h5")).empty());
}

// ---------------------------------------------------------------------------
// Layout

TEST(Store, RootAttributesHoldProvenance) {
  TempDir dir;
  const std::string path = dir.file("prov.h5");
  Provenance prov = sample_provenance();
  // A real grid file can exceed the 64 KiB limit of compact attribute storage.
  for (int i = 0; prov.grid_text.size() < 100000; ++i) {
    prov.grid_text += "# comment line " + std::to_string(i) + "\n";
  }
  { Store s = Store::create(path, prov, {}); }

  Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  ASSERT_GE(file.id, 0);
  std::int32_t version = 0;
  EXPECT_TRUE(read_scalar_attr(file.id, "schema_version", H5T_STD_I32LE, H5T_NATIVE_INT32,
                               &version));
  EXPECT_EQ(version, 5);
  std::int32_t sessions = 0;
  EXPECT_TRUE(read_scalar_attr(file.id, "sessions", H5T_STD_I32LE, H5T_NATIVE_INT32, &sessions));
  EXPECT_EQ(sessions, 1);
  std::uint64_t seed = 0;
  EXPECT_TRUE(read_scalar_attr(file.id, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed));
  EXPECT_EQ(seed, prov.seed);
  std::int32_t ranks = 0;
  EXPECT_TRUE(read_scalar_attr(file.id, "ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, &ranks));
  EXPECT_EQ(ranks, prov.ranks);

  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  const std::pair<const char*, std::string> strings[] = {
      {"grid_text", prov.grid_text},
      {"grid_path", prov.grid_path},
      {"sweep_name", prov.sweep_name},
      {"sweep_version", prov.sweep_version},
      {"created", prov.created},
      {"resolved_config", prov.resolved_config},
      {"torch_version", prov.torch_version},
      {"mpi_version", prov.mpi_version},
      {"nccl_version", prov.nccl_version},
      {"hostnames", prov.hostnames},
      {"slurm", prov.slurm},
      {"hdf5_version", std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel)},
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

TEST(Store, DatasetsHaveSchemaVersion5Layout) {
  TempDir dir;
  const std::string path = dir.file("layout.h5");
  { Store s = Store::create(path, sample_provenance(), point_rows(3)); }
  Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  ASSERT_GE(file.id, 0);
  // Created with libver bounds LATEST: superblock version 3, which SWMR needs.
  H5F_info2_t info;
  ASSERT_GE(H5Fget_info2(file.id, &info), 0);
  EXPECT_GE(info.super.version, 3u);
  H5G_info_t root;
  ASSERT_GE(H5Gget_info(file.id, &root), 0);
  EXPECT_EQ(root.nlinks, 6u);  // metrics, errors, points, runs, curves, examples

  expect_table_layout(file.id, "metrics",
                      {{"point_id", H5T_INTEGER, 8},
                       {"model", H5T_STRING, 32},
                       {"n_params", H5T_INTEGER, 8},
                       {"n_params_non_embedding", H5T_INTEGER, 8},
                       {"data_tokens", H5T_INTEGER, 8},
                       {"prompt", H5T_STRING, 16},
                       {"task", H5T_STRING, 32},
                       {"metric", H5T_STRING, 32},
                       {"value", H5T_FLOAT, 8},
                       {"stderr", H5T_FLOAT, 8},
                       {"n_examples", H5T_INTEGER, 8},
                       {"train_flops", H5T_FLOAT, 8},
                       {"random_baseline", H5T_FLOAT, 8},
                       {"seed", H5T_INTEGER, 8},
                       {"compute_budget", H5T_FLOAT, 8},
                       {"axes", H5T_STRING, 256}},
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
  expect_table_layout(file.id, "points",
                      {{"point_id", H5T_INTEGER, 8},
                       {"job", H5T_STRING, 8},
                       {"model", H5T_STRING, 32},
                       {"data_tokens", H5T_INTEGER, 8},
                       {"prompt", H5T_STRING, 16},
                       {"task", H5T_STRING, 32},
                       {"status", H5T_ENUM, 1},
                       {"attempts", H5T_INTEGER, 4},
                       {"error", H5T_STRING, 256},
                       {"start_time", H5T_FLOAT, 8},
                       {"end_time", H5T_FLOAT, 8},
                       {"wall_seconds", H5T_FLOAT, 8},
                       {"rank", H5T_INTEGER, 4},
                       {"host", H5T_STRING, 64},
                       {"config", H5T_STRING, 1024},
                       {"axes", H5T_STRING, 256}},
                      64);
  expect_table_layout(file.id, "runs",
                      {{"run_id", H5T_INTEGER, 8},
                       {"model", H5T_STRING, 32},
                       {"n_layer", H5T_INTEGER, 4},
                       {"d_model", H5T_INTEGER, 4},
                       {"n_head", H5T_INTEGER, 4},
                       {"n_params", H5T_INTEGER, 8},
                       {"n_params_non_embedding", H5T_INTEGER, 8},
                       {"data_tokens", H5T_INTEGER, 8},
                       {"train_flops", H5T_FLOAT, 8},
                       {"steps", H5T_INTEGER, 8},
                       {"train_loss", H5T_FLOAT, 8},
                       {"eval_loss", H5T_FLOAT, 8},
                       {"tokens_per_s", H5T_FLOAT, 8},
                       {"peak_rss_bytes", H5T_INTEGER, 8},
                       {"wall_seconds", H5T_FLOAT, 8},
                       {"checkpoint", H5T_STRING, 256},
                       {"source", H5T_STRING, 256},
                       {"weights_sha256", H5T_STRING, 72},
                       {"seed", H5T_INTEGER, 8},
                       {"compute_budget", H5T_FLOAT, 8},
                       {"axes", H5T_STRING, 256}},
                      128);
  expect_table_layout(file.id, "curves",
                      {{"run_id", H5T_INTEGER, 8},
                       {"attempt", H5T_INTEGER, 4},
                       {"step", H5T_INTEGER, 8},
                       {"tokens", H5T_INTEGER, 8},
                       {"loss", H5T_FLOAT, 8},
                       {"lr", H5T_FLOAT, 8},
                       {"grad_norm", H5T_FLOAT, 8},
                       {"wall_seconds", H5T_FLOAT, 8}},
                      4096);
  expect_table_layout(file.id, "examples",
                      {{"point_id", H5T_INTEGER, 8},
                       {"model", H5T_STRING, 32},
                       {"data_tokens", H5T_INTEGER, 8},
                       {"prompt", H5T_STRING, 16},
                       {"task", H5T_STRING, 32},
                       {"prompt_text", H5T_STRING, 4096},
                       {"target", H5T_STRING, 1024},
                       {"output", H5T_STRING, 1024}},
                      16);
}

TEST(Store, ExampleRowsRoundTripTheRenderedPrompt) {
  TempDir dir;
  const std::string path = dir.file("examples.h5");
  ExampleRow e;
  e.point_id = 42;
  e.model = "s";
  e.data_tokens = 8192;
  e.prompt = "few_shot";
  e.task = "add2";
  e.context = "12+30=42\n7+5=12\n47+85=";
  e.target = "132";
  e.output = "131";
  {
    Store s = Store::create(path, sample_provenance(), {});
    s.append_example(e);
  }
  const std::vector<ExampleRow> back = Store::read_examples(path);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].point_id, 42);
  EXPECT_EQ(back[0].model, "s");
  EXPECT_EQ(back[0].data_tokens, 8192);
  EXPECT_EQ(back[0].prompt, "few_shot");
  EXPECT_EQ(back[0].task, "add2");
  EXPECT_EQ(back[0].context, e.context);
  EXPECT_EQ(back[0].target, "132");
  EXPECT_EQ(back[0].output, "131");
}

// ---------------------------------------------------------------------------
// Crashes and resuming

TEST(Store, KilledWriterKeepsFlushedRowsAndResumes) {
  TempDir dir;
  const std::string path = dir.file("crash.h5");
  const std::vector<MetricRow> want = metric_rows(0, 1500);
  std::vector<PointRow> points = point_rows(10);
  points[3].status = Status::Done;
  points[3].attempts = 1;
  in_killed_writer([&] {
    Store s = Store::create(path, sample_provenance(), point_rows(10));
    s.append(std::vector<MetricRow>(want.begin(), want.begin() + 1000));
    s.append_error(ErrorRow{7, "eval", "m", 1, "cot", "addition", 1, "boom"});
    s.set_point(3, points[3]);
    s.append_run(run_row(0));
    s.append_curves(curve_rows(1, 0, 100));
    s.append(std::vector<MetricRow>(want.begin() + 1000, want.end()));
    s.flush();
    _exit(0);  // dies with the store open
  });

  // A plain open refuses (status flags); readers fall back to SWMR reading.
  Id plain{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  EXPECT_LT(plain.id, 0) << "the killed writer's status flags are not set";
  H5Eclear2(H5E_DEFAULT);

  {
    Store s = Store::resume(path, sample_session());
    // Every flushed row is there, in every dataset.
    expect_same(want, s.metrics());
    expect_same(points, s.points());
    PointRow p = points[4];
    p.status = Status::Done;
    s.set_point(4, p);
    points[4] = p;
    s.append(metric_rows(1500, 1502));
    s.append_curves(curve_rows(1, 100, 110, /*attempt=*/1));
  }
  expect_same(concat(want, metric_rows(1500, 1502)), Store::read_metrics(path));
  expect_same(points, Store::read_points(path));
  EXPECT_EQ(Store::read_errors(path).size(), 1u);
  EXPECT_EQ(Store::read_runs(path).size(), 1u);
  EXPECT_EQ(Store::read_curves(path).size(), 110u);
  EXPECT_TRUE(Store::validate(path).empty()) << joined(Store::validate(path));

  // The session is recorded.
  Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  ASSERT_GE(file.id, 0) << "a closed resumed store must open plainly";
  std::int32_t sessions = 0, ranks = 0;
  EXPECT_TRUE(read_scalar_attr(file.id, "sessions", H5T_STD_I32LE, H5T_NATIVE_INT32, &sessions));
  EXPECT_EQ(sessions, 2);
  EXPECT_TRUE(read_scalar_attr(file.id, "resume_1_ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, &ranks));
  EXPECT_EQ(ranks, 5);
  EXPECT_EQ(read_string_attr(file.id, "resume_1_grid_text").value, sample_session().grid_text);
  EXPECT_EQ(read_string_attr(file.id, "resume_1_slurm").value, sample_session().slurm);
  EXPECT_EQ(read_string_attr(file.id, "resume_1_sweep_version").value, "0.1.0+def5678");
  EXPECT_EQ(read_string_attr(file.id, "resume_1_started").value, "2024-05-02T08:00:00Z");
}

// A resume killed after H5Fopen but before SWMR started leaves flags that
// refuse SWMR readers too; recover() makes the store readable and resumable.
TEST(Store, RecoverClearsTheFlagsOfAResumeKilledBeforeSwmr) {
  TempDir dir;
  const std::string path = dir.file("half_resumed.h5");
  { Store s = Store::create(path, sample_provenance(), point_rows(3)); }
  const std::string clean = slurp(path);
  Store::recover(path);
  EXPECT_EQ(slurp(path), clean) << "recover() changed a cleanly closed store";

  in_killed_writer([&] {
    Id fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
    H5Pset_libver_bounds(fapl.id, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.id);
    if (id < 0) _exit(5);
    _exit(0);  // dies with the store open for writing, not yet SWMR
  });
  EXPECT_THROW(Store::read_points(path), std::runtime_error) << "the killed open left no flags";

  Store::recover(path);
  EXPECT_EQ(Store::read_points(path).size(), 3u);
  { Store s = Store::resume(path, sample_session()); }
  EXPECT_TRUE(Store::validate(path).empty()) << joined(Store::validate(path));
}

TEST(Store, ResumeWaitsOutAReaderThatHoldsTheStoreOpen) {
  TempDir dir;
  const std::string path = dir.file("read_while_resuming.h5");
  { Store s = Store::create(path, sample_provenance(), point_rows(3)); }
  // A plotting tool's plain read-only open holds HDF5's shared file lock until
  // it closes the file: here for 0.5 s, from another process.
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t reader = fork();
  ASSERT_GE(reader, 0);
  if (reader == 0) {
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const char opened = id >= 0 ? 'y' : 'n';
    if (write(ready[1], &opened, 1) != 1) _exit(3);
    usleep(500 * 1000);
    if (id >= 0) H5Fclose(id);
    _exit(0);
  }
  char opened = 0;
  ASSERT_EQ(read(ready[0], &opened, 1), 1);
  ASSERT_EQ(opened, 'y');
  { Store s = Store::resume(path, sample_session()); }  // would fail on the lock without waiting
  int status = 0;
  waitpid(reader, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(ready[0]);
  close(ready[1]);
  EXPECT_TRUE(Store::validate(path).empty()) << joined(Store::validate(path));
}

TEST(Store, ResumeOfACleanlyClosedStoreCountsSessions) {
  TempDir dir;
  const std::string path = dir.file("twice.h5");
  { Store s = Store::create(path, sample_provenance(), point_rows(2)); }
  { Store s = Store::resume(path, sample_session()); }
  Session second = sample_session();
  second.ranks = 9;
  { Store s = Store::resume(path, second); }
  Id file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  ASSERT_GE(file.id, 0);
  std::int32_t sessions = 0, ranks = 0;
  EXPECT_TRUE(read_scalar_attr(file.id, "sessions", H5T_STD_I32LE, H5T_NATIVE_INT32, &sessions));
  EXPECT_EQ(sessions, 3);
  EXPECT_TRUE(read_scalar_attr(file.id, "resume_2_ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, &ranks));
  EXPECT_EQ(ranks, 9);
}

TEST(Store, ResumeAndRecoverRefuseALiveWriter) {
  TempDir dir;
  const std::string path = dir.file("live.h5");
  Store live = Store::create(path, sample_provenance(), {});
  live.append(metric_rows(0, 4));
  live.flush();
  try {
    Store::resume(path, sample_session());
    FAIL() << "resume() opened a store its writer still has open";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": another process is writing this store (a sweep is still running on "
                     "it); refusing to resume it");
  }
  EXPECT_THROW(Store::recover(path), std::runtime_error);  // never clears a live writer's flags
  EXPECT_NO_THROW(Store::recover(dir.file("missing.h5")));
  live.append(metric_rows(4, 6));
  EXPECT_EQ(live.metrics().size(), 6u);
}

TEST(Store, ResumeRefusesAnotherSchemaVersion) {
  TempDir dir;
  const std::string path = dir.file("v1.h5");
  make_hdf5_file(path, 1);
  try {
    Store::resume(path, sample_session());
    FAIL() << "resume() accepted schema_version 1";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": schema_version 1, this sweep writes 5 and resumes 3 to 5; refusing to resume it (use a new "
                     "--out)");
  }
}

TEST(Store, ResumeRefusesAFileThatIsNotAStore) {
  TempDir dir;
  const std::string other = dir.file("other.h5");
  make_hdf5_file(other, -1);
  try {
    Store::resume(other, sample_session());
    FAIL() << "resume() accepted an HDF5 file without schema_version";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(other + ": not a sweep store"), std::string::npos)
        << e.what();
  }
  const std::string text = dir.file("notes.txt");
  { std::ofstream(text) << "not hdf5"; }
  try {
    Store::resume(text, sample_session());
    FAIL() << "resume() accepted a text file";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(text + ": cannot open the store to resume it"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("h5clear"), std::string::npos) << msg;  // never "recovered"
  }
  EXPECT_EQ(slurp(text), "not hdf5");
  EXPECT_THROW(Store::resume(dir.file("missing.h5"), sample_session()), std::runtime_error);
}

// ---------------------------------------------------------------------------
// Readers

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

  const std::string other = dir.file("other.h5");
  make_hdf5_file(other, -1);
  try {
    Store::read_metrics(other);
    FAIL() << "read of a non-store succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not a sweep store"), std::string::npos) << e.what();
  }
  const std::string v1 = dir.file("v1.h5");
  make_hdf5_file(v1, 1);
  EXPECT_THROW(Store::read_points(v1), std::runtime_error);

  // A directory that cannot be created (a file is in the way).
  try {
    Store::create(dir.file("notes.txt/sub/x.h5"), sample_provenance(), {});
    FAIL() << "create under a file succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
  }
}

TEST(Store, StaticReadersWorkWhileTheWriterRuns) {
  TempDir dir;
  const std::string path = dir.file("live.h5");
  Store s = Store::create(path, sample_provenance(), point_rows(4));
  s.append(metric_rows(0, 10));
  s.flush();
  // Another process, as a plotting script would be: opens as a SWMR reader.
  std::fflush(nullptr);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      const bool ok = Store::read_metrics(path).size() == 10 && Store::read_points(path).size() == 4;
      _exit(ok ? 0 : 1);
    } catch (...) {
      _exit(2);
    }
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: wrong row counts, 2: the read threw";
}

// The plotting user's truth: h5py with swmr=True sees rows appended (and a
// /points row rewritten) after it opened the file, once it refreshes.
TEST(Store, LiveH5pyReaderSeesNewRowsAfterRefresh) {
  require_python();
  TempDir dir;
  const std::string path = dir.file("swmr.h5");
  const std::string script = dir.file("reader.py");
  {
    std::ofstream(script) << R"(import sys, time, h5py
f = h5py.File(sys.argv[1], "r", swmr=True)
m, c, p = f["metrics"], f["curves"], f["points"]
print("start", m.shape[0], c.shape[0], int(p[0]["status"]), flush=True)
deadline = time.time() + 30
while time.time() < deadline:
    m.refresh(); c.refresh(); p.refresh()
    if m.shape[0] >= 12 and c.shape[0] >= 50:
        break
    time.sleep(0.05)
print("end", m.shape[0], c.shape[0], int(p[0]["status"]), m[-1]["model"].decode(), flush=True)
)";
  }
  Store s = Store::create(path, sample_provenance(), point_rows(3));
  s.append(metric_rows(0, 10));
  s.flush();

  std::FILE* reader = popen((std::string(SWEEP_TEST_PYTHON) + " " + quoted(script) + " " +
                             quoted(path) + " 2>&1").c_str(), "r");
  ASSERT_NE(reader, nullptr);
  char line[512] = {0};
  ASSERT_NE(std::fgets(line, sizeof line, reader), nullptr);
  EXPECT_EQ(std::string(line), "start 10 0 0\n");

  s.append(metric_rows(10, 12));
  s.append_curves(curve_rows(1, 0, 50));
  PointRow p = point_row(0);
  p.status = Status::Done;
  s.set_point(0, p);
  s.flush();

  std::string rest;
  while (std::fgets(line, sizeof line, reader) != nullptr) rest += line;
  const int status = pclose(reader);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << rest;
  EXPECT_EQ(rest, "end 12 50 2 " + metric_row(11).model + "\n");
}

// ---------------------------------------------------------------------------
// validate

TEST(Store, ValidateAcceptsAStoreAndReportsANonHdf5File) {
  TempDir dir;
  const std::string path = dir.file("ok.h5");
  {
    Store s = Store::create(path, sample_provenance(), point_rows(3));
    s.append(metric_rows(0, 3));
    EXPECT_TRUE(Store::validate(path).empty()) << joined(Store::validate(path));  // while live
  }
  EXPECT_TRUE(Store::validate(path).empty()) << joined(Store::validate(path));

  const std::string text = dir.file("notes.txt");
  { std::ofstream(text) << "not hdf5"; }
  std::vector<std::string> problems;
  ASSERT_NO_THROW(problems = Store::validate(text));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("cannot open as HDF5"), std::string::npos) << problems[0];
  ASSERT_NO_THROW(problems = Store::validate(dir.file("missing.h5")));
  EXPECT_EQ(problems.size(), 1u);

  const std::string bare = dir.file("bare.h5");
  make_hdf5_file(bare, 1);
  problems = Store::validate(bare);
  EXPECT_TRUE(contains_line_with(problems, "schema_version is 1, expected 3 to 5")) << joined(problems);
  EXPECT_TRUE(contains_line_with(problems, "dataset /metrics is missing")) << joined(problems);
  EXPECT_TRUE(contains_line_with(problems, "root attribute 'grid_text' is missing"))
      << joined(problems);

  const std::string other = dir.file("other.h5");  // another program's HDF5 file
  make_hdf5_file(other, -1);
  problems = Store::validate(other);
  ASSERT_EQ(problems.size(), 1u) << joined(problems);
  EXPECT_EQ(problems[0], other + ": not a sweep store (an HDF5 file without the root attribute schema_version)");
}

TEST(Store, ValidateFlagsColumnsAttributesAndStatusValues) {
  require_python();
  TempDir dir;
  const std::string path = dir.file("bad.h5");
  {
    Store s = Store::create(path, sample_provenance(), point_rows(4));
    s.append(metric_rows(0, 5));
  }
  // What a hand edit (or another program) could do to a store.
  std::string out;
  ASSERT_EQ(run_python(dir, R"(import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    a = f["metrics"][()]
    fields = [(n, a.dtype[n]) for n in a.dtype.names if n != "stderr"]
    fields = [(n, "<f4" if n == "value" else t) for n, t in fields] + [("note", "S8")]
    b = np.zeros(a.shape, dtype=fields)
    for n, _ in fields[:-1]:
        b[n] = a[n]
    del f["metrics"]
    f.create_dataset("metrics", data=b, maxshape=(None,), chunks=(1024,))
    f.attrs["schema_version"] = np.int32(6)
    del f.attrs["hostnames"]
    f.attrs["colour"] = b"blue"
    f.create_dataset("extra", data=np.arange(3))
    del f["runs"]
)", quoted(path), &out), 0) << out;
  // A status byte outside the enum, written raw (no conversion).
  {
    Id file{H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
    ASSERT_GE(file.id, 0);
    Id ds{H5Dopen2(file.id, "points", H5P_DEFAULT), H5Dclose};
    Id type{H5Dget_type(ds.id), H5Tclose};
    std::vector<unsigned char> rows(4 * H5Tget_size(type.id));
    ASSERT_GE(H5Dread(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), 0);
    rows[2 * H5Tget_size(type.id) + H5Tget_member_offset(type.id, 6)] = 7;
    ASSERT_GE(H5Dwrite(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), 0);
  }
  const std::vector<std::string> problems = Store::validate(path);
  const std::string prefix = path + ": ";
  for (const std::string& want : {
           prefix + "/metrics: column 'stderr' is missing",
           prefix + "/metrics: column 'value' is float32, expected float64",
           prefix + "/metrics: column 'note' is not in schema_version 5",
           prefix + "schema_version is 6, expected 3 to 5",
           prefix + "root attribute 'hostnames' is missing",
           prefix + "root attribute 'colour' is not in schema_version 5",
           prefix + "/extra is not in schema_version 5",
           prefix + "dataset /runs is missing",
           prefix + "/points: 1 rows have a status value outside 0..6 (first: row 2, value 7)",
       }) {
    EXPECT_TRUE(contains_line_with(problems, want)) << "missing: " << want << "\ngot:" << joined(problems);
  }
  EXPECT_FALSE(contains_line_with(problems, "'model'")) << joined(problems);  // S32 still fits
}

// ---------------------------------------------------------------------------
// export

TEST(Store, ExportsMetricsAsCsvAndJsonLines) {
  TempDir dir;
  const std::string path = dir.file("export.h5");
  MetricRow a = metric_row(1);
  a.model = "m,1";
  a.task = "say \"hi\"";
  a.value = 0.25;
  a.std_err = 0.1;
  a.train_flops = 1.5e15;
  a.random_baseline = 0.125;
  a.seed = 3;
  a.compute_budget = 1e15;
  a.axes = "compute=1e+15;seed=3;train.lr=0.001";
  MetricRow b = metric_row(2);
  b.value = std::numeric_limits<double>::quiet_NaN();
  b.std_err = 0;
  b.train_flops = 6e9;
  b.random_baseline = 5.5;
  {
    Store s = Store::create(path, sample_provenance(), {});
    s.append({a, b});
  }
  std::ostringstream csv;
  Store::export_metrics(path, "csv", csv);
  EXPECT_EQ(csv.str(),
            "point_id,model,n_params,n_params_non_embedding,data_tokens,prompt,task,metric,value,stderr,n_examples,"
            "train_flops,random_baseline,seed,compute_budget,axes\n"
            "999996,\"m,1\",1001,901,1048576,few_shot,\"say \"\"hi\"\"\",exact_match,0.25,0.1,101,"
            "1.5e+15,0.125,3,1e+15,compute=1e+15;seed=3;train.lr=0.001\n"
            "1999999,m2,1002,902,1048576,,,train_loss,nan,0,102,6e+09,5.5,0,0,\n");
  std::ostringstream jsonl;
  Store::export_metrics(path, "jsonl", jsonl);
  EXPECT_EQ(jsonl.str(),
            "{\"point_id\":999996,\"model\":\"m,1\",\"n_params\":1001,\"n_params_non_embedding\":901,\"data_tokens\":1048576,"
            "\"prompt\":\"few_shot\",\"task\":\"say \\\"hi\\\"\",\"metric\":\"exact_match\","
            "\"value\":0.25,\"stderr\":0.1,\"n_examples\":101,\"train_flops\":1.5e+15,\"random_baseline\":0.125,"
            "\"seed\":3,\"compute_budget\":1e+15,\"axes\":\"compute=1e+15;seed=3;train.lr=0.001\"}\n"
            "{\"point_id\":1999999,\"model\":\"m2\",\"n_params\":1002,\"n_params_non_embedding\":902,\"data_tokens\":1048576,"
            "\"prompt\":\"\",\"task\":\"\",\"metric\":\"train_loss\",\"value\":null,\"stderr\":0.0,"
            "\"n_examples\":102,\"train_flops\":6000000000.0,\"random_baseline\":5.5,\"seed\":0,"
            "\"compute_budget\":0.0,\"axes\":\"\"}\n");
  std::ostringstream none;
  EXPECT_THROW(Store::export_metrics(path, "parquet", none), std::invalid_argument);
  EXPECT_TRUE(none.str().empty());
}

// ---------------------------------------------------------------------------
// Python readers

// A small finished sweep: 2 train runs and 6 eval points, all done.
void write_finished_sweep(const std::string& path, bool duplicate_last_metric = false) {
  std::vector<MetricRow> rows;
  std::vector<PointRow> points;
  std::vector<RunRow> runs;
  std::vector<ExampleRow> examples;
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
    PointRow tp;
    tp.point_id = t.point_id;
    tp.job = "train";
    tp.model = base.model;
    tp.data_tokens = base.data_tokens;
    tp.status = Status::Done;
    tp.attempts = 1;
    points.push_back(tp);
    RunRow r = run_row(m);
    r.run_id = t.point_id;
    r.model = base.model;
    r.n_params = base.n_params;
    r.data_tokens = base.data_tokens;
    r.train_flops = base.train_flops;
    runs.push_back(r);
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
      e.metric = "edit_distance";
      e.value = 0.5;
      rows.push_back(e);
      e.metric = "seq_logprob";
      e.value = -4.5;
      rows.push_back(e);
      e.metric = "ece";
      e.value = 0.1;
      rows.push_back(e);
      examples.push_back({e.point_id, e.model, e.data_tokens, e.prompt, e.task, "47+85=", "132", "131"});
      PointRow ep = tp;
      ep.point_id = e.point_id;
      ep.job = "eval";
      ep.prompt = prompt;
      ep.task = "addition";
      points.push_back(ep);
    }
  }
  if (duplicate_last_metric) rows.push_back(rows.back());
  Store s = Store::create(path, sample_provenance(), points);
  s.append(rows);
  for (const ExampleRow& e : examples) s.append_example(e);
  for (const RunRow& r : runs) {
    s.append_curves(curve_rows(r.run_id, 0, 20));
    s.append_run(r);
  }
}

TEST(Store, PythonReaderAcceptsAStore) {
  require_python();
  TempDir dir;
  const std::string good = dir.file("good.h5");
  const std::string dup = dir.file("dup.h5");
  const std::string unfinished = dir.file("unfinished.h5");
  write_finished_sweep(good);
  write_finished_sweep(dup, /*duplicate_last_metric=*/true);
  write_finished_sweep(unfinished);
  {
    Store s = Store::resume(unfinished, sample_session());
    PointRow p = s.points().at(1);
    p.status = Status::Failed;
    s.set_point(1, p);
  }
  const std::string script = std::string(SWEEP_TEST_PYTHON) + " " + SWEEP_READ_STORE_PY + " ";
  std::string out;
  ASSERT_EQ(run(script + quoted(good) + " --expect-points 6", &out), 0) << out;
  EXPECT_NE(out.find("read_store: 34 metrics rows, 6 points, 2 runs, 40 curve rows, 6 examples, OK"),
            std::string::npos) << out;
  out.clear();
  EXPECT_NE(run(script + quoted(good) + " --expect-points 7", &out), 0) << out;
  out.clear();
  EXPECT_NE(run(script + quoted(dup), &out), 0) << out;
  EXPECT_NE(out.find("point_id, metric"), std::string::npos) << out;
  out.clear();
  EXPECT_NE(run(script + quoted(unfinished), &out), 0) << out;
  EXPECT_NE(out.find("failed"), std::string::npos) << out;
}

// SCHEMA.md is checked against a store this binary writes (every dataset with rows).
TEST(Store, SchemaDocumentMatchesAStore) {
  require_python();
  TempDir dir;
  const std::string path = dir.file("doc.h5");
  write_finished_sweep(path);
  { Store s = Store::resume(path, sample_session()); }  // resume_1_* attributes too
  {
    Store s = Store::resume(path, sample_session());
    s.append_error(ErrorRow{1, "eval", "m0", 1, "cot", "addition", 1, "boom"});
  }
  std::string out;
  EXPECT_EQ(run(std::string(SWEEP_TEST_PYTHON) + " " + SWEEP_CHECK_SCHEMA_DOC_PY + " " +
                    quoted(path) + " " + SWEEP_SCHEMA_MD, &out), 0) << out;
  EXPECT_NE(out.find("check_schema_doc: OK"), std::string::npos) << out;

  // And it notices an undocumented column.
  out.clear();
  ASSERT_EQ(run_python(dir, R"(import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    a = f["curves"][()]
    b = np.zeros(a.shape, dtype=a.dtype.descr + [("secret", "<i4")])
    for n in a.dtype.names:
        b[n] = a[n]
    del f["curves"]
    f.create_dataset("curves", data=b, maxshape=(None,), chunks=(4096,))
    f["curves"].attrs["columns_doc"] = np.bytes_(b"x")
)", quoted(path), &out), 0) << out;
  out.clear();
  EXPECT_EQ(run(std::string(SWEEP_TEST_PYTHON) + " " + SWEEP_CHECK_SCHEMA_DOC_PY + " " +
                    quoted(path) + " " + SWEEP_SCHEMA_MD, &out), 1) << out;
  EXPECT_NE(out.find("secret"), std::string::npos) << out;
}

TEST(Store, ReadLiveExampleRunsOnAStore) {
  require_python();
  TempDir dir;
  const std::string path = dir.file("live.h5");
  write_finished_sweep(path);
  std::string out;
  EXPECT_EQ(run(std::string(SWEEP_TEST_PYTHON) + " " + SWEEP_READ_LIVE_PY + " " + quoted(path) +
                    " --once", &out), 0) << out;
  EXPECT_NE(out.find("34 metrics rows"), std::string::npos) << out;
  EXPECT_NE(out.find("40 curve rows"), std::string::npos) << out;
  EXPECT_NE(out.find("8/8 jobs done"), std::string::npos) << out;
}
