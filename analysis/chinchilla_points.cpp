// Reader of the Chinchilla Figure 4 points; see chinchilla_points.hpp.
#include "analysis/chinchilla_points.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace sweep::analysis {

std::vector<LossPoint> read_chinchilla_points(const std::string& path, std::size_t drop_highest) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::string line;
  std::getline(in, line);
  std::map<std::string, std::size_t> col;
  {
    std::stringstream ss(line);
    std::string f;
    for (std::size_t i = 0; std::getline(ss, f, ','); ++i) col[f] = i;
  }
  for (const char* need : {"Model Size", "Training FLOP", "loss"})
    if (!col.count(need)) throw std::runtime_error(path + ":1: missing column '" + need + "'");
  std::vector<LossPoint> pts;
  for (int lineno = 2; std::getline(in, line); ++lineno) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string v; std::getline(ss, v, ',');) f.push_back(v);
    try {
      const double n = std::stod(f.at(col.at("Model Size"))), c = std::stod(f.at(col.at("Training FLOP")));
      pts.push_back({n, c / (6 * n), std::stod(f.at(col.at("loss")))});
    } catch (const std::exception&) {
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": expected numbers in Model Size, Training FLOP, loss");
    }
  }
  std::sort(pts.begin(), pts.end(), [](const LossPoint& a, const LossPoint& b) { return a.loss < b.loss; });
  pts.resize(pts.size() - std::min(drop_highest, pts.size()));
  return pts;
}

}  // namespace sweep::analysis
