// The one clock of sweep's records and messages: UTC wall time as stored in
// the store and the analysis file, and durations as people read them.
#pragma once

#include <ctime>
#include <string>

namespace sweep {

// ISO 8601 UTC, "2026-12-06T19:40:18Z" (thread-safe: gmtime_r).
std::string utc_iso(std::time_t t);
std::string utc_now();

// Compact UTC for file names, "20261206T194018Z".
std::string utc_stamp(std::time_t t);

// Seconds since the Unix epoch, with sub-second resolution.
double unix_now();

// Seconds on the monotonic clock (std::chrono::steady_clock), any origin: for
// intervals, which a change of the wall clock must not bend.
double steady_seconds();

// "42.0 s", "3.5 min", "2.25 h", "3.0 d (72 h)".
std::string human_seconds(double s);

}  // namespace sweep
