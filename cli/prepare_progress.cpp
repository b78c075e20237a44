// Progress of sweep prepare; see prepare_progress.hpp.
#include "cli/prepare_progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "common/clock.hpp"

namespace sweep {

std::string prepare_status_text(const PrepareCounts& c) {
  const double secs = std::max(c.elapsed_s, 1e-9);
  const double rate = static_cast<double>(c.bytes) / secs;
  const double left = static_cast<double>(c.bytes_total) - static_cast<double>(c.bytes);
  char line[256];
  std::snprintf(line, sizeof line, "[%s] %.1f/%.1f MB (%.0f%%) | %d/%d units | %.1f MB/s | %.2fM tokens/s | ETA %s",
                human_seconds(c.elapsed_s).c_str(), static_cast<double>(c.bytes) / 1e6,
                static_cast<double>(c.bytes_total) / 1e6,
                c.bytes_total > 0 ? 100.0 * static_cast<double>(c.bytes) / static_cast<double>(c.bytes_total) : 100.0,
                c.units_done, c.units_total, rate / 1e6, static_cast<double>(c.tokens) / secs / 1e6,
                left <= 0 ? "-" : rate > 0 ? human_seconds(left / rate).c_str() : "?");
  return line;
}

// Open MPI passes a rank's standard error through a pipe (and gives its
// standard output a pseudo-terminal) whatever mpirun itself writes to, so
// under mpirun the launcher's own standard error decides.
bool stderr_is_terminal() {
  const bool under_mpirun = std::getenv("OMPI_COMM_WORLD_RANK") != nullptr;
  if (!under_mpirun) return isatty(STDERR_FILENO) != 0;
  char target[256] = {};
  const std::string parent = "/proc/" + std::to_string(getppid()) + "/fd/2";
  const ssize_t n = readlink(parent.c_str(), target, sizeof target - 1);
  if (n <= 0) return false;
  const std::string t(target, static_cast<std::size_t>(n));
  return t.rfind("/dev/pts/", 0) == 0 || t.rfind("/dev/tty", 0) == 0;
}

void PrepareProgressPrinter::update(const PrepareCounts& c, bool final) {
  if (mode_ == "none") return;
  const bool live = mode_ == "live";
  if (!final && c.elapsed_s - last_s_ < (live ? 0.25 : every_s_)) return;
  last_s_ = c.elapsed_s;
  const std::string line = prepare_status_text(c);
  if (live) {
    std::cerr << "\r\033[K" << line << (final ? "\n" : "") << std::flush;
    drawn_ = !final;
  } else {
    std::cerr << line << std::endl;
  }
}

void PrepareProgressPrinter::note(const std::string& line) {
  if (mode_ == "live" && drawn_) std::cerr << "\r\033[K";
  std::cerr << line << std::endl;
  last_s_ = -1e300;  // redraw the live line at the next update
}

}  // namespace sweep
