// Opening a sweep's store and matching it with the plan: a new store, one
// replaced (--force) or one continued (--resume). A resumed store's jobs are
// matched by id; metrics rows are the truth of a job being done (a kill
// between writing them and the /points status is repaired here); a store whose
// jobs have this grid's axis values but another config is refused; a job that
// killed its processes more often than max_retries is given up.
#pragma once

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "hdf5_schema/store.hpp"
#include "orchestrator/master.hpp"
#include "orchestrator/scheduler.hpp"
#include "spec/grid.hpp"
#include "spec/job.hpp"
#include "spec/spec.hpp"

namespace sweep {

// The command line asks for what the store at --out cannot give (it exists and
// neither --resume nor --force was said; --out names no file; the grid
// conflicts with the store it resumes; a group larger than the workers): a bad
// invocation, exit status 2, nothing written.
struct StoreRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws StoreRefused unless a sweep may write `out` as asked: a file (or
// nothing yet) that exists only with --resume or --force, not both.
void check_out(const std::string& out, const SweepSpec& spec, bool resume, bool force);

// Checks the options (check_out), then creates, replaces or resumes the store at
// options.out; throws StoreRefused saying why it will not (other errors, of
// the file system or HDF5, as std::runtime_error). A new store
// appears at `out` only once complete (made under a temporary name). `ranks`:
// the world size (rank 0 the master).
store::Store open_store(const Plan& plan, const SweepSpec& spec, const MasterOptions& options, int ranks);

// Throws StoreRefused when `stored` holds a job with the axis values of one in `wanted` but
// another config (named `out` in the message). Run on a read-only view before
// the store is opened for writing, so a refused --resume leaves it untouched.
void refuse_conflicts(const std::string& out, const std::vector<store::PointRow>& stored,
                      const std::vector<store::PointRow>& wanted);

// The plan's jobs matched with a store's rows.
struct Reconciled {
  std::vector<store::PointRow> rows;             // /points once `added` is appended and `repaired` rewritten
  std::vector<store::PointRow> added;            // the plan's jobs the store lacks (an enlarged grid)
  std::vector<std::size_t> repaired;             // rows with metrics whose status was not Done (now Done)
  std::vector<std::size_t> run_row, point_row;   // plan run / point -> index into rows
  std::set<std::int64_t> with_metrics;           // ids of the jobs that have metrics rows
  Prior prior;                                   // what the scheduler counts as done
};

// `wanted`: point_rows(plan, ...), `n_runs` train runs first; `run_has_weights`
// per run: its checkpoint file exists.
Reconciled reconcile(const std::vector<store::PointRow>& wanted, std::size_t n_runs,
                     const std::vector<store::PointRow>& stored, const std::vector<store::MetricRow>& metrics,
                     const std::vector<bool>& run_has_weights);

// Jobs that a killed session left Running after more than max_retries
// attempts: each start killed the sweep, so they are given up rather than run
// again (train runs first, plan order).
std::vector<JobRef> crash_loops(const Reconciled& r, int max_retries);
std::string crash_loop_message(int attempts);

}  // namespace sweep
