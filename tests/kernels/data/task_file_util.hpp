// Task-file tasks for the kernels/data tests: a BIG-bench JSON or JSONL text
// written to a fresh folder, read by the grid loader's readers and bound to a
// sweep seed as a grid's Task.
#pragma once

#include <fstream>
#include <memory>
#include <string>

#include "kernels/data/tasks.hpp"
#include "spec/task_file.hpp"
#include "tests/temp_dir.hpp"

namespace sweep::testing {

inline Task bigbench_task(const std::string& json, std::uint64_t seed = 7, const std::string& name = "bb") {
  TempDir dir;
  std::ofstream(dir.file("task.json"), std::ios::binary) << json;
  TaskSpec spec;
  spec.name = name;
  spec.kind = TaskKind::BigBench;
  spec.path = dir.file("task.json");
  spec.file = std::make_shared<const TaskFile>(read_bigbench_task(spec.path));
  return Task(spec, seed);
}

inline Task jsonl_task(const std::string& lines, const JsonlFields& fields, std::uint64_t seed = 7) {
  TempDir dir;
  std::ofstream(dir.file("data.jsonl"), std::ios::binary) << lines;
  TaskSpec spec;
  spec.name = "jl";
  spec.kind = TaskKind::Jsonl;
  spec.path = dir.file("data.jsonl");
  spec.fields = fields;
  spec.file = std::make_shared<const TaskFile>(read_jsonl_task(spec.path, fields));
  return Task(spec, seed);
}

}  // namespace sweep::testing
