// The store stays byte-compatible with the one written before the table
// descriptions (commit d736f42): fixtures/store_v3_d736f42.h5.gz was written by
// that code (see fixtures/README.md); today's code must read, validate and
// resume it, and must write the same file layout and data for the same rows,
// less the columns schema_versions 4 and 5 added. Also checks SCHEMA.md's column
// tables against the descriptions.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hdf5_schema/store.hpp"
#include "tests/temp_dir.hpp"
#include "tests/hdf5_schema/fixtures/reference_store.hpp"

#ifndef SWEEP_STORE_FIXTURES
#define SWEEP_STORE_FIXTURES "tests/hdf5_schema/fixtures"
#endif
#ifndef SWEEP_SCHEMA_MD
#define SWEEP_SCHEMA_MD "hdf5_schema/SCHEMA.md"
#endif

namespace fs = std::filesystem;
using namespace sweep::store;
namespace ref = sweep::store::reference;

namespace {

using sweep::testing::TempDir;

// Runs a shell command; returns its exit status and its stdout (stderr apart).
int run(const std::string& cmd, std::string* out) {
  std::FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The old code's store, unpacked into dir.
std::string old_store(const TempDir& dir) {
  const std::string path = dir.file("old.h5");
  std::string out;
  const int rc = run("gzip -dc '" SWEEP_STORE_FIXTURES "/store_v3_d736f42.h5.gz' > '" + path + "'", &out);
  if (rc != 0) throw std::runtime_error("gzip -dc of the fixture failed: " + out);
  return path;
}

// h5dump's full text of a store (header and data), without its first line
// (the file name) and with the hdf5_version attribute's value masked (the
// library that wrote it, not the layout).
std::string dump(const std::string& path) {
  std::string out;
  const int rc = run("h5dump '" + path + "'", &out);
  if (rc != 0) throw std::runtime_error("h5dump " + path + " failed (exit " + std::to_string(rc) + ")");
  out = out.substr(out.find('\n') + 1);
  static const std::regex version(R"re((ATTRIBUTE "hdf5_version" \{[\s\S]*?STRSIZE )\d+;([\s\S]*?\(0\): )"[^"]*")re");
  return std::regex_replace(out, version, "$1N;$2\"X\"");
}

// The columns schema_versions 4 and 5 added, by dataset.
const std::map<std::string, std::set<std::string>> kLaterColumns = {
    {"metrics", {"n_params_non_embedding", "seed", "compute_budget", "axes"}},
    {"points", {"axes"}},
    {"runs", {"n_params_non_embedding", "source", "weights_sha256", "seed", "compute_budget", "axes"}}};

// A dump as a version 3 store would read: the version 4 and 5 columns' members and
// their values in every row left out, the schema_version value and the
// columns_doc of the tables that gained columns masked.
std::string version3_view(const std::string& dump) {
  std::istringstream in(dump);
  std::ostringstream out;
  std::string line, dataset;
  static const std::regex dataset_line(R"re(^\s*DATASET "(\w+)" \{)re");
  static const std::regex member_end(R"re(^\s*(?:H5T_\w+ |\} )"(\w+)";$)re");
  std::vector<std::string> members;  // of the current dataset, in order
  std::vector<std::string> pending;  // lines of the member being read
  bool in_type = false, in_record = false, in_doc = false;
  std::string doc_end;  // the closing line of the columns_doc attribute
  std::size_t value = 0;
  std::smatch m;
  const auto dropped = [&](const std::string& column) {
    const auto it = kLaterColumns.find(dataset);
    return it != kLaterColumns.end() && it->second.count(column) > 0;
  };
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, dataset_line)) {
      dataset = m[1];
      members.clear();
    }
    if (line.find("DATATYPE  H5T_COMPOUND {") != std::string::npos) {
      in_type = true;
      out << line << "\n";
      continue;
    }
    if (in_type) {
      if (std::regex_match(line, std::regex(R"(\s*\})"))) {
        in_type = false;
        out << line << "\n";
        continue;
      }
      pending.push_back(line);
      if (std::regex_search(line, m, member_end)) {
        members.push_back(m[1]);
        if (!dropped(m[1]))
          for (const std::string& l : pending) out << l << "\n";
        pending.clear();
      }
      continue;
    }
    if (std::regex_search(line, std::regex(R"(^\s*\(\d+\): \{$)"))) {
      in_record = true;
      value = 0;
      out << line << "\n";
      continue;
    }
    if (in_record) {
      if (std::regex_search(line, std::regex(R"(^\s*\},?$)"))) {
        in_record = false;
        out << line << "\n";
      } else if (value < members.size() && !dropped(members[value++])) {
        out << line << "\n";
      }
      continue;
    }
    if (kLaterColumns.count(dataset) && line.find("ATTRIBUTE \"columns_doc\"") != std::string::npos) {
      in_doc = true;
      doc_end = line.substr(0, line.find('A')) + "}";
    }
    if (in_doc) {
      if (line == doc_end) {
        in_doc = false;
        out << "   columns_doc (masked)\n";
      }
      continue;
    }
    out << line << "\n";
  }
  // The last value of a record has no comma; with trailing columns dropped, another is last.
  const std::string text = std::regex_replace(out.str(), std::regex(",\n(\\s*\\},?)\n"), "\n$1\n");
  return std::regex_replace(text, std::regex(R"re((ATTRIBUTE "schema_version" \{[\s\S]*?\(0\): )\d+)re"), "$1V");
}

}  // namespace

