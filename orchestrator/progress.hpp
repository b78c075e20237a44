// What the master prints while a sweep runs: a status line (a bar of the work
// done, jobs, rate, ETA; progress_estimate.hpp computes them) and one line per
// finished job. On a terminal the status line is one line with a bar, updated
// in place (at most 4 times a second); in a batch log, a plain line every
// --progress-every seconds and at every 10% of the work, so a log stays
// readable.
#pragma once

#include <string>

#include "orchestrator/progress_estimate.hpp"
#include "wire/protocol.hpp"

namespace sweep {

// The sweep's counts at one moment.
struct ProgressCounts {
  double elapsed_s = 0.0;  // since the master started
  int finished = 0, total = 0, running = 0, failed = 0;
  int finished_this_session = 0;  // for the jobs-per-minute rate
  // Of the jobs this session runs, running ones by their done fraction (ProgressEstimate).
  double flops_done = 0.0, flops_total = 0.0;
  double eta_s = 0.0;  // seconds left (ProgressEstimate::eta_s); < 0: unknown
};

// "[1.5 min] 43% | 3/10 jobs done, 2 running, 0 failed | 4.1e+12/9.6e+12 FLOP | 1.2 jobs/min | ETA 4.0 min";
// with `bar`, "[####......] " before the percentage.
std::string status_text(const ProgressCounts& c, bool bar = false);

// What identifies a job on its line.
struct JobLabel {
  bool train = true;
  std::string model;
  std::int64_t data_tokens = 0;
  std::string prompt, task;  // empty for a train job
};
// "[4/10] eval  m d=1000 zero_shot add acc=0.5 (1.2 s, rank 3)", or the outcome and error for a job that did not end Ok.
std::string job_text(int finished, int total, const JobLabel& job, const ResultMsg& r, int rank);

// Whether a person watches stdout (under mpirun, whether mpirun's stdout is a terminal).
bool stdout_is_terminal();

// CPU seconds of this process (user + system), to show the master does not spin.
double cpu_seconds();

// Prints status and job lines; `live`: a terminal, the status line redrawn in place.
class ProgressPrinter {
 public:
  ProgressPrinter(bool quiet, bool live, double every_s) : quiet_(quiet), live_(live), every_s_(every_s) {}
  // Whether status() may print at `now_s` (the master's clock): so the
  // master computes the counts only then.
  bool due(double now_s) const;
  // Prints `c`'s line if it is time to, or always when `final`. A batch log
  // gets a line every `every_s` seconds, or sooner when the work done has
  // passed another 10%.
  void status(const ProgressCounts& c, double now_s, bool final);
  void job(const std::string& line);

 private:
  bool quiet_, live_;
  double every_s_;
  double last_s_ = -1e300;     // when the last status line was printed
  double checked_s_ = -1e300;  // when status() was last called with a line that was due
  int last_decile_ = 0;        // 10% steps of the work in the last printed line
};

}  // namespace sweep
