// `sweep plan` quality and speed (figures for bench/RESULTS.md).
//
//   build/bench/bench_plan_makespan [sweeps/overnight.toml]
//
// 1. For the grid, simulated makespan / lower bound of the scheduler's policy,
//    a static round-robin split and a random order (mean and worst of 10 seeds),
//    at 8, 16, 64, 512 and 4096 ranks (ratios do not depend on the throughput).
// 2. Wall time of plan_command (load, expand, three simulations, print) for the
//    grid at 4096 ranks and for a generated 1,000,000-point grid (10 models x
//    100 data sizes x 2 prompts x 500 tasks, written as a TOML file).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "spec/config.hpp"
#include "cli/plan_command.hpp"
#include "orchestrator/simulate.hpp"

namespace {

double time_plan(const std::string& grid, int ranks) {
  std::vector<std::string> args{"sweep", "plan", grid, "--ranks", std::to_string(ranks), "--throughput", "4e14"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = sweep::plan_command(static_cast<int>(argv.size()), argv.data());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rc != 0) std::printf("plan_command returned %d\n", rc);
  return s;
}

std::string million_point_grid() {
  const std::string path = "/tmp/bench_plan_1m.toml";
  std::ofstream f(path);
  f << "[sweep]\nname = \"million\"\n[grid]\nmodel = [";
  for (int m = 0; m < 10; ++m) f << (m ? ", " : "") << "\"m" << m << "\"";
  f << "]\ndata_tokens = [";
  for (int d = 1; d <= 100; ++d) f << (d > 1 ? ", " : "") << 10'000'000LL * d;
  f << "]\nprompt = [\"zero_shot\", \"cot\"]\ntask = [";
  for (int t = 0; t < 500; ++t) f << (t ? ", " : "") << "\"t" << t << "\"";
  f << "]\n";
  for (int m = 0; m < 10; ++m)
    f << "[model.m" << m << "]\nn_layer = " << 2 + 2 * m << "\nd_model = " << 128 * (1 + m) << "\nn_head = 8\n";
  for (int t = 0; t < 500; ++t)
    f << "[task.t" << t << "]\nkind = \"" << (t % 2 ? "modular" : "addition") << "\"\ndigits = " << 1 + t % 9 << "\n";
  f << "[train]\nseq_len = 1024\n";
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string grid = argc > 1 ? argv[1] : "sweeps/overnight.toml";
  const sweep::SweepSpec spec = sweep::load_spec_file(grid);
  const sweep::Plan plan = sweep::expand(spec, sweep::ExpandOptions{false});
  const sweep::CostModel cost(plan, spec, 4e14);
  std::printf("%s: %zu train runs, %zu eval points\n\n", grid.c_str(), plan.runs.size(), plan.points.size());
  std::printf("| ranks | lower bound (h @4e14) | policy | round robin | random (mean of 10) | random (worst) |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (int ranks : {8, 16, 64, 512, 4096}) {
    const sweep::SimResult s = sweep::simulate(plan, spec, cost, ranks);
    const sweep::SimResult rr = sweep::simulate_round_robin(plan, spec, cost, ranks);
    double sum = 0, worst = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      const double r = sweep::simulate_random(plan, spec, cost, ranks, seed).makespan_s / s.lower_bound_s;
      sum += r;
      worst = std::max(worst, r);
    }
    std::printf("| %d | %.2f | %.4f | %.4f | %.4f | %.4f |\n", ranks, s.lower_bound_s / 3600,
                s.makespan_s / s.lower_bound_s, rr.makespan_s / s.lower_bound_s, sum / 10, worst);
  }
  std::printf("\n");
  const double t_grid = time_plan(grid, 4096);
  std::printf("\n");
  const std::string big = million_point_grid();
  const double t_big64 = time_plan(big, 64);
  std::printf("\n");
  const double t_big = time_plan(big, 4096);
  std::printf("\nplan_command wall time: %s at 4096 ranks %.3f s; 1,000,000-point grid at 64 ranks %.2f s, "
              "at 4096 ranks %.2f s\n",
              grid.c_str(), t_grid, t_big64, t_big);
  return 0;
}
