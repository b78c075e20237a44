// sweep tokenize: encodes each line of FILE (ids space-separated) or, with
// --decode, decodes each line of ids. The whole input is read at once and the
// output written with one write, since corpora are large and lines short.
#include "cli/tokenize_command.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"
#include "text/tokenizer.hpp"

namespace sweep {
namespace {

std::string read_input(const std::string& path) {
  std::string data;
  if (path == "-") {
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) data.append(buf, n);
    if (std::ferror(stdin)) throw std::runtime_error("<stdin>: read error");
    return data;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Lines without their '\n'; a final '\n' does not start another line.
template <typename F>
void for_each_line(std::string_view data, F&& f) {
  std::size_t begin = 0, line = 1;
  while (begin < data.size()) {
    std::size_t end = data.find('\n', begin);
    if (end == std::string_view::npos) end = data.size();
    f(data.substr(begin, end - begin), line++);
    begin = end + 1;
  }
}

void write_all(const std::string& out) {
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0)
    throw std::runtime_error("standard output: write error: " + std::string(std::strerror(errno)));
}

std::string encode_lines(const text::Tokenizer& tok, std::string_view data) {
  std::string out;
  out.reserve(data.size() * 2);
  std::vector<text::TokenId> ids;
  char num[16];
  for_each_line(data, [&](std::string_view line, std::size_t) {
    ids.clear();
    tok.encode(line, ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (i) out += ' ';
      auto [end, ec] = std::to_chars(num, num + sizeof num, ids[i]);
      (void)ec;
      out.append(num, end);
    }
    out += '\n';
  });
  return out;
}

std::string decode_lines(const text::Tokenizer& tok, std::string_view data, const std::string& name) {
  std::string out;
  out.reserve(data.size());
  std::vector<text::TokenId> ids;
  for_each_line(data, [&](std::string_view line, std::size_t number) {
    ids.clear();
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      if (i == line.size()) break;
      std::size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
      const std::string_view word = line.substr(i, j - i);
      unsigned long long id = 0;
      const char* word_end = word.data() + word.size();
      auto [end, ec] = std::from_chars(word.data(), word_end, id);
      const std::string where = name + ":" + std::to_string(number) + ": ";
      const bool number_too_big = ec == std::errc::result_out_of_range;
      const bool is_number = ec == std::errc() && end == word_end;
      if (number_too_big || (is_number && id >= tok.vocab_size()))
        throw std::runtime_error(where + "id " + std::string(word) + " is outside the vocabulary (" +
                                 std::to_string(tok.vocab_size()) + ")");
      if (!is_number) throw std::runtime_error(where + "\"" + std::string(word) + "\" is not a token id");
      ids.push_back(static_cast<text::TokenId>(id));
      i = j;
    }
    try {
      out += tok.decode(ids);
    } catch (const text::TokenizerError& e) {
      throw std::runtime_error(name + ":" + std::to_string(number) + ": " + e.what());
    }
    out += '\n';
  });
  return out;
}

}  // namespace

int tokenize_command(int argc, char** argv) {
  const std::string synopsis =
      "usage: sweep tokenize --tokenizer T [--decode] FILE\n"
      "Encodes each line of FILE ('-': standard input) without its newline and\n"
      "no special tokens added, printing its ids space-separated, one line each;\n"
      "with --decode, reads lines of ids and prints their text.\n";
  cli::OptionTable table("Options", {"file"});
  table.add()
      ("help,h", "print this help and exit")
      ("tokenizer", cli::po::value<std::string>(), "\"bytes\" or the path of a tokenizer.json")
      ("decode", "decode lines of ids instead of encoding text");
  cli::po::variables_map vm;
  try {
    vm = table.parse(argc - 1, argv + 1);
    if (vm.count("help")) {
      table.usage(std::cout, synopsis);
      return 0;
    }
    if (!vm.count("tokenizer")) throw cli::po::error("--tokenizer is required");
    if (!vm.count("file")) throw cli::po::error("missing FILE");
  } catch (const cli::po::error& e) {
    table.usage(std::cerr, "sweep tokenize: " + std::string(e.what()) + "\n" + synopsis);
    return 2;
  }
  const std::string file = vm["file"].as<std::string>();
  try {
    const text::Tokenizer tok = text::Tokenizer::load(vm["tokenizer"].as<std::string>());
    const std::string data = read_input(file);
    const std::string name = file == "-" ? "<stdin>" : file;
    write_all(vm.count("decode") ? decode_lines(tok, data, name) : encode_lines(tok, data));
  } catch (const std::exception& e) {
    std::cerr << "sweep tokenize: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sweep
