// common/clock: human-readable durations and UTC timestamps.
#include <gtest/gtest.h>

#include "common/clock.hpp"

namespace sweep {
namespace {

TEST(Clock, DurationsReadInHumanUnits) {
  EXPECT_EQ(human_seconds(42), "42.0 s");
  EXPECT_EQ(human_seconds(750), "12.5 min");
  EXPECT_EQ(human_seconds(9000), "2.50 h");
  EXPECT_EQ(human_seconds(3 * 86400), "3.0 d (72 h)");
}

TEST(Clock, UtcTimesAreIsoAndCompact) {
  EXPECT_EQ(utc_iso(1796499618), "2026-12-05T19:40:18Z");
  EXPECT_EQ(utc_stamp(1796499618), "20261205T194018Z");
  EXPECT_EQ(utc_now().size(), 20u);
}

}  // namespace
}  // namespace sweep
