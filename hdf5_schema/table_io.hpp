// HDF5 types, packed row buffers and row I/O, all derived from the table
// descriptions of schema.hpp. A row is packed into a byte buffer laid out as
// the file's compound type (members in column order, no padding); the memory
// type describes that buffer with native types, so the library copies rows
// without converting them. Internal to hdf5_schema/.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "hdf5_schema/h5.hpp"
#include "hdf5_schema/schema.hpp"

namespace sweep::store::io {

// ---------------------------------------------------------------------------
// Fixed-length strings

// Copies s into the zeroed n-byte field dst, truncated to n-1 bytes so a NUL
// always ends it; a cut never splits a UTF-8 sequence.
void put_string(char* dst, std::size_t n, const std::string& s);
// The text of an n-byte field: up to its first NUL (or all n bytes).
std::string get_string(const char* src, std::size_t n);

// ---------------------------------------------------------------------------
// HDF5 types

// The status enum over `base` (H5T_STD_U8LE in the file, native uint8 in memory).
Handle status_type(hid_t base, const std::string& path);
// The member type of a column: standard little-endian for the file, native in memory.
Handle member_type(schema::Kind kind, std::size_t size, bool file, const std::string& path);

// The compound type of table t: the file type (little-endian) or the memory
// type of the packed buffer (native). Both are packed, members in column order.
template <typename Row>
Handle compound_type(const schema::Table<Row>& t, bool file, const std::string& path) {
  Handle type = own(H5Tcreate(H5T_COMPOUND, t.row_bytes()), H5Tclose, "H5Tcreate", path);
  std::size_t offset = 0;
  for (const auto& c : t.columns) {
    Handle member = member_type(c.kind(), c.size(), file, path);
    check(H5Tinsert(type.get(), c.name, offset, member.get()), "H5Tinsert", path);
    offset += c.size();
  }
  return type;
}

// ---------------------------------------------------------------------------
// Rows <-> packed buffers

template <typename Row>
void pack(const schema::Table<Row>& t, const Row& row, char* out) {
  for (const auto& c : t.columns) {
    std::visit(
        [&](auto member) {
          const auto& v = row.*member;
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            put_string(out, c.size(), v);
          } else if constexpr (std::is_same_v<T, Status>) {
            const auto b = static_cast<std::uint8_t>(v);
            std::memcpy(out, &b, 1);
          } else {
            std::memcpy(out, &v, sizeof v);
          }
        },
        c.member);
    out += c.size();
  }
}

template <typename Row>
Row unpack(const schema::Table<Row>& t, const char* in) {
  Row row;
  for (const auto& c : t.columns) {
    std::visit(
        [&](auto member) {
          auto& v = row.*member;
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            v = get_string(in, c.size());
          } else if constexpr (std::is_same_v<T, Status>) {
            // Values outside the enum read back as 0xff (HDF5's enum conversion); kept.
            std::uint8_t b = 0;
            std::memcpy(&b, in, 1);
            v = static_cast<Status>(b);
          } else {
            std::memcpy(&v, in, sizeof v);
          }
        },
        c.member);
    in += c.size();
  }
  return row;
}

template <typename Row>
std::vector<char> pack_all(const schema::Table<Row>& t, const Row* rows, std::size_t n) {
  const std::size_t size = t.row_bytes();
  std::vector<char> buf(n * size, 0);
  for (std::size_t i = 0; i < n; ++i) pack(t, rows[i], buf.data() + i * size);
  return buf;
}

template <typename Row>
std::vector<Row> unpack_all(const schema::Table<Row>& t, const std::vector<char>& buf) {
  const std::size_t size = t.row_bytes();
  std::vector<Row> rows;
  rows.reserve(buf.size() / size);
  for (std::size_t at = 0; at + size <= buf.size(); at += size) rows.push_back(unpack(t, buf.data() + at));
  return rows;
}

// ---------------------------------------------------------------------------
// Datasets

// Rows in the 1-D dataset ds.
hsize_t extent(hid_t ds, const std::string& where);

// Appends n packed rows to the 1-D dataset ds in one hyperslab write; on a
// failed write the dataset keeps its old length.
void append_packed(hid_t ds, hid_t mem_type, const char* rows, hsize_t n, const std::string& where);
// Rewrites row `row` of ds with one packed row.
void write_packed_row(hid_t ds, hid_t mem_type, hsize_t row, const char* data, const std::string& where);
// Every row of ds, packed (row_bytes each).
std::vector<char> read_packed(hid_t ds, hid_t mem_type, std::size_t row_bytes, const std::string& where);

// Creates table t as an empty 1-D chunked dataset of unlimited length with its columns_doc.
template <typename Row>
void create_table(hid_t file, const schema::Table<Row>& t, const std::string& path);

// ---------------------------------------------------------------------------
// Attributes

// Scalar fixed-length string attribute sized to s (plus its NUL); replaces one of that name.
void write_string_attr(hid_t obj, const char* name, const std::string& s, const std::string& path);
// Scalar numeric attribute; replaces one of that name.
void write_scalar_attr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const void* value,
                       const std::string& path);
// Reads a scalar numeric attribute as mem_type into value.
void read_scalar_attr(hid_t obj, const char* name, hid_t mem_type, void* value, const std::string& path);

// schema_version of an open file; -1 if it has none.
std::int32_t schema_version_of(hid_t file, const std::string& path);

// Opens the store at path for reading and checks its schema_version.
Handle open_store_for_reading(const std::string& path);

// Every row of table t of the store at path (a finished store or, through SWMR,
// a live one). Columns an older store lacks read as 0 or empty: HDF5 fills
// only the members the file has, into a zeroed buffer.
template <typename Row>
std::vector<Row> read_table(const std::string& path) {
  const schema::Table<Row>& t = schema::table<Row>();
  Handle file = open_store_for_reading(path);
  const std::string where = path + " dataset /" + t.name;
  Handle ds = own(H5Dopen2(file.get(), t.name, H5P_DEFAULT), H5Dclose, "H5Dopen2", where);
  Handle mem_type = compound_type(t, false, where);
  return unpack_all(t, read_packed(ds.get(), mem_type.get(), t.row_bytes(), where));
}

// Implementation of create_table (a template only for the description's type).
void create_dataset(hid_t file, const char* name, hid_t file_type, std::size_t chunk_rows, const char* doc,
                    const std::string& path);
template <typename Row>
void create_table(hid_t file, const schema::Table<Row>& t, const std::string& path) {
  const std::string where = path + " dataset /" + t.name;
  Handle file_type = compound_type(t, true, where);
  create_dataset(file, t.name, file_type.get(), t.chunk_rows, t.columns_doc, where);
}

}  // namespace sweep::store::io
