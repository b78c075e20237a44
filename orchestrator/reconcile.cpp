// Opening and reconciling the store; see reconcile.hpp.
#include "orchestrator/reconcile.hpp"

#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "common/clock.hpp"
#include "orchestrator/store_rows.hpp"

namespace sweep {
namespace {

namespace fs = std::filesystem;

// What identifies a job to a person: the axis values.
// What names a job apart from its config: the core axes and its swept settings.
using Labels = std::tuple<std::string, std::string, std::int64_t, std::string, std::string, std::string>;
Labels labels_of(const store::PointRow& p) { return {p.job, p.model, p.data_tokens, p.prompt, p.task, p.axes}; }

// First "key=value" that differs between two config texts, for messages.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string x, y;
  while (std::getline(sa, x, ';')) {
    if (!std::getline(sb, y, ';')) return x + " (missing in the grid)";
    if (x != y) return "store has " + x + ", grid has " + y;
  }
  return "the grid has more settings";
}

}  // namespace

void check_out(const std::string& out, const SweepSpec& spec, bool resume, bool force) {
  if (resume && force) throw StoreRefused("--resume and --force exclude each other");
  std::error_code ec;
  const auto kind = fs::status(out, ec).type();
  if (kind == fs::file_type::directory)
    throw StoreRefused(out + ": is a directory; --out must name a store file (e.g. " + out + "/" + spec.name +
                             ".h5)");
  if (kind != fs::file_type::not_found && kind != fs::file_type::regular && kind != fs::file_type::none)
    throw StoreRefused(out + ": is not a regular file; --out must name a store file");
  if (fs::exists(out) && !resume && !force)
    throw StoreRefused(out + ": store already exists; refusing to overwrite it (continue it with "
                             "--resume, replace it with --force, or choose another --out)");
}

store::Store open_store(const Plan& plan, const SweepSpec& spec, const MasterOptions& options, int ranks) {
  const std::string& out = options.out;
  // Checked before the store exists: a group job that can never form would
  // leave the sweep waiting forever.
  const int workers = ranks - 1;
  for (const ModelSpec& m : spec.models)
    if (m.ranks_per_job > workers)
      throw StoreRefused(spec.path + ": model." + m.name + ".ranks_per_job = " +
                               std::to_string(m.ranks_per_job) + " needs that many worker ranks, but this sweep has " +
                               std::to_string(workers) + " (run with mpirun -np " +
                               std::to_string(m.ranks_per_job + 1) + " or more: rank 0 is the master)");
  check_out(out, spec, options.resume, options.force);
  const bool exists = fs::exists(out);
  if (exists && options.resume) {
    store::Store::recover(out);  // a killed resume's flags refuse even SWMR readers
    refuse_conflicts(out, store::Store::read_points(out), point_rows(plan, spec));
    store::Session s{spec.text, options.version, utc_now(), ranks, options.slurm};
    return store::Store::resume(out, s);
  }
  // --force: the store refuses to replace a store whose writer is alive.
  if (exists) return store::Store::create(out, provenance(plan, spec, options, ranks), point_rows(plan, spec), true);
  // Created under a temporary name and renamed once complete (SWMR started),
  // so a kill during creation never leaves a half-made store at `out`.
  const std::string partial = out + ".creating";
  fs::remove(partial);
  store::Store s = store::Store::create(partial, provenance(plan, spec, options, ranks), point_rows(plan, spec), false);
  fs::rename(partial, out);
  return s;
}

void refuse_conflicts(const std::string& out, const std::vector<store::PointRow>& stored,
                      const std::vector<store::PointRow>& wanted) {
  std::map<Labels, const store::PointRow*> by_labels;
  for (const auto& row : stored) by_labels[labels_of(row)] = &row;
  for (const auto& want : wanted) {
    auto it = by_labels.find(labels_of(want));
    if (it == by_labels.end() || it->second->point_id == want.point_id) continue;
    throw StoreRefused(out + ": the store's " + want.job + " job (" + want.model + ", " +
                             std::to_string(want.data_tokens) + " tokens" +
                             (want.prompt.empty() ? "" : ", " + want.prompt + ", " + want.task) +
                             (want.axes.empty() ? "" : ", " + want.axes) +
                             ") was run with another config (" + first_difference(it->second->config, want.config) +
                             "); refusing to resume it with this grid (use a new --out)");
  }
}

Reconciled reconcile(const std::vector<store::PointRow>& wanted, std::size_t n_runs,
                     const std::vector<store::PointRow>& stored, const std::vector<store::MetricRow>& metrics,
                     const std::vector<bool>& run_has_weights) {
  Reconciled r;
  r.rows = stored;
  for (const auto& m : metrics) r.with_metrics.insert(m.point_id);
  std::map<std::int64_t, std::size_t> by_id;
  for (std::size_t i = 0; i < stored.size(); ++i) by_id[stored[i].point_id] = i;

  for (std::size_t j = 0; j < wanted.size(); ++j) {
    std::size_t row;
    if (auto it = by_id.find(wanted[j].point_id); it != by_id.end()) {
      row = it->second;
    } else {
      row = r.rows.size();
      r.added.push_back(wanted[j]);
      r.rows.push_back(wanted[j]);
    }
    (j < n_runs ? r.run_row : r.point_row).push_back(row);
    const bool done = r.with_metrics.count(wanted[j].point_id) > 0;
    if (j < n_runs) {
      r.prior.run_done.push_back(done);
      r.prior.run_has_weights.push_back(j < run_has_weights.size() && run_has_weights[j]);
    } else {
      r.prior.point_done.push_back(done);
    }
  }
  // Metrics written but the status update lost to a kill: the metrics win.
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (r.with_metrics.count(r.rows[i].point_id) && r.rows[i].status != store::Status::Done) {
      r.rows[i].status = store::Status::Done;
      r.repaired.push_back(i);
    }
  }
  return r;
}

std::vector<JobRef> crash_loops(const Reconciled& r, int max_retries) {
  std::vector<JobRef> jobs;
  auto check = [&](JobRef job, std::size_t row) {
    const store::PointRow& p = r.rows[row];
    if (p.status == store::Status::Running && p.attempts > max_retries) jobs.push_back(job);
  };
  for (std::size_t i = 0; i < r.run_row.size(); ++i) check({JobKind::Train, static_cast<int>(i)}, r.run_row[i]);
  for (std::size_t i = 0; i < r.point_row.size(); ++i) check({JobKind::Eval, static_cast<int>(i)}, r.point_row[i]);
  return jobs;
}

std::string crash_loop_message(int attempts) {
  return "gave up after " + std::to_string(attempts) + " attempts: the sweep's processes died while it ran";
}

}  // namespace sweep
