// Tidy rows from a sweep store's /metrics (see tidy.hpp). Reads the columns it
// knows by name through a memory type built from the file's own type, so one
// reader serves schema_version 2, 3 (random_baseline) and 5 (seed,
// compute_budget, axes) alike.
#include <hdf5.h>

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "analysis/tidy.hpp"
#include "hdf5_schema/h5.hpp"

namespace sweep::analysis {
namespace {

using store::check;
using store::Handle;
using store::own;

enum class Kind { Text, Number };

struct Wanted {
  const char* name;
  Kind kind;
  bool required;
};

constexpr Wanted kWanted[] = {
    {"model", Kind::Text, true},        {"n_params", Kind::Number, true}, {"data_tokens", Kind::Number, true},
    {"train_flops", Kind::Number, false}, {"task", Kind::Text, true},     {"prompt", Kind::Text, true},
    {"metric", Kind::Text, true},       {"value", Kind::Number, true},    {"stderr", Kind::Number, false},
    {"n_examples", Kind::Number, false}, {"random_baseline", Kind::Number, false},
    {"seed", Kind::Number, false},       {"compute_budget", Kind::Number, false}, {"axes", Kind::Text, false},
};
constexpr std::size_t kNumWanted = sizeof kWanted / sizeof kWanted[0];

}  // namespace

std::vector<TidyRow> read_store_metrics(const std::string& path) {
  Handle file = store::open_for_reading(path);
  const std::string where = path + " dataset /metrics";
  if (check(H5Lexists(file.get(), "metrics", H5P_DEFAULT), "H5Lexists", where) <= 0)
    throw std::runtime_error(path + ": no /metrics dataset: not a sweep store");
  Handle ds = own(H5Dopen2(file.get(), "metrics", H5P_DEFAULT), H5Dclose, "H5Dopen2", where);
  Handle ftype = own(H5Dget_type(ds.get()), H5Tclose, "H5Dget_type", where);

  // The memory row: the wanted members the file has, numbers as double,
  // strings as fixed-length strings of the file's size.
  std::size_t offset[kNumWanted] = {};
  std::size_t size[kNumWanted] = {};
  bool present[kNumWanted] = {};
  Handle text[kNumWanted];  // the file's own string types: HDF5 cannot convert between charsets
  std::size_t row_size = 0;
  for (std::size_t i = 0; i < kNumWanted; ++i) {
    const int idx = H5Tget_member_index(ftype.get(), kWanted[i].name);
    if (idx < 0) {
      H5Eclear2(H5E_DEFAULT);
      if (kWanted[i].required) throw std::runtime_error(where + ": no column '" + kWanted[i].name + "'");
      continue;
    }
    present[i] = true;
    size[i] = sizeof(double);
    if (kWanted[i].kind == Kind::Text) {
      text[i] = own(H5Tget_member_type(ftype.get(), static_cast<unsigned>(idx)), H5Tclose, "H5Tget_member_type",
                    where);
      if (H5Tget_class(text[i].get()) != H5T_STRING ||
          check(H5Tis_variable_str(text[i].get()), "H5Tis_variable_str", where) > 0)
        throw std::runtime_error(where + ": column '" + kWanted[i].name + "' is not a fixed-length string");
      size[i] = H5Tget_size(text[i].get());
    }
    offset[i] = row_size;
    row_size += size[i];
  }
  Handle mtype = own(H5Tcreate(H5T_COMPOUND, row_size), H5Tclose, "H5Tcreate", where);
  for (std::size_t i = 0; i < kNumWanted; ++i) {
    if (!present[i]) continue;
    const hid_t member = kWanted[i].kind == Kind::Text ? text[i].get() : H5T_NATIVE_DOUBLE;
    check(H5Tinsert(mtype.get(), kWanted[i].name, offset[i], member), "H5Tinsert", where);
  }

  // A SWMR reader sees the rows flushed so far.
  Handle space = own(H5Dget_space(ds.get()), H5Sclose, "H5Dget_space", where);
  hsize_t n[1] = {0};
  check(H5Sget_simple_extent_dims(space.get(), n, nullptr), "H5Sget_simple_extent_dims", where);
  std::vector<unsigned char> buf(static_cast<std::size_t>(n[0]) * row_size);
  if (n[0] > 0) check(H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "H5Dread", where);

  std::vector<TidyRow> rows(static_cast<std::size_t>(n[0]));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const unsigned char* rec = buf.data() + r * row_size;
    auto text = [&](std::size_t i) {
      const char* s = reinterpret_cast<const char*>(rec + offset[i]);
      return std::string(s, strnlen(s, size[i]));
    };
    auto num = [&](std::size_t i) {
      if (!present[i]) return std::nan("");
      double v;
      std::memcpy(&v, rec + offset[i], sizeof v);
      return v;
    };
    TidyRow& t = rows[r];
    t.model = text(0);
    t.n_params = num(1);
    t.data_tokens = num(2);
    t.flops = present[3] ? num(3) : 6.0 * t.n_params * t.data_tokens;
    t.task = text(4);
    t.prompt = text(5);
    t.metric = text(6);
    t.value = num(7);
    t.std_err = num(8);
    t.n_examples = present[9] ? static_cast<std::int64_t>(num(9)) : 0;
    t.random_baseline = num(10);
    // Seeds are small integers, exact in a double.
    t.seed = present[11] ? static_cast<std::int64_t>(num(11)) : 0;
    t.compute_budget = present[12] ? num(12) : 0.0;
    if (present[13]) t.axes = text(13);
    t.where_metric = t.where_value = path + ":/metrics[" + std::to_string(r) + "]";
  }
  return rows;
}

}  // namespace sweep::analysis
