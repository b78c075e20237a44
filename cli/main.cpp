// sweep: the program. The store tools and `sweep plan` run without MPI and
// without LibTorch (cli/store_commands, cli/status_command, cli/plan_command,
// cli/analyze_command);
// `sweep prepare` tokenizes corpora over MPI ranks without LibTorch
// (cli/prepare_command); `sweep tokenize` (cli/tokenize_command) runs the
// tokenizers alone; `sweep score` (cli/score_command) scores text with a
// Hugging Face model through the worker module; anything else is a sweep
// under mpirun (cli/run_command), which loads the worker module too.
#include <string>

#include "cli/analyze_command.hpp"
#include "cli/plan_command.hpp"
#include "cli/prepare_command.hpp"
#include "cli/run_command.hpp"
#include "cli/score_command.hpp"
#include "cli/status_command.hpp"
#include "cli/store_commands.hpp"
#include "cli/tokenize_command.hpp"
#include "hdf5_schema/store.hpp"

int main(int argc, char** argv) {
  sweep::store::skip_hdf5_exit_cleanup();
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "validate") return sweep::validate_command(argc, argv);
  if (command == "export") return sweep::export_command(argc, argv);
  if (command == "status") return sweep::status_command(argc, argv);
  if (command == "plan") return sweep::plan_command(argc, argv);
  if (command == "prepare") return sweep::prepare_command(argc, argv, SWEEP_VERSION);
  if (command == "tokenize") return sweep::tokenize_command(argc, argv);
  if (command == "score") return sweep::score_command(argc, argv, SWEEP_VERSION);
  if (command == "analyze") return sweep::analyze_command(argc, argv, SWEEP_VERSION);
  return sweep::run_command(argc, argv, SWEEP_VERSION);
}
