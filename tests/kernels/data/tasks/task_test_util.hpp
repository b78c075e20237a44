// Shared helpers for the task-library tests.
#pragma once

#include <string>
#include <vector>

#include "kernels/data/tasks.hpp"

namespace sweep::testing {

inline TaskSpec spec_of(TaskKind kind, const std::string& name = "") {
  TaskSpec t;
  t.kind = kind;
  t.name = name.empty() ? to_string(kind) : name;
  return t;
}

// n examples of a split, drawn with a fixed seed.
inline std::vector<Example> draw(const Task& task, Split split, int n, std::uint64_t seed = 11) {
  Rng rng(seed);
  std::vector<Example> out;
  for (int i = 0; i < n; ++i) out.push_back(task.sample(split, rng));
  return out;
}

}  // namespace sweep::testing
