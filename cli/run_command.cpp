// A sweep's rank roles; see run_command.hpp. Every rank parses the same grid
// text (read by rank 0, broadcast), so a bad grid stops every rank before any work.
#include "cli/run_command.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

#include "cli/options.hpp"
#include "cli/worker_module.hpp"
#include "orchestrator/cost_model.hpp"
#include "orchestrator/master.hpp"
#include "orchestrator/reconcile.hpp"
#include "orchestrator/slurm.hpp"
#include "spec/config.hpp"
#include "spec/data_check.hpp"
#include "wire/mpi_transport.hpp"
#include "wire/stop_signal.hpp"
#include "workers/entry.hpp"

namespace po = sweep::cli::po;

namespace sweep {
namespace {

cli::OptionTable run_options() {
  cli::OptionTable table("Options", {"grid"}, "override");
  table.add()
      ("help,h", "print this help and exit")
      ("version", "print the version and exit")
      ("check", "check the grid, its data and the store at --out as this command line would use them, then exit "
                "without MPI: 0 and one line when the sweep can start, else 2 and the error line "
                "(scripts/mpirun_sweep.sh runs it before mpirun)")
      ("out,o", po::value<std::string>(), "store path (overrides [sweep].out)")
      ("resume", "continue the store at --out: run only the jobs not done yet (starts it if absent)")
      ("force", "replace an existing store (without this, an existing store is refused)")
      ("threads", po::value<int>()->default_value(0),
       "compute threads per worker rank; 0: the node's cores / ranks on the node")
      ("stop-signal", po::value<std::string>()->default_value("USR2"),
       "signal that stops the sweep gracefully, besides SIGTERM and SIGINT (mpirun forwards USR1/USR2 to the "
       "ranks; NCCL uses USR1)")
      ("grace", po::value<double>()->default_value(60.0),
       "seconds that jobs in flight get to stop (saving restart points) after a stop request")
      ("time-limit", po::value<double>()->default_value(0.0),
       "seconds this run may take (under Slurm: the job's end time less --grace): a job predicted to end "
       "later is not started unless it keeps its progress (a train run with restart points); at the limit "
       "the sweep stops gracefully, resumable (0: no limit)")
      ("throughput", po::value<double>()->default_value(kDefaultThroughput),
       "FLOP/s per worker rank assumed for predictions until jobs have finished (then learnt per model)")
      ("verbose,v", "a line for every finished job with its metrics (failures always get one)")
      ("progress-every", po::value<double>()->default_value(30.0),
       "seconds between status lines when stdout is not a terminal (a terminal gets one live line)")
      ("progress", po::value<std::string>()->default_value("auto"),
       "live: one status line updated in place; lines: a plain line every --progress-every seconds (batch "
       "logs); auto: live when mpirun writes to a terminal")
      ("quiet,q", "no progress lines");
  return table;
}

constexpr const char* kSynopsis =
    "usage: mpirun -np N sweep GRID.toml [options] [KEY=VALUE ...]   (N >= 2: rank 0 schedules, ranks 1.. train)\n"
    "       KEY=VALUE overrides a grid key before the grid is checked (a TOML value, strings quoted:\n"
    "       train.lr=1e-3 grid.model='[\"s\",\"m\"]'); the store keeps them with the grid text\n"
    "       sweep validate STORE.h5                  check a store against the schema\n"
    "       sweep export STORE.h5 --format csv|jsonl [--output FILE]   tidy /metrics for other tools\n"
    "       sweep status STORE.h5 [--watch [SECONDS]]   jobs, failures, throughput, ETA (live or finished)\n"
    "       sweep plan GRID.toml --ranks P [--throughput FLOP/s]      predicted makespan, no MPI\n"
    "       sweep analyze STORE.h5 | --csv TIDY.csv [--json] [--out FILE]   scaling fits and ability verdicts\n"
    "       [mpirun -np N] sweep prepare --tokenizer T --out DIR INPUTS...   text -> llm.c token shards\n"

