// Minimisation with NLopt's L-BFGS (Debian's libnlopt, C API): the one place
// the analysis touches an optimiser, so fits are plain objective functions.
#pragma once

#include <functional>
#include <vector>

namespace sweep::analysis {

// f(x, grad) returns the objective at x and writes its gradient into grad
// (grad has x.size() entries).
using Objective = std::function<double(const std::vector<double>& x, std::vector<double>& grad)>;

struct Minimum {
  std::vector<double> x;
  double value = 0.0;
  int evaluations = 0;
  bool ok = false;  // NLopt reported success (or stopped on round-off with a finite value)
};

struct LbfgsOptions {
  // Tight relative tolerances: the Huber objective on log loss is tiny
  // (delta = 1e-3), so NLopt's looser defaults stop before the optimum.
  double ftol_rel = 1e-10;
  double xtol_rel = 1e-8;
  int max_evaluations = 10000;
};

// L-BFGS (NLOPT_LD_LBFGS) from x0.
Minimum minimize_lbfgs(const Objective& f, const std::vector<double>& x0, const LbfgsOptions& options = {});

}  // namespace sweep::analysis
