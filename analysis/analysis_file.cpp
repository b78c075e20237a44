// Writing and naming the findings file of `sweep analyze`; see analysis_file.hpp.
#include "analysis/analysis_file.hpp"
#include "common/clock.hpp"

#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <variant>
#include <vector>

#include "hdf5_schema/h5.hpp"

namespace sweep::analysis {
namespace {

using store::check;
using store::Handle;
using store::own;

// A column of a findings table: numbers (float64) or text (fixed-length UTF-8
// strings sized to the longest value, as in the store).
struct Column {
  std::string name;
  std::variant<std::vector<double>, std::vector<std::string>> data;
};

void write_text_attr(hid_t obj, const char* name, const std::string& value, const std::string& path) {
  const std::string where = path + " attribute " + name;
  Handle t = store::string_type(value.size() + 1, where);
  Handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", where);
  Handle attr = own(H5Acreate2(obj, name, t.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "H5Acreate2", where);
  check(H5Awrite(attr.get(), t.get(), value.c_str()), "H5Awrite", where);
}

// One packed compound row per index; memory and file layouts are the same.
void write_table(hid_t file, const char* name, std::size_t rows, const std::vector<Column>& cols,
                 const std::string& path) {
  const std::string where = path + " dataset /" + name;
  std::vector<std::size_t> offset, size;
  std::vector<Handle> types;
  std::size_t row = 0;
  for (const auto& c : cols) {
    std::size_t s = sizeof(double);
    if (auto* text = std::get_if<std::vector<std::string>>(&c.data)) {
      s = 1;
      for (const auto& v : *text) s = std::max(s, v.size() + 1);
      types.push_back(store::string_type(s, where));
    } else {
      types.emplace_back();
    }
    offset.push_back(row);
    size.push_back(s);
    row += s;
  }
  Handle type = own(H5Tcreate(H5T_COMPOUND, row), H5Tclose, "H5Tcreate", where);
  for (std::size_t i = 0; i < cols.size(); ++i)
    check(H5Tinsert(type.get(), cols[i].name.c_str(), offset[i], types[i] ? types[i].get() : H5T_IEEE_F64LE),
          "H5Tinsert", where);
  std::vector<unsigned char> buf(std::max<std::size_t>(1, rows * row), 0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t i = 0; i < cols.size(); ++i) {
      unsigned char* at = buf.data() + r * row + offset[i];
      if (auto* text = std::get_if<std::vector<std::string>>(&cols[i].data))
        std::memcpy(at, (*text)[r].data(), std::min((*text)[r].size(), size[i] - 1));
      else
        std::memcpy(at, &std::get<std::vector<double>>(cols[i].data)[r], sizeof(double));
    }
  const hsize_t dims[1] = {rows};
  Handle space = own(H5Screate_simple(1, dims, nullptr), H5Sclose, "H5Screate_simple", where);
  Handle ds = own(H5Dcreate2(file, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
                  "H5Dcreate2", where);
  if (rows > 0) check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "H5Dwrite", where);
}

}  // namespace

std::string default_analysis_path(const std::string& source) {
  std::string stem = source;
  for (const char* ext : {".h5", ".csv"}) {
    const std::size_t n = std::strlen(ext);
    if (stem.size() > n && stem.compare(stem.size() - n, n, ext) == 0) stem.resize(stem.size() - n);
  }
  return stem + ".analysis.h5";
}

bool is_analysis_file(const std::string& path) {
  store::quiet_hdf5(path);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  const bool yes = H5Aexists(f, "report_json") > 0 && H5Aexists(f, "sweep_version") > 0 &&
                   H5Lexists(f, "verdicts", H5P_DEFAULT) > 0;
  H5Eclear2(H5E_DEFAULT);
  H5Fclose(f);
  return yes;
}

void write_analysis_file(const std::string& path, const Analysis& a, const std::string& sweep_version,
                         const std::string& created) {
  store::quiet_hdf5(path);
  // H5F_ACC_EXCL: never replace a file, even one created since the caller looked.
  Handle fapl = own(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate", path);
  // Report attributes may pass 64 KiB: dense attribute storage needs the 1.8+ format.
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST), "H5Pset_libver_bounds", path);
  Handle file = own(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()), H5Fclose, "H5Fcreate", path);
  write_text_attr(file.get(), "source", a.source, path);
  write_text_attr(file.get(), "created", created, path);
  write_text_attr(file.get(), "sweep_version", sweep_version, path);
  write_text_attr(file.get(), "loss_metric", a.loss_metric, path);
  write_text_attr(file.get(), "report_text", to_text(a), path);
  write_text_attr(file.get(), "report_json", to_json(a), path);

