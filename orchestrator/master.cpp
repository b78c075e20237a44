// The master's event loop; see master.hpp. One message at a time: a Ready or
// Result makes its rank idle and is followed by a dispatch round
// (dispatch.hpp), the same rounds `sweep plan` simulates. A job's metrics rows
// are the truth of its being done: /points statuses follow them, so a kill
// between the two writes is repaired on --resume (reconcile.hpp). Results are
// flushed at once; curve rows at least once a second while they arrive.
// Curve rows also tell the status line how far each running train run is
// (progress_estimate.hpp).
#include "orchestrator/master.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>

#include "common/clock.hpp"
#include "hdf5_schema/store.hpp"
#include "orchestrator/cost_model.hpp"
#include "orchestrator/dispatch.hpp"
#include "orchestrator/progress.hpp"
#include "orchestrator/progress_estimate.hpp"
#include "orchestrator/reconcile.hpp"
#include "orchestrator/scheduler.hpp"
#include "orchestrator/store_rows.hpp"
#include "spec/grid.hpp"
#include "wire/stop_signal.hpp"

namespace sweep {
namespace {

namespace fs = std::filesystem;

// What became of the jobs in flight when a stop began: those that stopped
// (train runs keep a restart point), ended anyway (finished or failed within
// the grace period) or were still running when the grace period ran out.
std::string in_flight_text(int in_flight, int stopped, int cut_off) {
  if (in_flight == 0) return "no job was in flight";
  std::string text = std::to_string(in_flight) + (in_flight == 1 ? " job was" : " jobs were") + " in flight: " +
                     std::to_string(stopped) + " stopped (train runs keep their restart points)";
  if (const int ended = in_flight - stopped - cut_off; ended > 0) text += ", " + std::to_string(ended) + " ended";
  if (cut_off > 0) text += ", " + std::to_string(cut_off) + " cut off at the grace period";
  return text;
}

bool live_progress(const MasterOptions& o) {
  return o.progress == "live" || (o.progress == "auto" && stdout_is_terminal());
}

class Master {
 public:
  Master(const Transport& transport, const SweepSpec& spec, const MasterOptions& options)
      : tx_(transport), spec_(spec), opt_(options),
        clock_(options.clock ? options.clock : std::function<double()>(steady_seconds)), plan_(expand(spec)),
        store_(open_store(plan_, spec_, opt_, tx_.size())), cost_(plan_, spec_, options.throughput),
        start_(clock_()), progress_(options.quiet, live_progress(options), options.progress_every) {
    rules_.workers = tx_.size() - 1;
    rules_.time_limit_s = opt_.time_limit;
    rules_.restart_points = spec_.train.checkpoint_every > 0;
    rules_.hosts = opt_.hostnames;
    load_store();
  }

