// Reading a store by path (Store::read_*), live or finished, and the public
// view of the schema (describe_schema).
#include <string>
#include <vector>

#include "hdf5_schema/schema.hpp"
#include "hdf5_schema/store.hpp"
#include "hdf5_schema/table_io.hpp"

namespace sweep::store {

std::vector<MetricRow> Store::read_metrics(const std::string& path) { return io::read_table<MetricRow>(path); }
std::vector<ErrorRow> Store::read_errors(const std::string& path) { return io::read_table<ErrorRow>(path); }
std::vector<PointRow> Store::read_points(const std::string& path) { return io::read_table<PointRow>(path); }
std::vector<RunRow> Store::read_runs(const std::string& path) { return io::read_table<RunRow>(path); }
std::vector<CurveRow> Store::read_curves(const std::string& path) { return io::read_table<CurveRow>(path); }
std::vector<ExampleRow> Store::read_examples(const std::string& path) { return io::read_table<ExampleRow>(path); }

std::vector<TableInfo> describe_schema() {
  std::vector<TableInfo> out;
  schema::for_each_table([&](const auto& t) {
    TableInfo info;
    info.name = t.name;
    info.row_bytes = t.row_bytes();
    info.chunk_rows = t.chunk_rows;
    for (const auto& c : t.columns) info.columns.push_back({c.name, schema::type_name(c.kind(), c.size()), c.doc});
    out.push_back(std::move(info));
  });
  return out;
}

}  // namespace sweep::store
