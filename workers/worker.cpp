// Worker loop; see worker.hpp.
#include "workers/worker.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>

#include "hf/safetensors.hpp"
#include "kernels/device/collectives.hpp"
#include "kernels/device/device.hpp"
#include "kernels/eval/evaluate.hpp"
#include "kernels/model/hf_model.hpp"
#include "kernels/train/trainer.hpp"
#include "spec/grid.hpp"
#include "workers/resources.hpp"
#include "wire/stop_signal.hpp"

namespace sweep {
namespace {

std::vector<Task> grid_tasks(const SweepSpec& spec) {
  std::vector<Task> tasks;
  for (int t : spec.grid.task) tasks.emplace_back(spec.tasks[t], spec.seed);
  return tasks;
}

std::int64_t peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::int64_t>(u.ru_maxrss) * 1024;  // Linux reports KiB
}

// Buffers a run's curve rows and sends them at most about once a second, so
// the store shows training progress live without a message per step.
class CurveStream {
 public:
  CurveStream(const Transport& tx, int run, std::int32_t attempt) : tx_(tx), msg_{run, attempt, {}} {}
  void add(const StepLog& s) {
    msg_.points.push_back({s.step, s.tokens, s.loss, s.lr, s.grad_norm, s.seconds});
    if (s.seconds - last_sent_ >= 1.0) send(s.seconds);
  }
  void send(double now) {
    if (msg_.points.empty()) return;
    tx_.send(0, Tag::Curve, encode(msg_));
    msg_.points.clear();
    last_sent_ = now;
  }

 private:
  const Transport& tx_;
  CurveMsg msg_;
  double last_sent_ = 0.0;
};

struct JobTimedOut : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct JobStopped : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Watches a running job: the sweep's job_timeout, and a graceful stop asked for
// by the master (a Stop message) or by a signal to this rank. MPI is probed at
// most every 0.2 s so the check costs nothing per training step.
class JobWatch {
 public:
  JobWatch(const Transport& tx, double timeout) : tx_(tx), timeout_(timeout), t0_(Clock::now()) {}

  double seconds() const { return std::chrono::duration<double>(Clock::now() - t0_).count(); }

  // Throws JobTimedOut past the timeout; true when the job should stop.
  bool stop_requested() {
    const double now = seconds();
    if (timeout_ > 0 && now > timeout_)
      throw JobTimedOut("job exceeded job_timeout of " + std::to_string(timeout_) + " s");
    if (stop_requested_by_signal()) return true;
    if (now - last_probe_ >= 0.2) {
      last_probe_ = now;
      stop_ = stop_ || tx_.pending(0, Tag::Stop);
    }
    return stop_;
  }

