// The wire protocol between rank 0 (master) and worker ranks, in one place.
//
//   worker -> master  Ready   (empty)       idle, send me a job (sent at start, and by
//                                           the other ranks of a group when its job ends)
//   master -> worker  Job     JobMsg        run this (to every rank of a group job's group)
//   worker -> master  Curve   CurveMsg      training-curve rows of the run in hand
//   worker -> master  Result  ResultMsg     done (and idle again); of a group job, from
//                                           its group rank 0 only (so are its Curves)
//   master -> worker  Stop    (empty)       no more work, or a graceful stop: a worker
//                                           polls for it during a job, stops the job
//                                           (train: saving a restart point), reports
//                                           Outcome::Stopped, then exits
//
//   rank 0 -> all    GridText (broadcast) the grid file's text, or why rank 0 could
//                                           not read it, once at start-up
//
// sweep prepare (cli/prepare_command.cpp encodes the bodies with Writer/Reader):
//   rank 0 -> all     (broadcast)           the plan: manifest JSON and units to do, or an error
//   rank r -> rank 0  PrepareProgress       this rank's file bytes and tokens so far
//   rank r -> rank 0  PrepareDone           a unit's shard records (rank 0 updates manifest.json)
//   rank r -> rank 0  PrepareFailed         why a unit failed (rank 0 then sends Stop to all)
//   rank r -> rank 0  PrepareFinished       this rank does no more work
//
// Every rank loads the same grid text (broadcast at start-up) and expands the
// same Plan, so a job travels as its kind and index; the id rides along so a
// worker can refuse a job that its own plan does not agree with.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "common/metric.hpp"
#include "spec/job.hpp"

namespace sweep {

enum class Tag : int {
  Ready = 1, Job = 2, Result = 3, Stop = 4, Curve = 5,
  PrepareProgress = 6, PrepareDone = 7, PrepareFailed = 8, PrepareFinished = 9,
};

struct JobMsg {
  JobRef job;
  std::int64_t id = 0;      // run_id or point_id
  std::string checkpoint;   // where the train run saves / the eval loads weights
  std::int32_t attempt = 1; // 1 for a job's first run; tags its curve rows
  // A group job: the world ranks that run it together, group rank 0 (the one
  // that reports) first; empty for a job one rank runs alone. The ranks build
  // their sub-communicator with MPI_Comm_create_group and this tag, which the
  // master makes unique per dispatch so concurrent formations never mix.
  std::vector<std::int32_t> group;
  std::int32_t group_tag = 0;
};

struct CurvePoint {
  std::int64_t step = 0;
  std::int64_t tokens = 0;
  double loss = 0.0, lr = 0.0, grad_norm = 0.0, seconds = 0.0;
};

struct CurveMsg {
  int run = 0;  // index into Plan::runs
  std::int32_t attempt = 1;
  std::vector<CurvePoint> points;
};

// The first eval example of a point as the model saw it (eval jobs only).
struct ExampleText {
  std::string context, target, output;
};

// How a job ended on its worker.
enum class Outcome : std::uint8_t {
  Ok = 0,
  Failed = 1,    // an exception: worth retrying
  Diverged = 2,  // the training loss became non-finite: retrying with the same seed cannot help
  TimedOut = 3,  // ran past the sweep's job_timeout
  Stopped = 4,   // a graceful stop: a train job saved a restart point; run it again on --resume
};

struct ResultMsg {
  JobRef job;
  Outcome outcome = Outcome::Failed;
  std::string error;
  std::int64_t n_params = 0;
  std::int64_t n_params_non_embedding = 0;
  double seconds = 0.0;
  std::vector<MetricValue> metrics;
  ExampleText example;  // eval jobs only
  // Train jobs only:
  std::int64_t steps = 0;
  double tokens_per_s = 0.0;
  std::int64_t peak_rss_bytes = 0;
  // A pretrained model's "sha256:<hex>" of the weights it loaded (hf::Weights::checksum).
  std::string weights_sha256;
};

// Little byte codec: fixed-width scalars as their bytes (all ranks share one
// architecture), strings and vectors length-prefixed.
class Writer {
 public:
  template <class T>
  Writer& put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    buf_.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
  }
  Writer& put(const std::string& s) {
    put<std::uint64_t>(s.size());
    buf_ += s;
    return *this;
  }
  std::string take() { return std::move(buf_); }

