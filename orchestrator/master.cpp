// The master loop; see master.hpp. A job's metrics rows are the truth of its
// being done: /points statuses follow them, so a kill between the two writes
// is repaired on --resume. Results are flushed at once; curve rows at least
// once a second while they arrive.
#include "orchestrator/master.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <limits>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "common/clock.hpp"
#include "hdf5_schema/store.hpp"
#include "spec/grid.hpp"
#include "orchestrator/cost_model.hpp"
#include "orchestrator/scheduler.hpp"
#include "wire/stop_signal.hpp"

namespace sweep {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// CPU time of this process (user + system), to show the master does not spin.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Whether a person watches stdout. Open MPI gives ranks a pseudo-terminal even
// when mpirun itself writes to a file or pipe, so under a parent whose stdout
// we can see (Linux /proc), the parent's stdout decides.
bool stdout_is_terminal() {
  if (!isatty(STDOUT_FILENO)) return false;
  char target[256] = {};
  const std::string parent_stdout = "/proc/" + std::to_string(getppid()) + "/fd/1";
  const ssize_t n = readlink(parent_stdout.c_str(), target, sizeof target - 1);
  if (n <= 0) return true;
  const std::string t(target, static_cast<std::size_t>(n));
  return t.rfind("/dev/pts/", 0) == 0 || t.rfind("/dev/tty", 0) == 0;
}

// What identifies a job to a person: the axis values.
using Labels = std::tuple<std::string, std::string, std::int64_t, std::string, std::string>;
Labels labels_of(const store::PointRow& p) { return {p.job, p.model, p.data_tokens, p.prompt, p.task}; }

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

class Master {
 public:
  Master(const Transport& transport, const SweepSpec& spec, const MasterOptions& options)
      : tx_(transport), spec_(spec), opt_(options), plan_(expand(spec)), store_(open_store()),
        cost_(plan_, spec_, options.throughput) {
    reconcile();
  }

