// See clock.hpp.
#include "common/clock.hpp"

#include <chrono>
#include <cstdio>

namespace sweep {
namespace {

std::string utc_format(std::time_t t, const char* format) {
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string fmt(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

}  // namespace

std::string utc_iso(std::time_t t) { return utc_format(t, "%Y-%m-%dT%H:%M:%SZ"); }
std::string utc_now() { return utc_iso(std::time(nullptr)); }
std::string utc_stamp(std::time_t t) { return utc_format(t, "%Y%m%dT%H%M%SZ"); }

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string human_seconds(double s) {
  if (s < 120) return fmt("%.1f s", s);
  if (s < 2 * 3600) return fmt("%.1f min", s / 60);
  if (s < 48 * 3600) return fmt("%.2f h", s / 3600);
  return fmt("%.1f d", s / 86400) + " (" + fmt("%.0f h", s / 3600) + ")";
}

}  // namespace sweep
