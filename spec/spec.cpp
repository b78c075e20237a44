// Canonical spellings of the spec enums, shared by the grid-file loader, the
// store and log output.
#include "spec/spec.hpp"

#include <filesystem>

namespace sweep {

const char* to_string(PromptStyle p) {
  switch (p) {
    case PromptStyle::ZeroShot: return "zero_shot";
    case PromptStyle::FewShot: return "few_shot";
    case PromptStyle::Cot: return "cot";
    case PromptStyle::Instruction: return "instruction";
  }
  return "?";
}

const char* to_string(TaskKind k) {
  switch (k) {
    case TaskKind::Addition: return "addition";
    case TaskKind::Multiplication: return "multiplication";
    case TaskKind::Modular: return "modular";
    case TaskKind::Unscramble: return "unscramble";
    case TaskKind::Largest: return "largest";
    case TaskKind::Redefine: return "redefine";
    case TaskKind::Negation: return "negation";
    case TaskKind::BigBench: return "bigbench";
    case TaskKind::Jsonl: return "jsonl";
  }
  return "?";
}

const char* to_string(Scoring s) {
  switch (s) {
    case Scoring::Loglikelihood: return "loglikelihood";
    case Scoring::Generation: return "generation";
  }
  return "?";
}

const char* to_string(ModelDType d) {
  switch (d) {
    case ModelDType::Float32: return "float32";
    case ModelDType::BFloat16: return "bfloat16";
  }
  return "?";
}

std::string relative_to_file(const std::string& file, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(file).parent_path() / p).lexically_normal().string();
}

}  // namespace sweep