 private:
  using Clock = std::chrono::steady_clock;
  const Transport& tx_;
  double timeout_;
  Clock::time_point t0_;
  double last_probe_ = 0.0;
  bool stop_ = false;
};

// A job's ranks: this one alone, or a group (its communicator and collectives).
struct JobRanks {
  torch::Device device = torch::kCPU;
  std::optional<Communicator> comm;
  std::unique_ptr<Collectives> group;
  bool reports() const { return !group || group->leader(); }
};

// Whether the job goes on, agreed by every rank of a group: a stop or a
// timeout seen by any rank stops all of them at the same step, so none is left
// waiting in a collective.
bool agreed_stop(JobWatch& watch, const Collectives* group) {
  enum : int { Go = 0, Stop = 1, TimedOut = 2 };
  int mine = Go;
  std::string timed_out;
  try {
    mine = watch.stop_requested() ? Stop : Go;
  } catch (const JobTimedOut& e) {
    mine = TimedOut;
    timed_out = e.what();
  }
  const int all = group ? group->max(mine) : mine;
  if (all == TimedOut)
    throw JobTimedOut(timed_out.empty() ? "another rank of the group passed job_timeout" : timed_out);
  return all == Stop;
}

// A pretrained model's checkpoint folder, loaded for eval at the grid's context
// (load_hf refuses one the device cannot hold, before copying any weight).
LanguageModel load_pretrained(const ModelSpec& model, const std::string& folder, const SweepSpec& spec,
                              const torch::Device& device) {
  HfLoadOptions options;
  options.dtype = model.dtype == ModelDType::BFloat16 ? HfDType::BFloat16 : HfDType::Float32;
  options.device = device;
  options.block_size = spec.train.seq_len;
  return load_hf(folder, options);
}

// eval_bpb: the held-out loss in bits per UTF-8 byte, which runs with
// different tokenizers share; its baseline is the uniform guess's, likewise.
MetricValue bpb_metric(const LossStat& loss, double uniform) {
  return {"eval_bpb", bits_per_byte(loss.mean, loss), bits_per_byte(loss.std_err, loss), loss.tokens,
          bits_per_byte(uniform, loss)};
}

ResultMsg run_job(const Transport& tx, const SweepSpec& grid, const Plan& plan, const JobMsg& job, JobRanks& ranks) {
  JobWatch watch(tx, grid.job_timeout);
  Collectives* group = ranks.group.get();
  ResultMsg r;
  r.job = job.job;
  double earlier_seconds = 0.0;  // of a train run's sessions before this one
  if (job.job.kind == JobKind::Train) {
    const TrainRun& run = plan.runs.at(static_cast<std::size_t>(job.job.index));
    if (run.run_id != job.id) throw std::runtime_error("job id does not match this rank's plan (grid differs?)");
    const SweepSpec& spec = plan.spec_of(run);  // the run's settings (seed, train, model) on the grid's axes
    const ModelSpec& model = spec.models[run.model];
    const auto text = TextCorpus::open(spec.data, model.tokenizer);
    const double uniform = uniform_loss(model.vocab_size);
    if (model.external()) {
      // A model sweep did not train: nothing to train; its "run" checks that the
      // file loads and scores the held-out corpus, so /runs holds its eval_loss.
      LanguageModel lm = model.pretrained()
                             ? load_pretrained(model, job.checkpoint, spec, ranks.device)
                             : load_torchscript(job.checkpoint, spec.train.seq_len, model.n_params, model.vocab_size);
      lm.tokenizer = text->tokenizer;
      const LossStat loss = heldout_loss(lm, grid_tasks(spec), spec.train, spec.seed, group, text.get());
      r.n_params = model.n_params;
      r.n_params_non_embedding = lm.n_params_non_embedding;
      // The provenance of what was scored: the bytes of the weights this rank loaded.
      if (model.pretrained() && ranks.reports()) r.weights_sha256 = hf::Weights::open(job.checkpoint).checksum();
      r.peak_rss_bytes = peak_rss_bytes();
      r.metrics = {{"eval_loss", loss.mean, loss.std_err, loss.tokens, uniform},
                   bpb_metric(loss, uniform)};
    } else {
      CurveStream curves(tx, job.job.index, job.attempt);
      const TrainResult t = train_model(
          model, spec.train, grid_tasks(spec), run.data_tokens, spec.seed, job.checkpoint,
          [&](const StepLog& s) {
            if (ranks.reports()) curves.add(s);
          },
          10, [&](double) { return agreed_stop(watch, group) ? StepControl::Stop : StepControl::Continue; },
          {ranks.device, group}, text);
      if (ranks.reports()) curves.send(t.seconds);
      r.n_params = t.n_params;
      r.n_params_non_embedding = run.n_params_non_embedding;
      r.steps = t.steps;
      r.tokens_per_s = t.tokens_per_s;
      earlier_seconds = t.earlier_seconds;
      r.peak_rss_bytes = peak_rss_bytes();
      r.metrics = {{"train_loss", t.train_loss.mean, t.train_loss.std_err, t.train_loss.tokens, uniform},
                   {"eval_loss", t.eval_loss.mean, t.eval_loss.std_err, t.eval_loss.tokens, uniform},
                   bpb_metric(t.eval_loss, uniform)};
    }
  } else {
    const EvalPoint& point = plan.points.at(static_cast<std::size_t>(job.job.index));
    if (point.point_id != job.id) throw std::runtime_error("job id does not match this rank's plan (grid differs?)");
    const TrainRun& run = plan.runs[point.run];
    const SweepSpec& spec = plan.spec_of(point);  // its run's settings plus its eval settings
    const ModelSpec& spec_model = spec.models[run.model];
    LanguageModel model;
    on_every_rank(group, [&] {
      if (spec_model.pretrained())
        model = load_pretrained(spec_model, job.checkpoint, spec, ranks.device);
      else if (spec_model.external())
        model = load_torchscript(job.checkpoint, spec.train.seq_len, spec_model.n_params, spec_model.vocab_size);
      else
        model = on_device(load_model(spec_model, spec.train, job.checkpoint), ranks.device);
    });
    model.tokenizer = text::Tokenizer::shared(spec_model.tokenizer);  // eval needs no corpus
    const Task task(spec.tasks[point.task], spec.seed);
    const EvalResult e = evaluate(
        model, task, point.prompt, spec.eval, spec.train.seq_len, spec.seed,
        [&] {
          if (agreed_stop(watch, group)) throw JobStopped("eval stopped");
        },
        group);
    r.n_params = model.n_params;
    r.n_params_non_embedding = model.n_params_non_embedding;
    r.metrics = e.metrics;
    r.example = {e.example_context, e.example_target, e.example_output};
  }
  r.outcome = Outcome::Ok;
  // A run continued from a restart point: its earlier sessions' training
  // time too, so /runs.wall_seconds and tokens_per_s cover the whole run.
  r.seconds = watch.seconds() + earlier_seconds;
  return r;
}

}  // namespace