TEST(OldStore, TodaysWriterWritesTheSameLayoutAndDataBesideTheColumnsLaterVersionsAdded) {
  TempDir dir;
  const std::string old_path = old_store(dir);
  const std::string new_path = dir.file("new.h5");
  ref::write_reference_store(new_path);
  const std::string old_dump = dump(old_path);
  const std::string new_dump = dump(new_path);
  ASSERT_NE(old_dump.find("DATASET \"examples\""), std::string::npos) << old_dump.substr(0, 2000);
  for (const auto& [dataset, columns] : kLaterColumns)
    for (const std::string& c : columns) {
      // As a compound member ("seed"; is also a root attribute's name).
      EXPECT_EQ(old_dump.find("\"" + c + "\";"), std::string::npos) << c;
      EXPECT_NE(new_dump.find("\"" + c + "\";"), std::string::npos) << c;
    }
  EXPECT_EQ(version3_view(old_dump), version3_view(new_dump));
  EXPECT_NE(version3_view(new_dump), new_dump);
}

TEST(OldStore, ValidatesAndReadsBack) {
  TempDir dir;
  const std::string path = old_store(dir);
  EXPECT_TRUE(Store::validate(path).empty());

  const auto metrics = Store::read_metrics(path);
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[0].metric, "exact_match");
  EXPECT_EQ(metrics[0].value, 0.25);
  EXPECT_EQ(metrics[0].n_examples, 16);
  EXPECT_EQ(metrics[0].random_baseline, 1.0 / 199);
  EXPECT_EQ(metrics[1].model, std::string(31, 'x'));  // the cut dropped the whole 2-byte sequence
  EXPECT_TRUE(std::isnan(metrics[1].value));
  EXPECT_EQ(metrics[1].std_err, std::numeric_limits<double>::infinity());
  EXPECT_EQ(metrics[1].random_baseline, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(metrics[0].n_params, 1234);
  EXPECT_EQ(metrics[0].n_params_non_embedding, 0);  // a version 4 column: unknown in a version 3 store

  const auto points = Store::read_points(path);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].status, Status::Done);
  EXPECT_EQ(points[0].error, std::string(255, 'e'));
  EXPECT_EQ(points[0].host.size(), 63u);
  EXPECT_EQ(points[0].host.substr(0, 7), "node-\xc3\xa9");
  EXPECT_EQ(points[1].status, Status::Pending);
  EXPECT_EQ(points[2].task, "add2");

  const auto examples = Store::read_examples(path);
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_EQ(examples[0].context, ref::example().context);
  EXPECT_EQ(examples[0].output, " 5");

  const auto errors = Store::read_errors(path);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, ref::error().message);
  EXPECT_EQ(errors[0].rank, 1);

  const auto runs = Store::read_runs(path);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].peak_rss_bytes, std::int64_t{1} << 33);
  EXPECT_EQ(runs[0].checkpoint, "ckpt/run100.pt");
  EXPECT_EQ(runs[0].n_params_non_embedding, 0);
  EXPECT_EQ(runs[0].source, "");
  EXPECT_EQ(runs[0].weights_sha256, "");

  const auto curves = Store::read_curves(path);
  ASSERT_EQ(curves.size(), 3u);
  EXPECT_EQ(curves[2].attempt, 1);
  EXPECT_EQ(curves[2].tokens, 1536);

  std::ostringstream jsonl;
  Store::export_metrics(path, "jsonl", jsonl);
  std::istringstream lines(jsonl.str());
  std::string line;
  std::getline(lines, line);
  const auto first = nlohmann::json::parse(line);
  EXPECT_TRUE(first.at("n_examples").is_number_integer());
  EXPECT_EQ(first.at("value").get<double>(), 0.25);
  std::getline(lines, line);
  EXPECT_TRUE(nlohmann::json::parse(line).at("value").is_null());
}

