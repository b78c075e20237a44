// Small readers of tokenizer.json fields shared by the component factories:
// they turn a missing or mistyped field into a TokenizerError naming it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/tokenizer.hpp"

namespace sweep::text {

inline std::string component_type(const nlohmann::json& j, const char* component) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    throw TokenizerError(std::string(component) + " has no \"type\"");
  return j["type"].get<std::string>();
}

[[noreturn]] inline void unsupported(const char* component, const std::string& type, const char* supported) {
  throw TokenizerError(std::string(component) + " type \"" + type + "\" is not supported (supported: " + supported +
                       ")");
}

inline std::string string_field(const nlohmann::json& j, const char* key, const std::string& fallback) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  if (!j[key].is_string()) throw TokenizerError(std::string("field \"") + key + "\" is not a string");
  return j[key].get<std::string>();
}

inline bool bool_field(const nlohmann::json& j, const char* key, bool fallback) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  if (!j[key].is_boolean()) throw TokenizerError(std::string("field \"") + key + "\" is not a boolean");
  return j[key].get<bool>();
}

// {"String": "..."} or {"Regex": "..."} of Split and Replace.
struct Pattern {
  bool is_regex = false;
  std::string text;
};

inline Pattern pattern_field(const nlohmann::json& j, const char* component) {
  if (!j.contains("pattern") || !j["pattern"].is_object())
    throw TokenizerError(std::string(component) + " has no \"pattern\" object");
  const auto& p = j["pattern"];
  if (p.contains("String") && p["String"].is_string()) return {false, p["String"].get<std::string>()};
  if (p.contains("Regex") && p["Regex"].is_string()) return {true, p["Regex"].get<std::string>()};
  throw TokenizerError(std::string(component) + " pattern is neither {\"String\": ...} nor {\"Regex\": ...}");
}

}  // namespace sweep::text
