// TOML reading with positions; see toml_reader.hpp.
#include "spec/toml_reader.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "spec/config.hpp"

namespace sweep::grid_toml {
namespace {

constexpr std::size_t kShownBytes = 80;

bool is_bare_key(std::string_view k) {
  return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool is_name(std::string_view s) {
  return !s.empty() && s.size() <= kMaxNameLength && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

// Upper bounds at the type's limit are left out of the message unless exceeded.
std::string int_expectation(std::int64_t lo, std::int64_t hi, std::int64_t got) {
  const bool show_hi = hi < kIntMax || got > hi;
  if (lo > 1 && show_hi) return "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  std::string s = lo == 1 ? "a positive integer"
                  : lo == 0 ? "a non-negative integer"
                            : "an integer >= " + std::to_string(lo);
  return show_hi ? s + " <= " + std::to_string(hi) : s;
}

std::string float_expectation(const Interval& in) {
  if (in.hi == kInf && in.lo == 0) return in.lo_open ? "a finite positive number" : "a finite non-negative number";
  return std::string("a number in ") + (in.lo_open ? "(" : "[") + number(in.lo) + ", " + number(in.hi) +
         (in.hi_open ? ")" : "]");
}

bool inside(double x, const Interval& in) {
  return std::isfinite(x) && (in.lo_open ? x > in.lo : x >= in.lo) && (in.hi_open ? x < in.hi : x <= in.hi);
}

}  // namespace

std::string join(const Keys& keys) {
  return join(keys, [](std::string_view k) { return std::string(k); });
}

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\r', ' ');
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::string shortened(std::string_view s) {
  if (s.size() <= kShownBytes) return std::string(s);
  std::size_t n = kShownBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...(" + std::to_string(s.size()) + " bytes)";
}

std::string toml_quoted(std::string_view s) {
  // The project's one string escaper (nlohmann::json): a JSON string is a TOML
  // basic string once DEL, which TOML also wants escaped, is. Bytes that are
  // not UTF-8 become U+FFFD.
  std::string q = nlohmann::json(shortened(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (std::size_t i = 0; (i = q.find('\x7f', i)) != std::string::npos;) q.replace(i, 1, "\\u007f");
  return q;
}

std::string key_path(const std::string& parent, std::string_view key) {
  std::string k = is_bare_key(key) ? std::string(key) : toml_quoted(key);
  return parent.empty() ? k : parent + "." + k;
}

std::string element_path(const std::string& array_path, std::size_t i) {
  return array_path + "[" + std::to_string(i) + "]";
}

std::string position(const toml::source_position& at) {
  return std::to_string(at.line) + ":" + std::to_string(at.column);
}

std::string number(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::vector<Entry> in_file_order(const toml::table& t) {
  std::vector<Entry> entries;
  for (auto&& [k, v] : t) entries.emplace_back(&k, &v);
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return std::make_pair(pa.line, pa.column) < std::make_pair(pb.line, pb.column);
  });
  return entries;
}

void TomlReader::fail(const toml::source_region& at, const std::string& path, const std::string& what) const {
  // A node from a command-line override carries its own source name (spec/overrides.hpp).
  const std::string& source = at.path && !at.path->empty() && *at.path != file_ ? *at.path : file_;
  throw ConfigError(one_line(source + ":" + position(at.begin) + ": " + shortened(path) + ": " + what));
}

const toml::table& TomlReader::table(const toml::node& n, const std::string& path) const {
  if (const toml::table* t = n.as_table()) return *t;
  fail(n.source(), path, "expected a table, got " + type_name(n));
}

const toml::array& TomlReader::array(const toml::node& n, const std::string& path) const {
  if (const toml::array* a = n.as_array()) return *a;
  fail(n.source(), path, "expected an array, got " + type_name(n));
}

void TomlReader::check_keys(const toml::table& t, const std::string& path, const Keys& allowed) const {
  for (const auto& [key, node] : in_file_order(t)) {
    if (std::find(allowed.begin(), allowed.end(), key->str()) != allowed.end()) continue;
    const char* what = path.empty() && node->is_table() ? "unknown table" : "unknown key";
    fail(key->source(), key_path(path, key->str()), std::string(what) + " (expected one of: " + join(allowed) + ")");
  }
}

const toml::node& TomlReader::need(const toml::table& t, const std::string& path, std::string_view key) const {
  if (const toml::node* n = t.get(key)) return *n;
  fail(t.source(), key_path(path, key), "missing required key");
}

std::int64_t TomlReader::to_int(const toml::node& n, const std::string& path, std::int64_t lo, std::int64_t hi) const {
  const auto* v = n.as_integer();
  if (!v) fail(n.source(), path, "expected an integer, got " + type_name(n));
  const std::int64_t x = v->get();
  if (x < lo || x > hi) fail(n.source(), path, "expected " + int_expectation(lo, hi, x) + ", got " + std::to_string(x));
  return x;
}

double TomlReader::to_float(const toml::node& n, const std::string& path, const Interval& in) const {
  double x = 0;
  if (const auto* f = n.as_floating_point()) {
    x = f->get();
  } else if (const auto* i = n.as_integer()) {
    x = static_cast<double>(i->get());
  } else {
    fail(n.source(), path, "expected a number, got " + type_name(n));
  }
  if (!inside(x, in)) fail(n.source(), path, "expected " + float_expectation(in) + ", got " + number(x));
  return x;
}

const std::string& TomlReader::to_str(const toml::node& n, const std::string& path) const {
  if (const auto* s = n.as_string()) return s->get();
  fail(n.source(), path, "expected a string, got " + type_name(n));
}

void TomlReader::check_name(std::string_view name, const toml::source_region& at, const std::string& path) const {
  if (!is_name(name))
    fail(at, path, "expected a name of 1.." + std::to_string(kMaxNameLength) + " characters from [A-Za-z0-9_.-], got " +
                       toml_quoted(name));
}

const toml::node* TomlReader::get_float(const toml::table& t, const std::string& path, std::string_view key,
                                        const Interval& in, double& out) const {
  const toml::node* n = t.get(key);
  if (n) out = to_float(*n, key_path(path, key), in);
  return n;
}

}  // namespace sweep::grid_toml
