// The option tables of sweep's subcommands (Boost.Program_options): one table
// of options plus named operands parses the command line, and the same table
// prints the usage, so the two cannot disagree.
#pragma once

#include <boost/program_options.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace sweep::cli {

namespace po = boost::program_options;

class OptionTable {
 public:
  // caption: the heading of the options in the usage. operands: names of the
  // positional arguments, in order, one string value each (vm["NAME"]).
  // rest: if not empty, the name that collects every further positional
  // argument as a std::vector<std::string> (vm["NAME"]).
  explicit OptionTable(const std::string& caption, std::vector<std::string> operands = {},
                       std::string rest = "");

  // Declares options: table.add()("ranks,n", po::value<int>(), "what it does").
  po::options_description_easy_init add() { return options_.add_options(); }

  // Parses argv[1..argc) (argv[0], the program or the subcommand's name, is
  // skipped) and runs the values' notifiers. Throws po::error.
  po::variables_map parse(int argc, const char* const* argv) const;

  // `synopsis`, the table, then `epilogue`.
  void usage(std::ostream& os, const std::string& synopsis, const std::string& epilogue = "") const;

  const po::options_description& options() const { return options_; }

 private:
  po::options_description options_;
  std::vector<std::string> operands_;
  std::string rest_;
};

}  // namespace sweep::cli
