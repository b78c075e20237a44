// The analysis of a tidy table (loss fits, verdicts, crossovers, artefact
// flags) and its text and JSON renderings; see report.hpp.
#include "analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>


namespace sweep::analysis {
namespace {

// Keys in the order written, so the JSON reads like the text report.
using json = nlohmann::ordered_json;

// L(N): per size, the points with the most data; L(D): per data size, the
// largest model; L(C): the compute frontier (points with lower loss than
// every point of less compute).
void fit_one_variable_laws(Analysis& a) {
  std::map<double, LossPoint> by_n, by_d;
  for (const auto& p : a.loss_points) {
    auto [it, fresh] = by_n.emplace(p.n_params, p);
    if (!fresh && (p.tokens > it->second.tokens || (p.tokens == it->second.tokens && p.loss < it->second.loss)))
      it->second = p;
    auto [jt, fresh2] = by_d.emplace(p.tokens, p);
    if (!fresh2 && (p.n_params > jt->second.n_params || (p.n_params == jt->second.n_params && p.loss < jt->second.loss)))
      jt->second = p;
  }
  std::vector<double> x, l;
  for (const auto& [n, p] : by_n) x.push_back(n), l.push_back(p.loss);
  if (auto f = fit_power_law("N", x, l)) a.power_laws.push_back(*f);
  else a.notes.push_back("L(N) not fitted: fewer than 3 model sizes");
  x.clear(), l.clear();
  for (const auto& [d, p] : by_d) x.push_back(d), l.push_back(p.loss);
  if (auto f = fit_power_law("D", x, l)) a.power_laws.push_back(*f);
  else a.notes.push_back("L(D) not fitted: fewer than 3 data sizes");
  std::vector<LossPoint> by_c = a.loss_points;
  std::sort(by_c.begin(), by_c.end(),
            [](const LossPoint& u, const LossPoint& v) { return u.n_params * u.tokens < v.n_params * v.tokens; });
  x.clear(), l.clear();
  double best = INFINITY;
  for (const auto& p : by_c)
    if (p.loss < best) {
      best = p.loss;
      x.push_back(6.0 * p.n_params * p.tokens);
      l.push_back(p.loss);
    }
  if (auto f = fit_power_law("C", x, l)) a.power_laws.push_back(*f);
  else a.notes.push_back("L(C) not fitted: fewer than 3 points on the compute frontier");
}

void fit_chinchilla_law(Analysis& a, int resamples) {
  std::set<double> ns, ds;
  for (const auto& p : a.loss_points) ns.insert(p.n_params), ds.insert(p.tokens);
  if (a.loss_points.size() < 5 || ns.size() < 2 || ds.size() < 2) {
    a.notes.push_back("Chinchilla L(N, D) not fitted: needs at least 5 loss points over 2 model and 2 data sizes, got " +
                      std::to_string(a.loss_points.size()));
    return;
  }
  a.chinchilla = fit_chinchilla(a.loss_points);
  a.optimal = compute_optimal(*a.chinchilla);
  std::vector<ReplicatedPoint> cells;
  for (const auto& c : a.loss_cells) cells.push_back({c.n_params, c.tokens, c.losses});
  a.bootstrap = bootstrap_chinchilla(cells, *a.chinchilla, resamples);
  a.chinchilla_id = identify_chinchilla(*a.chinchilla, a.bootstrap);
  a.approach3.a = a.optimal.a;
  a.approach3.b = a.optimal.b;
  a.approach3.a_coefficient = a.optimal.G * std::pow(6.0, -a.optimal.a);  // N_opt = G (C/6)^a
  a.approach3.id = a.chinchilla_id;
  if (a.bootstrap.resamples > 0) {
    a.approach3.resamples = a.bootstrap.resamples;
    a.approach3.a_interval = a.bootstrap.a;
    a.approach3.b_interval = {1.0 - a.bootstrap.a.hi, 1.0 - a.bootstrap.a.lo};  // b = 1 - a
  }
}

void judge_curves(Analysis& a, const std::vector<TidyRow>& rows, const AnalyzeOptions& o) {
  // The source's own declarations (CSV columns) on top of the command line's.
  MetricRegistry metrics = o.metrics;
  for (const auto& r : rows)
    if (r.higher_is_better >= 0 || r.scale > 0) metrics.declare(r.metric, {r.higher_is_better, r.scale, r.where_metric});
  std::set<std::string> tasks;
  for (const auto& r : rows) tasks.insert(r.task);
  for (const auto& [task, p] : o.baselines)
    if (!tasks.count(task))
      throw std::runtime_error("--baseline " + task + "=...: no task '" + task + "' in " + a.source);
  std::set<std::string> notes;
  for (auto& c : build_curves(rows, o.baselines, metrics)) {
    Verdict v = classify(c, o.verdict);
    for (const auto& n : c.notes) notes.insert((c.family.empty() ? "" : c.family + " ") + c.task + ": " + n);
    a.verdicts.push_back({std::move(c), std::move(v)});
  }
  for (const auto& n : notes) a.notes.push_back(n);
  // Curves without a chance level: say so rather than assume one.
  std::set<std::string> no_chance;
  for (const auto& cv : a.verdicts)
    if (cv.curve.info.kind == MetricKind::Accuracy && cv.curve.baseline_source == "none")
      no_chance.insert(cv.curve.task + " " + cv.curve.metric);
  if (!no_chance.empty()) {
    std::string list;
    for (const auto& t : no_chance) list += (list.empty() ? "" : ", ") + t;
    a.notes.push_back("no chance level for " + list +
                      " (multiple choice: 1/K): their sigmoids' floors are fitted; give --baseline TASK=P or a "
                      "random_baseline column");
  }
  // Crossovers and artefacts compare curves of one family only.
  std::map<std::string, std::vector<const CurveVerdict*>> by_family;
  for (const auto& cv : a.verdicts) by_family[cv.curve.family].push_back(&cv);
  for (const auto& [family, members] : by_family) {
    std::vector<Curve> curves;
    std::vector<double> thresholds;
    for (const auto* cv : members) curves.push_back(cv->curve), thresholds.push_back(cv->verdict.threshold);
    for (auto& x : find_crossovers(curves, thresholds)) a.crossovers.push_back(std::move(x));
    for (const auto* d : members) {
      if (d->verdict.shape != Shape::Emergent || d->curve.info.kind != MetricKind::Accuracy) continue;
      for (const auto* c : members) {
        if (c->curve.info.kind == MetricKind::Accuracy || c->curve.task != d->curve.task ||
            c->curve.prompt != d->curve.prompt || c->curve.axis != d->curve.axis)
          continue;
        const ArtefactCheck chk = check_metric_artefact(d->curve, d->verdict, c->curve, c->verdict, o.verdict);
        if (chk.flagged)
          a.artefacts.push_back(
              {d->curve.task, d->curve.prompt, d->curve.axis, d->curve.metric, c->curve.metric, chk.reason});
      }
    }
  }
  // Across families: the flops curves of one (task, prompt, metric) side by side.
  std::map<std::tuple<std::string, std::string, std::string>, FamilyView> views;
  for (const auto& cv : a.verdicts) {
    const Curve& c = cv.curve;
    if (c.axis != "flops" || c.family.empty()) continue;
    FamilyView& view = views[{c.task, c.prompt, c.metric}];
    view.task = c.task, view.prompt = c.prompt, view.metric = c.metric;
    FamilyView::Entry e;
    e.family = c.family;
    e.verdict = to_string(cv.verdict.shape);
    e.flops_lo = c.points.front().scale, e.flops_hi = c.points.back().scale;
    e.first = c.points.front().value, e.last = c.points.back().value;
    e.emergence_flops = cv.verdict.emergence_scale;
    view.families.push_back(e);
  }
  for (auto& [key, view] : views) {
    if (view.families.size() < 2) continue;
    std::sort(view.families.begin(), view.families.end(),
              [](const FamilyView::Entry& u, const FamilyView::Entry& v) { return u.flops_lo < v.flops_lo; });
    a.across_families.push_back(std::move(view));
  }
}

// ---- rendering

std::string num(double v, const char* fmt = "%.4g") {
  if (!std::isfinite(v)) return std::isnan(v) ? "-" : (v > 0 ? "inf" : "-inf");
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// Non-finite numbers are null (JSON has no NaN or infinity).
json jnum(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json interval_json(const Interval& i) { return json::array({jnum(i.lo), jnum(i.hi)}); }

std::string id_text(const Identification& id) {
  std::string s = "dof " + std::to_string(id.dof) + ": " + identified_word(id);
  if (!id.identified && !id.reason.empty()) s += " (" + id.reason + ")";
  return s;
}

std::string allocation_text(const Allocation& al) {
  std::string s = "a = " + num(al.a);
  if (al.resamples > 0) s += " [" + num(al.a_interval.lo) + ", " + num(al.a_interval.hi) + "]";
  s += ", b = " + num(al.b);
  if (al.resamples > 0) s += " [" + num(al.b_interval.lo) + ", " + num(al.b_interval.hi) + "]";
  return s + "; " + std::to_string(al.id.points) + " points, " + id_text(al.id);
}

json allocation_json(const Allocation& al) {
  return {{"a", jnum(al.a)},
          {"b", jnum(al.b)},
          {"a_ci", al.resamples > 0 ? interval_json(al.a_interval) : json(nullptr)},
          {"b_ci", al.resamples > 0 ? interval_json(al.b_interval) : json(nullptr)},
          {"bootstrap_resamples", al.resamples},
          {"points", al.id.points},
          {"parameters", al.id.parameters},
          {"dof", al.id.dof},
          {"identified", al.id.identified},
          {"status", identified_word(al.id)},
          {"reason", al.id.reason}};
}

}  // namespace

Analysis analyze(const std::vector<TidyRow>& rows, const std::string& source, const AnalyzeOptions& o) {
  Analysis a;
  a.source = source;
  a.loss_metric = o.loss_metric.empty() ? "eval_loss" : o.loss_metric;
  LossCells cells = loss_cells(rows, a.loss_metric);
  if (cells.cells.empty() && o.loss_metric.empty()) {
    a.loss_metric = "loss";
    cells = loss_cells(rows, a.loss_metric);
  }
  // Scaling laws describe one model family: a table of several gets no loss fits.
  std::set<std::string> families;
  for (const auto& r : rows)
    if (r.metric == a.loss_metric) families.insert(r.family);
  if (families.size() > 1) {
    std::string list;
    for (const auto& f : families) list += (list.empty() ? "" : ", ") + (f.empty() ? std::string("(none)") : f);
    a.notes.push_back("loss fits skipped: " + a.loss_metric + " rows of " + std::to_string(families.size()) +
                      " families (" + list + "); fits never mix families: give --family F");
    cells.cells.clear();
  }
  a.loss_cells = std::move(cells.cells);
  for (const auto& c : a.loss_cells) a.loss_points.push_back({c.n_params, c.tokens, c.mean()});
  for (auto& n : cells.notes) a.notes.push_back(std::move(n));
  for (const auto& r : rows) a.max_flops = std::max(a.max_flops, r.flops);
  if (a.loss_points.empty() && families.size() <= 1)
    a.notes.push_back("no loss rows (metric " + a.loss_metric + "): no loss fits");
  else {
    fit_one_variable_laws(a);
    fit_chinchilla_law(a, o.bootstrap);
    IsoflopOptions io;
    io.resamples = o.bootstrap;
    a.isoflop = isoflop_analysis(a.loss_cells, io);
    for (const auto& n : a.isoflop.notes) a.notes.push_back(n);
  }
  judge_curves(a, rows, o);
  return a;
}

Analysis analyze(const std::vector<TidyRow>& rows, const std::vector<RunCurve>& curves, const std::string& source,
                 const AnalyzeOptions& o) {
  Analysis a = analyze(rows, source, o);
  a.has_curves = true;
  EnvelopeOptions eo;
  eo.resamples = o.bootstrap;
  a.envelope = envelope_analysis(curves, eo);
  for (const auto& n : a.envelope.notes) a.notes.push_back(n);
  return a;
}

std::string to_text(const Analysis& a) {
  std::ostringstream os;
  std::size_t runs = 0;
  for (const LossCell& c : a.loss_cells) runs += c.losses.size();
  os << "sweep analyze: " << a.source << "\n";
  if (a.progress.known && !a.progress.complete()) {
    const auto& p = a.progress;
    os << "store incomplete: " << p.done << " of " << p.total << " points done (" << p.pending << " pending, "
       << p.running << " running" << (p.failed ? ", " + std::to_string(p.failed) + " failed" : std::string()) << ")"
       << "; these fits and verdicts will change as the sweep goes on\n";
  }
  os << "\n== Loss (" << a.loss_metric << ", " << a.loss_points.size()
     << " points";
  if (runs > a.loss_points.size()) os << ", the seed means of " << runs << " runs";
  os << ") ==\n";
  for (const auto& f : a.power_laws)
    os << "  L(" << f.variable << ") = " << num(f.E) << " + " << num(f.A) << " / " << f.variable << "^"
       << num(f.alpha) << "   (" << f.points << " points, " << id_text(identify_by_dof(f.points, 3)) << ")\n";
  if (a.chinchilla) {
    const auto& c = *a.chinchilla;
    const auto& b = a.bootstrap;
    os << "  Chinchilla L(N, D) = E + A/N^alpha + B/D^beta  (" << c.points << " points, " << c.starts
       << " L-BFGS starts, Huber objective " << num(c.objective) << ")\n";
    auto line = [&](const char* name, double v, const Interval& i) {
      os << "    " << name << " = " << num(v, "%.6g");
      if (b.resamples > 0) os << "   95% CI [" << num(i.lo) << ", " << num(i.hi) << "]";
      os << "\n";
    };
    line("A    ", c.A, b.A);
    line("B    ", c.B, b.B);
    line("E    ", c.E, b.E);
    line("alpha", c.alpha, b.alpha);
    line("beta ", c.beta, b.beta);
    line("a    ", a.optimal.a, b.a);
    if (b.resamples > 0)
      os << "    (" << b.resamples << " bootstrap resamples over (N, D) cells and the seeds within them)\n";
    os << "    " << c.points << " points - 5 parameters: " << id_text(a.chinchilla_id) << "\n";
    os << "  Compute-optimal (C = 6ND): N_opt = " << num(a.optimal.G) << " (C/6)^" << num(a.optimal.a)
       << ", D_opt = (C/6)^" << num(a.optimal.b) << " / " << num(a.optimal.G) << "\n";
    if (a.max_flops > 0)
      os << "    at C = " << num(a.max_flops) << " FLOP: N_opt = " << num(a.optimal.n_opt(a.max_flops))
         << ", D_opt = " << num(a.optimal.d_opt(a.max_flops)) << ", loss " << num(optimal_loss(c, a.max_flops))
         << "\n";
  }
  for (const auto& n : a.notes) os << "  note: " << n << "\n";

  os << "\n== Compute-optimal allocation (N_opt ~ C^a, D_opt ~ C^b; 95% bootstrap intervals) ==\n";
  if (a.has_curves)
    os << "  approach 1 (training-curve envelope, of training loss): " << allocation_text(a.envelope.allocation)
       << "\n    (" << a.envelope.runs << " runs, " << a.envelope.points.size() << " envelope points, "
       << a.envelope.fitted_points << " fitted, " << a.envelope.distinct_winners << " distinct N)\n";
  else
    os << "  approach 1 (training-curve envelope): no training curves in the source\n";
  if (!a.isoflop.budgets.empty()) {
    os << "  approach 2 (isoFLOP profiles, by " << (a.isoflop.from_budgets ? "compute budget" : "C = 6ND")
       << "): " << allocation_text(a.isoflop.allocation) << "\n";
    for (const auto& b : a.isoflop.budgets) {
      os << "    C = " << num(b.compute) << ": " << b.points << " points, " << b.distinct_n << " sizes";
      if (b.identified)
        os << ", N_opt = " << num(b.n_opt) << ", D_opt = " << num(b.d_opt) << ", loss " << num(b.loss_min) << "\n";
      else
        os << ", not identified: " << b.reason << "\n";
    }
  } else {
    os << "  approach 2 (isoFLOP profiles): no loss points\n";
  }
  if (a.chinchilla)
    os << "  approach 3 (L(N, D) fit, a = beta/(alpha+beta)): " << allocation_text(a.approach3) << "\n";
  else
    os << "  approach 3 (L(N, D) fit): not fitted\n";

  os << "\n== Abilities (" << a.verdicts.size() << " curves) ==\n";
  bool families = false;
  for (const auto& cv : a.verdicts) families = families || !cv.curve.family.empty();
  char buf[1024];
  const auto row = [&](const std::string& family, const std::string& task, const std::string& prompt,
                       const std::string& metric, const std::string& axis, const std::string& verdict,
                       const std::string& baseline, const std::string& detail) {
    std::string f = families ? family : "";
    if (families) f.resize(std::max<std::size_t>(f.size(), 10), ' ');
    std::snprintf(buf, sizeof buf, "  %s%s%-12s %-10s %-14s %-6s %-16s %8s  %s\n", f.c_str(), families ? " " : "",
                  task.c_str(), prompt.c_str(), metric.c_str(), axis.c_str(), verdict.c_str(), baseline.c_str(),
                  detail.c_str());
    os << buf;
  };
  row("family", "task", "prompt", "metric", "axis", "verdict", "baseline", "detail");
  for (const auto& cv : a.verdicts) {
    const auto& c = cv.curve;
    const auto& v = cv.verdict;
    std::string detail = num(c.points.front().value, "%.3g") + " -> " + num(c.points.back().value, "%.3g") + " (" +
                         std::to_string(c.points.size()) + " points)";
    if (v.shape == Shape::Emergent) {
      detail += "; emerges at " + num(v.emergence_scale);
      if (std::isfinite(v.emergence_lo)) detail += " [" + num(v.emergence_lo) + ", " + num(v.emergence_hi) + "]";
      detail += " (near chance <= " + num(v.at_chance_below) + ", above from " + num(v.above_chance_from) + ")";
    } else if (v.shape == Shape::UShaped || v.shape == Shape::InvertedU) {
      detail += "; turns at " + num(v.extreme_scale);
    }
    if (!v.reason.empty()) detail += "; " + v.reason;
    row(c.family, c.task, c.prompt, c.metric, c.axis, to_string(v.shape), num(c.baseline, "%.3g"), detail);
  }
  if (!a.across_families.empty()) {
    os << "\n== Across families (over training compute; curves are never merged) ==\n";
    for (const auto& view : a.across_families) {
      os << "  " << view.task << " " << view.prompt << " " << view.metric << ":\n";
      for (const auto& e : view.families) {
        std::snprintf(buf, sizeof buf, "    %-14s C %s..%s  %s -> %s  %-16s%s\n", e.family.c_str(),
                      num(e.flops_lo, "%.2g").c_str(), num(e.flops_hi, "%.2g").c_str(), num(e.first, "%.3g").c_str(),
                      num(e.last, "%.3g").c_str(), e.verdict.c_str(),
                      std::isfinite(e.emergence_flops) ? (" emerges at C " + num(e.emergence_flops, "%.2g")).c_str() : "");
        os << buf;
      }
    }
  }
  if (!a.crossovers.empty()) os << "\n== Crossovers ==\n";
  for (const auto& x : a.crossovers)
    os << "  " << x.task << " " << x.metric << " (" << x.axis << "): " << x.leader << " overtakes " << x.trailer
       << " at " << num(x.scale) << ", leads by " << num(x.lead, "%.3g") << " at the largest scale\n";
  if (!a.artefacts.empty()) os << "\n== Likely metric artefacts ==\n";
  for (const auto& f : a.artefacts)
    os << "  " << f.task << " " << f.prompt << " (" << f.axis << "): emergent in " << f.metric << ", smooth in "
       << f.continuous_metric << ": " << f.reason << "\n";
  return os.str();
}

std::string to_json(const Analysis& a) {
  json out;
  out["chinchilla"] = nullptr;
  if (a.chinchilla) {
    const auto& c = *a.chinchilla;
    const auto& b = a.bootstrap;
    json ci = nullptr;
    if (b.resamples > 0)
      ci = {{"A", interval_json(b.A)},         {"B", interval_json(b.B)},         {"E", interval_json(b.E)},
            {"alpha", interval_json(b.alpha)}, {"beta", interval_json(b.beta)}, {"a", interval_json(b.a)}};
    out["chinchilla"] = {{"A", jnum(c.A)},
                         {"B", jnum(c.B)},
                         {"E", jnum(c.E)},
                         {"alpha", jnum(c.alpha)},
                         {"beta", jnum(c.beta)},
                         {"a", jnum(a.optimal.a)},
                         {"b", jnum(a.optimal.b)},
                         {"G", jnum(a.optimal.G)},
                         {"objective", jnum(c.objective)},
                         {"points", c.points},
                         {"starts", c.starts},
                         {"bootstrap_resamples", b.resamples},
                         {"dof", a.chinchilla_id.dof},
                         {"identified", a.chinchilla_id.identified},
                         {"status", identified_word(a.chinchilla_id)},
                         {"reason", a.chinchilla_id.reason},
                         {"ci", ci}};
    // Over the fitted points' compute range only: beyond it the frontier is an extrapolation.
    double c_lo = 0, c_hi = 0;
    for (const auto& p : a.loss_points) {
      const double flops = 6.0 * p.n_params * p.tokens;
      c_lo = c_lo > 0 ? std::min(c_lo, flops) : flops;
      c_hi = std::max(c_hi, flops);
    }
    json& frontier = out["chinchilla"]["frontier"] = json::array();
    for (const auto& f : frontier_band(c, b, c_lo, c_hi))
      frontier.push_back({{"C", jnum(f.flops)}, {"loss", jnum(f.loss)}, {"lo", jnum(f.lo)}, {"hi", jnum(f.hi)}});
  }
  out["source"] = a.source;
  out["loss_metric"] = a.loss_metric;
  json& points = out["loss_points"] = json::array();
  for (const auto& c : a.loss_cells)
    points.push_back({{"N", jnum(c.n_params)},
                      {"D", jnum(c.tokens)},
                      {"loss", jnum(c.mean())},
                      {"stderr", jnum(c.std_err())},
                      {"seeds", c.losses.size()},
                      {"compute_budget", jnum(c.compute_budget)},
                      {"model", c.model},
                      {"setting", c.setting}});
  json& laws = out["power_laws"] = json::object();
  for (const auto& f : a.power_laws)
    laws["L_" + f.variable] = {{"A", jnum(f.A)},
                               {"alpha", jnum(f.alpha)},
                               {"E", jnum(f.E)},
                               {"objective", jnum(f.objective)},
                               {"points", f.points},
                               {"dof", identify_by_dof(f.points, 3).dof},
                               {"identified", identify_by_dof(f.points, 3).identified},
                               {"status", identified_word(identify_by_dof(f.points, 3))}};
  out["compute_optimal"] = nullptr;
  if (a.chinchilla && a.max_flops > 0)
    out["compute_optimal"] = {{"a", jnum(a.optimal.a)},
                              {"b", jnum(a.optimal.b)},
                              {"G", jnum(a.optimal.G)},
                              {"at_flops", jnum(a.max_flops)},
                              {"N_opt", jnum(a.optimal.n_opt(a.max_flops))},
                              {"D_opt", jnum(a.optimal.d_opt(a.max_flops))},
                              {"loss", jnum(optimal_loss(*a.chinchilla, a.max_flops))}};
  out["approach1"] = nullptr;
  if (a.has_curves) {
    json env = allocation_json(a.envelope.allocation);
    env["loss"] = "training";
    env["runs"] = a.envelope.runs;
    env["fitted_points"] = a.envelope.fitted_points;
    env["distinct_N"] = a.envelope.distinct_winners;
    json& pts = env["envelope"] = json::array();
    for (const auto& p : a.envelope.points)
      pts.push_back({{"C", jnum(p.compute)},
                     {"N", jnum(p.n_params)},
                     {"D", jnum(p.tokens)},
                     {"loss", jnum(p.loss)},
                     {"run_id", p.run_id},
                     {"boundary", p.boundary}});
    out["approach1"] = std::move(env);
  }
  out["approach2"] = nullptr;
  if (!a.isoflop.budgets.empty()) {
    json iso = allocation_json(a.isoflop.allocation);
    iso["grouping"] = a.isoflop.from_budgets ? "compute_budget" : "6ND";
    json& budgets = iso["budgets"] = json::array();
    for (const auto& b : a.isoflop.budgets)
      budgets.push_back({{"budget", jnum(b.compute)},
                         {"N_opt", jnum(b.n_opt)},
                         {"D_opt", jnum(b.d_opt)},
                         {"loss_min", jnum(b.loss_min)},
                         {"points", b.points},
                         {"distinct_N", b.distinct_n},
                         {"N_range", json::array({jnum(b.n_lo), jnum(b.n_hi)})},
                         {"parabola", b.fitted ? json{{"center_lnN", jnum(b.parabola.center)},
                                                      {"c0", jnum(b.parabola.c0)},
                                                      {"c1", jnum(b.parabola.c1)},
                                                      {"c2", jnum(b.parabola.c2)}}
                                               : json(nullptr)},
                         {"identified", b.identified},
                         {"reason", b.reason}});
    out["approach2"] = std::move(iso);
  }
  out["approach3_allocation"] = a.chinchilla ? allocation_json(a.approach3) : json(nullptr);
  json& verdicts = out["verdicts"] = json::array();
  for (const auto& cv : a.verdicts) {
    const auto& c = cv.curve;
    const auto& v = cv.verdict;
    json curve_points = json::array();
    for (std::size_t j = 0; j < c.points.size(); ++j) {
      const auto& p = c.points[j];
      json point = {{"scale", jnum(p.scale)}, {"value", jnum(p.value)}, {"stderr", jnum(p.std_err)}, {"n", p.n}};
      if (!v.above_chance.empty()) point["above_chance"] = static_cast<bool>(v.above_chance[j]);
      curve_points.push_back(std::move(point));
    }
    json sharp = nullptr;
    if (v.sharp.fitted)
      sharp = {{"delta_aic", jnum(v.sharp.delta_aic)},
               {"aic_linear", jnum(v.sharp.aic_linear)},
               {"aic_sigmoid", jnum(v.sharp.aic_sigmoid)},
               {"dispersion", jnum(v.sharp.dispersion)},
               {"floor", jnum(v.sharp.floor)},
               {"top", jnum(v.sharp.top)},
               {"midpoint_log10", jnum(v.sharp.x0)},
               {"rise_decades", jnum(v.sharp.width)},
               {"sigmoid_parameters", v.sharp.sig_params}};
    verdicts.push_back({{"family", c.family},
                        {"task", c.task},
                        {"prompt", c.prompt},
                        {"metric", c.metric},
                        {"axis", c.axis},
                        {"verdict", to_string(v.shape)},
                        {"reason", v.reason},
                        {"metric_kind", to_string(c.info.kind)},
                        {"higher_is_better", c.info.higher_is_better},
                        {"baseline", jnum(c.baseline)},
                        {"baseline_source", c.baseline_source},
                        {"threshold", jnum(v.threshold)},
                        {"breakthroughness", jnum(v.breakthroughness)},
                        {"emergence_scale", jnum(v.emergence_scale)},
                        {"emergence_ci", std::isfinite(v.emergence_lo)
                                             ? json::array({jnum(v.emergence_lo), jnum(v.emergence_hi)})
                                             : json(nullptr)},
                        {"sharpness", std::move(sharp)},
                        {"at_chance_below", jnum(v.at_chance_below)},
                        {"above_chance_from", jnum(v.above_chance_from)},
                        {"extreme_scale", jnum(v.extreme_scale)},
                        {"points", std::move(curve_points)}});
  }
  json& crossovers = out["crossovers"] = json::array();
  for (const auto& x : a.crossovers)
    crossovers.push_back({{"task", x.task},
                          {"metric", x.metric},
                          {"axis", x.axis},
                          {"leader", x.leader},
                          {"trailer", x.trailer},
                          {"scale", jnum(x.scale)},
                          {"lead", jnum(x.lead)}});
  json& artefacts = out["artefacts"] = json::array();
  for (const auto& f : a.artefacts)
    artefacts.push_back({{"task", f.task},
                         {"prompt", f.prompt},
                         {"axis", f.axis},
                         {"metric", f.metric},
                         {"continuous_metric", f.continuous_metric},
                         {"reason", f.reason}});
  json& across = out["across_families"] = json::array();
  for (const auto& view : a.across_families) {
    json fams = json::array();
    for (const auto& e : view.families)
      fams.push_back({{"family", e.family},
                      {"verdict", e.verdict},
                      {"flops_range", json::array({jnum(e.flops_lo), jnum(e.flops_hi)})},
                      {"first", jnum(e.first)},
                      {"last", jnum(e.last)},
                      {"emergence_flops", jnum(e.emergence_flops)}});
    across.push_back({{"task", view.task}, {"prompt", view.prompt}, {"metric", view.metric}, {"families", fams}});
  }
  out["store"] = a.progress.known ? json{{"complete", a.progress.complete()},
                                         {"points", a.progress.total},
                                         {"done", a.progress.done},
                                         {"pending", a.progress.pending},
                                         {"running", a.progress.running},
                                         {"failed", a.progress.failed}}
                                  : json(nullptr);
  out["notes"] = a.notes;
  // Bytes that are not UTF-8 (a source path, say) become U+FFFD instead of an exception.
  return out.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sweep::analysis