  int run() {
    const double t0 = now();
    const double cpu0 = cpu_seconds();
    const int todo = sched_->total() - sched_->finished();
    if (!opt_.quiet)
      std::printf("sweep %s: %zu train runs, %zu eval points, %d to run, %d workers -> %s\n", spec_.name.c_str(),
                  plan_.runs.size(), plan_.points.size(), todo, tx_.size() - 1, opt_.out.c_str());
    // Runs until every job has finished, or, after a stop request, until the
    // jobs in flight have reported (or the grace period is over).
    while (stopping_ ? sched_->running() > 0 && now() < stop_deadline_ : !sched_->all_finished()) {
      if (!stopping_) {
        if (stop_requested_by_signal()) begin_stop("signal " + std::to_string(stop_signal_received()));
        if (!stopping_ && opt_.time_limit > 0 && now() >= opt_.time_limit)
          begin_stop("time limit of " + human_seconds(opt_.time_limit) + " reached");
        if (!stopping_) hand_out();
        if (stopping_) continue;  // nothing in flight: done at once
      }
      auto msg = tx_.receive(wait());
      if (!msg) {
        flush_if_dirty();
        show_status();
        continue;
      }
      switch (msg->tag) {
        case Tag::Ready: idle_.push_back(msg->source); break;
        case Tag::Curve:
          on_curve(decode_curve(msg->bytes));
          show_status();
          break;
        case Tag::Result:
          on_result(msg->source, decode_result(msg->bytes));
          idle_.push_back(msg->source);
          break;
        default: throw std::runtime_error("unexpected message tag from rank " + std::to_string(msg->source));
      }
    }
    if (!stopping_)
      for (int w = 1; w < tx_.size(); ++w) tx_.send(w, Tag::Stop);
    store_.flush();
    if (todo > 0) progress_.status(counts(), now(), true);
    const double secs = now() - t0;
    if (stopping_) {
      std::printf("sweep %s: stopped (%s) after %.1f s: %d of %d jobs done; %s; "
                  "stopped, resumable: continue with --resume\n",
                  spec_.name.c_str(), stop_reason_.c_str(), secs, sched_->finished(), sched_->total(),
                  in_flight_text(in_flight_at_stop_, stopped_, sched_->running()).c_str());
      std::fflush(stdout);
      return kExitStopped;
    }
    if (!opt_.quiet) {
      if (todo == 0)
        std::printf("sweep %s: nothing to do, all %d jobs are done in %s\n", spec_.name.c_str(), sched_->total(),
                    opt_.out.c_str());
      else
        std::printf("sweep %s: done in %.1f s: %d jobs ok, %d failed or skipped; store %s; master CPU %.2f s (%.1f%% of wall)\n",
                    spec_.name.c_str(), secs, ok_, failed_, opt_.out.c_str(), cpu_seconds() - cpu0,
                    100.0 * (cpu_seconds() - cpu0) / std::max(secs, 1e-9));
    }
    return failed_ == 0 ? 0 : 3;
  }

 private:
  // Per job (runs, then points): what the status line's estimate needs.
  struct Work {
    bool in_session = false;   // not done before this session
    JobPhase phase = JobPhase::Pending;
    double started = 0.0;      // now() at its start
    double done = -1.0;        // a running train run's fraction from its curve; < 0: none yet
    double done_at_start = 0.0;
  };

  // Seconds since the master started, on its clock.
  double now() const { return clock_() - start_; }

  // How long one receive may wait: wakes at the time limit, not up to a
  // second after it.
  std::chrono::milliseconds wait() const {
    double s = stopping_ ? 0.2 : 1.0;
    if (!stopping_ && opt_.time_limit > 0) s = std::min(s, opt_.time_limit - now());
    return std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(std::ceil(s * 1000))));
  }

  // Matches the plan with the store's /points (reconcile.hpp), writes back what
  // that changed, and tells the scheduler what is already done.
  void load_store() {
    std::vector<bool> weights;
    for (std::size_t r = 0; r < plan_.runs.size(); ++r)
      weights.push_back(fs::exists(checkpoint_of(plan_, spec_, opt_.out, static_cast<int>(r))));
    Reconciled rec = reconcile(point_rows(plan_, spec_), plan_.runs.size(), store_.points(), store_.metrics(), weights);
    if (!rec.added.empty()) store_.add_points(rec.added);
    for (std::size_t i : rec.repaired) store_.set_point(i, rec.rows[i]);
    const std::vector<JobRef> loops = crash_loops(rec, spec_.max_retries);
    sched_.emplace(plan_, spec_, rec.prior);
    rows_ = std::move(rec.rows);
    run_row_ = std::move(rec.run_row);
    point_row_ = std::move(rec.point_row);
    has_metrics_ = std::move(rec.with_metrics);
    // The session's work: every job not done before it (a done run trained
    // again for its weights joins when it starts).
    work_.assign(plan_.runs.size() + plan_.points.size(), Work{});
    for (std::size_t r = 0; r < plan_.runs.size(); ++r) work_[r].in_session = !rec.prior.run_done[r];
    for (std::size_t p = 0; p < plan_.points.size(); ++p)
      work_[plan_.runs.size() + p].in_session = !rec.prior.point_done[p];
    for (JobRef job : loops) give_up_crash_loop(job);
    store_.flush();
    finished_at_start_ = sched_->finished();
  }

