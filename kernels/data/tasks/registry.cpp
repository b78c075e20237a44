// Task-kind registry; see registry.hpp.
#include "kernels/data/tasks/registry.hpp"

#include <stdexcept>

namespace sweep {

TaskDef addition_task();
TaskDef multiplication_task();
TaskDef modular_task();
TaskDef unscramble_task();
TaskDef largest_task();
TaskDef redefine_task();
TaskDef negation_task();

const TaskDef& task_def(TaskKind kind) {
  static const TaskDef defs[] = {addition_task(), multiplication_task(), modular_task(), unscramble_task(),
                                 largest_task(),  redefine_task(),       negation_task()};
  for (const TaskDef& d : defs)
    if (d.kind == kind) return d;
  throw std::logic_error("task kind without a definition");
}

std::uint64_t pow10(int n) {
  std::uint64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

std::string symbol_name(int i) {
  static const char kConsonants[] = "bcdfgklmnprstvz";  // 15 (980 < 15*5*15 keeps names unique)
  static const char kVowels[] = "aeiou";
  if (i < 0 || i >= kMaxSymbols) throw std::out_of_range("symbol index");
  return {kConsonants[i % 15], kVowels[(i / 15) % 5], kConsonants[(i / 75) % 15]};
}

}  // namespace sweep
