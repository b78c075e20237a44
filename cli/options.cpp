// Option tables; see options.hpp.
#include "cli/options.hpp"

#include <ostream>

namespace sweep::cli {

OptionTable::OptionTable(const std::string& caption, std::vector<std::string> operands, std::string rest)
    : options_(caption), operands_(std::move(operands)), rest_(std::move(rest)) {}

po::variables_map OptionTable::parse(int argc, const char* const* argv) const {
  po::options_description all;
  all.add(options_);
  po::positional_options_description positional;
  for (const auto& name : operands_) {
    all.add_options()(name.c_str(), po::value<std::string>());
    positional.add(name.c_str(), 1);
  }
  if (!rest_.empty()) {
    all.add_options()(rest_.c_str(), po::value<std::vector<std::string>>());
    positional.add(rest_.c_str(), -1);
  }
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
}

void OptionTable::usage(std::ostream& os, const std::string& synopsis, const std::string& epilogue) const {
  os << synopsis << options_ << epilogue;
}

}  // namespace sweep::cli