  int run() {
    const auto t0 = Clock::now();
    const double cpu0 = cpu_seconds();
    const int todo = sched_->total() - sched_->finished();
    if (!opt_.quiet)
      std::printf("sweep %s: %zu train runs, %zu eval points, %d to run, %d workers -> %s\n", spec_.name.c_str(),
                  plan_.runs.size(), plan_.points.size(), todo, tx_.size() - 1, opt_.out.c_str());
    // Runs until every job has finished, or, after a stop request, until the
    // jobs in flight have reported (or the grace period is over).
    while (stopping_ ? sched_->running() > 0 && Clock::now() < stop_deadline_ : !sched_->all_finished()) {
      if (!stopping_ && stop_requested_by_signal()) begin_stop("signal " + std::to_string(stop_signal_received()));
      if (!stopping_ && opt_.time_limit > 0 &&
          std::chrono::duration<double>(Clock::now() - start_).count() >= opt_.time_limit)
        begin_stop("time limit of " + human_seconds(opt_.time_limit) + " reached");
      if (!stopping_) dispatch();
      auto msg = tx_.receive(std::chrono::milliseconds(stopping_ ? 200 : 1000));
      if (!msg) {
        flush_if_dirty();
        status_line(false);
        continue;
      }
      switch (msg->tag) {
        case Tag::Ready: idle_.push_back(msg->source); break;
        case Tag::Curve: on_curve(decode_curve(msg->bytes)); break;
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
    if (todo > 0) status_line(true);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (stopping_) {
      std::printf("sweep %s: stopped (%s) after %.1f s: %d of %d jobs done, %d still running were %s; "
                  "stopped, resumable: continue with --resume\n",
                  spec_.name.c_str(), stop_reason_.c_str(), secs, sched_->finished(), sched_->total(),
                  in_flight_at_stop_, sched_->running() ? "cut off at the grace period" : "stopped cleanly");
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
                    100.0 * (cpu_seconds() - cpu0) / secs);
    }
    return failed_ == 0 ? 0 : 3;
  }

 private:
  store::Store open_store() {
    // Checked before the store exists: a group job that can never form would
    // leave the sweep waiting forever.
    const int workers = tx_.size() - 1;
    for (const ModelSpec& m : spec_.models)
      if (m.ranks_per_job > workers)
        throw std::runtime_error(spec_.path + ": model." + m.name + ".ranks_per_job = " +
                                 std::to_string(m.ranks_per_job) + " needs that many worker ranks, but this sweep has " +
                                 std::to_string(workers) + " (run with mpirun -np " +
                                 std::to_string(m.ranks_per_job + 1) + " or more: rank 0 is the master)");
    std::error_code ec;
    const auto kind = fs::status(opt_.out, ec).type();
    if (kind == fs::file_type::directory)
      throw std::runtime_error(opt_.out + ": is a directory; --out must name a store file (e.g. " + opt_.out +
                               "/" + spec_.name + ".h5)");
    if (kind != fs::file_type::not_found && kind != fs::file_type::regular && kind != fs::file_type::none)
      throw std::runtime_error(opt_.out + ": is not a regular file; --out must name a store file");
    const bool exists = fs::exists(opt_.out);
    if (exists && opt_.resume) {
      store::Store::recover(opt_.out);  // a killed resume's flags refuse even SWMR readers
      refuse_conflicts(store::Store::read_points(opt_.out));
      store::Session s{spec_.text, opt_.version, utc_now(), tx_.size(), opt_.slurm};
      return store::Store::resume(opt_.out, s);
    }
    if (exists && !opt_.force)
      throw std::runtime_error(opt_.out + ": store already exists; refusing to overwrite it (continue it with "
                                          "--resume, replace it with --force, or choose another --out)");
    // --force: the store refuses to replace a store whose writer is alive.
    if (exists) return store::Store::create(opt_.out, provenance(), job_rows(), /*force=*/true);
    // Created under a temporary name and renamed once complete (SWMR started),
    // so a kill during creation never leaves a half-made store at `out`.
    const std::string partial = opt_.out + ".creating";
    fs::remove(partial);
    store::Store s = store::Store::create(partial, provenance(), job_rows(), /*force=*/false);
    fs::rename(partial, opt_.out);
    return s;
  }

  store::Provenance provenance() const {
    store::Provenance p;
    p.grid_text = spec_.text;
    p.grid_path = spec_.path;
    p.sweep_name = spec_.name;
    p.sweep_version = opt_.version;
    p.seed = spec_.seed;
    p.ranks = tx_.size();
    p.created = utc_now();
    for (const auto& run : plan_.runs) p.resolved_config += run.config + "\n";
    p.torch_version = opt_.torch_version;
    p.mpi_version = opt_.mpi_version;
    p.nccl_version = opt_.nccl_version;
    for (const auto& h : opt_.hostnames) p.hostnames += h + "\n";
    p.slurm = opt_.slurm;
    return p;
  }

  // One /points row per job of the plan, pending; train runs first.
  std::vector<store::PointRow> job_rows() const {
    std::vector<store::PointRow> rows;
    for (std::size_t r = 0; r < plan_.runs.size(); ++r) rows.push_back(row_of({JobKind::Train, static_cast<int>(r)}));
    for (std::size_t p = 0; p < plan_.points.size(); ++p) rows.push_back(row_of({JobKind::Eval, static_cast<int>(p)}));
    return rows;
  }

  // The train run a job belongs to (itself, for a train job).
  int run_index(JobRef job) const {
    return job.kind == JobKind::Train ? job.index : plan_.points[job.index].run;
  }

  store::PointRow row_of(JobRef job) const {
    store::PointRow row;
    const bool train = job.kind == JobKind::Train;
    const EvalPoint* point = train ? nullptr : &plan_.points[job.index];
    const TrainRun& run = plan_.runs[run_index(job)];
    row.point_id = train ? run.run_id : point->point_id;
    row.job = train ? "train" : "eval";
    row.model = spec_.models[run.model].name;
    row.data_tokens = run.data_tokens;
    if (point) {
      row.prompt = to_string(point->prompt);
      row.task = spec_.tasks[point->task].name;
    }
    row.config = train ? run.config : point->config;
    return row;
  }

  std::size_t& slot(JobRef job) { return job.kind == JobKind::Train ? run_row_[job.index] : point_row_[job.index]; }

  // Refuses a store holding a job with this grid's axis values but another
  // config. Checked on a read-only view before the store is opened for writing,
  // so a refused --resume leaves the rows untouched (a killed writer's status
  // flags may have been cleared by Store::recover).
  void refuse_conflicts(const std::vector<store::PointRow>& stored) const {
    std::map<Labels, const store::PointRow*> by_labels;
    for (const auto& row : stored) by_labels[labels_of(row)] = &row;
    for (const auto& want : job_rows()) {
      auto it = by_labels.find(labels_of(want));
      if (it == by_labels.end() || it->second->point_id == want.point_id) continue;
      throw std::runtime_error(opt_.out + ": the store's " + want.job + " job (" + want.model + ", " +
                               std::to_string(want.data_tokens) + " tokens" +
                               (want.prompt.empty() ? "" : ", " + want.prompt + ", " + want.task) +
                               ") was run with another config (" + first_difference(it->second->config, want.config) +
                               "); refusing to resume it with this grid (use a new --out)");
    }
  }

  // Matches the plan's jobs with the store's /points: adds new jobs (an
  // enlarged grid) and tells the scheduler what is already done.
  void reconcile() {
    rows_ = store_.points();
    std::map<std::int64_t, std::size_t> by_id;
    for (std::size_t i = 0; i < rows_.size(); ++i) by_id[rows_[i].point_id] = i;
    std::set<std::int64_t> with_metrics;
    for (const auto& m : store_.metrics()) with_metrics.insert(m.point_id);

    run_row_.assign(plan_.runs.size(), 0);
    point_row_.assign(plan_.points.size(), 0);
    std::vector<store::PointRow> added;
    auto place = [&](JobRef job) {
      const store::PointRow want = row_of(job);
      if (auto it = by_id.find(want.point_id); it != by_id.end()) {
        slot(job) = it->second;
        return;
      }
      slot(job) = rows_.size() + added.size();
      added.push_back(want);
    };
    for (std::size_t r = 0; r < plan_.runs.size(); ++r) place({JobKind::Train, static_cast<int>(r)});
    for (std::size_t p = 0; p < plan_.points.size(); ++p) place({JobKind::Eval, static_cast<int>(p)});
    if (!added.empty()) {
      store_.add_points(added);
      rows_.insert(rows_.end(), added.begin(), added.end());
    }

    Prior prior;
    for (std::size_t r = 0; r < plan_.runs.size(); ++r) {
      prior.run_done.push_back(with_metrics.count(plan_.runs[r].run_id) > 0);
      prior.run_has_weights.push_back(fs::exists(checkpoint(static_cast<int>(r))));
    }
    for (const auto& p : plan_.points) prior.point_done.push_back(with_metrics.count(p.point_id) > 0);
    // Metrics written but the status update lost to a kill: the metrics win.
    for (auto& row : rows_) {
      if (with_metrics.count(row.point_id) && row.status != store::Status::Done) {
        row.status = store::Status::Done;
        store_.set_point(static_cast<std::size_t>(&row - rows_.data()), row);
      }
    }
    sched_.emplace(plan_, spec_, prior);
    has_metrics_ = std::move(with_metrics);
    give_up_crash_loops();
    store_.flush();
    finished_at_start_ = sched_->finished();
    for (std::size_t r = 0; r < plan_.runs.size(); ++r)
      if (!prior.run_done[r]) flops_total_ += cost_.flops({JobKind::Train, static_cast<int>(r)});
    for (std::size_t p = 0; p < plan_.points.size(); ++p)
      if (!prior.point_done[p]) flops_total_ += cost_.flops({JobKind::Eval, static_cast<int>(p)});
  }

  // A job still "running" in a store being resumed was cut short by a crash of
  // its process (which takes MPI down). After max_retries + 1 attempts it is
  // given up, so a job that kills its worker cannot crash-loop the sweep.
  void give_up_crash_loops() {
    auto check = [&](JobRef job) {
      const store::PointRow& row = rows_[slot(job)];
      if (row.status != store::Status::Running || row.attempts <= spec_.max_retries) return;
      const std::string why = "gave up after " + std::to_string(row.attempts) +
                              " attempts: the sweep's processes died while it ran";
      const std::string skip = "skipped: its train run failed";
      store_.append_error(error_row(job, row.rank, why));
      end_job(job, store::Status::Failed, why, row.wall_seconds);
      ++failed_;
      for (int p : sched_->abandon(job)) record_error({JobKind::Eval, p}, -1, skip, store::Status::Skipped, 0.0);
    };
    for (std::size_t r = 0; r < plan_.runs.size(); ++r) check({JobKind::Train, static_cast<int>(r)});
    for (std::size_t p = 0; p < plan_.points.size(); ++p) check({JobKind::Eval, static_cast<int>(p)});
  }

  std::string checkpoint(int run) const {
    const TrainRun& r = plan_.runs[run];
    const ModelSpec& m = spec_.models[r.model];
    if (m.external()) return m.torchscript;  // eval loads the user's file; nothing is saved
    return checkpoint_path(opt_.out, m.name, r.data_tokens, r.run_id);
  }

  // Hands ready jobs to idle workers: a job of a model with ranks_per_job = k
  // goes to k idle workers at once (preferring ranks on one host), which form
  // its group; until k are idle, jobs that fit the idle ones run meanwhile.
  void dispatch() {
    while (!idle_.empty()) {
      const double now = std::chrono::duration<double>(Clock::now() - start_).count();
      const int free = static_cast<int>(idle_.size());
      auto job = sched_->next_fitting(free, now, opt_.time_limit, cost_);
      if (!job) job = resumable_past_deadline(free);
      if (!job) {
        // Jobs are left, none can make progress before the time limit, nothing
        // runs and every worker is idle (fewer idle ones may just be too few for
        // a group job): stop, resumable.
        if (opt_.time_limit > 0 && sched_->running() == 0 && !sched_->all_finished() && free == tx_.size() - 1)
          begin_stop("time limit: the " + std::to_string(sched_->total() - sched_->finished()) +
                     " jobs left would not finish within --time-limit " + human_seconds(opt_.time_limit));
        return;
      }
      const std::vector<int> members = take_idle(sched_->ranks(*job));
      const int worker = members.front();
      const std::size_t i = slot(*job);
      store::PointRow& row = rows_[i];
      row.status = store::Status::Running;
      row.attempts += 1;
      row.start_time = unix_now();
      row.end_time = 0.0;
      row.rank = worker;
      row.host = worker < static_cast<int>(opt_.hostnames.size()) ? opt_.hostnames[worker] : "";
      store_.set_point(i, row);
      dirty_ = true;

      JobMsg m;
      m.job = *job;
      m.id = row.point_id;
      m.checkpoint = checkpoint(run_index(*job));
      m.attempt = row.attempts;
      if (members.size() > 1) {
        m.group.assign(members.begin(), members.end());
        // MPI_Comm_create_group tags: unique among formations that can overlap
        // in time, and clear of the protocol's own tags.
        m.group_tag = 1000 + static_cast<std::int32_t>(groups_formed_++ % 30000);
      }
      const std::string bytes = encode(m);
      for (int w : members) tx_.send(w, Tag::Job, bytes);
    }
  }

  // k idle workers for one job, the longest-idle first, then those on its host.
  std::vector<int> take_idle(int k) {
    std::vector<int> members{idle_.front()};
    idle_.pop_front();
    auto host = [&](int w) { return w < static_cast<int>(opt_.hostnames.size()) ? opt_.hostnames[w] : ""; };
    for (int pass = 0; pass < 2 && static_cast<int>(members.size()) < k; ++pass)
      for (auto it = idle_.begin(); it != idle_.end() && static_cast<int>(members.size()) < k;) {
        if (pass == 1 || host(*it) == host(members.front())) {
          members.push_back(*it);
          it = idle_.erase(it);
        } else {
          ++it;
        }
      }
    return members;
  }

  // With a time limit, a job predicted to end after it is not started, unless
  // it keeps its progress when stopped: a train run with restart points starts
  // anyway (the highest-priority one) and continues in the next allocation.
  std::optional<JobRef> resumable_past_deadline(int free) {
    if (opt_.time_limit <= 0 || spec_.train.checkpoint_every <= 0) return std::nullopt;
    auto job = sched_->next_fitting(free);
    if (job && job->kind != JobKind::Train) {
      sched_->requeue(*job);
      return std::nullopt;
    }
    return job;
  }

  // Axis columns shared by every metrics row of a job.
  store::MetricRow base_row(JobRef job) const {
    const store::PointRow p = row_of(job);
    const TrainRun& run = plan_.runs[run_index(job)];
    store::MetricRow row;
    row.point_id = p.point_id;
    row.model = p.model;
    row.n_params = run.n_params;
    row.data_tokens = run.data_tokens;
    row.prompt = p.prompt;
    row.task = p.task;
    row.train_flops = run.train_flops;
    return row;
  }

  void end_job(JobRef job, store::Status status, const std::string& error, double seconds) {
    const std::size_t i = slot(job);
    store::PointRow& row = rows_[i];
    row.status = status;
    row.error = error;
    row.end_time = unix_now();
    row.wall_seconds = seconds;
    store_.set_point(i, row);
  }

  store::ErrorRow error_row(JobRef job, int rank, const std::string& message) const {
    const store::MetricRow b = base_row(job);
    return {b.point_id, job.kind == JobKind::Train ? "train" : "eval", b.model, b.data_tokens, b.prompt, b.task,
            rank, message};
  }

  void record_error(JobRef job, int rank, const std::string& message, store::Status status, double seconds) {
    store_.append_error(error_row(job, rank, message));
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
    if (Clock::now() - last_flush_ >= std::chrono::seconds(1)) flush_if_dirty();
  }

  // A graceful stop: no more dispatching; every worker gets Stop (a busy one
  // stops its job, a train job saving a restart point); jobs in flight report
  // back within the grace period.
  void begin_stop(const std::string& reason) {
    stopping_ = true;
    stop_reason_ = reason;
    in_flight_at_stop_ = sched_->running();
    stop_deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(opt_.grace_seconds));
    for (int w = 1; w < tx_.size(); ++w) tx_.send(w, Tag::Stop);
    if (!opt_.quiet) std::printf("sweep %s: stopping (%s): %d jobs in flight\n", spec_.name.c_str(), reason.c_str(),
                                 in_flight_at_stop_);
  }