    "       sweep tokenize --tokenizer T [--decode] FILE   ids of each line (T: bytes or a tokenizer.json)\n"
    "       sweep score --model DIR --text FILE      per-token log-probabilities of each line (Hugging Face DIR)\n\n";
constexpr const char* kExitStatus =
    "\nExit status: 0 all jobs ok, 1 runtime error, 2 bad command line or grid file,\n"
    "3 completed with failures (see the store's /points and /errors), 4 stopped, resumable\n"
    "(after SIGTERM, SIGINT or --stop-signal: continue with --resume); validate: 1 when problems were found.\n";

MasterOptions master_options(const po::variables_map& vm, const SweepSpec& spec, const SweepWorkerEntry& worker,
                             const char* version) {
  MasterOptions mo;
  mo.resume = vm.count("resume") > 0;
  mo.force = vm.count("force") > 0;
  mo.torch_version = worker.torch_version;
  mo.nccl_version = worker.nccl_version;
  mo.mpi_version = mpi_library_version();
  mo.out = vm.count("out") ? vm["out"].as<std::string>() : spec.out;
  mo.quiet = vm.count("quiet") > 0;
  mo.verbose = vm.count("verbose") > 0;
  mo.progress_every = vm["progress-every"].as<double>();
  mo.progress = vm["progress"].as<std::string>();
  mo.grace_seconds = vm["grace"].as<double>();
  mo.time_limit = vm["time-limit"].as<double>();
  if (const auto slurm = current_slurm_job()) {
    mo.slurm = describe(*slurm);
    // Under Slurm the job's end time is the deadline, keeping the grace
    // period free for a graceful stop.
    if (mo.time_limit <= 0 && slurm->end_time > 0)
      mo.time_limit = std::max(1.0, slurm->end_time - static_cast<double>(std::time(nullptr)) - mo.grace_seconds);
  }
  mo.throughput = vm["throughput"].as<double>();
  mo.version = version;
  return mo;
}

// --check: what rank 0 would refuse before any work, without MPI or the
// worker module. Returns the exit status.
int check_only(const po::variables_map& vm) {
  const std::string grid_path = vm["grid"].as<std::string>();
  try {
    const SweepSpec spec = load_spec_file(grid_path, vm.count("override")
                                                         ? vm["override"].as<std::vector<std::string>>()
                                                         : std::vector<std::string>{});
    try {
      check_data(spec);
      for (const std::string& line : contamination_warnings(spec)) std::cerr << line << "\n";
    } catch (const std::exception& e) {
      std::cerr << grid_path << ": " << e.what() << "\n";
      return 2;
    }
    const std::string out = vm.count("out") ? vm["out"].as<std::string>() : spec.out;
    try {
      check_out(out, spec, vm.count("resume") > 0, vm.count("force") > 0);
    } catch (const StoreRefused& e) {
      std::cerr << "sweep: " << e.what() << "\n";
      return 2;
    }
    std::cout << grid_path << ": ok, sweep " << spec.name << " -> " << out << "\n";
    return 0;
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
}

void stop_workers(const MpiTransport& tx) {
  for (int w = 1; w < tx.size(); ++w) tx.send(w, Tag::Stop);
}

}  // namespace

bool first_process_by_environment() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"})
    if (const char* v = std::getenv(name)) return std::string(v) == "0";
  return true;
}

int run_command(int argc, char** argv, const char* version) {
  // Everything up to the module's load needs neither MPI nor LibTorch, so
  // --help, --version and a bad command line are answered at once.
  const bool first = first_process_by_environment();
  const auto table = run_options();
  po::variables_map vm;
  try {
    vm = table.parse(argc, argv);
  } catch (const po::error& e) {
    if (first) std::cerr << "sweep: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    if (first) table.usage(std::cout, kSynopsis, kExitStatus);
    return 0;
  }
  if (vm.count("version")) {
    if (first) std::cout << "sweep " << version << "\n";
    return 0;
  }
  if (!vm.count("grid")) {
    if (first) table.usage(std::cerr, kSynopsis, kExitStatus);
    return 2;
  }

  if (vm.count("check")) return check_only(vm);

  std::string load_error;
  const SweepWorkerEntry* worker = load_worker_module(version, load_error);
  if (worker == nullptr) {
    if (first) std::cerr << "sweep: " << load_error << "\n";
    return 1;
  }
  worker->prepare(argv);  // may re-execute this program: before anything else of the run starts
  // Before MPI_Init, which aborts (exit 1, Open MPI's own text) in this case.
  if (const auto problem = srun_without_pmi(process_environment())) {
    if (first) std::cerr << *problem << "\n";
    return 2;
  }
  // At once: mpirun may forward a stop signal while this process is starting.
  install_stop_handlers(SIGUSR2);
  MpiSession mpi(argc, argv);
  MpiTransport tx;
  const bool leader = tx.rank() == 0;

  const std::string grid_path = vm["grid"].as<std::string>();
  std::string read_error;
  const std::string text = share_grid_text(tx, grid_path, read_error);
  if (!read_error.empty()) {
    if (leader) std::cerr << read_error << "\n";
    return 2;
  }
  SweepSpec spec;
  try {
    // Every rank parses the same argv, so each applies the same overrides to the broadcast text.
    spec = load_spec_text(text, grid_path,
                          vm.count("override") ? vm["override"].as<std::vector<std::string>>()
                                               : std::vector<std::string>{});
  } catch (const ConfigError& e) {
    if (leader) std::cerr << e.what() << "\n";
    return 2;
  }
  if (vm.count("resume") && vm.count("force")) {
    if (leader) std::cerr << "sweep: --resume and --force exclude each other\n";
    return 2;
  }
  if (tx.size() < 2) {
    if (leader)
      std::cerr << "sweep: needs at least 2 MPI ranks (rank 0 schedules, the others train); "
                   "run e.g. mpirun -np 3 sweep " << grid_path << "\n";
    return 2;
  }
  try {
    install_stop_handlers(parse_signal(vm["stop-signal"].as<std::string>()));
  } catch (const std::invalid_argument& e) {
    if (leader) std::cerr << "sweep: --stop-signal: " << e.what() << "\n";
    return 2;
  }
  const auto hostnames = tx.hostnames();  // collective: every rank takes part

  if (leader) {
    MasterOptions mo = master_options(vm, spec, *worker, version);
    mo.hostnames = hostnames;
    if (mo.progress != "auto" && mo.progress != "live" && mo.progress != "lines") {
      std::cerr << "sweep: --progress must be auto, live or lines, got " << mo.progress << "\n";
      stop_workers(tx);
      return 2;
    }
    try {
      check_data(spec);
      for (const std::string& line : contamination_warnings(spec)) std::cerr << line << "\n";
    } catch (const std::exception& e) {
      std::cerr << grid_path << ": " << e.what() << "\n";
      stop_workers(tx);
      return 2;
    }
    try {
      return run_master(tx, spec, mo);
    } catch (const StoreRefused& e) {
      std::cerr << "sweep: " << e.what() << "\n";
      stop_workers(tx);
      return 2;  // a bad invocation: nothing was written
    } catch (const std::exception& e) {
      std::cerr << "sweep: error: " << e.what() << "\n";
      stop_workers(tx);  // workers finish the job in hand, then stop
      return 1;
    }
  }
  char error[4096] = "";
  if (worker->run(&tx, &spec, vm["threads"].as<int>(), error, sizeof error) != 0) {
    std::cerr << "sweep: rank " << tx.rank() << ": fatal: " << error << "\n";
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  return 0;
}

}  // namespace sweep
