// sweep: command line and rank roles. Every rank parses the same grid text
// (read by rank 0, broadcast), so a bad grid stops every rank before any work.
// The store tools (`sweep validate`, `sweep export`, `sweep analyze`) run without MPI.
#include <boost/program_options.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ctime>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "hdf5_schema/store.hpp"
#include "cli/analyze_command.hpp"
#include "spec/config.hpp"
#include "orchestrator/cost_model.hpp"
#include "orchestrator/master.hpp"
#include "cli/plan_command.hpp"
#include "orchestrator/slurm.hpp"
#include "wire/stop_signal.hpp"
#include "wire/mpi_transport.hpp"
#include "workers/resources.hpp"
#include "workers/worker.hpp"

namespace po = boost::program_options;

namespace {

// The one table of options: it parses the command line and prints --help.
po::options_description option_table() {
  po::options_description opts("Options");
  opts.add_options()
      ("help,h", "print this help and exit")
      ("version", "print the version and exit")
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
      ("throughput", po::value<double>()->default_value(sweep::kDefaultThroughput),
       "FLOP/s per worker rank assumed for predictions until jobs have finished (then learnt per model)")
      ("verbose,v", "a line for every finished job with its metrics (failures always get one)")
      ("progress-every", po::value<double>()->default_value(30.0),
       "seconds between status lines when stdout is not a terminal (a terminal gets one live line)")
      ("progress", po::value<std::string>()->default_value("auto"),
       "live: one status line updated in place; lines: a plain line every --progress-every seconds (batch "
       "logs); auto: live when mpirun writes to a terminal")
      ("quiet,q", "no progress lines");
  return opts;
}

void usage(std::ostream& os, const po::options_description& opts) {
  os << "usage: mpirun -np N sweep GRID.toml [options]   (N >= 2: rank 0 schedules, ranks 1.. train)\n"
     << "       sweep validate STORE.h5                  check a store against the schema\n"
     << "       sweep export STORE.h5 --format csv|jsonl [--output FILE]   tidy /metrics for other tools\n"
     << "       sweep plan GRID.toml --ranks P [--throughput FLOP/s]      predicted makespan, no MPI\n"
     << "       sweep analyze STORE.h5 | --csv TIDY.csv [--json] [--out FILE]   scaling fits and ability verdicts\n\n"
     << opts << "\nExit status: 0 all jobs ok, 1 runtime error, 2 bad command line or grid file,\n"
     << "3 completed with failures (see the store's /points and /errors), 4 stopped, resumable\n"
     << "(after SIGTERM, SIGINT or --stop-signal: continue with --resume); validate: 1 when problems were found.\n";
}

int validate_command(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: sweep validate STORE.h5\n";
    return 2;
  }
  const auto problems = sweep::store::Store::validate(argv[2]);
  for (const auto& p : problems) std::cout << p << "\n";
  if (problems.empty()) std::cout << argv[2] << ": valid (schema_version " << sweep::store::kSchemaVersion << ")\n";
  return problems.empty() ? 0 : 1;
}