void run_worker(const MpiTransport& transport, const SweepSpec& spec, int threads) {
  set_compute_threads(threads);
  keep_freed_memory_in_heap();
  const torch::Device device = rank_device(transport.local_rank());
  const Plan plan = expand(spec);
  transport.send(0, Tag::Ready);
  for (;;) {
    auto msg = transport.receive();
    if (msg.tag == Tag::Stop) return;
    const JobMsg job = decode_job(msg.bytes);
    const auto t0 = std::chrono::steady_clock::now();
    ResultMsg r;
    auto fail = [&](Outcome outcome, const std::string& what) {
      r.job = job.job;
      r.outcome = outcome;
      r.error = what;
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    JobRanks ranks;
    ranks.device = device;
    try {
      if (job.group.size() > 1) {
        ranks.comm.emplace(transport.group(job.group, job.group_tag));
        ranks.group = collectives_for(ranks.comm->get(), device);
      }
      r = run_job(transport, spec, plan, job, ranks);
    } catch (const TrainingDiverged& e) {
      fail(Outcome::Diverged, e.what());
    } catch (const JobTimedOut& e) {
      fail(Outcome::TimedOut, e.what());
    } catch (const TrainingStopped& e) {
      fail(Outcome::Stopped, e.what());
    } catch (const JobStopped& e) {
      fail(Outcome::Stopped, e.what());
    } catch (const c10::Error& e) {
      fail(Outcome::Failed, e.what_without_backtrace());
    } catch (const std::exception& e) {
      fail(Outcome::Failed, e.what());
    }
    if (ranks.reports()) {
      transport.send(0, Tag::Result, encode(r));
    } else {
      // Group rank 0 reports the job; the others say why they failed (their
      // error is not in the store otherwise) and become idle again.
      if (r.outcome == Outcome::Failed)
        std::fprintf(stderr, "sweep: rank %d (group rank %d of %zu) failed its part of a group job: %s\n",
                     transport.rank(), ranks.group ? ranks.group->rank() : 0, job.group.size(), r.error.c_str());
      transport.send(0, Tag::Ready);
    }
  }
}

}  // namespace sweep