  Work& work(JobRef job) {
    return work_[job.kind == JobKind::Train ? static_cast<std::size_t>(job.index) : plan_.runs.size() + job.index];
  }

  // A job still "running" in a resumed store was cut short by a crash of its
  // process (which takes MPI down); after max_retries + 1 attempts it is given
  // up, so a job that kills its worker cannot crash-loop the sweep.
  void give_up_crash_loop(JobRef job) {
    const store::PointRow row = rows_[slot(job)];
    if (row.status != store::Status::Running) return;  // skipped meanwhile: its train run was given up
    const std::string why = crash_loop_message(row.attempts);
    store_.append_error(error_row(plan_, spec_, job, row.rank, why));
    end_job(job, store::Status::Failed, why, row.wall_seconds);
    ++failed_;
    for (int p : sched_->abandon(job))
      record_error({JobKind::Eval, p}, -1, "skipped: its train run failed", store::Status::Skipped, 0.0);
  }

  std::size_t& slot(JobRef job) { return job.kind == JobKind::Train ? run_row_[job.index] : point_row_[job.index]; }

  // A dispatch round over the idle workers; the round may call a stop.
  void hand_out() {
    const DispatchRound round = dispatch(*sched_, cost_, rules_, now(), idle_);
    for (const Assignment& a : round.assignments) start(a);
    if (round.stop)
      begin_stop("time limit: the " + std::to_string(sched_->total() - sched_->finished()) +
                 " jobs left would not finish within --time-limit " + human_seconds(opt_.time_limit));
  }

  // Marks the job running and sends it to every rank of its group.
  void start(const Assignment& a) {
    const int worker = a.ranks.front();
    const std::size_t i = slot(a.job);
    store::PointRow& row = rows_[i];
    row.status = store::Status::Running;
    row.attempts += 1;
    row.start_time = unix_now();
    row.end_time = 0.0;
    row.rank = worker;
    row.host = worker < static_cast<int>(opt_.hostnames.size()) ? opt_.hostnames[worker] : "";
    store_.set_point(i, row);
    dirty_ = true;
    Work& w = work(a.job);
    w = Work{true, JobPhase::Running, now(), -1.0, 0.0};

    JobMsg m;
    m.job = a.job;
    m.id = row.point_id;
    m.checkpoint = checkpoint_of(plan_, spec_, opt_.out, run_index(plan_, a.job));
    m.attempt = row.attempts;
    if (a.ranks.size() > 1) {
      m.group.assign(a.ranks.begin(), a.ranks.end());
      // MPI_Comm_create_group tags: unique among formations that can overlap
      // in time, and clear of the protocol's own tags.
      m.group_tag = 1000 + static_cast<std::int32_t>(groups_formed_++ % 30000);
    }
    const std::string bytes = encode(m);
    for (int w : a.ranks) tx_.send(w, Tag::Job, bytes);
  }

  void end_job(JobRef job, store::Status status, const std::string& error, double seconds) {
    work(job).phase = status == store::Status::Pending ? JobPhase::Pending : JobPhase::Finished;
    const std::size_t i = slot(job);
    store::PointRow& row = rows_[i];
    row.status = status;
    row.error = error;
    row.end_time = unix_now();
    row.wall_seconds = seconds;
    store_.set_point(i, row);
  }

  void record_error(JobRef job, int rank, const std::string& message, store::Status status, double seconds) {
    store_.append_error(error_row(plan_, spec_, job, rank, message));
    end_job(job, status, message, seconds);
    ++failed_;
  }

