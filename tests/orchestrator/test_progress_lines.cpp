// The master's status lines (orchestrator/progress.hpp): the bar on a
// terminal, and when a batch log gets a line.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "orchestrator/progress.hpp"

namespace sweep {
namespace {

ProgressCounts at(double fraction) {
  ProgressCounts c;
  c.total = 10;
  c.running = 2;
  c.flops_total = 100.0;
  c.flops_done = 100.0 * fraction;
  c.eta_s = 90.0;
  return c;
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(ProgressLines, ATerminalGetsABarFilledByTheWorkDone) {
  EXPECT_EQ(progress_bar(0.43, 10), "[####......]");
  EXPECT_EQ(progress_bar(1.5, 4), "[####]");
  const std::string live = status_text(at(0.43), true);
  EXPECT_NE(live.find("[########............] 43%"), std::string::npos) << live;
  EXPECT_NE(live.find("ETA 90.0 s"), std::string::npos) << live;
  EXPECT_EQ(status_text(at(0.43)).find('#'), std::string::npos);
}

TEST(ProgressLines, ABatchLogGetsALineEveryPeriodAndEveryTenPercent) {
  ProgressPrinter p(false, false, 60.0);
  testing::internal::CaptureStdout();
  p.status(at(0.00), 0.0, false);   // the first line
  p.status(at(0.05), 5.0, false);   // neither 60 s nor another 10%
  p.status(at(0.12), 10.0, false);  // passed 10%
  p.status(at(0.13), 20.0, false);
  p.status(at(0.14), 75.0, false);  // 60 s since the last line
  p.status(at(0.15), 75.5, false);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(lines(out), 3) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_NE(out.find("] 12% |"), std::string::npos) << out;
}

TEST(ProgressLines, ATerminalLineIsRedrawnInPlace) {
  ProgressPrinter p(false, true, 60.0);
  testing::internal::CaptureStdout();
  p.status(at(0.2), 0.0, false);
  p.status(at(0.3), 1.0, false);
  p.status(at(1.0), 1.1, true);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(lines(out), 1) << out;  // only the final line ends
  EXPECT_EQ(std::count(out.begin(), out.end(), '\r'), 3);
}

}  // namespace
}  // namespace sweep
