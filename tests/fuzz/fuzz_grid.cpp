// libFuzzer target: grid-file text -> typed SweepSpec (every key, type and
// semantic check of spec/config.cpp), then the grid expansion of any
// spec the loader accepts. A ConfigError is the expected answer to bad input;
// anything else (a crash, a sanitizer report, another exception, a hang, an
// allocation past -rss_limit_mb) is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spec/config.hpp"
#include "spec/grid.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sweep::SweepSpec spec;
  try {
    spec = sweep::load_spec_text(text, "fuzz.toml");
  } catch (const sweep::ConfigError&) {
    return 0;
  }
  // Planning-only expansion: ids and configs are not needed to find a crash.
  const auto plan = sweep::expand(spec, {/*configs=*/false});
  (void)plan;
  return 0;
}
