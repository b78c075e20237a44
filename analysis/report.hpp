// One analysis of a tidy table: loss fits, ability verdicts, crossovers and
// metric-artefact flags, and their text and JSON renderings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/artefact.hpp"
#include "analysis/crossover.hpp"
#include "analysis/curve.hpp"
#include "analysis/envelope.hpp"
#include "analysis/isoflop.hpp"
#include "analysis/loss_fit.hpp"
#include "analysis/metric_registry.hpp"
#include "analysis/replicates.hpp"
#include "analysis/verdict.hpp"

namespace sweep::analysis {

struct AnalyzeOptions {
  std::string loss_metric;  // "" : eval_loss, or loss when a table has no eval_loss rows
  int bootstrap = 200;      // resamples for every bootstrap interval (approaches 1, 2, 3); 0: none
  BaselineOverrides baselines;
  VerdictOptions verdict;
  // Known metrics plus the command line's declarations; the source's own
  // declarations (CSV columns higher_is_better, scale) are added per analysis.
  MetricRegistry metrics;
};

// How far a store's sweep has got (from /points): a live or stopped sweep's
// analysis says it is incomplete.
struct StoreProgress {
  bool known = false;  // a store with /points
  std::size_t total = 0, done = 0, pending = 0, running = 0, failed = 0;  // failed: failed, diverged, timed out, skipped
  bool complete() const { return pending == 0 && running == 0; }
};

// One (task, prompt, metric) judged in several families, over training compute.
struct FamilyView {
  std::string task, prompt, metric;
  struct Entry {
    std::string family;
    std::string verdict;
    double flops_lo = 0, flops_hi = 0;          // the family's compute range
    double first = 0, last = 0;                 // values at its smallest and largest compute
    double emergence_flops = kNaN;              // emergent: the sigmoid midpoint in FLOPs
  };
  std::vector<Entry> families;  // sorted by their smallest compute
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
  std::vector<LossCell> loss_cells;     // seed replicates per (model, N, D, budget), best setting
  std::vector<LossPoint> loss_points;   // their mean losses: what the fits see
  std::optional<ChinchillaFit> chinchilla;
  ChinchillaBootstrap bootstrap;        // resamples cells and the seeds within them
  ComputeOptimal optimal;
  Identification chinchilla_id;
  Allocation approach3;                 // a = beta/(alpha+beta) of the Chinchilla fit
  IsoflopAnalysis isoflop;              // approach 2
  bool has_curves = false;              // the source had training curves (a store's /curves)
  EnvelopeAnalysis envelope;            // approach 1
  double max_flops = 0;  // largest training compute in the table
  std::vector<PowerLawFit> power_laws;  // L(N), L(D), L(C) where they could be fitted
  std::vector<std::string> notes;       // why a fit was skipped, and the like
  StoreProgress progress;
  std::vector<CurveVerdict> verdicts;
  std::vector<FamilyView> across_families;  // tasks judged in two or more families
  std::vector<Crossover> crossovers;
  std::vector<ArtefactFlag> artefacts;
};

Analysis analyze(const std::vector<TidyRow>& rows, const std::string& source, const AnalyzeOptions& options);
// With a store's training curves, approach 1 (the envelope) as well.
Analysis analyze(const std::vector<TidyRow>& rows, const std::vector<RunCurve>& curves, const std::string& source,
                 const AnalyzeOptions& options);

std::string to_text(const Analysis& a);
// {"chinchilla": {"A", "B", "E", "alpha", "beta", "a", "b", "G", "objective", "dof", "identified", "ci": {...}} | null,
//  "source", "loss_metric", "loss_points", "power_laws", "compute_optimal",
//  "approach1", "approach2", "approach3_allocation", "verdicts", "crossovers",
//  "artefacts", "notes"}; non-finite numbers are null.
std::string to_json(const Analysis& a);

}  // namespace sweep::analysis
