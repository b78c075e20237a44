// An in-memory Transport for running the master without MPI, in virtual time.
// Its "workers" are scripted: a Job message makes the group's rank 0 answer
// with a Result (outcome and seconds from the script) once those seconds have
// passed on the virtual clock, and the group's other ranks with Ready at the
// same time; a Stop makes a busy worker report Stopped at once. Workers send
// Ready in rank order at time 0. Messages due at one time arrive ordered as
// sweep plan's simulator orders them (job kind, job index, group position), so
// master and simulator see ranks turn idle in the same order.
//
// receive(timeout) moves the clock to the next message or by the timeout,
// whichever comes first: the master's own clock (MasterOptions::clock reading
// now()) runs in step with what it receives.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "wire/transport.hpp"

namespace sweep::testing {

struct Scripted {
  Outcome outcome = Outcome::Ok;
  double seconds = 1.0;
  std::string error;
};

class ScriptedTransport final : public Transport {
 public:
  // How the attempt-th run of a job goes.
  using Script = std::function<Scripted(JobRef job, int attempt)>;

  // One message the master sent.
  struct Sent {
    double at = 0.0;
    int dest = 0;
    Tag tag = Tag::Stop;
    JobMsg job;  // Tag::Job only
  };

  ScriptedTransport(int workers, Script script) : workers_(workers), script_(std::move(script)) {
    for (int w = 1; w <= workers; ++w) queue_.emplace(Key{0.0, -1, w, 0}, Message{w, Tag::Ready, {}});
  }

  double now() const { return now_; }
  const std::vector<Sent>& sent() const { return sent_; }

  int rank() const override { return 0; }
  int size() const override { return workers_ + 1; }

  void send(int dest, Tag tag, const std::string& bytes) const override {
    if (dest < 1 || dest > workers_) throw std::logic_error("send to rank " + std::to_string(dest));
    Sent s{now_, dest, tag, {}};
    if (tag == Tag::Job) {
      s.job = decode_job(bytes);
      start(dest, s.job);
    } else if (tag == Tag::Stop) {
      stop(dest);
    }
    sent_.push_back(s);
  }

  std::optional<Message> receive(std::chrono::milliseconds timeout) const override {
    const double until = now_ + static_cast<double>(timeout.count()) / 1000.0;
    if (until > 1e7) throw std::runtime_error("virtual clock ran away: the master waits for nothing");
    if (queue_.empty() || std::get<0>(queue_.begin()->first) > until) {
      now_ = until;
      return std::nullopt;
    }
    auto it = queue_.begin();
    const Key key = it->first;
    Message m = it->second;
    queue_.erase(it);
    now_ = std::max(now_, std::get<0>(key));
    if (auto b = busy_.find(m.source); b != busy_.end() && b->second == key) busy_.erase(b);
    return m;
  }

  bool pending(int source, Tag tag) const override {
    for (const auto& [key, m] : queue_)
      if (std::get<0>(key) <= now_ && m.source == source && m.tag == tag) return true;
    return false;
  }

 private:
  using Key = std::tuple<double, int, int, int>;  // time, job kind (-1: start-up), job index, group position

  void start(int dest, const JobMsg& m) const {
    const int position = m.group.empty() ? 0 : static_cast<int>(std::find(m.group.begin(), m.group.end(), dest) - m.group.begin());
    const Scripted s = script_(m.job, m.attempt);
    const Key key{now_ + s.seconds, static_cast<int>(m.job.kind), m.job.index, position};
    if (position == 0) {
      ResultMsg r;
      r.job = m.job;
      r.outcome = s.outcome;
      r.error = s.error;
      r.seconds = s.seconds;
      if (s.outcome == Outcome::Ok) {
        r.n_params = 1000;
        if (m.job.kind == JobKind::Train) {
          r.metrics = {{"train_loss", 2.5, 0.0, 0, 0.0}, {"eval_loss", 2.75, 0.0, 0, 0.0}};
          r.steps = 10;
        } else {
          r.metrics = {{"accuracy", 0.5, 0.1, 20, 0.25}};
          r.example = {"1+1=", "2", "2"};
        }
      }
      queue_.emplace(key, Message{dest, Tag::Result, encode(r)});
    } else {
      queue_.emplace(key, Message{dest, Tag::Ready, {}});
    }
    busy_[dest] = key;
  }

  // A busy worker stops its job: group rank 0 reports Stopped now, the others exit.
  void stop(int dest) const {
    auto b = busy_.find(dest);
    if (b == busy_.end()) return;
    auto q = queue_.find(b->second);
    busy_.erase(b);
    if (q == queue_.end() || std::get<0>(q->first) <= now_) return;  // already reported
    Message m = q->second;
    const Key was = q->first;
    queue_.erase(q);
    if (m.tag != Tag::Result) return;
    ResultMsg r = decode_result(m.bytes);
    r.outcome = Outcome::Stopped;
    r.error = "stop requested";
    r.metrics.clear();
    r.seconds = now_ - (std::get<0>(was) - r.seconds);
    queue_.emplace(Key{now_, std::get<1>(was), std::get<2>(was), std::get<3>(was)},
                   Message{dest, Tag::Result, encode(r)});
  }

  const int workers_;
  const Script script_;
  mutable double now_ = 0.0;
  mutable std::map<Key, Message> queue_;
  mutable std::map<int, Key> busy_;  // worker -> its pending Result or Ready
  mutable std::vector<Sent> sent_;
};

}  // namespace sweep::testing
