// Canonical spellings of the spec enums, shared by the grid-file loader, the
// store and log output.
#include "orchestrator/spec.hpp"

#include <filesystem>

namespace sweep {

const char* to_string(PromptStyle p) {
  switch (p) {
    case PromptStyle::ZeroShot: return "zero_shot";
    case PromptStyle::FewShot: return "few_shot";
    case PromptStyle::Cot: return "cot";
  }
  return "?";
}

const char* to_string(TaskKind k) {
  switch (k) {
    case TaskKind::Addition: return "addition";
    case TaskKind::Modular: return "modular";
  }
  return "?";
}

std::string relative_to_file(const std::string& file, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(file).parent_path() / p).lexically_normal().string();
}

}  // namespace sweep
