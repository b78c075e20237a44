// A job of a sweep: a train run or an eval point, named by its index into the
// Plan. Shared by the cost model, the scheduler and the wire protocol.
#pragma once

#include <cstdint>

namespace sweep {

enum class JobKind : std::uint8_t { Train = 0, Eval = 1 };

struct JobRef {
  JobKind kind = JobKind::Train;
  int index = 0;  // into Plan::runs or Plan::points
};

}  // namespace sweep
