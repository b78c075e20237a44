// cli::OptionTable: one table parses operands and options and prints the usage.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace sweep::cli {
namespace {

OptionTable table() {
  OptionTable t("sweep demo GRID", {"grid", "store"});
  t.add()("ranks,n", po::value<int>(), "MPI ranks")("quiet,q", "no progress lines")(
      "throughput", po::value<double>()->default_value(2.5), "FLOP/s");
  return t;
}

po::variables_map parse(const OptionTable& t, std::vector<const char*> args) {
  args.insert(args.begin(), "demo");  // argv[0] is skipped
  return t.parse(static_cast<int>(args.size()), args.data());
}

TEST(OptionTable, OperandsAndOptionsInAnyOrder) {
  const auto vm = parse(table(), {"-n", "4", "g.toml", "--quiet", "s.h5"});
  EXPECT_EQ(vm["grid"].as<std::string>(), "g.toml");
  EXPECT_EQ(vm["store"].as<std::string>(), "s.h5");
  EXPECT_EQ(vm["ranks"].as<int>(), 4);
  EXPECT_EQ(vm.count("quiet"), 1u);
  EXPECT_DOUBLE_EQ(vm["throughput"].as<double>(), 2.5);
  EXPECT_TRUE(vm["throughput"].defaulted());
}

TEST(OptionTable, MissingOperandsAreAbsent) {
  const auto vm = parse(table(), {});
  EXPECT_EQ(vm.count("grid"), 0u);
  EXPECT_EQ(vm.count("store"), 0u);
}

TEST(OptionTable, BadCommandLinesThrow) {
  EXPECT_THROW(parse(table(), {"a", "b", "c"}), po::error);          // one operand too many
  EXPECT_THROW(parse(table(), {"--bogus"}), po::error);              // unknown option
  EXPECT_THROW(parse(table(), {"--ranks", "four"}), po::error);      // not an int
}

TEST(OptionTable, UsageIsSynopsisTableEpilogue) {
  std::ostringstream os;
  table().usage(os, "usage: sweep demo GRID\n", "Exit status: 0\n");
  const std::string s = os.str();
  EXPECT_EQ(s.rfind("usage: sweep demo GRID\nsweep demo GRID:\n", 0), 0u) << s;
  EXPECT_NE(s.find("--ranks"), std::string::npos);
  EXPECT_NE(s.find("--throughput"), std::string::npos);
  EXPECT_EQ(s.find("--grid"), std::string::npos) << "operands are not listed as options";
  EXPECT_EQ(s.substr(s.size() - 15), "Exit status: 0\n");
}

TEST(OptionTable, RestOperandCollectsEveryFurtherOperandInOrder) {
  OptionTable t("sweep prepare", {}, "inputs");
  t.add()("out,o", po::value<std::string>(), "folder")("valid", po::value<std::vector<std::string>>(), "glob");
  const auto vm = parse(t, {"a.txt", "-o", "dir", "b/*.jsonl", "--valid", "v1", "c.gz", "--valid", "v2"});
  EXPECT_EQ(vm["inputs"].as<std::vector<std::string>>(), (std::vector<std::string>{"a.txt", "b/*.jsonl", "c.gz"}));
  EXPECT_EQ(vm["valid"].as<std::vector<std::string>>(), (std::vector<std::string>{"v1", "v2"}));
  EXPECT_EQ(vm["out"].as<std::string>(), "dir");
  EXPECT_EQ(parse(t, {"-o", "dir"}).count("inputs"), 0u);
  std::ostringstream os;
  t.usage(os, "");
  EXPECT_EQ(os.str().find("--inputs"), std::string::npos) << "the rest operand is not listed as an option";
}

}  // namespace
}  // namespace sweep::cli