  {
    std::vector<double> A, B, E, al, be, ea, eb, G, obj, lo_al, hi_al, lo_be, hi_be, lo_E, hi_E, lo_a, hi_a;
    if (a.chinchilla) {
      const auto& c = *a.chinchilla;
      const auto& b = a.bootstrap;
      const bool ci = b.resamples > 0;
      A = {c.A}, B = {c.B}, E = {c.E}, al = {c.alpha}, be = {c.beta}, ea = {a.optimal.a}, eb = {a.optimal.b};
      G = {a.optimal.G}, obj = {c.objective};
      lo_al = {ci ? b.alpha.lo : kNaN}, hi_al = {ci ? b.alpha.hi : kNaN}, lo_be = {ci ? b.beta.lo : kNaN};
      hi_be = {ci ? b.beta.hi : kNaN}, lo_E = {ci ? b.E.lo : kNaN}, hi_E = {ci ? b.E.hi : kNaN};
      lo_a = {ci ? b.a.lo : kNaN}, hi_a = {ci ? b.a.hi : kNaN};
    }
    write_table(file.get(), "chinchilla", A.size(),
                {{"A", A}, {"B", B}, {"E", E}, {"alpha", al}, {"beta", be}, {"a", ea}, {"b", eb}, {"G", G},
                 {"objective", obj}, {"alpha_lo", lo_al}, {"alpha_hi", hi_al}, {"beta_lo", lo_be},
                 {"beta_hi", hi_be}, {"E_lo", lo_E}, {"E_hi", hi_E}, {"a_lo", lo_a}, {"a_hi", hi_a}},
                path);
  }
  {
    std::vector<std::string> var;
    std::vector<double> A, E, al, n;
    for (const auto& f : a.power_laws) {
      var.push_back(f.variable), A.push_back(f.A), E.push_back(f.E), al.push_back(f.alpha), n.push_back(f.points);
    }
    write_table(file.get(), "power_laws", var.size(),
                {{"variable", var}, {"A", A}, {"alpha", al}, {"E", E}, {"points", n}}, path);
  }
  {
    std::vector<std::string> family, task, prompt, metric, axis, verdict, bsrc, reason;
    std::vector<double> base, thr, brk, emerge, elo, ehi, daic, width, below, from, extreme, npts;
    for (const auto& cv : a.verdicts) {
      const auto& c = cv.curve;
      const auto& v = cv.verdict;
      family.push_back(c.family), reason.push_back(v.reason);
      elo.push_back(v.emergence_lo), ehi.push_back(v.emergence_hi);
      daic.push_back(v.sharp.fitted ? v.sharp.delta_aic : kNaN), width.push_back(v.sharp.fitted ? v.sharp.width : kNaN);
      task.push_back(c.task), prompt.push_back(c.prompt), metric.push_back(c.metric), axis.push_back(c.axis);
      verdict.push_back(to_string(v.shape)), bsrc.push_back(c.baseline_source), base.push_back(c.baseline);
      thr.push_back(v.threshold), brk.push_back(v.breakthroughness), emerge.push_back(v.emergence_scale);
      below.push_back(v.at_chance_below), from.push_back(v.above_chance_from), extreme.push_back(v.extreme_scale);
      npts.push_back(static_cast<double>(c.points.size()));
    }
    write_table(file.get(), "verdicts", task.size(),
                {{"family", family}, {"task", task}, {"prompt", prompt}, {"metric", metric}, {"axis", axis},
                 {"verdict", verdict}, {"reason", reason}, {"baseline", base}, {"baseline_source", bsrc},
                 {"threshold", thr}, {"breakthroughness", brk}, {"delta_aic", daic}, {"rise_decades", width},
                 {"emergence_scale", emerge}, {"emergence_lo", elo}, {"emergence_hi", ehi},
                 {"at_chance_below", below}, {"above_chance_from", from}, {"extreme_scale", extreme},
                 {"points", npts}},
                path);
  }
  {
    std::vector<std::string> task, metric, axis, leader, trailer;
    std::vector<double> scale, lead;
    for (const auto& x : a.crossovers) {
      task.push_back(x.task), metric.push_back(x.metric), axis.push_back(x.axis), leader.push_back(x.leader);
      trailer.push_back(x.trailer), scale.push_back(x.scale), lead.push_back(x.lead);
    }
    write_table(file.get(), "crossovers", task.size(),
                {{"task", task}, {"metric", metric}, {"axis", axis}, {"leader", leader}, {"trailer", trailer},
                 {"scale", scale}, {"lead", lead}},
                path);
  }
  {
    std::vector<std::string> task, prompt, axis, metric, cont, reason;
    for (const auto& f : a.artefacts) {
      task.push_back(f.task), prompt.push_back(f.prompt), axis.push_back(f.axis), metric.push_back(f.metric);
      cont.push_back(f.continuous_metric), reason.push_back(f.reason);
    }
    write_table(file.get(), "artefacts", task.size(),
                {{"task", task}, {"prompt", prompt}, {"axis", axis}, {"metric", metric}, {"continuous_metric", cont},
                 {"reason", reason}},
                path);
  }
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "H5Fflush", path);
}

}  // namespace sweep::analysis
