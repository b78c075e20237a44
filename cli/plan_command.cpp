// `sweep plan`; see plan_command.hpp.
#include "cli/plan_command.hpp"
#include "common/clock.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/options.hpp"
#include "spec/config.hpp"
#include "spec/data_check.hpp"
#include "orchestrator/cost_model.hpp"
#include "orchestrator/plan_advice.hpp"
#include "spec/grid.hpp"
#include "orchestrator/simulate.hpp"

namespace po = sweep::cli::po;

namespace sweep {
namespace {

cli::OptionTable plan_options() {
  cli::OptionTable table("sweep plan GRID.toml --ranks P [KEY=VALUE ...]", {"grid"}, "override");
  table.add()
      ("help,h", "print this help and exit")
      ("ranks,n", po::value<int>(), "MPI ranks (mpirun -np P): rank 0 schedules, P-1 ranks run jobs; P >= 2")
      ("throughput", po::value<double>()->default_value(kDefaultThroughput),
       "FLOP/s per rank. The default is a CPU figure (one thread, bench/RESULTS.md); on GPUs pass your own, "
       "e.g. 4e14 for an H100 at ~40% of its 990 TFLOP/s bf16")
      ("deadline", po::value<double>()->default_value(0.0),
       "seconds from the start, as sweep's --time-limit: a job that would end after it is not started, except a "
       "train run with restart points (train.checkpoint_every > 0), which runs until it; 0: none");
  return table;
}

constexpr const char* kSynopsis =
    "usage: sweep plan GRID.toml --ranks P [--throughput FLOP/s] [--deadline SECONDS] [KEY=VALUE ...]\n"
    "Predicts the makespan of a grid on P ranks (no MPI): the master's dispatch (longest remaining\n"
    "path first, ranks_per_job groups, the deadline) is simulated with each job taking FLOPs / throughput\n"
    "seconds, and compared with a static round-robin split of the train runs and a random order.\n"
    "For a budget grid it lists each budget's runs and FLOPs; for every grid it names the job that\n"
    "bounds the makespan, if one does, and the rank count past which added ranks stay idle.\n"
    "KEY=VALUE operands override the grid file's keys before it is checked, in order (a TOML value;\n"
    "quote strings: train.lr=1e-3 grid.model='[\"s\",\"m\"]').\n\n";

// One line per pretrained model of the grid: its size, dtype and the
// checkpoints its points load; a suite's grid values without a checkpoint are
// listed as skipped (they have no points).
void print_pretrained(const SweepSpec& spec) {
  for (int m : spec.grid.model) {
    const ModelSpec& model = spec.models[m];
    if (!model.pretrained()) continue;
    std::printf("  pretrained      %s: %lld params, %lld non-embedding, %s\n", model.name.c_str(),
                static_cast<long long>(model.n_params), static_cast<long long>(model.n_params_non_embedding),
                to_string(model.dtype));
    for (std::int64_t d : run_data_tokens(spec, m))
      std::printf("    data_tokens %lld: %s\n", static_cast<long long>(d), model.folder(d).c_str());
    const std::vector<std::int64_t> skipped = skipped_data_tokens(spec, m);
    if (skipped.empty()) continue;
    std::string list;
    for (std::int64_t d : skipped) list += (list.empty() ? "" : ", ") + std::to_string(d);
    std::printf("    skipped     data_tokens %s (no checkpoint: %zu eval points not in the grid)\n", list.c_str(),
                skipped.size() * spec.grid.prompt.size() * spec.grid.task.size());
  }
}

// One line per (cot, task file) pair without points: a file none of whose
// examples gives worked steps is not prompted with cot.
void print_skipped_prompts(const SweepSpec& spec) {
  std::size_t runs = 0;
  for (int m : spec.grid.model) runs += run_data_tokens(spec, m).size();
  for (const auto& [prompt, task] : skipped_prompt_tasks(spec))
    std::printf("  skipped         prompt %s on task %s (no example gives worked steps: %zu eval points not in the "
                "grid)\n",
                to_string(prompt), spec.tasks[static_cast<std::size_t>(task)].name.c_str(), runs);
}

// "1234.5 s", and beyond two minutes also as people read it: "7200.0 s (2.00 h)".
std::string seconds_text(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return s < 120 ? std::string(buf) : std::string(buf) + " (" + human_seconds(s) + ")";
}

// A run as a person finds it in the grid: model, D and its swept settings.
std::string run_text(const Plan& plan, const SweepSpec& spec, int run) {
  const TrainRun& r = plan.runs[static_cast<std::size_t>(run)];
  std::string out = spec.models[static_cast<std::size_t>(r.model)].name + " (D " + std::to_string(r.data_tokens);
  if (!r.axes.empty()) out += ", " + r.axes;
  return out + ")";
}

// The chain of jobs that is the critical path: a run, then its longest eval.
std::string critical_text(const Plan& plan, const SweepSpec& spec, const SimResult& s) {
  std::string out = "train " + run_text(plan, spec, s.critical_run);
  if (s.critical_point < 0) return out;
  const EvalPoint& p = plan.points[static_cast<std::size_t>(s.critical_point)];
  return out + ", then its eval " + to_string(p.prompt) + " on " + spec.tasks[static_cast<std::size_t>(p.task)].name;
}

// Per compute budget: its runs, their train FLOPs and the range of N and D/N;
// then the runs the tokens-per-parameter range left out.
void print_budgets(const Plan& plan, const SweepSpec& spec) {
  for (const BudgetWork& b : budget_work(plan, spec)) {
    std::printf("  budget %-8.3g %d runs, train FLOPs %.3g", b.compute, b.runs, b.train_flops);
    if (b.runs > 0)
      std::printf(", N %lld..%lld, D/N %.3g..%.3g", static_cast<long long>(b.min_params),
                  static_cast<long long>(b.max_params), b.min_tokens_per_param, b.max_tokens_per_param);
    if (b.skipped > 0) std::printf(", %d skipped", b.skipped);
    std::printf("\n");
  }
  constexpr std::size_t kListed = 20;  // a wide grid can skip hundreds: the first ones show the pattern
  for (std::size_t i = 0; i < plan.skipped.size() && i < kListed; ++i) {
    const SkippedRun& k = plan.skipped[i];
    std::printf("  skipped         %s at budget %.3g: D %lld, N %lld (%s)%s%s\n",
                spec.models[static_cast<std::size_t>(k.model)].name.c_str(), k.compute_budget,
                static_cast<long long>(k.data_tokens), static_cast<long long>(k.n_params), k.why.c_str(),
                k.axes.empty() ? "" : " ", k.axes.c_str());
  }
  if (plan.skipped.size() > kListed)
    std::printf("  skipped         ... and %zu more runs\n", plan.skipped.size() - kListed);
}

// The grid's setting axes, zip groups and what its exclusions left out.
void print_axes(const Plan& plan, const SweepSpec& spec) {
  for (const SettingAxis& a : spec.grid.settings) {
    std::string values;
    for (const std::string& v : a.shown) values += (values.empty() ? "" : ", ") + v;
    std::printf("  axis            %s = %s\n", a.key.c_str(), values.c_str());
  }
  for (const std::vector<std::string>& group : spec.grid.zip) {
    std::string names;
    for (const std::string& n : group) names += (names.empty() ? "" : ", ") + n;
    std::printf("  zip             %s (advance together)\n", names.c_str());
  }
  if (!spec.grid.exclude.empty())
    std::printf("  excluded        %lld runs, %lld eval points ([[grid.exclude]])\n",
                static_cast<long long>(plan.excluded_runs), static_cast<long long>(plan.excluded_points));
}

// Which of the two lower bounds holds the makespan on the given ranks (without
// a deadline), and how many ranks saturate the grid.
void print_advice(const Plan& plan, const SweepSpec& spec, const SimResult& s, const Saturation& sat, int ranks) {
  if (s.critical_run < 0) return;
  std::printf("  critical path   %s: %s\n", seconds_text(s.critical_path_s).c_str(), critical_text(plan, spec, s).c_str());
  if (bound_by_critical_path(s))
    std::printf("  advice          makespan bound by train %s (critical path %s of makespan %s)\n",
                run_text(plan, spec, s.critical_run).c_str(), seconds_text(s.critical_path_s).c_str(),
                seconds_text(s.makespan_s).c_str());
  else
    std::printf("  advice          makespan bound by total work / workers (%s over %d workers; critical path %s of "
                "makespan %s)\n",
                seconds_text(s.total_seconds / (ranks - 1)).c_str(), ranks - 1, seconds_text(s.critical_path_s).c_str(),
                seconds_text(s.makespan_s).c_str());
  std::printf("  advice          ranks that saturate this grid: %d (makespan %s, within %.0f%% of the critical path)\n",
              sat.ranks, seconds_text(sat.makespan_s).c_str(), 100.0 * (kSaturatedWithin - 1));
  std::printf("  advice          beyond %d ranks, added ranks stay idle\n", sat.ranks);
}

}  // namespace

int plan_command(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  const auto table = plan_options();
  po::variables_map vm;
  try {
    vm = table.parse(argc - 1, argv + 1);
    if (vm.count("help")) {
      table.usage(std::cout, kSynopsis);
      return 0;
    }
    if (!vm.count("grid")) throw po::error("missing GRID.toml");
    if (!vm.count("ranks")) throw po::error("missing --ranks P");
    if (vm["ranks"].as<int>() < 2) throw po::error("--ranks must be at least 2 (rank 0 schedules)");
    if (!(vm["throughput"].as<double>() > 0)) throw po::error("--throughput must be > 0");
    if (!(vm["deadline"].as<double>() >= 0)) throw po::error("--deadline must be >= 0");
  } catch (const po::error& e) {
    std::cerr << "sweep plan: " << e.what() << " (see sweep plan --help)\n";
    return 2;
  }
  const std::string path = vm["grid"].as<std::string>();
  const int ranks = vm["ranks"].as<int>();
  const double throughput = vm["throughput"].as<double>();
  const double deadline = vm["deadline"].as<double>();
  SweepSpec spec;
  try {
    spec = load_spec_file(path, vm.count("override") ? vm["override"].as<std::vector<std::string>>()
                                                     : std::vector<std::string>{});
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  std::vector<std::string> corpus;
  try {
    corpus = check_data(spec);
    for (const std::string& line : contamination_warnings(spec)) std::cerr << line << "\n";
  } catch (const std::exception& e) {
    std::cerr << path << ": " << e.what() << "\n";
    return 2;
  }

  const Plan plan = expand(spec, ExpandOptions{false});
  const CostModel cost(plan, spec, throughput);
  const SimResult s = simulate(plan, spec, cost, ranks, deadline);
  const SimResult rr = simulate_round_robin(plan, spec, cost, ranks);
  const SimResult rnd = simulate_random(plan, spec, cost, ranks, spec.seed);
  // Advice is about the grid, not the deadline: what bounds its full run.
  const SimResult full = deadline > 0 ? simulate(plan, spec, cost, ranks) : s;
  const Saturation sat = saturating_ranks(plan, spec, cost);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  auto ratio = [&](const SimResult& r) { return s.lower_bound_s > 0 ? r.makespan_s / s.lower_bound_s : 1.0; };
  std::printf("plan %s: %d ranks (rank 0 schedules, %d workers)\n", path.c_str(), ranks, ranks - 1);
  for (const std::string& line : corpus) std::printf("  corpus          %s\n", line.c_str());
  print_pretrained(spec);
  print_skipped_prompts(spec);
  print_axes(plan, spec);
  std::printf("  jobs            %d (%d train, %d eval)\n", s.jobs, s.train_jobs, s.eval_jobs);
  std::printf("  total FLOPs     %.3g\n", s.total_flops);
  print_budgets(plan, spec);
  std::printf("  throughput      %.3g FLOP/s per rank%s\n", throughput,
              vm["throughput"].defaulted() ? " (default: a 1-thread CPU figure; GPUs: pass --throughput)" : "");
  if (deadline > 0 && s.cut_off > 0)
    std::printf("  deadline        %s: %d of %d jobs fit, %d not started, %d train runs run into it (restart points)\n",
                human_seconds(deadline).c_str(), s.started - s.cut_off, s.jobs, s.jobs - s.started, s.cut_off);
  else if (deadline > 0)
    std::printf("  deadline        %s: %d of %d jobs fit, %d not started\n", human_seconds(deadline).c_str(),
                s.started, s.jobs, s.jobs - s.started);
  else if (s.started < s.jobs)
    std::printf("  not started     %d jobs (they need more ranks than there are workers)\n", s.jobs - s.started);
  std::printf("  makespan        %s (policy: longest remaining path first)\n", human_seconds(s.makespan_s).c_str());
  std::printf("  lower bound     %s (max of total/workers %s, critical path %s)\n",
              human_seconds(s.lower_bound_s).c_str(), human_seconds(s.total_seconds / (ranks - 1)).c_str(),
              human_seconds(s.critical_path_s).c_str());
  std::printf("  makespan/bound  %.3f\n", ratio(s));
  std::printf("  utilisation     %.1f%%\n", 100.0 * s.utilisation);
  std::printf("  round robin     %s (%.3f x bound; train runs split statically over workers)\n",
              human_seconds(rr.makespan_s).c_str(), ratio(rr));
  std::printf("  random order    %s (%.3f x bound; a random ready job to each free worker)\n",
              human_seconds(rnd.makespan_s).c_str(), ratio(rnd));
  print_advice(plan, spec, full, sat, ranks);
  std::printf("  planned in %.2f s (%d simulations to find the saturating rank count)\n", secs, sat.simulations);
  return 0;
}

}  // namespace sweep
