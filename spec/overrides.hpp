// Command-line overrides of a grid file: `sweep GRID.toml train.lr=1e-3
// grid.model='["s","m"]'`. Each is "DOTTED.KEY=VALUE" with a TOML value; it
// replaces (or adds) that key in the parsed file before the file is checked,
// so an override is validated exactly as the file's own key would be, and a
// bad value's error names the override ("command line (train.lr=0):1:10:
// train.lr: expected a float > 0, got 0").
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

namespace sweep {

// Applies `overrides` to `root` in order (a later one wins). Throws ConfigError
// for one that is not KEY=VALUE, whose value is not TOML, or whose key path
// runs through a value that is not a table.
void apply_overrides(toml::table& root, const std::vector<std::string>& overrides);

// The source name of an override's nodes, as error messages print it.
std::string override_source(const std::string& override_text);

}  // namespace sweep