  void on_result(int worker, const ResultMsg& r) {
    const store::MetricRow base = base_row(r.job);
    switch (r.outcome) {
      case Outcome::Ok: {
        // A run trained again only for its weights already has its rows.
        if (!has_metrics_.count(base.point_id)) {
          std::vector<store::MetricRow> rows;
          for (const auto& m : r.metrics) {
            store::MetricRow row = base;
            row.metric = m.metric;
            row.value = m.value;
            row.std_err = m.std_err;
            row.n_examples = m.n_examples;
            row.random_baseline = m.random_baseline;
            rows.push_back(row);
          }
          store_.append(rows);
          if (r.job.kind == JobKind::Eval)
            store_.append_example({base.point_id, base.model, base.data_tokens, base.prompt, base.task,
                                   r.example.context, r.example.target, r.example.output});
          if (r.job.kind == JobKind::Train) store_.append_run(run_row(r));
          has_metrics_.insert(base.point_id);
        }
        end_job(r.job, store::Status::Done, "", r.seconds);
        sched_->finish(r.job, true);
        cost_.observe(r.job, r.seconds);
        ++ok_;
        break;
      }
      case Outcome::Stopped:
        // Not a failure: the job runs again on --resume (from its restart point).
        end_job(r.job, store::Status::Pending, "stopped: " + r.error, r.seconds);
        sched_->requeue(r.job);
        if (!stopping_)
          begin_stop(stop_requested_by_signal() ? "signal " + std::to_string(stop_signal_received())
                                                : "rank " + std::to_string(worker) + " stopped its job");
        break;
      case Outcome::Failed:
        if (rows_[slot(r.job)].attempts <= spec_.max_retries && !stopping_) {
          store_.append_error(error_row(r.job, worker, r.error));
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
    last_flush_ = Clock::now();
    dirty_ = false;
    if (r.outcome == Outcome::Ok) flops_done_ += cost_.flops(r.job);
    if (!opt_.quiet && (opt_.verbose || (r.outcome != Outcome::Ok && r.outcome != Outcome::Stopped)))
      job_line(worker, r, base);
    status_line(false);
  }

  // The job has ended for good without a result; its dependants are skipped.
  void give_up(JobRef job, int rank, const std::string& error, store::Status status, double seconds) {
    record_error(job, rank, error, status, seconds);
    const std::string why = "skipped: its train run " + std::string(store::to_string(status));
    for (int p : sched_->finish(job, false)) record_error({JobKind::Eval, p}, -1, why, store::Status::Skipped, 0.0);
  }

  store::RunRow run_row(const ResultMsg& r) const {
    const TrainRun& run = plan_.runs[r.job.index];
    const ModelSpec& m = spec_.models[run.model];
    store::RunRow row;
    row.run_id = run.run_id;
    row.model = m.name;
    row.n_layer = m.n_layer;
    row.d_model = m.d_model;
    row.n_head = m.n_head;
    row.n_params = r.n_params;
    row.data_tokens = run.data_tokens;
    row.train_flops = run.train_flops;
    row.steps = r.steps;
    // A TorchScript model trains nothing here: no train_loss (NaN).
    if (m.external()) row.train_loss = std::numeric_limits<double>::quiet_NaN();
    for (const auto& v : r.metrics) (v.metric == "train_loss" ? row.train_loss : row.eval_loss) = v.value;
    row.tokens_per_s = r.tokens_per_s;
    row.peak_rss_bytes = r.peak_rss_bytes;
    row.wall_seconds = r.seconds;
    row.checkpoint = checkpoint(r.job.index);
    return row;
  }

  void flush_if_dirty() {
    if (!dirty_) return;
    store_.flush();
    last_flush_ = Clock::now();
    dirty_ = false;
  }

  // One line per finished job (failures always, every job with --verbose).
  void job_line(int worker, const ResultMsg& r, const store::MetricRow& b) {
    std::ostringstream line;
    line << "[" << sched_->finished() << "/" << sched_->total() << "] "
         << (r.job.kind == JobKind::Train ? "train " : "eval  ") << b.model << " d=" << b.data_tokens;
    if (!b.prompt.empty()) line << " " << b.prompt << " " << b.task;
    static const char* const kOutcome[] = {"", "FAILED", "DIVERGED", "TIMED OUT", "STOPPED"};
    if (r.outcome == Outcome::Ok) {
      for (const auto& m : r.metrics) line << " " << m.metric << "=" << m.value;
    } else {
      line << " " << kOutcome[static_cast<int>(r.outcome)] << ": " << r.error;
    }
    char tail[64];
    std::snprintf(tail, sizeof tail, " (%.1f s, rank %d)", r.seconds, worker);
    if (tty_) std::cout << "\r\033[K";  // over the live status line, which is redrawn after
    std::cout << line.str() << tail << std::endl;
    last_status_ = {};
  }

  // The status line: jobs done/running/failed/total, FLOPs done/total, jobs
  // per minute and an ETA from the sweep's FLOP rate so far. On a terminal one
  // line updated in place (at most 4 times a second); in a batch log a plain
  // line every --progress-every seconds. `final` prints it regardless.
  void status_line(bool final) {
    if (opt_.quiet) return;
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - last_status_).count();
    if (!final && since < (tty_ ? 0.25 : opt_.progress_every)) return;
    last_status_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const int done = sched_->finished() - finished_at_start_;
    const double rate = flops_done_ / std::max(secs, 1e-9);
    const double left = flops_total_ - flops_done_;
    char line[256];
    std::snprintf(line, sizeof line,
                  "[%s] %d/%d jobs done, %d running, %d failed | %.3g/%.3g FLOP (%.0f%%) | %.1f jobs/min | ETA %s",
                  human_seconds(secs).c_str(), sched_->finished(), sched_->total(), sched_->running(), failed_,
                  flops_done_, flops_total_, flops_total_ > 0 ? 100.0 * flops_done_ / flops_total_ : 100.0,
                  60.0 * done / std::max(secs, 1e-9),
                  left <= 0 ? "-" : rate > 0 ? human_seconds(left / rate).c_str() : "?");
    if (tty_) {
      std::cout << "\r\033[K" << line << (final ? "\n" : "") << std::flush;
    } else {
      std::cout << line << std::endl;
    }
  }

  const Transport& tx_;
  const SweepSpec& spec_;
  const MasterOptions& opt_;
  Plan plan_;
  store::Store store_;
  CostModel cost_;  // predicted job seconds, learning throughput from finished jobs
  std::vector<store::PointRow> rows_;            // mirror of /points
  std::vector<std::size_t> run_row_, point_row_; // plan job -> /points row
  std::set<std::int64_t> has_metrics_;
  std::optional<Scheduler> sched_;
  const Clock::time_point start_ = Clock::now();
  const bool tty_ = opt_.progress == "live" || (opt_.progress == "auto" && stdout_is_terminal());
  Clock::time_point last_status_{};
  int finished_at_start_ = 0;
  double flops_total_ = 0.0, flops_done_ = 0.0;  // of the jobs this session runs
  std::deque<int> idle_;
  std::int64_t groups_formed_ = 0;
  Clock::time_point last_flush_ = Clock::now();
  bool dirty_ = false;
  int ok_ = 0, failed_ = 0;
  bool stopping_ = false;
  std::string stop_reason_;
  int in_flight_at_stop_ = 0;
  Clock::time_point stop_deadline_;
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
