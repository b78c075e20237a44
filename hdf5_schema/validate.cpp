// Store::validate: checks a file against the table descriptions of schema.hpp
// (datasets, columns and their types, the status enum and its values) and the
// root attributes, and returns one line per problem.
#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hdf5_schema/h5.hpp"
#include "hdf5_schema/schema.hpp"
#include "hdf5_schema/store.hpp"
#include "hdf5_schema/table_io.hpp"

namespace sweep::store {
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
std::string type_problem(hid_t t, schema::Kind kind, std::size_t size) {
  using schema::Kind;
  Handle want = io::member_type(kind, size, true, "validate");
  const std::string got = describe_type(t);
  const std::string expected = describe_type(want.get());
  bool ok = H5Tget_class(t) == H5Tget_class(want.get()) && H5Tget_size(t) == H5Tget_size(want.get());
  if (ok && kind == Kind::Str) ok = H5Tis_variable_str(t) <= 0;
  if (ok && (kind == Kind::I32 || kind == Kind::I64 || kind == Kind::F64)) {
    ok = H5Tequal(t, want.get()) > 0;
  }
  if (ok && kind == Kind::Status) {
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

template <typename Row>
void validate_table(hid_t root, const schema::Table<Row>& t, int version, const std::string& path,
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
  // The columns of the store's version (an older one lacks the later ones).
  std::vector<const schema::Column<Row>*> columns;
  for (const auto& c : t.columns)
    if (c.since <= version) columns.push_back(&c);
  bool all_present = true;
  for (const auto* column : columns) {
    const auto& c = *column;
    const auto it = std::find(have.begin(), have.end(), c.name);
    if (it == have.end()) {
      problems.push_back(where + ": column '" + c.name + "' is missing");
      all_present = false;
      continue;
    }
    Handle mt(H5Tget_member_type(type.get(), static_cast<unsigned>(it - have.begin())), H5Tclose);
    const std::string bad = type_problem(mt.get(), c.kind(), c.size());
    if (!bad.empty()) {
      problems.push_back(where + ": column '" + c.name + "' " + bad);
      all_present = false;
    }
  }
  for (const std::string& h : have) {
    const bool known = std::any_of(columns.begin(), columns.end(), [&](const auto* c) { return h == c->name; });
    if (!known) problems.push_back(where + ": column '" + h + "' is not in schema_version " + std::to_string(version) + "");
  }
  if (all_present && have.size() == columns.size()) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (have[i] != columns[i]->name) {
        problems.push_back(where + ": columns are out of order (column " + std::to_string(i + 1) +
                           " is '" + have[i] + "', expected '" + columns[i]->name + "')");
        break;
      }
    }
  }

  // Status values: read the status bytes as stored (no enum conversion).
  if (std::is_same_v<Row, PointRow> && all_present) {
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
    // The store's own version, when it is one this code knows: its layout is
    // what the tables are checked against (an older one lacks later columns).
    int version = kSchemaVersion;
    {
      std::int32_t v = 0;
      Handle attr(H5Aopen(root, "schema_version", H5P_DEFAULT), H5Aclose);
      if (attr && H5Aread(attr.get(), H5T_NATIVE_INT32, &v) >= 0) {
        if (v >= kOldestSchemaVersion && v <= kSchemaVersion) {
          version = v;
        } else {
          problems.push_back(path + ": schema_version is " + std::to_string(v) + ", expected " +
                             std::to_string(kOldestSchemaVersion) + " to " + std::to_string(kSchemaVersion));
        }
      } else {
        H5Eclear2(H5E_DEFAULT);
        problems.push_back(path + ": schema_version is unreadable");
      }
    }
    const std::vector<schema::RootAttr> expected = schema::root_attrs();
    for (const schema::RootAttr& a : expected) {
      if (std::find(attrs.begin(), attrs.end(), a.name) == attrs.end()) {
        problems.push_back(path + ": root attribute '" + a.name + "' is missing");
        continue;
      }
      Handle attr(H5Aopen(root, a.name.c_str(), H5P_DEFAULT), H5Aclose);
      Handle type(attr ? H5Aget_type(attr.get()) : H5I_INVALID_HID, H5Tclose);
      if (!type) {
        H5Eclear2(H5E_DEFAULT);
        problems.push_back(path + ": root attribute '" + a.name + "' is unreadable");
        continue;
      }
      const H5T_class_t cls = H5Tget_class(type.get());
      const bool ok = a.kind == schema::AttrKind::Str ? cls == H5T_STRING && H5Tis_variable_str(type.get()) <= 0
                                          : cls == H5T_INTEGER;
      if (!ok) {
        problems.push_back(path + ": root attribute '" + a.name + "' is " +
                           describe_type(type.get()) + ", expected " +
                           (a.kind == schema::AttrKind::Str ? "a fixed-length string" : "an integer"));
      }
    }
    for (const std::string& a : attrs) {
      const bool known =
          std::any_of(expected.begin(), expected.end(),
                      [&](const schema::RootAttr& r) { return a == r.name; }) ||
          schema::is_resume_attr(a);
      if (!known) problems.push_back(path + ": root attribute '" + a + "' is not in schema_version " + std::to_string(version) + "");
    }

    // Datasets.
    std::vector<std::string> links;
    idx = 0;
    if (H5Literate(root, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, &links) < 0) {
      problems.push_back(path + ": cannot list the root group: " + hdf5_error_stack());
    }
    std::vector<std::string> tables;
    schema::for_each_table([&](const auto& t) {
      tables.push_back(t.name);
      if (std::find(links.begin(), links.end(), t.name) == links.end()) {
        problems.push_back(path + ": dataset /" + t.name + " is missing");
      } else {
        validate_table(root, t, version, path, problems);
      }
    });
    for (const std::string& l : links) {
      const bool known = std::find(tables.begin(), tables.end(), l) != tables.end();
      if (!known) problems.push_back(path + ": /" + l + " is not in schema_version " + std::to_string(version) + "");
    }
  } catch (const std::exception& e) {
    problems.push_back(path + ": " + e.what());
  }
  H5Eclear2(H5E_DEFAULT);
  return problems;
}

}  // namespace sweep::store
