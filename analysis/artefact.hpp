// Metric artefacts (Schaeffer et al. 2023): an "emergent" exact-match curve
// whose points improve smoothly on a continuous metric (log-probability, edit
// distance) is likely sharp only because exact match is all-or-nothing
// (a per-token probability p gives exact match ~ p^length).
#pragma once

#include <string>

#include "analysis/curve.hpp"
#include "analysis/verdict.hpp"

namespace sweep::analysis {

struct ArtefactCheck {
  bool flagged = false;
  std::string reason;  // one line for the report
};

// `discrete` is an emergent curve of an accuracy-like metric, `continuous` a
// curve of the same task, prompt and axis on a continuous metric (not
// accuracy-like). Flagged when the continuous curve is smooth_positive and
// - (two or more at-chance points) it already improved by more than its
//   threshold over the scales where the discrete metric was still at chance; or
// - (one at-chance point) its first step carries no more than jump_share of its
//   rise, while the discrete metric's first step carried more.
ArtefactCheck check_metric_artefact(const Curve& discrete, const Verdict& dv, const Curve& continuous,
                                    const Verdict& cv, const VerdictOptions& o = {});

}  // namespace sweep::analysis