  void on_curve(const CurveMsg& c) {
    const std::int64_t run_id = plan_.runs.at(static_cast<std::size_t>(c.run)).run_id;
    std::vector<store::CurveRow> rows;
    for (const auto& p : c.points)
      rows.push_back({run_id, c.attempt, p.step, p.tokens, p.loss, p.lr, p.grad_norm, p.seconds});
    store_.append_curves(rows);
    dirty_ = true;
    // How far the run is: tokens so far of its D; the first row of an attempt
    // is where it started (a restart point's tokens were not trained now).
    Work& w = work({JobKind::Train, c.run});
    const double d = static_cast<double>(plan_.runs[static_cast<std::size_t>(c.run)].data_tokens);
    if (w.phase == JobPhase::Running && !c.points.empty() && d > 0) {
      if (w.done < 0) w.done_at_start = std::min(1.0, static_cast<double>(c.points.front().tokens) / d);
      w.done = std::min(1.0, static_cast<double>(c.points.back().tokens) / d);
    }
    if (now() - last_flush_ >= 1.0) flush_if_dirty();
  }

  // A graceful stop: no more dispatching; every worker gets Stop (a busy one
  // stops its job, a train job saving a restart point); jobs in flight report
  // back within the grace period.
  void begin_stop(const std::string& reason) {
    stopping_ = true;
    stop_reason_ = reason;
    in_flight_at_stop_ = sched_->running();
    stop_deadline_ = now() + opt_.grace_seconds;
    for (int w = 1; w < tx_.size(); ++w) tx_.send(w, Tag::Stop);
    if (!opt_.quiet) std::printf("sweep %s: stopping (%s): %d jobs in flight\n", spec_.name.c_str(), reason.c_str(),
                                 in_flight_at_stop_);
  }

  void on_result(int worker, const ResultMsg& r) {
    const std::int64_t id = rows_[slot(r.job)].point_id;
    switch (r.outcome) {
      case Outcome::Ok: {
        // A run trained again only for its weights already has its rows.
        if (!has_metrics_.count(id)) {
          store_.append(metric_rows(plan_, spec_, r.job, r.metrics));
          if (r.job.kind == JobKind::Eval) store_.append_example(example_row(plan_, spec_, r.job, r.example));
          if (r.job.kind == JobKind::Train)
            store_.append_run(run_row(plan_, spec_, r, checkpoint_of(plan_, spec_, opt_.out, r.job.index)));
          has_metrics_.insert(id);
        }
        end_job(r.job, store::Status::Done, "", r.seconds);
        sched_->finish(r.job, true);
        cost_.observe(r.job, r.seconds);
        ++ok_;
        break;
      }
      case Outcome::Stopped:
        // Not a failure: the job runs again on --resume (from its restart point).
        // The stop begins while the job still counts as in flight: a worker
        // that saw the signal first reports before the master has stopped.
        if (!stopping_)
          begin_stop(stop_requested_by_signal() ? "signal " + std::to_string(stop_signal_received())
                                                : "rank " + std::to_string(worker) + " stopped its job");
        end_job(r.job, store::Status::Pending, "stopped: " + r.error, r.seconds);
        sched_->requeue(r.job);
        ++stopped_;
        break;
      case Outcome::Failed:
        if (rows_[slot(r.job)].attempts <= spec_.max_retries && !stopping_) {
          store_.append_error(error_row(plan_, spec_, r.job, worker, r.error));
          end_job(r.job, store::Status::Pending, "retrying after: " + r.error, r.seconds);
          sched_->requeue(r.job);
          break;
        }
        give_up(r.job, worker, r.error, store::Status::Failed, r.seconds);
        break;
      case Outcome::Diverged: give_up(r.job, worker, r.error, store::Status::Diverged, r.seconds); break;
      case Outcome::TimedOut: give_up(r.job, worker, r.error, store::Status::Timeout, r.seconds); break;
    }
    store_.flush();
    last_flush_ = now();
    dirty_ = false;
    if (!opt_.quiet && (opt_.verbose || (r.outcome != Outcome::Ok && r.outcome != Outcome::Stopped))) {
      const store::PointRow& p = rows_[slot(r.job)];
      const JobLabel label{r.job.kind == JobKind::Train, p.model, p.data_tokens, p.prompt, p.task};
      progress_.job(job_text(sched_->finished(), sched_->total(), label, r, worker));
    }
    show_status();
  }

  void show_status() {
    if (progress_.due(now())) progress_.status(counts(), now(), false);
  }

