// Finding and loading the worker module libsweep_worker.so (workers/entry.hpp)
// for the subcommands that compute with LibTorch: a sweep's ranks
// (cli/run_command) and `sweep score` (cli/score_command).
#pragma once

#include <string>

#include "workers/entry.hpp"

namespace sweep {

// Loads libsweep_worker.so from the folder of the running program (the
// build tree, or wherever sweep and its module were put together). Global
// symbols: OpenBLAS's setters are looked up by name (workers/resources.cpp).
// Lazy binding, as when LibTorch was linked into the program: resolving all
// of its symbols up front cost every rank's start. Never unloaded. nullptr,
// with `error` set, when it cannot be used (missing, or of another build).
const SweepWorkerEntry* load_worker_module(const char* version, std::string& error);

}  // namespace sweep
