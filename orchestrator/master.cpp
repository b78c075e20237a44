// The master loop; see master.hpp. Idle workers wait in a queue until a job is
// ready for them; results become store rows as they arrive and are flushed at
// once, so a crash loses at most the job in flight.
#include "orchestrator/master.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "hdf5_schema/store.hpp"
#include "orchestrator/grid.hpp"
#include "orchestrator/scheduler.hpp"

namespace sweep {
namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

class Master {
 public:
  Master(const Transport& transport, const SweepSpec& spec, const MasterOptions& options)
      : tx_(transport), spec_(spec), opt_(options), plan_(expand(spec)), sched_(plan_, spec),
        store_(store::Store::create(options.out, provenance())) {}

  int run() {
    const auto t0 = std::chrono::steady_clock::now();
    if (!opt_.quiet)
      std::printf("sweep %s: %zu train runs, %zu eval points, %d workers -> %s\n", spec_.name.c_str(),
                  plan_.runs.size(), plan_.points.size(), tx_.size() - 1, opt_.out.c_str());
    while (!sched_.all_finished()) {
      dispatch();
      auto msg = tx_.receive();
      if (msg.tag == Tag::Result) on_result(msg.source, decode_result(msg.bytes));
      idle_.push_back(msg.source);
    }
    for (int w = 1; w < tx_.size(); ++w) tx_.send(w, Tag::Stop);
    store_.flush();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!opt_.quiet)
      std::printf("sweep %s: done in %.1f s: %d jobs ok, %d failed or skipped; store %s\n", spec_.name.c_str(),
                  secs, ok_, failed_, opt_.out.c_str());
    return failed_ == 0 ? 0 : 3;
  }

 private:
  store::Provenance provenance() const {
    store::Provenance p;
    p.grid_text = spec_.text;
    p.grid_path = spec_.path;
    p.sweep_name = spec_.name;
    p.sweep_version = opt_.version;
    p.seed = spec_.seed;
    p.ranks = tx_.size();
    p.created = utc_now();
    return p;
  }

  void dispatch() {
    while (!idle_.empty()) {
      auto job = sched_.next();
      if (!job) return;
      const int worker = idle_.front();
      idle_.pop_front();
      JobMsg m;
      m.job = *job;
      const TrainRun& run = plan_.runs[job->kind == JobKind::Train ? job->index : plan_.points[job->index].run];
      m.id = job->kind == JobKind::Train ? run.run_id : plan_.points[job->index].point_id;
      m.checkpoint = checkpoint_path(opt_.out, spec_.models[run.model].name, run.data_tokens);
      tx_.send(worker, Tag::Job, encode(m));
    }
  }

  // Axis columns shared by every row of a job.
  store::MetricRow base_row(JobRef job) const {
    store::MetricRow row;
    const bool train = job.kind == JobKind::Train;
    const EvalPoint* point = train ? nullptr : &plan_.points[job.index];
    const TrainRun& run = plan_.runs[train ? job.index : point->run];
    row.point_id = train ? run.run_id : point->point_id;
    row.model = spec_.models[run.model].name;
    row.n_params = run.n_params;
    row.data_tokens = run.data_tokens;
    if (point) {
      row.prompt = to_string(point->prompt);
      row.task = spec_.tasks[point->task].name;
    }
    row.train_flops = 6.0 * static_cast<double>(row.n_params) * static_cast<double>(run.data_tokens);
    return row;
  }

  void record_error(JobRef job, int rank, const std::string& message) {
    const store::MetricRow b = base_row(job);
    store_.append_error({b.point_id, job.kind == JobKind::Train ? "train" : "eval", b.model, b.data_tokens,
                         b.prompt, b.task, rank, message});
    ++failed_;
  }

  void on_result(int worker, const ResultMsg& r) {
    const store::MetricRow base = base_row(r.job);
    if (r.ok) {
      std::vector<store::MetricRow> rows;
      for (const auto& m : r.metrics) {
        store::MetricRow row = base;
        row.metric = m.name;
        row.value = m.value;
        row.std_err = m.std_err;
        row.n_examples = m.n;
        rows.push_back(row);
      }
      store_.append(rows);
      ++ok_;
    } else {
      record_error(r.job, worker, r.error);
    }
    for (int p : sched_.finish(r.job, r.ok)) record_error({JobKind::Eval, p}, -1, "skipped: its train run failed");
    store_.flush();
    if (!opt_.quiet) progress(worker, r, base);
  }

  void progress(int worker, const ResultMsg& r, const store::MetricRow& b) const {
    std::ostringstream line;
    line << "[" << sched_.finished() << "/" << sched_.total() << "] "
         << (r.job.kind == JobKind::Train ? "train " : "eval  ") << b.model << " d=" << b.data_tokens;
    if (!b.prompt.empty()) line << " " << b.prompt << " " << b.task;
    if (r.ok) {
      for (const auto& m : r.metrics) line << " " << m.name << "=" << m.value;
    } else {
      line << " FAILED: " << r.error;
    }
    char tail[64];
    std::snprintf(tail, sizeof tail, " (%.1f s, rank %d)", r.seconds, worker);
    std::cout << line.str() << tail << std::endl;
  }

  const Transport& tx_;
  const SweepSpec& spec_;
  const MasterOptions& opt_;
  Plan plan_;
  Scheduler sched_;
  store::Store store_;
  std::deque<int> idle_;
  int ok_ = 0, failed_ = 0;
};

}  // namespace

std::string checkpoint_path(const std::string& out, const std::string& model, std::int64_t data_tokens) {
  std::filesystem::path p(out);
  const std::filesystem::path dir = p.parent_path() / (p.stem().string() + ".ckpt");
  return (dir / (model + "-" + std::to_string(data_tokens) + ".pt")).string();
}

int run_master(const Transport& transport, const SweepSpec& spec, const MasterOptions& options) {
  return Master(transport, spec, options).run();
}

}  // namespace sweep
