// One analysis of a tidy table: loss fits, ability verdicts, crossovers and
// metric-artefact flags, and their text and JSON renderings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/artefact.hpp"
#include "analysis/crossover.hpp"
#include "analysis/curve.hpp"
#include "analysis/loss_fit.hpp"
#include "analysis/verdict.hpp"

namespace sweep::analysis {

struct AnalyzeOptions {
  std::string loss_metric;  // "" : eval_loss, or loss when a table has no eval_loss rows
  int bootstrap = 200;      // resamples for the Chinchilla confidence intervals; 0: none
  BaselineOverrides baselines;
  VerdictOptions verdict;
};

struct CurveVerdict {
  Curve curve;
  Verdict verdict;
};

struct ArtefactFlag {
  std::string task, prompt, axis, metric, continuous_metric, reason;
};

struct Analysis {
  std::string source;
  std::string loss_metric;
  std::vector<LossPoint> loss_points;
  std::optional<ChinchillaFit> chinchilla;
  ChinchillaBootstrap bootstrap;
  ComputeOptimal optimal;
  double max_flops = 0;  // largest training compute in the table
  std::vector<PowerLawFit> power_laws;  // L(N), L(D), L(C) where they could be fitted
  std::vector<std::string> notes;       // why a fit was skipped, and the like
  std::vector<CurveVerdict> verdicts;
  std::vector<Crossover> crossovers;
  std::vector<ArtefactFlag> artefacts;
};

Analysis analyze(const std::vector<TidyRow>& rows, const std::string& source, const AnalyzeOptions& options);

std::string to_text(const Analysis& a);
// {"chinchilla": {"A", "B", "E", "alpha", "beta", "a", "b", "G", "objective", "ci": {...}} | null,
//  "source", "loss_metric", "loss_points", "power_laws", "compute_optimal", "verdicts",
//  "crossovers", "artefacts", "notes"}; non-finite numbers are null.
std::string to_json(const Analysis& a);

}  // namespace sweep::analysis
