// `sweep validate` and `sweep export`; see store_commands.hpp.
#include "cli/store_commands.hpp"

#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "cli/options.hpp"
#include "hdf5_schema/store.hpp"

namespace sweep {

int validate_command(int argc, char** argv) {
  cli::OptionTable table("sweep validate STORE.h5", {"store"});
  table.add()("help,h", "print this help and exit");
  const char* synopsis = "usage: sweep validate STORE.h5\n";
  cli::po::variables_map vm;
  try {
    vm = table.parse(argc - 1, argv + 1);
  } catch (const cli::po::error& e) {
    std::cerr << "sweep validate: " << e.what() << "\n" << synopsis;
    return 2;
  }
  if (vm.count("help")) {
    table.usage(std::cout, synopsis);
    return 0;
  }
  if (!vm.count("store")) {
    std::cerr << synopsis;
    return 2;
  }
  const std::string path = vm["store"].as<std::string>();
  const auto problems = store::Store::validate(path);
  for (const auto& p : problems) std::cout << p << "\n";
  if (problems.empty()) std::cout << path << ": valid (schema_version " << store::kSchemaVersion << ")\n";
  return problems.empty() ? 0 : 1;
}

int export_command(int argc, char** argv) {
  cli::OptionTable table("sweep export STORE.h5", {"store"});
  table.add()
      ("help,h", "print this help and exit")
      ("format", cli::po::value<std::string>()->default_value("csv"), "csv or jsonl")
      ("output", cli::po::value<std::string>(), "file to write (default: standard output)");
  const char* synopsis = "usage: sweep export STORE.h5 [--format csv|jsonl] [--output FILE]   tidy /metrics\n";
  cli::po::variables_map vm;
  try {
    vm = table.parse(argc - 1, argv + 1);
    if (vm.count("help")) {
      table.usage(std::cout, synopsis);
      return 0;
    }
    if (!vm.count("store")) throw cli::po::error("missing STORE.h5");
    const std::string format = vm["format"].as<std::string>();
    if (format != "csv" && format != "jsonl") throw cli::po::error("--format must be csv or jsonl, got " + format);
  } catch (const cli::po::error& e) {
    table.usage(std::cerr, "sweep export: " + std::string(e.what()) + "\n" + synopsis);
    return 2;
  }
  const std::string store_path = vm["store"].as<std::string>();
  const std::string format = vm["format"].as<std::string>();
  try {
    if (vm.count("output")) {
      std::ofstream out(vm["output"].as<std::string>());
      if (!out) throw std::runtime_error(vm["output"].as<std::string>() + ": cannot write");
      store::Store::export_metrics(store_path, format, out);
    } else {
      store::Store::export_metrics(store_path, format, std::cout);
    }
  } catch (const std::exception& e) {
    std::cerr << "sweep export: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sweep
