// NLopt's L-BFGS behind the fits; see optimizer.hpp.
#include "analysis/optimizer.hpp"

#include <nlopt.h>

#include <cmath>
#include <memory>
#include <stdexcept>

namespace sweep::analysis {
namespace {

struct Call {
  const Objective* f;
  std::vector<double> x, grad;
  int evaluations = 0;
};

double trampoline(unsigned n, const double* x, double* grad, void* data) {
  auto& call = *static_cast<Call*>(data);
  call.x.assign(x, x + n);
  call.grad.assign(n, 0.0);
  const double v = (*call.f)(call.x, call.grad);
  if (grad != nullptr) std::copy(call.grad.begin(), call.grad.end(), grad);
  ++call.evaluations;
  return v;
}

}  // namespace

Minimum minimize_lbfgs(const Objective& f, const std::vector<double>& x0, const LbfgsOptions& options) {
  const unsigned n = static_cast<unsigned>(x0.size());
  std::unique_ptr<nlopt_opt_s, void (*)(nlopt_opt)> opt(nlopt_create(NLOPT_LD_LBFGS, n), nlopt_destroy);
  if (!opt) throw std::runtime_error("nlopt_create(NLOPT_LD_LBFGS) failed");
  Call call{&f, {}, {}, 0};
  if (nlopt_set_min_objective(opt.get(), trampoline, &call) < 0 ||
      nlopt_set_ftol_rel(opt.get(), options.ftol_rel) < 0 || nlopt_set_xtol_rel(opt.get(), options.xtol_rel) < 0 ||
      nlopt_set_maxeval(opt.get(), options.max_evaluations) < 0) {
    throw std::runtime_error("nlopt: setting the L-BFGS options failed");
  }
  Minimum m;
  m.x = x0;
  double value = HUGE_VAL;
  const nlopt_result r = nlopt_optimize(opt.get(), m.x.data(), &value);
  m.value = value;
  m.evaluations = call.evaluations;
  // L-BFGS often ends on NLOPT_ROUNDOFF_LIMITED at a flat optimum: NLopt
  // still returns the best point it found, which is what we want.
  m.ok = std::isfinite(value) && (r > 0 || r == NLOPT_ROUNDOFF_LIMITED);
  if (!std::isfinite(value)) m.value = HUGE_VAL;
  return m;
}

}  // namespace sweep::analysis
