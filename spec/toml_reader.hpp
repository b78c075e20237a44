// Reading a parsed TOML document (toml++) with positions: typed, range-checked
// accessors that fail with one line "FILE:LINE:COL: key.path: what", and the
// spelling of keys, values and expectations in those lines. The grid-file
// loader (config.cpp) is built on it; nothing here knows the grid's tables.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sweep::grid_toml {

// One list of allowed keys per table: used by the unknown-key check and its message.
using Keys = std::vector<std::string_view>;

constexpr std::int64_t kNoMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
constexpr std::size_t kMaxNameLength = 31;  // model and task names, [sweep].name

// Allowed range of a float key; every float must also be finite.
struct Interval {
  double lo, hi;
  bool lo_open, hi_open;
};
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr Interval kPositive{0, kInf, true, true};
constexpr Interval kNonNegative{0, kInf, false, true};
constexpr Interval kUnit{0, 1, false, false};
constexpr Interval kUnitHalfOpen{0, 1, false, true};

template <class Range, class Spell>
std::string join(const Range& items, Spell spell) {
  std::string s;
  bool first = true;
  for (const auto& item : items) {
    if (!first) s += ", ";
    s += spell(item);
    first = false;
  }
  return s;
}
std::string join(const Keys& keys);

// s with line breaks replaced by spaces: a message is one line.
std::string one_line(std::string s);
// At most 80 bytes of a user's string or key path (cut at a UTF-8 character
// boundary), then its size: a 1 MB value must not become a 1 MB error line.
std::string shortened(std::string_view s);
// shortened(s) as a TOML basic string, control characters escaped.
std::string toml_quoted(std::string_view s);
// Dotted key path as TOML would spell it: keys that are not bare are quoted.
std::string key_path(const std::string& parent, std::string_view key);
std::string element_path(const std::string& array_path, std::size_t i);
std::string position(const toml::source_position& at);  // "LINE:COL"
std::string number(double x);                            // shortest round-trip spelling
std::string type_name(const toml::node& n);              // "table", "integer", ...

using Entry = std::pair<const toml::key*, const toml::node*>;
// toml++ keeps tables sorted by key; this restores the order of the file.
std::vector<Entry> in_file_order(const toml::table& t);

// Accessors of one file's nodes; each failure throws ConfigError (config.hpp)
// naming file_, the node's position and its key path.
class TomlReader {
 public:
  explicit TomlReader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const toml::source_region& at, const std::string& path, const std::string& what) const;

  const toml::table& table(const toml::node& n, const std::string& path) const;
  const toml::array& array(const toml::node& n, const std::string& path) const;
  // Fails on the first key (in file order) that is not in `allowed`.
  void check_keys(const toml::table& t, const std::string& path, const Keys& allowed) const;
  const toml::node& need(const toml::table& t, const std::string& path, std::string_view key) const;

  std::int64_t to_int(const toml::node& n, const std::string& path, std::int64_t lo, std::int64_t hi) const;
  double to_float(const toml::node& n, const std::string& path, const Interval& in) const;  // integers too
  const std::string& to_str(const toml::node& n, const std::string& path) const;
  // 1..kMaxNameLength characters from [A-Za-z0-9_.-].
  void check_name(std::string_view name, const toml::source_region& at, const std::string& path) const;

  // A string naming one of `values` (spelt by to_string(E)).
  template <class E, std::size_t N>
  E to_enum(const toml::node& n, const std::string& path, const E (&values)[N]) const {
    const std::string& s = to_str(n, path);
    for (E v : values)
      if (s == to_string(v)) return v;
    fail(n.source(), path,
         "expected one of: " + join(values, [](E v) { return std::string(to_string(v)); }) + ", got " + toml_quoted(s));
  }

  // Optional keys: `out` keeps its default when the key is absent; returns the node if present.
  template <class T>
  const toml::node* get_int(const toml::table& t, const std::string& path, std::string_view key, std::int64_t lo,
                            std::int64_t hi, T& out) const {
    const toml::node* n = t.get(key);
    if (n) out = static_cast<T>(to_int(*n, key_path(path, key), lo, hi));
    return n;
  }
  const toml::node* get_float(const toml::table& t, const std::string& path, std::string_view key, const Interval& in,
                              double& out) const;

 protected:
  const std::string& file_;
};

}  // namespace sweep::grid_toml
