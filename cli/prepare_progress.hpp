// sweep prepare's progress line on rank 0 (standard error): file bytes and
// tokens of all ranks, their rates, percent and ETA. On a terminal one line
// redrawn in place (at most 4 times a second); otherwise a plain line every
// `every_s` seconds, so a batch log stays readable.
#pragma once

#include <cstdint>
#include <string>

namespace sweep {

struct PrepareCounts {
  double elapsed_s = 0.0;
  std::uint64_t bytes = 0, bytes_total = 0;  // of the input files on disk, this run's units
  std::uint64_t tokens = 0;
  int units_done = 0, units_total = 0;
};

// "[12.0 s] 48.0/120.0 MB (40%) | 3/10 units | 4.0 MB/s | 4.00M tokens/s | ETA 18.0 s"
std::string prepare_status_text(const PrepareCounts& c);

// Whether a person watches standard error (under mpirun: mpirun's own).
bool stderr_is_terminal();

class PrepareProgressPrinter {
 public:
  // mode: "live", "lines" or "none".
  PrepareProgressPrinter(const std::string& mode, double every_s) : mode_(mode), every_s_(every_s) {}
  void update(const PrepareCounts& c, bool final);
  // A line of its own (a note), above the live line.
  void note(const std::string& line);

 private:
  std::string mode_;
  double every_s_;
  double last_s_ = -1e300;
  bool drawn_ = false;
};

}  // namespace sweep
