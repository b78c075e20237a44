// Worker resources: thread sizing and the thread count reaching torch.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "workers/resources.hpp"

namespace sweep {

TEST(WorkerThreads, CoresAreSharedAmongLocalRanks) {
  EXPECT_EQ(threads_per_rank(16, 4), 4);
  EXPECT_EQ(threads_per_rank(16, 3), 5);
  EXPECT_EQ(threads_per_rank(2, 3), 1);
  EXPECT_EQ(threads_per_rank(2, 0), 2);
}

TEST(WorkerThreads, SettingThreadsReachesTorch) {
  set_compute_threads(1);
  EXPECT_EQ(torch::get_num_threads(), 1);
}

}  // namespace sweep
