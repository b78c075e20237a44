// The master without MPI: scripted workers over an in-memory transport
// (scripted_transport.hpp), a real store in a temporary directory, virtual
// time. Each test reads back the messages the master sent and the store's rows.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "hdf5_schema/store.hpp"
#include "orchestrator/master.hpp"
#include "scripted_transport.hpp"
#include "tests/temp_dir.hpp"
#include "spec/config.hpp"
#include "spec/grid.hpp"
#include "wire/stop_signal.hpp"

namespace sweep {
namespace {

using testing::Scripted;
using testing::ScriptedTransport;
using store::Status;

// Two train runs (data_tokens 1000 and 2000), each with two eval points; a
// failed job is tried once more (max_retries = 1).
constexpr const char* kGrid = R"(
[sweep]
name = "scripted"
seed = 1
max_retries = 1

[grid]
model       = ["s"]
data_tokens = [1000, 2000]
prompt      = ["zero_shot", "cot"]
task        = ["addition"]

[model.s]
n_layer = 1
d_model = 8
n_head  = 1
)";

// A grid and its store in a fresh temporary directory.
struct Sweep {
  testing::TempDir dir{"sweep_test_master"};
  SweepSpec spec;
  Plan plan;

  explicit Sweep(const std::string& grid) {
    spec = load_spec_text(grid, dir.file("grid.toml"));
    plan = expand(spec);
  }

  std::string out() const { return dir.file("sweep.h5"); }

  int run(const ScriptedTransport& tx, double time_limit = 0.0) const {
    MasterOptions o;
    o.out = out();
    o.quiet = true;
    o.time_limit = time_limit;
    o.clock = [&tx] { return tx.now(); };
    return run_master(tx, spec, o);
  }

  JobRef train(std::int64_t data_tokens) const {
    for (std::size_t r = 0; r < plan.runs.size(); ++r)
      if (plan.runs[r].data_tokens == data_tokens) return {JobKind::Train, static_cast<int>(r)};
    throw std::logic_error("no such run");
  }
  std::vector<JobRef> evals_of(JobRef run) const {
    std::vector<JobRef> out;
    for (std::size_t p = 0; p < plan.points.size(); ++p)
      if (plan.points[p].run == run.index) out.push_back({JobKind::Eval, static_cast<int>(p)});
    return out;
  }
  std::int64_t id(JobRef job) const {
    return job.kind == JobKind::Train ? plan.runs[job.index].run_id : plan.points[job.index].point_id;
  }

