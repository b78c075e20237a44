// The store's layout described once: every table as a list of columns, each
// bound to a member of its public row type (store.hpp) with its name, kind,
// string size and doc line. Writing, reading, validation, export and the
// SCHEMA.md check are all driven by these descriptions; the on-disk compound
// type of a table is its columns, packed, in this order (schema_version 4).
// Internal to hdf5_schema/ (store.hpp is the public API).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "hdf5_schema/store.hpp"

namespace sweep::store::schema {

// The kind of a column, in the order of Column::Member's alternatives.
enum class Kind { I32, I64, F64, Str, Status };

// One column of a table whose rows are of type Row.
template <typename Row>
struct Column {
  using Member = std::variant<std::int32_t Row::*, std::int64_t Row::*, double Row::*, std::string Row::*,
                              Status Row::*>;
  const char* name;       // compound member name in the file
  Member member;          // the field of Row it holds
  std::size_t str_size;   // bytes of a string column, its NUL included; 0 for other kinds
  const char* doc;        // one line, as in SCHEMA.md's table
  int since = kOldestSchemaVersion;  // the schema_version that added it (older stores lack it)

  Kind kind() const { return static_cast<Kind>(member.index()); }
  // Bytes in the file (and in the packed row buffer).
  std::size_t size() const {
    switch (kind()) {
      case Kind::I32: return 4;
      case Kind::I64: return 8;
      case Kind::F64: return 8;
      case Kind::Str: return str_size;
      case Kind::Status: return 1;
    }
    return 0;
  }
};

// Makes the columns of a Row table; a member may be declared in a base of Row
// (MetricRow's value fields are MetricValue's). In a table's definition:
//   const ColumnsOf<PointRow> column;
//   column("point_id", &PointRow::point_id, "doc"), column("model", &PointRow::model, 32, "doc")
template <typename Row>
struct ColumnsOf {
  // A numeric or status column.
  template <typename T, typename Owner>
  Column<Row> operator()(const char* name, T Owner::*member, const char* doc) const {
    static_assert(std::is_base_of_v<Owner, Row>, "a member of the row type or of its base");
    static_assert(!std::is_same_v<T, std::string>, "a string column needs its size");
    return Column<Row>{name, static_cast<T Row::*>(member), 0, doc};
  }
  // A fixed-length string column of `size` bytes (at most size - 1 bytes of text).
  template <typename Owner>
  Column<Row> operator()(const char* name, std::string Owner::*member, std::size_t size, const char* doc) const {
    static_assert(std::is_base_of_v<Owner, Row>, "a member of the row type or of its base");
    return Column<Row>{name, static_cast<std::string Row::*>(member), size, doc};
  }
};

// A column that schema_version `version` added.
template <typename Row>
Column<Row> added_in(int version, Column<Row> c) {
  c.since = version;
  return c;
}

// One dataset: a 1-D chunked table of Row.
template <typename Row>
struct Table {
  using row_type = Row;
  const char* name;         // dataset name under the root group
  std::size_t chunk_rows;   // rows per chunk
  const char* columns_doc;  // the dataset's columns_doc attribute
  std::vector<Column<Row>> columns;

  std::size_t row_bytes() const {
    std::size_t n = 0;
    for (const auto& c : columns) n += c.size();
    return n;
  }
};

// The tables, in the order the store creates them.
enum TableIndex : std::size_t { kMetrics = 0, kErrors, kPoints, kRuns, kCurves, kExamples, kNumTables };

const Table<MetricRow>& metrics_table();
const Table<ErrorRow>& errors_table();
const Table<PointRow>& points_table();
const Table<RunRow>& runs_table();
const Table<CurveRow>& curves_table();
const Table<ExampleRow>& examples_table();

// The table of a row type and its index.
template <typename Row> const Table<Row>& table();
template <> inline const Table<MetricRow>& table<MetricRow>() { return metrics_table(); }
template <> inline const Table<ErrorRow>& table<ErrorRow>() { return errors_table(); }
template <> inline const Table<PointRow>& table<PointRow>() { return points_table(); }
template <> inline const Table<RunRow>& table<RunRow>() { return runs_table(); }
template <> inline const Table<CurveRow>& table<CurveRow>() { return curves_table(); }
template <> inline const Table<ExampleRow>& table<ExampleRow>() { return examples_table(); }

template <typename Row> constexpr TableIndex index_of();
template <> constexpr TableIndex index_of<MetricRow>() { return kMetrics; }
template <> constexpr TableIndex index_of<ErrorRow>() { return kErrors; }
template <> constexpr TableIndex index_of<PointRow>() { return kPoints; }
template <> constexpr TableIndex index_of<RunRow>() { return kRuns; }
template <> constexpr TableIndex index_of<CurveRow>() { return kCurves; }
template <> constexpr TableIndex index_of<ExampleRow>() { return kExamples; }

// Calls f(table) for every table, in creation order.
template <typename F>
void for_each_table(F&& f) {
  f(metrics_table());
  f(errors_table());
  f(points_table());
  f(runs_table());
  f(curves_table());
  f(examples_table());
}

// Names and values of the HDF5 enum "status" (Status in store.hpp).
constexpr std::array<std::pair<const char*, std::uint8_t>, 7> kStatusNames = {{
    {"pending", 0}, {"running", 1}, {"done", 2}, {"failed", 3}, {"skipped", 4}, {"diverged", 5}, {"timeout", 6}}};

// An attribute's kind, in the order of Attr::Member's alternatives.
enum class AttrKind { Str, U64, I32 };

// A root attribute bound to a member of Owner: Provenance (written at
// creation) or Session (written by the k-th resume as resume_<k>_NAME).
// Strings are fixed-length, sized to their value.
template <typename Owner>
struct Attr {
  using Member = std::variant<std::string Owner::*, std::uint64_t Owner::*, std::int32_t Owner::*>;
  const char* name;
  Member member;
  AttrKind kind() const { return static_cast<AttrKind>(member.index()); }
};

// Root attributes from the Provenance, in creation order. Before them the
// store writes its own: schema_version (int32), sessions (int32, +1 per
// resume) and hdf5_version (string).
extern const std::array<Attr<Provenance>, 13> kProvenanceAttrs;
// What the k-th resume records, as resume_<k>_NAME, in creation order.
extern const std::array<Attr<Session>, 5> kSessionAttrs;

// Every root attribute a store has from its creation (besides resume_<k>_*).
struct RootAttr {
  std::string name;
  AttrKind kind;
};
std::vector<RootAttr> root_attrs();
// Matches the attributes the k-th resume writes.
bool is_resume_attr(const std::string& name);

// The SCHEMA.md notation of a column's type: int32, int64, float64, string[N], enum uint8.
std::string type_name(Kind kind, std::size_t size);

}  // namespace sweep::store::schema
