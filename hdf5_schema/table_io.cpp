// HDF5 types, packed rows, dataset and attribute I/O of the store (table_io.hpp).
#include "hdf5_schema/table_io.hpp"

#include <algorithm>
#include <stdexcept>

namespace sweep::store::io {

void put_string(char* dst, std::size_t n, const std::string& s) {
  std::size_t len = std::min(s.size(), n - 1);
  if (len < s.size()) {
    while (len > 0 && (static_cast<unsigned char>(s[len]) & 0xC0) == 0x80) --len;
  }
  std::memset(dst, 0, n);
  std::memcpy(dst, s.data(), len);
}

std::string get_string(const char* src, std::size_t n) {
  const void* nul = std::memchr(src, '\0', n);
  return std::string(src, nul ? static_cast<const char*>(nul) - src : n);
}

Handle status_type(hid_t base, const std::string& path) {
  Handle t = own(H5Tenum_create(base), H5Tclose, "H5Tenum_create", path);
  for (const auto& [name, value] : schema::kStatusNames) {
    std::uint8_t v = value;
    check(H5Tenum_insert(t.get(), name, &v), "H5Tenum_insert", path);
  }
  return t;
}

Handle member_type(schema::Kind kind, std::size_t size, bool file, const std::string& path) {
  using schema::Kind;
  switch (kind) {
    case Kind::I32:
      return own(H5Tcopy(file ? H5T_STD_I32LE : H5T_NATIVE_INT32), H5Tclose, "H5Tcopy", path);
    case Kind::I64:
      return own(H5Tcopy(file ? H5T_STD_I64LE : H5T_NATIVE_INT64), H5Tclose, "H5Tcopy", path);
    case Kind::F64:
      return own(H5Tcopy(file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE), H5Tclose, "H5Tcopy", path);
    case Kind::Str:
      return string_type(size, path);
    case Kind::Status:
      return status_type(file ? H5T_STD_U8LE : H5T_NATIVE_UINT8, path);
  }
  throw std::logic_error("unknown column kind");
}

hsize_t extent(hid_t ds, const std::string& where) {
  Handle space = own(H5Dget_space(ds), H5Sclose, "H5Dget_space", where);
  hsize_t n[1] = {0};
  check(H5Sget_simple_extent_dims(space.get(), n, nullptr), "H5Sget_simple_extent_dims", where);
  return n[0];
}

void append_packed(hid_t ds, hid_t mem_type, const char* rows, hsize_t n_rows, const std::string& where) {
  if (n_rows == 0) return;
  hsize_t n[1] = {extent(ds, where)};
  const hsize_t k[1] = {n_rows};
  const hsize_t start[1] = {n[0]};
  const hsize_t new_n[1] = {n[0] + k[0]};
  check(H5Dset_extent(ds, new_n), "H5Dset_extent", where);
  try {
    Handle fspace = own(H5Dget_space(ds), H5Sclose, "H5Dget_space", where);
    check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, k, nullptr),
          "H5Sselect_hyperslab", where);
    Handle mspace = own(H5Screate_simple(1, k, nullptr), H5Sclose, "H5Screate_simple", where);
    check(H5Dwrite(ds, mem_type, mspace.get(), fspace.get(), H5P_DEFAULT, rows), "H5Dwrite", where);
  } catch (...) {
    // Best effort: do not leave fill-value rows behind a failed write.
    if (H5Dset_extent(ds, n) < 0) H5Eclear2(H5E_DEFAULT);
    throw;
  }
}

void write_packed_row(hid_t ds, hid_t mem_type, hsize_t row, const char* data, const std::string& where) {
  const hsize_t start[1] = {row};
  const hsize_t one[1] = {1};
  Handle fspace = own(H5Dget_space(ds), H5Sclose, "H5Dget_space", where);
  check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, one, nullptr),
        "H5Sselect_hyperslab", where);
  Handle mspace = own(H5Screate_simple(1, one, nullptr), H5Sclose, "H5Screate_simple", where);
  check(H5Dwrite(ds, mem_type, mspace.get(), fspace.get(), H5P_DEFAULT, data), "H5Dwrite", where);
}

std::vector<char> read_packed(hid_t ds, hid_t mem_type, std::size_t row_bytes, const std::string& where) {
  std::vector<char> buf(extent(ds, where) * row_bytes);
  if (!buf.empty()) {
    check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "H5Dread", where);
  }
  return buf;
}

void create_dataset(hid_t file, const char* name, hid_t file_type, std::size_t chunk_rows, const char* doc,
                    const std::string& where) {
  hsize_t dims[1] = {0};
  hsize_t maxdims[1] = {H5S_UNLIMITED};
  Handle space = own(H5Screate_simple(1, dims, maxdims), H5Sclose, "H5Screate_simple", where);
  Handle dcpl = own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate", where);
  hsize_t chunk[1] = {chunk_rows};
  check(H5Pset_chunk(dcpl.get(), 1, chunk), "H5Pset_chunk", where);
  Handle ds = own(H5Dcreate2(file, name, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                  H5Dclose, "H5Dcreate2", where);
  write_string_attr(ds.get(), "columns_doc", doc, where);
}

void write_string_attr(hid_t obj, const char* name, const std::string& s, const std::string& path) {
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

void write_scalar_attr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const void* value,
                       const std::string& path) {
  const std::string where = path + " attribute " + name;
  if (check(H5Aexists(obj, name), "H5Aexists", where) > 0) {
    check(H5Adelete(obj, name), "H5Adelete", where);
  }
  Handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", path);
  Handle attr = own(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose, "H5Acreate2", where);
  check(H5Awrite(attr.get(), mem_type, value), "H5Awrite", where);
}

void read_scalar_attr(hid_t obj, const char* name, hid_t mem_type, void* value, const std::string& path) {
  const std::string where = path + " attribute " + name;
  Handle attr = own(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose, "H5Aopen", where);
  check(H5Aread(attr.get(), mem_type, value), "H5Aread", where);
}

std::int32_t schema_version_of(hid_t file, const std::string& path) {
  const std::string where = path + " attribute schema_version";
  if (check(H5Aexists(file, "schema_version"), "H5Aexists", where) == 0) return -1;
  std::int32_t version = 0;
  read_scalar_attr(file, "schema_version", H5T_NATIVE_INT32, &version, path);
  return version;
}

Handle open_store_for_reading(const std::string& path) {
  Handle file = open_for_reading(path);
  const std::int32_t version = schema_version_of(file.get(), path);
  if (version < 0) {
    throw std::runtime_error(path + ": not a sweep store (no schema_version attribute)");
  }
  if (version < kOldestSchemaVersion || version > kSchemaVersion) {
    throw std::runtime_error(path + ": schema_version " + std::to_string(version) + " is not supported (this reader knows " +
                             std::to_string(kOldestSchemaVersion) + " to " + std::to_string(kSchemaVersion) + ")");
  }
  return file;
}

}  // namespace sweep::store::io