TEST(OldStore, ResumesAndKeepsWriting) {
  TempDir dir;
  const std::string path = old_store(dir);
  Session session;
  session.started = "2026-12-06T21:00:00Z";
  session.ranks = 2;
  {
    Store s = Store::resume(path, session);
    EXPECT_EQ(s.points().size(), 3u);
    s.append(ref::metrics());
    PointRow p = s.points()[1];
    p.status = Status::Failed;
    s.set_point(1, p);
    s.add_points({ref::points()[2]});
    RunRow pretrained = ref::run();
    pretrained.n_params_non_embedding = 1000;
    pretrained.source = "models/pythia/step1000";
    pretrained.weights_sha256 = "sha256:" + std::string(64, 'a');
    s.append_run(pretrained);
  }
  // Still a version 3 store: the rows appended kept its layout.
  EXPECT_TRUE(Store::validate(path).empty());
  EXPECT_EQ(Store::read_metrics(path).size(), 4u);
  const auto runs = Store::read_runs(path);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].n_params, 1234);
  EXPECT_EQ(runs[1].source, "");
  std::string out;
  ASSERT_EQ(run("h5dump -a schema_version '" + path + "'", &out), 0);
  EXPECT_NE(out.find("(0): 3"), std::string::npos) << out;
  const auto points = Store::read_points(path);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[1].status, Status::Failed);
  EXPECT_EQ(points[0].status, Status::Done);
}

// SCHEMA.md's table under ## `/NAME` lists the columns of the description:
// names, types and meanings, in order, and its row size and chunk rows.
TEST(StoreSchema, DocumentMatchesTheDescription) {
  std::ifstream in(SWEEP_SCHEMA_MD);
  ASSERT_TRUE(in) << SWEEP_SCHEMA_MD;
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto cells = [](const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream s(line.substr(line.find('|') + 1));
    while (std::getline(s, cell, '|')) {
      const auto a = cell.find_first_not_of(' ');
      const auto b = cell.find_last_not_of(' ');
      cell = a == std::string::npos ? "" : cell.substr(a, b - a + 1);
      if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`') cell = cell.substr(1, cell.size() - 2);
      out.push_back(cell);
    }
    return out;
  };
  for (const TableInfo& t : describe_schema()) {
    SCOPED_TRACE("/" + t.name);
    const auto at = doc.find("## `/" + t.name + "`");
    ASSERT_NE(at, std::string::npos);
    const auto end = doc.find("\n## ", at + 1);
    const std::string section = doc.substr(at, end - at);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(section, m, std::regex(R"(A row is\s+(\d+)\s+bytes;\s+chunks\s+of\s+(\d+)\s+rows)")));
    EXPECT_EQ(std::stoul(m[1]), t.row_bytes);
    EXPECT_EQ(std::stoul(m[2]), t.chunk_rows);
    std::istringstream lines(section);
    std::string line;
    std::vector<std::vector<std::string>> rows;
    while (std::getline(lines, line)) {
      if (line.rfind("|", 0) == 0) rows.push_back(cells(line));
      else if (!rows.empty()) break;
    }
    ASSERT_GE(rows.size(), 2u);
    ASSERT_EQ(rows.size() - 2, t.columns.size());  // header and separator lines
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      const auto& r = rows[i + 2];
      ASSERT_GE(r.size(), 5u);
      EXPECT_EQ(r[1], t.columns[i].name);
      EXPECT_EQ(r[2], t.columns[i].type);
      EXPECT_EQ(r[4], t.columns[i].doc);
    }
  }
}
