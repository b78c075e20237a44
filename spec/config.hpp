// Loads a grid file (TOML) into a SweepSpec, checking every key, type and value.
// Errors carry the source position: "file:line:col: key.path: expected ...".
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "spec/spec.hpp"

namespace sweep {

// Thrown for any problem with a grid file; what() is one line, ready to print.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses `text` as the grid file at `path` (path is used in messages and kept
// in the spec), applies `overrides` ("KEY=VALUE", spec/overrides.hpp) and only
// then checks it. Throws ConfigError; a problem in an override's value names
// the override rather than the file.
SweepSpec load_spec_text(std::string_view text, const std::string& path,
                         const std::vector<std::string>& overrides = {});

// Reads and parses a grid file. Throws ConfigError (also when unreadable).
SweepSpec load_spec_file(const std::string& path, const std::vector<std::string>& overrides = {});

}  // namespace sweep
