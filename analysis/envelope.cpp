// The training-curve envelope (Chinchilla approach 1); see envelope.hpp.
#include "analysis/envelope.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>

namespace sweep::analysis {

std::vector<RunCurve> run_curves(const std::vector<store::CurveRow>& curves, const std::vector<store::RunRow>& runs) {
  std::map<std::int64_t, double> n_of;
  for (const auto& r : runs) n_of[r.run_id] = static_cast<double>(r.n_params);
  // run -> attempt -> step -> row
  std::map<std::int64_t, std::map<std::int32_t, std::map<std::int64_t, const store::CurveRow*>>> by_run;
  for (const auto& c : curves)
    if (n_of.count(c.run_id)) by_run[c.run_id][c.attempt][c.step] = &c;
  std::vector<RunCurve> out;
  for (const auto& [run_id, attempts] : by_run) {
    std::map<std::int64_t, const store::CurveRow*> steps;
    std::int64_t cutoff = std::numeric_limits<std::int64_t>::max();
    for (auto it = attempts.rbegin(); it != attempts.rend(); ++it) {  // highest attempt first
      for (const auto& [step, row] : it->second)
        if (step < cutoff) steps.emplace(step, row);
      if (!it->second.empty()) cutoff = std::min(cutoff, it->second.begin()->first);
    }
    RunCurve rc;
    rc.run_id = run_id;
    rc.n_params = n_of[run_id];
    for (const auto& [step, row] : steps)
      if (row->tokens > 0 && std::isfinite(row->loss) && row->loss > 0) {
        rc.tokens.push_back(static_cast<double>(row->tokens));
        rc.loss.push_back(row->loss);
      }
    if (rc.n_params > 0 && !rc.tokens.empty()) out.push_back(std::move(rc));
  }
  return out;
}

std::vector<double> smooth_loss(const RunCurve& run, double window_fraction) {
  std::vector<double> out(run.loss.size());
  double sum = 0;
  std::size_t lo = 0;
  for (std::size_t i = 0; i < run.loss.size(); ++i) {
    sum += run.loss[i];
    while (lo < i && run.tokens[lo] <= (1 - window_fraction) * run.tokens[i]) sum -= run.loss[lo++];
    out[i] = sum / static_cast<double>(i - lo + 1);
  }
  return out;
}

namespace {

// A run as the envelope sees it: ln C and smoothed loss per step.
struct Trace {
  double n_params;
  std::int64_t run_id;
  std::vector<double> ln_c, loss;
  double at(double ln_c_query) const {  // linear in ln C; caller checks the range
    const auto it = std::lower_bound(ln_c.begin(), ln_c.end(), ln_c_query);
    const std::size_t j = static_cast<std::size_t>(it - ln_c.begin());
    if (j == 0) return loss[0];
    const double t = (ln_c_query - ln_c[j - 1]) / (ln_c[j] - ln_c[j - 1]);
    return loss[j - 1] + t * (loss[j] - loss[j - 1]);
  }
};

std::vector<EnvelopePoint> envelope_of(const std::vector<const Trace*>& traces, const std::vector<double>& grid) {
  std::vector<EnvelopePoint> pts;
  if (traces.empty()) return pts;
  double n_min = INFINITY, n_max = 0;
  for (const Trace* t : traces) n_min = std::min(n_min, t->n_params), n_max = std::max(n_max, t->n_params);
  for (double g : grid) {
    const Trace* best = nullptr;
    double best_loss = INFINITY;
    int reach = 0;
    for (const Trace* t : traces) {
      if (g < t->ln_c.front() || g > t->ln_c.back()) continue;
      ++reach;
      const double l = t->at(g);
      if (l < best_loss) best_loss = l, best = t;
    }
    if (reach < 2 || best == nullptr) continue;
    EnvelopePoint p;
    p.compute = std::exp(g);
    p.n_params = best->n_params;
    p.tokens = p.compute / (6 * p.n_params);
    p.loss = best_loss;
    p.run_id = best->run_id;
    p.boundary = best->n_params == n_min || best->n_params == n_max;
    pts.push_back(p);
  }
  return pts;
}

// The allocation over an envelope's interior points (all points when fewer than 2 are interior).
Allocation allocation_of(const std::vector<EnvelopePoint>& pts, int* fitted, int* winners) {
  std::vector<double> c, n, d;
  for (const auto& p : pts)
    if (!p.boundary) c.push_back(p.compute), n.push_back(p.n_params), d.push_back(p.tokens);
  if (c.size() < 2) {
    c.clear(), n.clear(), d.clear();
    for (const auto& p : pts) c.push_back(p.compute), n.push_back(p.n_params), d.push_back(p.tokens);
  }
  Allocation al;
  const int distinct = static_cast<int>(std::set<double>(n.begin(), n.end()).size());
  if (fitted) *fitted = static_cast<int>(c.size());
  if (winners) *winners = distinct;
  al.id = identify_by_dof(static_cast<int>(c.size()), 2);
  if (al.id.identified && distinct < 3) {
    al.id.identified = false;
    al.id.reason = "only " + std::to_string(distinct) + " distinct N on the envelope (the slope rests on fewer than 3)";
  }
  const auto ln = fit_log_log(c, n), ld = fit_log_log(c, d);
  if (ln && ld) {
    al.a = ln->slope;
    al.a_coefficient = std::exp(ln->intercept);
    al.b = ld->slope;
  }
  return al;
}

}  // namespace

EnvelopeAnalysis envelope_analysis(const std::vector<RunCurve>& runs, const EnvelopeOptions& o) {
  EnvelopeAnalysis out;
  std::vector<Trace> traces;
  for (const auto& r : runs) {
    if (r.tokens.empty() || !(r.n_params > 0)) continue;
    Trace t{r.n_params, r.run_id, {}, {}};
    const std::vector<double> s = smooth_loss(r, o.window_fraction);
    // Early steps, whose window holds few logged steps, are noisy enough to win
    // the minimum by luck: a curve enters the envelope once its window holds
    // min_window_steps, or a tenth of the run's logged steps when that is fewer
    // (a short smoke run logs a handful).
    const int full = std::min<int>(o.min_window_steps, std::max<int>(1, static_cast<int>(r.tokens.size()) / 10));
    std::size_t lo = 0;
    for (std::size_t i = 0; i < r.tokens.size(); ++i) {
      while (lo < i && r.tokens[lo] <= (1 - o.window_fraction) * r.tokens[i]) ++lo;
      if (static_cast<int>(i - lo + 1) < full) continue;
      const double lc = std::log(6.0 * r.n_params * r.tokens[i]);
      if (!t.ln_c.empty() && lc <= t.ln_c.back()) continue;  // tokens must grow
      t.ln_c.push_back(lc);
      t.loss.push_back(s[i]);
    }
    if (!t.ln_c.empty()) traces.push_back(std::move(t));
  }
  out.runs = static_cast<int>(traces.size());
  if (traces.size() < 2) {
    out.notes.push_back("approach 1: needs training curves of at least 2 runs, got " + std::to_string(traces.size()));
    out.allocation.id = identify_by_dof(0, 2);
    return out;
  }
  // The grid spans the compute range where at least two runs have curves.
  std::vector<double> starts, ends;
  for (const auto& t : traces) starts.push_back(t.ln_c.front()), ends.push_back(t.ln_c.back());
  std::sort(starts.begin(), starts.end());
  std::sort(ends.begin(), ends.end());
  const double lo = starts[1], hi = ends[ends.size() - 2];
  std::vector<double> grid;
  const int k = std::max(2, o.grid_points);
  if (hi > lo)
    for (int i = 0; i < k; ++i) grid.push_back(lo + (hi - lo) * i / (k - 1));
  std::vector<const Trace*> all;
  for (const auto& t : traces) all.push_back(&t);
  out.points = envelope_of(all, grid);
  out.allocation = allocation_of(out.points, &out.fitted_points, &out.distinct_winners);
  if (o.resamples <= 0 || !std::isfinite(out.allocation.a)) return out;
  std::mt19937_64 rng(o.seed);
  std::uniform_int_distribution<std::size_t> pick(0, traces.size() - 1);
  std::vector<double> as, bs;
  for (int r = 0; r < o.resamples; ++r) {
    std::vector<const Trace*> sample;
    for (std::size_t i = 0; i < traces.size(); ++i) sample.push_back(&traces[pick(rng)]);
    const Allocation al = allocation_of(envelope_of(sample, grid), nullptr, nullptr);
    if (std::isfinite(al.a)) as.push_back(al.a), bs.push_back(al.b);
  }
  out.allocation.resamples = static_cast<int>(as.size());
  out.allocation.a_interval = percentile_interval(as);
  out.allocation.b_interval = percentile_interval(bs);
  return out;
}

}  // namespace sweep::analysis
