// Worker loop; see worker.hpp.
#include "workers/worker.hpp"

#include <sys/resource.h>

#include <chrono>
#include <exception>

#include "kernels/evaluate.hpp"
#include "kernels/trainer.hpp"
#include "orchestrator/grid.hpp"
#include "workers/resources.hpp"

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

ResultMsg run_job(const Transport& tx, const SweepSpec& spec, const Plan& plan, const JobMsg& job) {
  const auto t0 = std::chrono::steady_clock::now();
  ResultMsg r;
  r.job = job.job;
  if (job.job.kind == JobKind::Train) {
    const TrainRun& run = plan.runs.at(static_cast<std::size_t>(job.job.index));
    if (run.run_id != job.id) throw std::runtime_error("job id does not match this rank's plan (grid differs?)");
    CurveStream curves(tx, job.job.index, job.attempt);
    const TrainResult t = train_model(spec.models[run.model], spec.train, grid_tasks(spec), run.data_tokens,
                                      spec.seed, job.checkpoint, [&](const StepLog& s) { curves.add(s); });
    curves.send(t.seconds);
    r.n_params = t.n_params;
    r.steps = t.steps;
    r.tokens_per_s = t.tokens_per_s;
    r.peak_rss_bytes = peak_rss_bytes();
    r.metrics = {{"train_loss", t.train_loss.mean, t.train_loss.std_err, t.train_loss.tokens},
                 {"eval_loss", t.eval_loss.mean, t.eval_loss.std_err, t.eval_loss.tokens}};
  } else {
    const EvalPoint& point = plan.points.at(static_cast<std::size_t>(job.job.index));
    if (point.point_id != job.id) throw std::runtime_error("job id does not match this rank's plan (grid differs?)");
    const TrainRun& run = plan.runs[point.run];
    GPT model = load_model(spec.models[run.model], spec.train, job.checkpoint);
    const Task task(spec.tasks[point.task], spec.seed);
    const EvalResult e = evaluate(model, task, point.prompt, spec.eval, spec.train.seq_len, spec.seed);
    r.n_params = model->n_params();
    r.metrics = {{"exact_match", e.exact_match.mean, e.exact_match.std_err, e.exact_match.n},
                 {"logprob", e.logprob.mean, e.logprob.std_err, e.logprob.n}};
  }
  r.ok = true;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace

void run_worker(const Transport& transport, const SweepSpec& spec, int threads) {
  set_compute_threads(threads);
  keep_freed_memory_in_heap();
  const Plan plan = expand(spec);
  transport.send(0, Tag::Ready);
  for (;;) {
    auto msg = transport.receive();
    if (msg.tag == Tag::Stop) return;
    const JobMsg job = decode_job(msg.bytes);
    ResultMsg r;
    try {
      r = run_job(transport, spec, plan, job);
    } catch (const TrainingDiverged& e) {
      r.job = job.job;
      r.ok = false;
      r.diverged = true;
      r.error = e.what();
    } catch (const c10::Error& e) {
      r.job = job.job;
      r.ok = false;
      r.error = e.what_without_backtrace();
    } catch (const std::exception& e) {
      r.job = job.job;
      r.ok = false;
      r.error = e.what();
    }
    transport.send(0, Tag::Result, encode(r));
  }
}

}  // namespace sweep
