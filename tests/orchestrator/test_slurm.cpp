// The Slurm job read from the environment, and srun without PMI.
#include <gtest/gtest.h>

#include <ctime>

#include "orchestrator/slurm.hpp"

namespace sweep {

TEST(SlurmJob, NoneOutsideSlurm) { EXPECT_FALSE(slurm_job({{"HOME", "/root"}}, "").has_value()); }

TEST(SlurmJob, ReadsTheJobAndItsEndTime) {
  const auto job = slurm_job({{"SLURM_JOB_ID", "4711"},
                              {"SLURM_RESTART_COUNT", "2"},
                              {"SLURM_JOB_NODELIST", "gpu[01-04]"},
                              {"SLURM_TASKS_PER_NODE", "4(x4)"}},
                             "2030-01-02T03:04:05");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->job_id, "4711");
  EXPECT_EQ(job->restart_count, 2);
  EXPECT_EQ(job->nodelist, "gpu[01-04]");
  EXPECT_EQ(job->step_tasks, 0);
  std::tm tm{};
  tm.tm_year = 130;
  tm.tm_mon = 0;
  tm.tm_mday = 2;
  tm.tm_hour = 3;
  tm.tm_min = 4;
  tm.tm_sec = 5;
  tm.tm_isdst = -1;
  EXPECT_DOUBLE_EQ(job->end_time, static_cast<double>(std::mktime(&tm)));
  EXPECT_NE(describe(*job).find("job_id=4711\nrestart_count=2\n"), std::string::npos);
}

TEST(SlurmJob, UnlimitedOrUnknownEndTimeIsZero) {
  for (const char* text : {"N/A", "Unknown", "", "2030-01-02"})
    EXPECT_EQ(slurm_job({{"SLURM_JOB_ID", "1"}}, text)->end_time, 0.0) << text;
}

TEST(SrunWithoutPmi, AnSrunTaskNoLauncherJoinedIsRefusedWithTheFix) {
  const auto problem = srun_without_pmi({{"SLURM_JOB_ID", "7"}, {"SLURM_STEP_ID", "0"}, {"SLURM_STEP_NUM_TASKS", "2"}});
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("srun without PMIx"), std::string::npos);
  EXPECT_NE(problem->find("--mpi=pmix"), std::string::npos);
  EXPECT_NE(problem->find("step of 2 tasks"), std::string::npos);
}

TEST(SrunWithoutPmi, PmixMpirunAndTheBatchScriptAreFine) {
  const std::map<std::string, std::string> step{{"SLURM_JOB_ID", "7"}, {"SLURM_STEP_ID", "0"}};
  for (const char* launcher : {"PMIX_RANK", "PMI_RANK", "OMPI_COMM_WORLD_SIZE"}) {
    auto env = step;
    env[launcher] = "0";
    EXPECT_FALSE(srun_without_pmi(env)) << launcher;
  }
  EXPECT_FALSE(srun_without_pmi({{"SLURM_JOB_ID", "7"}, {"SLURM_PROCID", "0"}}));  // batch step: no SLURM_STEP_ID
  EXPECT_FALSE(srun_without_pmi({{"HOME", "/root"}}));
}

}  // namespace sweep