  std::map<std::int64_t, store::PointRow> points() const {
    std::map<std::int64_t, store::PointRow> rows;
    for (const auto& p : store::Store::read_points(out())) rows[p.point_id] = p;
    return rows;
  }
  std::vector<store::ErrorRow> errors_of(JobRef job) const {
    std::vector<store::ErrorRow> rows;
    for (const auto& e : store::Store::read_errors(out()))
      if (e.point_id == id(job)) rows.push_back(e);
    return rows;
  }
  std::vector<std::string> metrics_of(JobRef job) const {
    std::vector<std::string> names;
    for (const auto& m : store::Store::read_metrics(out()))
      if (m.point_id == id(job)) names.push_back(m.metric);
    return names;
  }
};

bool same(JobRef a, JobRef b) { return a.kind == b.kind && a.index == b.index; }

// The attempts of `job` the master sent, in order.
std::vector<int> attempts_sent(const ScriptedTransport& tx, JobRef job) {
  std::vector<int> attempts;
  for (const auto& s : tx.sent())
    if (s.tag == Tag::Job && same(s.job.job, job)) attempts.push_back(s.job.attempt);
  return attempts;
}

// Ranks that got Stop, in order.
std::vector<int> stops_sent(const ScriptedTransport& tx) {
  std::vector<int> ranks;
  for (const auto& s : tx.sent())
    if (s.tag == Tag::Stop) ranks.push_back(s.dest);
  return ranks;
}

TEST(Master, RunsEveryJobAndStopsEveryWorkerAtTheEnd) {
  const Sweep sweep(kGrid);
  const ScriptedTransport tx(2, [](JobRef, int) { return Scripted{}; });
  EXPECT_EQ(sweep.run(tx), 0);
  for (const auto& [id, row] : sweep.points()) {
    EXPECT_EQ(row.status, Status::Done) << row.job << " " << row.data_tokens;
    EXPECT_EQ(row.attempts, 1);
  }
  EXPECT_TRUE(store::Store::read_errors(sweep.out()).empty());
  const JobRef big = sweep.train(2000);
  EXPECT_EQ(sweep.metrics_of(big), (std::vector<std::string>{"train_loss", "eval_loss"}));
  EXPECT_EQ(sweep.metrics_of(sweep.evals_of(big)[0]), (std::vector<std::string>{"accuracy"}));
  // The larger run first, to the first worker that said Ready.
  ASSERT_EQ(tx.sent().front().tag, Tag::Job);
  EXPECT_TRUE(same(tx.sent().front().job.job, big));
  EXPECT_EQ(tx.sent().front().dest, 1);
  EXPECT_EQ(stops_sent(tx), (std::vector<int>{1, 2}));
  EXPECT_EQ(tx.sent().back().tag, Tag::Stop);
  // Each job once, with its id, alone (ranks_per_job = 1); a train run with where its weights go.
  int jobs = 0;
  for (const auto& s : tx.sent()) {
    if (s.tag != Tag::Job) continue;
    ++jobs;
    EXPECT_EQ(s.job.id, sweep.id(s.job.job));
    EXPECT_EQ(s.job.attempt, 1);
    EXPECT_TRUE(s.job.group.empty());
    EXPECT_FALSE(s.job.checkpoint.empty());
  }
  EXPECT_EQ(jobs, 6);
}

TEST(Master, RetriesAFailedJobThenSkipsItsEvals) {
  const Sweep sweep(kGrid);
  const JobRef bad = sweep.train(1000);
  const ScriptedTransport tx(2, [&](JobRef job, int attempt) {
    if (same(job, bad)) return Scripted{Outcome::Failed, 1.0, "boom " + std::to_string(attempt)};
    return Scripted{};
  });
  EXPECT_EQ(sweep.run(tx), 3);

  EXPECT_EQ(attempts_sent(tx, bad), (std::vector<int>{1, 2}));  // max_retries = 1: one retry
  const auto points = sweep.points();
  const store::PointRow& failed = points.at(sweep.id(bad));
  EXPECT_EQ(failed.status, Status::Failed);
  EXPECT_EQ(failed.attempts, 2);
  EXPECT_EQ(failed.error, "boom 2");
  const auto errors = sweep.errors_of(bad);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "boom 1");
  EXPECT_EQ(errors[1].message, "boom 2");
  EXPECT_EQ(errors[0].job, "train");
  EXPECT_GE(errors[0].rank, 1);
  for (JobRef eval : sweep.evals_of(bad)) {
    EXPECT_TRUE(attempts_sent(tx, eval).empty());
    EXPECT_EQ(points.at(sweep.id(eval)).status, Status::Skipped);
    EXPECT_EQ(points.at(sweep.id(eval)).attempts, 0);
    const auto skip = sweep.errors_of(eval);
    ASSERT_EQ(skip.size(), 1u);
    EXPECT_EQ(skip[0].rank, -1);
    EXPECT_EQ(skip[0].message, "skipped: its train run " + std::string(store::to_string(Status::Failed)));
    EXPECT_TRUE(sweep.metrics_of(eval).empty());
  }
  const JobRef good = sweep.train(2000);
  EXPECT_EQ(points.at(sweep.id(good)).status, Status::Done);
  for (JobRef eval : sweep.evals_of(good)) EXPECT_EQ(points.at(sweep.id(eval)).status, Status::Done);
  EXPECT_EQ(stops_sent(tx), (std::vector<int>{1, 2}));
}

