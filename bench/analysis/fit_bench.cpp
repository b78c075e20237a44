// The Chinchilla approach-3 fit of 240 points with the full grid of 4500
// L-BFGS starts (NLopt), timed; writes the points for scipy's run (run.sh).
//
// usage: bench_analysis_fit CHINCHILLA_FIG4_CSV POINTS_OUT.csv
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/chinchilla_points.hpp"
#include "analysis/loss_fit.hpp"

using namespace sweep::analysis;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CHINCHILLA_FIG4_CSV POINTS_OUT.csv\n", argv[0]);
    return 2;
  }
  // The replication's 240 points: the 5 highest losses dropped.
  const std::vector<LossPoint> pts = read_chinchilla_points(argv[1], 5);
  std::ofstream out(argv[2]);
  out.precision(17);
  out << "N,D,loss\n";
  for (const auto& p : pts) out << p.n_params << "," << p.tokens << "," << p.loss << "\n";

  // Wall and CPU seconds: on a shared machine the CPU time is the fairer figure.
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  const ChinchillaFit fit = fit_chinchilla(pts);
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("nlopt  LD_LBFGS   points %d starts %d  %.2f s (cpu %.2f s)  objective %.9g  A %.2f B %.2f E %.4f alpha %.4f beta %.4f\n",
              fit.points, fit.starts, s, cpu, fit.objective, fit.A, fit.B, fit.E, fit.alpha, fit.beta);
  return 0;
}
