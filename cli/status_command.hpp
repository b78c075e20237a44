// `sweep status STORE.h5 [--watch [SECONDS]]`: where a sweep stands, read from
// its store alone, live (a SWMR reader beside the writing master) or finished:
// jobs by status, failures with their messages, throughput, progress and ETA
// (orchestrator/progress_estimate.hpp, as the master's status line), and each
// running train run's latest step and loss. --watch prints it again every
// SECONDS (default 5) until no job is left to run or no writer holds the store.
#pragma once

#include <string>
#include <vector>

#include "hdf5_schema/store.hpp"

namespace sweep {

// What the store holds at one moment, as read by the command.
struct StoreSnapshot {
  std::string path, sweep_name;
  bool live = false;  // a writer holds the store (it opened only as a SWMR reader)
  int workers = 1;    // worker ranks of the latest session
  double now = 0.0;   // unix seconds at the reading
  std::vector<store::PointRow> points;
  std::vector<store::RunRow> runs;
  std::vector<store::CurveRow> curves;
  std::vector<store::ErrorRow> errors;
};

// The report, pure: every line the command prints for `s`.
std::string status_report(const StoreSnapshot& s);

// Whether any job is left to run (pending or running).
bool jobs_left(const StoreSnapshot& s);

// argv[1] is "status". Returns 0, 1 for an unreadable store, 2 for a bad command line.
int status_command(int argc, char** argv);

}  // namespace sweep
