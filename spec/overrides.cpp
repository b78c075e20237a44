// Command-line overrides; see overrides.hpp. Each override is parsed as a TOML
// document of its own ("train.lr=1e-3" is one), so its value is typed exactly
// as in a grid file and its nodes keep positions within the override.
#include "spec/overrides.hpp"

#include <memory>
#include <utility>

#include "spec/config.hpp"
#include "spec/toml_reader.hpp"

namespace sweep {
namespace {

using grid_toml::one_line;
using grid_toml::position;

[[noreturn]] void refuse(const std::string& source, const std::string& what) {
  throw ConfigError(one_line(source + ": " + what));
}

}  // namespace

std::string override_source(const std::string& override_text) { return "command line (" + override_text + ")"; }

void apply_overrides(toml::table& root, const std::vector<std::string>& overrides) {
  for (const std::string& text : overrides) {
    const std::string source = override_source(grid_toml::shortened(text));
    if (text.find('=') == std::string::npos)
      refuse(source, "expected KEY=VALUE (a dotted key and a TOML value, e.g. train.lr=1e-3)");
    toml::table parsed;
    try {
      parsed = toml::parse(text, std::string_view(source));
    } catch (const toml::parse_error& err) {
      // The key as typed (before '='), so the line reads like a grid error's.
      std::string key = text.substr(0, text.find('='));
      key.erase(0, key.find_first_not_of(" \t"));
      key.erase(key.find_last_not_of(" \t") + 1);
      refuse(source + ":" + position(err.source().begin),
             grid_toml::shortened(key) + ": expected KEY=VALUE with a TOML value (strings quoted: " +
                 "grid.model='[\"s\",\"m\"]'): " + std::string(err.description()));
    }
    // The override is one dotted key: walk its tables down to the value.
    std::vector<std::string> keys;
    toml::node* leaf = &parsed;
    while (toml::table* t = leaf->as_table()) {
      if (t->size() != 1) {
        if (keys.empty() || t->empty())
          refuse(source, "expected one KEY=VALUE");
        break;  // an inline table value: {a = 1, b = 2}
      }
      if (!keys.empty() && t->is_inline()) break;
      keys.emplace_back(t->begin()->first.str());
      leaf = &t->begin()->second;
    }
    // Find or make the tables on the path in the file, then replace the value.
    toml::table* at = &root;
    std::string path;
    for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
      path = grid_toml::key_path(path, keys[i]);
      toml::node* next = at->get(keys[i]);
      if (!next) next = &at->insert_or_assign(keys[i], toml::table{}).first->second;
      at = next->as_table();
      if (!at)
        refuse(source, path + ": a " + grid_toml::type_name(*next) + " in the grid file, not a table (cannot set " +
                           keys[i + 1] + " in it)");
    }
    // The moved node keeps its source (the override's name and position).
    at->insert_or_assign(keys.back(), std::move(*leaf));
  }
}

}  // namespace sweep
