// One dispatch round; see dispatch.hpp.
#include "orchestrator/dispatch.hpp"

#include <optional>

namespace sweep {
namespace {

const std::string& host_of(const DispatchRules& rules, int rank) {
  static const std::string unknown;
  return rank >= 0 && rank < static_cast<int>(rules.hosts.size()) ? rules.hosts[rank] : unknown;
}

// k idle workers for one job: the longest-idle first, then those on its host, then any.
std::vector<int> take_idle(const DispatchRules& rules, int k, std::deque<int>& idle) {
  std::vector<int> members{idle.front()};
  idle.pop_front();
  const std::string& home = host_of(rules, members.front());
  for (int pass = 0; pass < 2 && static_cast<int>(members.size()) < k; ++pass)
    for (auto it = idle.begin(); it != idle.end() && static_cast<int>(members.size()) < k;) {
      if (pass == 1 || host_of(rules, *it) == home) {
        members.push_back(*it);
        it = idle.erase(it);
      } else {
        ++it;
      }
    }
  return members;
}

// Past the deadline only a train run with restart points may start, and only
// when it is the scheduler's first choice: an eval picked here goes back.
std::optional<JobRef> resumable_past_deadline(Scheduler& sched, const DispatchRules& rules, int free) {
  if (rules.time_limit_s <= 0 || !rules.restart_points) return std::nullopt;
  auto job = sched.next_fitting(free);
  if (job && job->kind != JobKind::Train) {
    sched.requeue(*job);
    return std::nullopt;
  }
  return job;
}

}  // namespace

DispatchRound dispatch(Scheduler& sched, const CostModel& cost, const DispatchRules& rules, double now_s,
                       std::deque<int>& idle) {
  DispatchRound round;
  while (!idle.empty()) {
    const int free = static_cast<int>(idle.size());
    auto job = sched.next_fitting(free, now_s, rules.time_limit_s, cost);
    if (!job) job = resumable_past_deadline(sched, rules, free);
    if (!job) {
      round.stop = rules.time_limit_s > 0 && sched.running() == 0 && !sched.all_finished() &&
                   free == rules.workers;
      break;
    }
    round.assignments.push_back({*job, take_idle(rules, sched.ranks(*job), idle)});
  }
  return round;
}

}  // namespace sweep