TEST(Master, GivesUpATimedOutJobWithoutRetrying) {
  const Sweep sweep(kGrid);
  const JobRef slow = sweep.evals_of(sweep.train(2000))[0];
  const ScriptedTransport tx(2, [&](JobRef job, int) {
    if (same(job, slow)) return Scripted{Outcome::TimedOut, 30.0, "ran past job_timeout"};
    return Scripted{};
  });
  EXPECT_EQ(sweep.run(tx), 3);
  EXPECT_EQ(attempts_sent(tx, slow), (std::vector<int>{1}));
  const auto points = sweep.points();
  EXPECT_EQ(points.at(sweep.id(slow)).status, Status::Timeout);
  EXPECT_EQ(points.at(sweep.id(slow)).error, "ran past job_timeout");
  EXPECT_DOUBLE_EQ(points.at(sweep.id(slow)).wall_seconds, 30.0);
  const auto errors = store::Store::read_errors(sweep.out());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].point_id, sweep.id(slow));
  EXPECT_EQ(errors[0].job, "eval");
  EXPECT_TRUE(sweep.metrics_of(slow).empty());
  for (const auto& [id, row] : points)
    if (id != sweep.id(slow)) {
      EXPECT_EQ(row.status, Status::Done);
    }
}

TEST(Master, AWorkerStoppingItsJobStopsTheSweepOnceJobsInFlightReport) {
  const Sweep sweep(kGrid);
  const JobRef big = sweep.train(2000), small = sweep.train(1000);
  const ScriptedTransport tx(2, [&](JobRef job, int) {
    if (same(job, small)) return Scripted{Outcome::Stopped, 1.0, "signal 12"};
    return Scripted{Outcome::Ok, 10.0, ""};
  });
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(sweep.run(tx), kExitStopped);
  const std::string said = ::testing::internal::GetCapturedStdout();
  EXPECT_DOUBLE_EQ(tx.now(), 1.0);  // the big run, stopped at 1 s, reported at once
  // Both runs were in flight and both stopped: the one whose report began the
  // stop counts too.
  EXPECT_NE(said.find("2 jobs were in flight: 2 stopped"), std::string::npos) << said;
  EXPECT_EQ(said.find("cut off"), std::string::npos) << said;

  // Both runs started, no job after the stop; every worker got Stop once.
  EXPECT_EQ(attempts_sent(tx, big), (std::vector<int>{1}));
  EXPECT_EQ(attempts_sent(tx, small), (std::vector<int>{1}));
  EXPECT_EQ(stops_sent(tx), (std::vector<int>{1, 2}));
  bool stopped = false;
  for (const auto& s : tx.sent()) {
    stopped = stopped || s.tag == Tag::Stop;
    if (stopped) {
      EXPECT_EQ(s.tag, Tag::Stop);
    }
  }

  // Nothing failed: stopped runs are pending again (resumable), evals untouched.
  const auto points = sweep.points();
  for (JobRef run : {big, small}) {
    EXPECT_EQ(points.at(sweep.id(run)).status, Status::Pending);
    EXPECT_EQ(points.at(sweep.id(run)).error.rfind("stopped: ", 0), 0u) << points.at(sweep.id(run)).error;
    EXPECT_EQ(points.at(sweep.id(run)).attempts, 1);
    for (JobRef eval : sweep.evals_of(run)) {
      EXPECT_EQ(points.at(sweep.id(eval)).status, Status::Pending);
      EXPECT_EQ(points.at(sweep.id(eval)).attempts, 0);
    }
  }
  EXPECT_TRUE(store::Store::read_errors(sweep.out()).empty());
  EXPECT_TRUE(store::Store::read_metrics(sweep.out()).empty());
}

}  // namespace
}  // namespace sweep
