// Tidy CSV reader (see tidy.hpp).
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include "analysis/tidy.hpp"

namespace sweep::analysis {
namespace {

// Splits one CSV record (RFC 4180: quoted fields, "" for a quote), with the
// 1-based character column where each field starts. Records spanning lines
// are not supported: tidy tables have no newlines in fields.
struct Fields {
  std::vector<std::string> text{1};
  std::vector<std::size_t> col{1};
};
Fields split_csv(const std::string& line) {
  Fields out;
  auto& f = out.text;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        f.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        f.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      f.emplace_back();
      out.col.push_back(i + 2);
    } else if (c != '\r') {
      f.back() += c;
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
  // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first name.
  if (line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  std::map<std::string, std::size_t> col;
  const auto header = split_csv(line).text;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (col.count(header[i]))
      throw std::runtime_error(path + ":1:" + std::to_string(split_csv(line).col[i]) + ": column '" + header[i] +
                               "' appears twice");
    col[header[i]] = i;
  }
  for (const char* need : {"model", "n_params", "task", "prompt", "metric", "value"})
    if (!col.count(need))
      throw std::runtime_error(path + ":1:1: missing column '" + need +
                               "' (need model, n_params, task, prompt, metric, value; optional family, data_tokens, "
                               "flops, stderr, n_examples, random_baseline, seed, compute_budget, axes, "
                               "higher_is_better, scale)");
  std::vector<TidyRow> rows;
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line == "\r") continue;
    const Fields fields = split_csv(line);
    const auto& f = fields.text;
    const std::string at_line = path + ":" + std::to_string(lineno);
    if (f.size() != header.size())
      throw std::runtime_error(at_line + ":1: " + std::to_string(f.size()) + " fields, header has " +
                               std::to_string(header.size()));
    // "file:line:col: column" of a field, for messages.
    auto where = [&](const char* c) {
      return at_line + ":" + std::to_string(fields.col[col.at(c)]) + ": " + c;
    };
    auto text = [&](const char* c) { return col.count(c) ? f[col.at(c)] : std::string(); };
    // Empty (or nan/null) reads as unknown, NaN; anything else must be finite.
    auto num = [&](const char* c) {
      const double v = col.count(c) ? number(f[col.at(c)], where(c)) : std::nan("");
      if (std::isinf(v)) throw std::runtime_error(where(c) + ": expected a finite number, got '" + f[col.at(c)] + "'");
      return v;
    };
    auto need = [&](const char* c, double v, bool positive) {
      if (std::isnan(v) || (positive ? v <= 0 : v < 0))
        throw std::runtime_error(where(c) + ": expected a " + (positive ? "positive" : "non-negative") +
                                 " number, got '" + f[col.at(c)] + "'");
      return v;
    };
    TidyRow r;
    r.model = text("model");
    r.family = text("family");
    r.n_params = need("n_params", num("n_params"), true);
    // data_tokens may be empty or absent (ability results without a compute axis).
    r.data_tokens = num("data_tokens");
    if (!std::isnan(r.data_tokens)) need("data_tokens", r.data_tokens, false);
    r.flops = num("flops");
    if (std::isnan(r.flops)) r.flops = num("train_flops");
    if (!std::isnan(r.flops) && r.flops <= 0) need(col.count("flops") ? "flops" : "train_flops", r.flops, true);
    if (std::isnan(r.flops)) r.flops = 6.0 * r.n_params * r.data_tokens;  // NaN when D is unknown
    r.task = text("task");
    r.prompt = text("prompt");
    r.metric = text("metric");
    if (r.metric.empty()) throw std::runtime_error(where("metric") + ": expected a metric name, got an empty field");
    r.where_metric = where("metric");
    r.where_value = where("value");
    r.value = num("value");
    if (std::isnan(r.value)) throw std::runtime_error(where("value") + ": expected a number, got '" + text("value") + "'");
    r.std_err = num("stderr");
    if (!std::isnan(r.std_err) && r.std_err < 0) need("stderr", r.std_err, false);
    const double n = num("n_examples");
    // Counts beyond 2^53 are not exact in a double, and none is that large.
    if (!std::isnan(n) && (n < 0 || n > 9007199254740992.0 || n != std::floor(n)))
      throw std::runtime_error(where("n_examples") + ": expected a non-negative integer, got '" +
                               f[col.at("n_examples")] + "'");
    r.n_examples = std::isnan(n) ? 0 : static_cast<std::int64_t>(n);
    r.random_baseline = num("random_baseline");
    const double seed = num("seed");
    if (!std::isnan(seed) && (seed != std::floor(seed) || std::abs(seed) > 9007199254740992.0))
      throw std::runtime_error(where("seed") + ": expected an integer, got '" + f[col.at("seed")] + "'");
    r.seed = std::isnan(seed) ? 0 : static_cast<std::int64_t>(seed);
    const double budget = num("compute_budget");
    if (!std::isnan(budget) && budget < 0)
      throw std::runtime_error(where("compute_budget") + ": expected a non-negative number, got '" +
                               f[col.at("compute_budget")] + "'");
    r.compute_budget = std::isnan(budget) ? 0.0 : budget;
    if (col.count("axes")) r.axes = text("axes");
    if (const std::string h = text("higher_is_better"); !h.empty()) {
      if (h == "true" || h == "True" || h == "TRUE" || h == "1" || h == "yes") r.higher_is_better = 1;
      else if (h == "false" || h == "False" || h == "FALSE" || h == "0" || h == "no") r.higher_is_better = 0;
      else throw std::runtime_error(where("higher_is_better") + ": expected true or false, got '" + h + "'");
    }
    if (const std::string sc = text("scale"); !sc.empty()) {
      const double v = num("scale");
      if (v != 1 && v != 100) throw std::runtime_error(where("scale") + ": expected 1 or 100, got '" + sc + "'");
      r.scale = v;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace sweep::analysis
