// The store's rows of a sweep's jobs, built from the plan and the workers'
// results: plain functions, no store I/O. The master writes what they return;
// a job's rows carry its axis values (model, data_tokens, prompt, task) so each
// table reads on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hdf5_schema/store.hpp"
#include "orchestrator/master.hpp"
#include "spec/grid.hpp"
#include "spec/job.hpp"
#include "spec/spec.hpp"
#include "wire/protocol.hpp"

namespace sweep {

// The train run a job belongs to (itself, for a train job).
int run_index(const Plan& plan, JobRef job);

// "train" or "eval", as /points and /errors spell it.
const char* job_word(JobRef job);

// A job's /points row as it starts out: pending, never run.
store::PointRow point_row(const Plan& plan, const SweepSpec& spec, JobRef job);
// Every job's, train runs first (plan order), then eval points.
std::vector<store::PointRow> point_rows(const Plan& plan, const SweepSpec& spec);

// Where a train run's weights are: a TorchScript model's own file or a
// pretrained model's folder (its suite checkpoint; nothing is saved), else
// checkpoint_path() beside the store at `out`.
std::string checkpoint_of(const Plan& plan, const SweepSpec& spec, const std::string& out, int run);

// The /metrics rows of a job that ended Ok, one per metric value.
std::vector<store::MetricRow> metric_rows(const Plan& plan, const SweepSpec& spec, JobRef job,
                                          const std::vector<MetricValue>& values);
// The /examples row of an eval job that ended Ok.
store::ExampleRow example_row(const Plan& plan, const SweepSpec& spec, JobRef job, const ExampleText& example);
// One /errors row: a failed attempt of the job on `rank` (-1: never ran).
store::ErrorRow error_row(const Plan& plan, const SweepSpec& spec, JobRef job, int rank, const std::string& message);
// The /runs row of a train job that ended Ok; its losses come from the
// result's "train_loss" and "eval_loss" values (a TorchScript or pretrained
// model trains nothing: train_loss NaN); a pretrained model's source is its
// folder, its weights_sha256 what the worker computed.
store::RunRow run_row(const Plan& plan, const SweepSpec& spec, const ResultMsg& r, const std::string& checkpoint);

// The root attributes of a new store: the grid, the versions, the ranks and
// their hosts, the resolved config of every run.
store::Provenance provenance(const Plan& plan, const SweepSpec& spec, const MasterOptions& options, int ranks);

}  // namespace sweep
