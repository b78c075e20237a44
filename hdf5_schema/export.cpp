// Store::export_metrics: /metrics as CSV (header + rows, RFC 4180 quoting) or
// JSON Lines (nlohmann::json; NaN and infinities as null), columns in the
// order of the /metrics description (schema.hpp).
#include <charconv>
#include <cmath>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "hdf5_schema/schema.hpp"
#include "hdf5_schema/store.hpp"
#include "hdf5_schema/table_io.hpp"

namespace sweep::store {
namespace {

// A double in shortest round-trip form; nan, inf, -inf as such.
std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// One CSV field: quoted (quotes doubled) if it holds a comma, quote or line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// The value of a row member as CSV text.
template <typename T>
std::string csv_text(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return csv_field(v);
  } else if constexpr (std::is_same_v<T, double>) {
    return number(v);
  } else if constexpr (std::is_same_v<T, Status>) {
    return std::to_string(static_cast<unsigned>(v));
  } else {
    return std::to_string(v);
  }
}

// The value of a row member as JSON: JSON has no NaN or infinity, so those are null.
template <typename T>
nlohmann::ordered_json json_value(const T& v) {
  if constexpr (std::is_same_v<T, double>) {
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
  } else if constexpr (std::is_same_v<T, Status>) {
    return static_cast<unsigned>(v);
  } else {
    return v;
  }
}

}  // namespace

void Store::export_metrics(const std::string& path, const std::string& format, std::ostream& out) {
  const bool csv = format == "csv";
  if (!csv && format != "jsonl") {
    throw std::invalid_argument("export format '" + format + "' is unknown (use csv or jsonl)");
  }
  const auto& t = schema::metrics_table();
  const std::vector<MetricRow> rows = io::read_table<MetricRow>(path);
  if (csv) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) out << (i ? "," : "") << t.columns[i].name;
    out << "\n";
  }
  for (const MetricRow& row : rows) {
    if (csv) {
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        out << (i ? "," : "") << std::visit([&](auto m) { return csv_text(row.*m); }, t.columns[i].member);
      }
      out << "\n";
    } else {
      nlohmann::ordered_json obj = nlohmann::ordered_json::object();
      for (const auto& c : t.columns) obj[c.name] = std::visit([&](auto m) { return json_value(row.*m); }, c.member);
      // Bytes that are not UTF-8 (a damaged store) become U+FFFD rather than an error.
      out << obj.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    }
  }
  if (!out) throw std::runtime_error(path + ": writing the " + format + " export failed");
}

}  // namespace sweep::store
