// Progress output; see progress.hpp.
#include "orchestrator/progress.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "common/clock.hpp"

namespace sweep {

namespace {
double fraction_of(const ProgressCounts& c) {
  return c.flops_total > 0 ? std::clamp(c.flops_done / c.flops_total, 0.0, 1.0) : 1.0;
}
}  // namespace

std::string status_text(const ProgressCounts& c, bool bar) {
  const double secs = c.elapsed_s;
  const double fraction = fraction_of(c);
  const bool over = c.finished >= c.total && c.running == 0;
  char line[320];
  std::snprintf(line, sizeof line,
                "[%s] %s%.0f%% | %d/%d jobs done, %d running, %d failed | %.3g/%.3g FLOP | %.1f jobs/min | ETA %s",
                human_seconds(secs).c_str(), bar ? (progress_bar(fraction) + " ").c_str() : "",
                std::floor(100.0 * fraction), c.finished, c.total, c.running, c.failed, c.flops_done, c.flops_total,
                60.0 * c.finished_this_session / std::max(secs, 1e-9),
                over ? "-" : c.eta_s >= 0 ? human_seconds(c.eta_s).c_str() : "?");
  return line;
}

std::string job_text(int finished, int total, const JobLabel& job, const ResultMsg& r, int rank) {
  std::ostringstream line;
  line << "[" << finished << "/" << total << "] " << (job.train ? "train " : "eval  ") << job.model
       << " d=" << job.data_tokens;
  if (!job.prompt.empty()) line << " " << job.prompt << " " << job.task;
  static const char* const kOutcome[] = {"", "FAILED", "DIVERGED", "TIMED OUT", "STOPPED"};
  if (r.outcome == Outcome::Ok) {
    for (const auto& m : r.metrics) line << " " << m.metric << "=" << m.value;
  } else {
    line << " " << kOutcome[static_cast<int>(r.outcome)] << ": " << r.error;
  }
  char tail[64];
  std::snprintf(tail, sizeof tail, " (%.1f s, rank %d)", r.seconds, rank);
  return line.str() + tail;
}

// Open MPI gives ranks a pseudo-terminal even when mpirun itself writes to a
// file or pipe, so under a parent whose stdout we can see (Linux /proc), the
// parent's stdout decides.
bool stdout_is_terminal() {
  if (!isatty(STDOUT_FILENO)) return false;
  char target[256] = {};
  const std::string parent_stdout = "/proc/" + std::to_string(getppid()) + "/fd/1";
  const ssize_t n = readlink(parent_stdout.c_str(), target, sizeof target - 1);
  if (n <= 0) return true;
  const std::string t(target, static_cast<std::size_t>(n));
  return t.rfind("/dev/pts/", 0) == 0 || t.rfind("/dev/tty", 0) == 0;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

bool ProgressPrinter::due(double now_s) const {
  if (quiet_) return false;
  // A batch log looks at the work done once a second, for its 10% steps.
  return now_s - (live_ ? last_s_ : checked_s_) >= (live_ ? 0.25 : std::min(1.0, every_s_));
}

void ProgressPrinter::status(const ProgressCounts& c, double now_s, bool final) {
  if (quiet_) return;
  if (!final && !due(now_s)) return;
  checked_s_ = now_s;
  const int decile = static_cast<int>(std::floor(10.0 * fraction_of(c) + 1e-9));
  if (!final && !live_ && now_s - last_s_ < every_s_ && decile <= last_decile_) return;
  last_s_ = now_s;
  last_decile_ = decile;
  const std::string line = status_text(c, live_);
  if (live_) {
    std::cout << "\r\033[K" << line << (final ? "\n" : "") << std::flush;
  } else {
    std::cout << line << std::endl;
  }
}

void ProgressPrinter::job(const std::string& line) {
  if (quiet_) return;
  if (live_) std::cout << "\r\033[K";  // over the live status line, which is redrawn after
  std::cout << line << std::endl;
  last_s_ = -1e300;
}

}  // namespace sweep
