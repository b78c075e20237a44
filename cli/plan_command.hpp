// `sweep plan GRID.toml --ranks P [--throughput FLOP/s] [--deadline SECONDS]`:
// predicts, without MPI, how long a grid takes on P ranks by simulating the
// scheduler (orchestrator/simulate.hpp) under the cost model, against a static
// round-robin split and a random order.
#pragma once

#include <iosfwd>
#include <string>

namespace sweep {

// argv[0] is the program, argv[1] "plan" (as main() receives them). Prints the
// plan to standard output; returns 0, or 2 for a bad command line or grid file
// (one line on standard error).
int plan_command(int argc, char** argv);

}  // namespace sweep
