// Tidy CSV reader (see tidy.hpp).
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include "analysis/tidy.hpp"

namespace sweep::analysis {
namespace {

// Splits one CSV record (RFC 4180: quoted fields, "" for a quote). Records
// spanning lines are not supported: tidy tables have no newlines in fields.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

double number(const std::string& s, const std::string& where) {
  if (s.empty() || s == "nan" || s == "NaN" || s == "null") return std::nan("");
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s.size()) throw std::runtime_error(where + ": not a number: '" + s + "'");
  return v;
}

}  // namespace

std::vector<TidyRow> read_tidy_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(path + ": empty file, expected a header line");
  std::map<std::string, std::size_t> col;
  const auto header = split_csv(line);
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* need : {"model", "n_params", "data_tokens", "task", "prompt", "metric", "value"})
    if (!col.count(need))
      throw std::runtime_error(path + ":1: missing column '" + need +
                               "' (need model, n_params, data_tokens, flops, task, prompt, metric, value)");
  std::vector<TidyRow> rows;
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv(line);
    const std::string where = path + ":" + std::to_string(lineno);
    if (f.size() != header.size())
      throw std::runtime_error(where + ": " + std::to_string(f.size()) + " fields, header has " +
                               std::to_string(header.size()));
    auto text = [&](const char* c) { return f[col.at(c)]; };
    // Empty (or nan/null) reads as unknown, NaN; anything else must be finite.
    auto num = [&](const char* c) {
      const double v = col.count(c) ? number(f[col.at(c)], where) : std::nan("");
      if (std::isinf(v)) throw std::runtime_error(where + ": " + c + ": expected a finite number, got '" + f[col.at(c)] + "'");
      return v;
    };
    auto need = [&](const char* c, double v, bool positive) {
      if (std::isnan(v) || (positive ? v <= 0 : v < 0))
        throw std::runtime_error(where + ": " + c + ": expected a " + (positive ? "positive" : "non-negative") +
                                 " number, got '" + f[col.at(c)] + "'");
      return v;
    };
    TidyRow r;
    r.model = text("model");
    r.n_params = need("n_params", num("n_params"), true);
    r.data_tokens = need("data_tokens", num("data_tokens"), false);
    r.flops = num("flops");
    if (std::isnan(r.flops)) r.flops = num("train_flops");
    if (std::isnan(r.flops)) r.flops = 6.0 * r.n_params * r.data_tokens;
    r.task = text("task");
    r.prompt = text("prompt");
    r.metric = text("metric");
    r.value = num("value");
    if (std::isnan(r.value)) throw std::runtime_error(where + ": value: expected a number, got '" + text("value") + "'");
    r.std_err = num("stderr");
    const double n = num("n_examples");
    // Counts beyond 2^53 are not exact in a double, and none is that large.
    if (!std::isnan(n) && (n < 0 || n > 9007199254740992.0 || n != std::floor(n)))
      throw std::runtime_error(where + ": n_examples: expected a non-negative integer, got '" +
                               f[col.at("n_examples")] + "'");
    r.n_examples = std::isnan(n) ? 0 : static_cast<std::int64_t>(n);
    r.random_baseline = num("random_baseline");
    const double seed = num("seed");
    if (!std::isnan(seed) && (seed != std::floor(seed) || std::abs(seed) > 9007199254740992.0))
      throw std::runtime_error(where + ": seed: expected an integer, got '" + f[col.at("seed")] + "'");
    r.seed = std::isnan(seed) ? 0 : static_cast<std::int64_t>(seed);
    const double budget = num("compute_budget");
    if (!std::isnan(budget) && budget < 0)
      throw std::runtime_error(where + ": compute_budget: expected a non-negative number, got '" +
                               f[col.at("compute_budget")] + "'");
    r.compute_budget = std::isnan(budget) ? 0.0 : budget;
    if (col.count("axes")) r.axes = text("axes");
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace sweep::analysis