int export_command(int argc, char** argv) {
  po::options_description opts("sweep export STORE.h5");
  opts.add_options()
      ("format", po::value<std::string>()->default_value("csv"), "csv or jsonl")
      ("output", po::value<std::string>(), "file to write (default: standard output)");
  po::options_description all;
  all.add(opts).add_options()("store", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("store", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(all).positional(positional).run(), vm);
    if (!vm.count("store")) throw po::error("missing STORE.h5");
    const std::string format = vm["format"].as<std::string>();
    if (format != "csv" && format != "jsonl") throw po::error("--format must be csv or jsonl, got " + format);
  } catch (const po::error& e) {
    std::cerr << "sweep export: " << e.what() << "\n" << opts;
    return 2;
  }
  try {
    if (vm.count("output")) {
      std::ofstream out(vm["output"].as<std::string>());
      if (!out) throw std::runtime_error(vm["output"].as<std::string>() + ": cannot write");
      sweep::store::Store::export_metrics(vm["store"].as<std::string>(), vm["format"].as<std::string>(), out);
    } else {
      sweep::store::Store::export_metrics(vm["store"].as<std::string>(), vm["format"].as<std::string>(), std::cout);
    }
  } catch (const std::exception& e) {
    std::cerr << "sweep export: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  sweep::store::skip_hdf5_exit_cleanup();
  if (argc > 1 && std::string(argv[1]) == "validate") return validate_command(argc, argv);
  if (argc > 1 && std::string(argv[1]) == "export") return export_command(argc, argv);
  if (argc > 1 && std::string(argv[1]) == "plan") return sweep::plan_command(argc, argv);
  if (argc > 1 && std::string(argv[1]) == "analyze") return sweep::analyze_command(argc, argv, SWEEP_VERSION);
  sweep::reexec_with_fitting_openblas_core(argv);  // before anything else of the run starts
  // Before MPI_Init, which aborts (exit 1, Open MPI's own text) in this case.
  if (const auto problem = sweep::srun_without_pmi(sweep::process_environment())) {
    if (std::getenv("SLURM_PROCID") == nullptr || std::string(std::getenv("SLURM_PROCID")) == "0")
      std::cerr << *problem << "\n";
    return 2;
  }
  // At once: mpirun may forward a stop signal while this process is starting.
  sweep::install_stop_handlers(SIGUSR2);
  sweep::MpiSession mpi(argc, argv);
  sweep::MpiTransport tx;
  const bool leader = tx.rank() == 0;
  const auto opts = option_table();
  po::options_description all;
  all.add(opts).add_options()("grid", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("grid", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    if (leader) std::cerr << "sweep: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    if (leader) usage(std::cout, opts);
    return 0;
  }
  if (vm.count("version")) {
    if (leader) std::cout << "sweep " << SWEEP_VERSION << "\n";
    return 0;
  }
  if (!vm.count("grid")) {
    if (leader) usage(std::cerr, opts);
    return 2;
  }

  const std::string grid_path = vm["grid"].as<std::string>();
  std::string read_error;
  const std::string text = sweep::share_grid_text(tx, grid_path, read_error);
  if (!read_error.empty()) {
    if (leader) std::cerr << read_error << "\n";
    return 2;
  }
  sweep::SweepSpec spec;
  try {
    spec = sweep::load_spec_text(text, grid_path);
  } catch (const sweep::ConfigError& e) {
    if (leader) std::cerr << e.what() << "\n";
    return 2;
  }
  if (vm.count("resume") && vm.count("force")) {
    if (leader) std::cerr << "sweep: --resume and --force exclude each other\n";
    return 2;
  }
  const auto slurm = sweep::current_slurm_job();
  if (tx.size() < 2) {
    if (leader)
      std::cerr << "sweep: needs at least 2 MPI ranks (rank 0 schedules, the others train); "
                   "run e.g. mpirun -np 3 sweep " << grid_path << "\n";
    return 2;
  }

  try {
    sweep::install_stop_handlers(sweep::parse_signal(vm["stop-signal"].as<std::string>()));
  } catch (const std::invalid_argument& e) {
    if (leader) std::cerr << "sweep: --stop-signal: " << e.what() << "\n";
    return 2;
  }
  const auto hostnames = tx.hostnames();  // collective: every rank takes part
  if (leader) {
    sweep::MasterOptions mo;
    mo.resume = vm.count("resume") > 0;
    mo.force = vm.count("force") > 0;
    mo.torch_version = SWEEP_TORCH_VERSION;
    mo.nccl_version = SWEEP_NCCL_VERSION;
    mo.mpi_version = sweep::mpi_library_version();
    mo.hostnames = hostnames;
    mo.out = vm.count("out") ? vm["out"].as<std::string>() : spec.out;
    mo.quiet = vm.count("quiet") > 0;
    mo.verbose = vm.count("verbose") > 0;
    mo.progress_every = vm["progress-every"].as<double>();
    mo.progress = vm["progress"].as<std::string>();
    if (mo.progress != "auto" && mo.progress != "live" && mo.progress != "lines") {
      std::cerr << "sweep: --progress must be auto, live or lines, got " << mo.progress << "\n";
      for (int w = 1; w < tx.size(); ++w) tx.send(w, sweep::Tag::Stop);
      return 2;
    }
    mo.grace_seconds = vm["grace"].as<double>();
    mo.time_limit = vm["time-limit"].as<double>();
    if (slurm) {
      mo.slurm = sweep::describe(*slurm);
      // Under Slurm the job's end time is the deadline, keeping the grace
      // period free for a graceful stop.
      if (mo.time_limit <= 0 && slurm->end_time > 0)
        mo.time_limit = std::max(1.0, slurm->end_time - static_cast<double>(std::time(nullptr)) - mo.grace_seconds);
    }
    mo.throughput = vm["throughput"].as<double>();
    mo.version = SWEEP_VERSION;
    try {
      return sweep::run_master(tx, spec, mo);
    } catch (const std::exception& e) {
      std::cerr << "sweep: error: " << e.what() << "\n";
      // Workers finish the job in hand, then stop.
      for (int w = 1; w < tx.size(); ++w) tx.send(w, sweep::Tag::Stop);
      return 1;
    }
  }
  try {
    int threads = vm["threads"].as<int>();
    if (threads <= 0)
      threads = sweep::threads_per_rank(static_cast<int>(std::thread::hardware_concurrency()), tx.local_ranks());
    sweep::run_worker(tx, spec, threads);
  } catch (const std::exception& e) {
    std::cerr << "sweep: rank " << tx.rank() << ": fatal: " << e.what() << "\n";
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  return 0;
}