  // The job has ended for good without a result; its dependants are skipped.
  void give_up(JobRef job, int rank, const std::string& error, store::Status status, double seconds) {
    record_error(job, rank, error, status, seconds);
    const std::string why = "skipped: its train run " + std::string(store::to_string(status));
    for (int p : sched_->finish(job, false)) record_error({JobKind::Eval, p}, -1, why, store::Status::Skipped, 0.0);
  }

  void flush_if_dirty() {
    if (!dirty_) return;
    store_.flush();
    last_flush_ = now();
    dirty_ = false;
  }

  ProgressCounts counts() const {
    ProgressCounts c;
    c.elapsed_s = now();
    c.finished = sched_->finished();
    c.total = sched_->total();
    c.running = sched_->running();
    c.failed = failed_;
    c.finished_this_session = sched_->finished() - finished_at_start_;
    const ProgressEstimate e = estimate(progress_input());
    c.flops_done = e.flops_done;
    c.flops_total = e.flops_total;
    c.eta_s = e.eta_s;
    return c;
  }

  // The session's jobs as the progress policy sees them, at the cost model's current rates.
  ProgressInput progress_input() const {
    ProgressInput in;
    in.workers = std::max(1, tx_.size() - 1);
    in.jobs.reserve(work_.size());
    std::vector<int> index(plan_.runs.size(), -1);  // of each run's entry in in.jobs
    const double t = now();
    for (std::size_t k = 0; k < work_.size(); ++k) {
      const Work& w = work_[k];
      if (!w.in_session) continue;
      const bool train = k < plan_.runs.size();
      const JobRef job{train ? JobKind::Train : JobKind::Eval,
                       static_cast<int>(train ? k : k - plan_.runs.size())};
      JobProgress j;
      j.phase = w.phase;
      j.flops = cost_.flops(job);
      j.predicted_s = cost_.seconds(job);
      j.ranks = sched_->ranks(job);
      if (w.phase == JobPhase::Running) {
        j.seconds = t - w.started;
        j.done = w.done;
        j.done_at_start = std::max(0.0, w.done_at_start);
      }
      if (train) index[k] = static_cast<int>(in.jobs.size());
      else j.waits_for = index[static_cast<std::size_t>(plan_.points[job.index].run)];
      in.jobs.push_back(j);
    }
    return in;
  }

  const Transport& tx_;
  const SweepSpec& spec_;
  const MasterOptions& opt_;
  const std::function<double()> clock_;
  Plan plan_;
  store::Store store_;
  CostModel cost_;  // predicted job seconds, learning throughput from finished jobs
  const double start_;  // clock_() when the store was open
  ProgressPrinter progress_;
  DispatchRules rules_;
  std::vector<store::PointRow> rows_;            // mirror of /points
  std::vector<std::size_t> run_row_, point_row_; // plan job -> /points row
  std::set<std::int64_t> has_metrics_;
  std::optional<Scheduler> sched_;
  int finished_at_start_ = 0;
  std::vector<Work> work_;
  std::deque<int> idle_;                         // idle workers, longest idle first
  std::int64_t groups_formed_ = 0;
  double last_flush_ = 0.0;
  bool dirty_ = false;
  int ok_ = 0, failed_ = 0;
  bool stopping_ = false;
  std::string stop_reason_;
  int in_flight_at_stop_ = 0;
  int stopped_ = 0;  // jobs that reported Stopped (a train run: restart point saved)
  double stop_deadline_ = 0.0;
};

}  // namespace

std::string checkpoint_path(const std::string& out, const std::string& model, std::int64_t data_tokens,
                            std::int64_t run_id) {
  const fs::path p(out);
  const fs::path dir = p.parent_path() / (p.stem().string() + ".ckpt");
  return (dir / (model + "-" + std::to_string(data_tokens) + "-" + std::to_string(run_id) + ".pt")).string();
}

int run_master(const Transport& transport, const SweepSpec& spec, const MasterOptions& options) {
  return Master(transport, spec, options).run();
}

}  // namespace sweep
