// `sweep analyze`; see analyze_command.hpp and analysis/README.md.
#include "cli/analyze_command.hpp"
#include "cli/options.hpp"
#include "common/clock.hpp"

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "analysis/analysis_file.hpp"
#include "analysis/envelope.hpp"
#include "analysis/report.hpp"
#include "analysis/tidy.hpp"
#include "hdf5_schema/store.hpp"

namespace po = sweep::cli::po;

namespace sweep {
namespace {

cli::OptionTable analyze_options() {
  cli::OptionTable table("sweep analyze STORE.h5 | --csv TIDY.csv", {"store"});
  table.add()
      ("help,h", "print this help and exit")
      ("csv", po::value<std::string>(),
       "read a tidy CSV instead of a store: columns model, n_params, task, prompt, metric, value (optional "
       "family, data_tokens, flops, stderr, n_examples, random_baseline, seed, compute_budget, axes, "
       "higher_is_better, scale)")
      ("json", "print the findings as JSON (the Chinchilla fit at top level) instead of the report; writes no "
       "findings file unless --out is given")
      ("out,o", po::value<std::string>(),
       "findings file to create (HDF5; refused if it exists). Default: SOURCE.analysis.h5 beside the source, "
       "replaced by each analysis (never a file that is not a findings file)")
      ("family", po::value<std::string>(), "analyse only the rows of this model family (the CSV's family column)")
      ("higher-is-better", po::value<std::vector<std::string>>()->composing(),
       "METRIC: declare a metric where higher is better (an unknown one becomes a continuous score; repeatable)")
      ("lower-is-better", po::value<std::vector<std::string>>()->composing(),
       "METRIC: declare a metric where lower is better (repeatable)")
      ("scale", po::value<std::vector<std::string>>()->composing(),
       "METRIC=1|100: the scale the source reports METRIC in (acc=100: percent; repeatable)")
      ("list-metrics", "print the known metrics (direction, range, kind, chance) and exit")
      ("bootstrap", po::value<int>()->default_value(200),
       "bootstrap resamples for the 95% intervals of the Chinchilla fit, of the compute-optimal "
       "exponents of approaches 1 and 2, and of emergence scales (0: none)")
      ("baseline", po::value<std::vector<std::string>>()->composing(),
       "TASK=P: random baseline P of TASK's accuracy metrics (multiple choice: 1/K), when the source has none "
       "(repeatable)")
      ("loss-metric", po::value<std::string>(),
       "metric of the loss fits (default eval_loss, or loss when there is no eval_loss)")
      ("min-effect", po::value<double>()->default_value(0.02),
       "smallest change in a metric that a verdict counts (metric units)");
  return table;
}

constexpr const char* kSynopsis =
    "usage: sweep analyze STORE.h5 [options]\n"
    "       sweep analyze --csv TIDY.csv [options]\n"
    "Fits L(N), L(D), L(C) and the Chinchilla L(N, D); estimates the compute-optimal allocation\n"
    "N_opt ~ C^a three ways (training-curve envelope, isoFLOP profiles, L(N, D) fit); judges every\n"
    "(task, prompt, metric) curve over model size and compute (flat, smooth_positive, emergent,\n"
    "inverse, u_shaped, inverted_u), finds prompt-style crossovers and likely metric artefacts.\n"
    "The store is opened read-only (also while a sweep writes it). Definitions: analysis/README.md.\n\n";

// /points' statuses: how far the sweep that wrote the store has got.
analysis::StoreProgress store_progress(const std::string& path) {
  analysis::StoreProgress p;
  std::vector<store::PointRow> points;
  try {
    points = store::Store::read_points(path);
  } catch (const std::exception&) {
    return p;  // no /points: a store of another shape
  }
  p.known = true;
  for (const auto& r : points) {
    ++p.total;
    switch (r.status) {
      case store::Status::Done: ++p.done; break;
      case store::Status::Pending: ++p.pending; break;
      case store::Status::Running: ++p.running; break;
      default: ++p.failed; break;
    }
  }
  return p;
}

}  // namespace

int analyze_command(int argc, char** argv, const char* version) {
  const auto table = analyze_options();
  po::variables_map vm;
  analysis::AnalyzeOptions ao;
  try {
    vm = table.parse(argc - 1, argv + 1);
    if (vm.count("help")) {
      table.usage(std::cout, kSynopsis);
      return 0;
    }
    if (vm.count("list-metrics")) {
      std::cout << analysis::describe_metrics(ao.metrics);
      return 0;
    }
    for (const char* flag : {"higher-is-better", "lower-is-better"})
      if (vm.count(flag))
        for (const auto& m : vm[flag].as<std::vector<std::string>>()) {
          if (m.empty()) throw po::error(std::string("--") + flag + " expects a metric name");
          ao.metrics.declare(m, {flag[0] == 'h' ? 1 : 0, 0, std::string("--") + flag + " " + m});
        }
    if (vm.count("scale"))
      for (const auto& b : vm["scale"].as<std::vector<std::string>>()) {
        const auto eq = b.find('=');
        const std::string value = eq == std::string::npos ? "" : b.substr(eq + 1);
        if (eq == 0 || (value != "1" && value != "100"))
          throw po::error("--scale expects METRIC=1 or METRIC=100, got '" + b + "'");
        ao.metrics.declare(b.substr(0, eq), {-1, std::stod(value), "--scale " + b});
      }
    if (vm.count("store") == vm.count("csv"))
      throw po::error(vm.count("store") ? "give a STORE.h5 or --csv, not both" : "missing STORE.h5 (or --csv TIDY.csv)");
    ao.bootstrap = vm["bootstrap"].as<int>();
    if (ao.bootstrap < 0) throw po::error("--bootstrap must be >= 0");
    ao.verdict.bootstrap = ao.bootstrap;  // the emergence scale's interval too
    ao.verdict.min_effect = vm["min-effect"].as<double>();
    if (!(ao.verdict.min_effect > 0)) throw po::error("--min-effect must be > 0");
    if (vm.count("loss-metric")) ao.loss_metric = vm["loss-metric"].as<std::string>();
    if (vm.count("baseline"))
      for (const auto& b : vm["baseline"].as<std::vector<std::string>>()) {
        const auto eq = b.find('=');
        std::size_t used = 0;
        double p = -1;
        try {
          if (eq != std::string::npos) p = std::stod(b.substr(eq + 1), &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (eq == 0 || eq == std::string::npos || used != b.size() - eq - 1 || p < 0 || p > 1)
          throw po::error("--baseline expects TASK=P with P in [0, 1], got '" + b + "'");
        ao.baselines[b.substr(0, eq)] = p;
      }
  } catch (const po::error& e) {
    std::cerr << "sweep analyze: " << e.what() << " (see sweep analyze --help)\n";
    return 2;
  }
  const bool from_csv = vm.count("csv") > 0;
  const std::string source = from_csv ? vm["csv"].as<std::string>() : vm["store"].as<std::string>();
  std::string out;
  const auto exists = [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::symlink_status(p, ec));
  };
  // Explicit --out: a new file. Default: SOURCE.analysis.h5, replaced; --json alone writes none.
  const bool explicit_out = vm.count("out") > 0;
  if (explicit_out) {
    out = vm["out"].as<std::string>();
    if (exists(out)) {
      std::cerr << "sweep analyze: " << out << ": already exists; refusing to overwrite it (choose another --out)\n";
      return 2;
    }
  } else if (!vm.count("json")) {
    out = analysis::default_analysis_path(source);
    if (exists(out) && !analysis::is_analysis_file(out)) {
      std::cerr << "sweep analyze: " << out << ": exists and is not a findings file; refusing to replace it "
                << "(move it, or give --out)\n";
      return 2;
    }
  }
  try {
    auto rows = from_csv ? analysis::read_tidy_csv(source) : analysis::read_store_metrics(source);
    if (vm.count("family")) {
      const std::string family = vm["family"].as<std::string>();
      std::vector<analysis::TidyRow> kept;
      for (auto& r : rows)
        if (r.family == family) kept.push_back(std::move(r));
      if (kept.empty()) throw std::runtime_error("--family " + family + ": no rows of that family in " + source);
      rows = std::move(kept);
    }
    analysis::Analysis a;
    if (from_csv) {
      a = analysis::analyze(rows, source, ao);
    } else {
      // A store without /curves or /runs (an eval-only sweep) still gets approaches 2 and 3.
      std::vector<analysis::RunCurve> curves;
      std::string missing;
      try {
        curves = analysis::run_curves(store::Store::read_curves(source), store::Store::read_runs(source));
      } catch (const std::exception& e) {
        missing = e.what();
      }
      if (missing.empty()) {
        a = analysis::analyze(rows, curves, source, ao);
      } else {
        a = analysis::analyze(rows, source, ao);
        a.notes.push_back("approach 1 skipped: training curves unreadable: " + missing);
      }
      a.progress = store_progress(source);
    }
    bool replaced = false;
    if (!out.empty()) {
      if (explicit_out) {
        analysis::write_analysis_file(out, a, version, utc_now());
      } else {
        // Written beside, then renamed over: a reader never sees half a file.
        const std::string partial = out + ".partial";
        std::error_code ec;
        std::filesystem::remove(partial, ec);
        analysis::write_analysis_file(partial, a, version, utc_now());
        replaced = exists(out);
        std::filesystem::rename(partial, out);
      }
    }
    if (vm.count("json")) {
      std::cout << analysis::to_json(a);
    } else {
      std::cout << analysis::to_text(a) << "\nfindings written to " << out
                << (replaced ? " (replacing the previous analysis)" : "") << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "sweep analyze: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sweep