 private:
  std::string buf_;
};

class Reader {
 public:
  explicit Reader(const std::string& buf) : buf_(buf) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T));
    T v;
    std::memcpy(&v, buf_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    need(n);
    std::string s = buf_.substr(at_, n);
    at_ += n;
    return s;
  }

 private:
  void need(std::size_t n) const {
    if (buf_.size() - at_ < n) throw std::runtime_error("protocol: truncated message");
  }
  const std::string& buf_;
  std::size_t at_ = 0;
};

// The grid file as rank 0 read it; `error` set instead when it could not.
struct GridText {
  std::string text;
  std::string error;
};

inline std::string encode(const GridText& g) {
  Writer w;
  w.put(g.text).put(g.error);
  return w.take();
}

inline GridText decode_grid_text(const std::string& bytes) {
  Reader r(bytes);
  GridText g;
  g.text = r.get_string();
  g.error = r.get_string();
  return g;
}

inline std::string encode(const JobMsg& m) {
  Writer w;
  w.put(m.job.kind).put(m.job.index).put(m.id).put(m.checkpoint).put(m.attempt);
  w.put<std::uint64_t>(m.group.size());
  for (auto r : m.group) w.put(r);
  w.put(m.group_tag);
  return w.take();
}

inline JobMsg decode_job(const std::string& bytes) {
  Reader r(bytes);
  JobMsg m;
  m.job.kind = r.get<JobKind>();
  m.job.index = r.get<int>();
  m.id = r.get<std::int64_t>();
  m.checkpoint = r.get_string();
  m.attempt = r.get<std::int32_t>();
  const auto n = r.get<std::uint64_t>();
  if (n > (1u << 20)) throw std::runtime_error("protocol: group of " + std::to_string(n) + " ranks");
  for (std::uint64_t i = 0; i < n; ++i) m.group.push_back(r.get<std::int32_t>());
  m.group_tag = r.get<std::int32_t>();
  return m;
}

inline std::string encode(const CurveMsg& m) {
  Writer w;
  w.put(m.run).put(m.attempt).put<std::uint64_t>(m.points.size());
  for (const auto& p : m.points) w.put(p);
  return w.take();
}

inline CurveMsg decode_curve(const std::string& bytes) {
  Reader r(bytes);
  CurveMsg m;
  m.run = r.get<int>();
  m.attempt = r.get<std::int32_t>();
  const auto n = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < n; ++i) m.points.push_back(r.get<CurvePoint>());
  return m;
}

inline std::string encode(const ResultMsg& m) {
  Writer w;
  w.put(m.job.kind).put(m.job.index).put(m.outcome).put(m.error).put(m.n_params).put(m.seconds);
  w.put<std::uint64_t>(m.metrics.size());
  for (const auto& v : m.metrics) w.put(v.metric).put(v.value).put(v.std_err).put(v.n_examples).put(v.random_baseline);
  w.put(m.example.context).put(m.example.target).put(m.example.output);
  w.put(m.steps).put(m.tokens_per_s).put(m.peak_rss_bytes);
  w.put(m.n_params_non_embedding).put(m.weights_sha256);
  return w.take();
}

inline ResultMsg decode_result(const std::string& bytes) {
  Reader r(bytes);
  ResultMsg m;
  m.job.kind = r.get<JobKind>();
  m.job.index = r.get<int>();
  m.outcome = r.get<Outcome>();
  m.error = r.get_string();
  m.n_params = r.get<std::int64_t>();
  m.seconds = r.get<double>();
  const auto n = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < n; ++i) {
    MetricValue v;
    v.metric = r.get_string();
    v.value = r.get<double>();
    v.std_err = r.get<double>();
    v.n_examples = r.get<std::int64_t>();
    v.random_baseline = r.get<double>();
    m.metrics.push_back(std::move(v));
  }
  m.example.context = r.get_string();
  m.example.target = r.get_string();
  m.example.output = r.get_string();
  m.steps = r.get<std::int64_t>();
  m.tokens_per_s = r.get<double>();
  m.peak_rss_bytes = r.get<std::int64_t>();
  m.n_params_non_embedding = r.get<std::int64_t>();
  m.weights_sha256 = r.get_string();
  return m;
}

}  // namespace sweep
