// `sweep status`; see status_command.hpp.
//
// Costs come from the rows alone (the store keeps no plan): a job's point
// config gives n_layer, d_model, seq_len and examples, N is the model's
// n_params from /runs when one of its runs has finished, else 12 * n_layer *
// d_model^2; train 6 N D, eval 2 N examples seq_len (as cost_model.hpp).
// Rates are learnt per model from finished jobs' wall seconds, else pooled,
// else the master's default.
#include "cli/status_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "cli/options.hpp"
#include "common/clock.hpp"
#include "hdf5_schema/h5.hpp"
#include "orchestrator/cost_model.hpp"
#include "orchestrator/progress_estimate.hpp"

namespace sweep {
namespace {

using store::PointRow;
using store::Status;

// A number from a point's canonical config ("key=value;key=value"), or `fallback`.
double config_number(const std::string& config, const std::string& key, double fallback) {
  const std::string needle = key + "=";
  for (std::size_t at = 0; at < config.size();) {
    const std::size_t end = std::min(config.find(';', at), config.size());
    if (config.compare(at, needle.size(), needle) == 0) {
      try {
        return std::stod(config.substr(at + needle.size(), end - at - needle.size()));
      } catch (const std::exception&) {
        return fallback;
      }
    }
    at = end + 1;
  }
  return fallback;
}

bool is_train(const PointRow& p) { return p.job == "train"; }

std::string label(const PointRow& p) {
  std::string s = (is_train(p) ? "train " : "eval  ") + p.model + " d=" + std::to_string(p.data_tokens);
  if (!is_train(p)) s += " " + p.prompt + " " + p.task;
  return s;
}

// Predicted FLOPs and seconds of every /points row.
struct Costs {
  std::vector<double> flops, seconds;
};

Costs costs_of(const StoreSnapshot& s) {
  std::map<std::string, double> n_params;  // per model, from finished runs
  for (const store::RunRow& r : s.runs) n_params[r.model] = static_cast<double>(r.n_params);
  Costs c;
  for (const PointRow& p : s.points) {
    double n = n_params.count(p.model) ? n_params[p.model] : 0.0;
    if (n <= 0) n = 12.0 * config_number(p.config, "n_layer", 1) * std::pow(config_number(p.config, "d_model", 64), 2);
    c.flops.push_back(is_train(p) ? 6.0 * n * static_cast<double>(p.data_tokens)
                                  : 2.0 * n * config_number(p.config, "examples", 100) *
                                        config_number(p.config, "seq_len", 128));
  }
  // FLOP/s learnt from finished jobs: per model, pooled, or the default.
  std::map<std::string, std::pair<double, double>> seen;  // model -> (flops, seconds)
  std::pair<double, double> pooled{0.0, 0.0};
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const PointRow& p = s.points[i];
    if (p.status != Status::Done || !(p.wall_seconds > 0)) continue;
    seen[p.model].first += c.flops[i];
    seen[p.model].second += p.wall_seconds;
    pooled.first += c.flops[i];
    pooled.second += p.wall_seconds;
  }
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto it = seen.find(s.points[i].model);
    const double rate = it != seen.end() ? it->second.first / it->second.second
                        : pooled.second > 0 ? pooled.first / pooled.second
                                            : kDefaultThroughput;
    c.seconds.push_back(c.flops[i] / rate);
  }
  return c;
}

// A running train run's latest attempt as its curve shows it.
struct Curve {
  const store::CurveRow* first = nullptr;
  const store::CurveRow* last = nullptr;
};

std::map<std::int64_t, Curve> latest_curves(const StoreSnapshot& s) {
  std::map<std::int64_t, std::int32_t> attempt;  // run id -> highest attempt logged
  for (const store::CurveRow& r : s.curves) attempt[r.run_id] = std::max(attempt[r.run_id], r.attempt);
  std::map<std::int64_t, Curve> out;
  for (const store::CurveRow& r : s.curves) {
    if (r.attempt != attempt[r.run_id]) continue;
    Curve& c = out[r.run_id];
    if (!c.first || r.step < c.first->step) c.first = &r;
    if (!c.last || r.step > c.last->step) c.last = &r;
  }
  return out;
}

std::string thousands(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.0f", v);
  std::string s = b;
  for (int i = static_cast<int>(s.size()) - 3; i > (s[0] == '-' ? 1 : 0); i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

}  // namespace

bool jobs_left(const StoreSnapshot& s) {
  return std::any_of(s.points.begin(), s.points.end(),
                     [](const PointRow& p) { return p.status == Status::Pending || p.status == Status::Running; });
}

std::string status_report(const StoreSnapshot& s) {
  std::ostringstream out;
  const bool left = jobs_left(s);
  out << "sweep " << (s.sweep_name.empty() ? "?" : s.sweep_name) << ": " << s.path << " ("
      << (s.live ? "live: its sweep is writing it"
                 : left ? "not running: no writer holds it; `sweep --resume` continues it" : "finished")
      << ")\n";

  // Jobs by status.
  int count[7] = {};
  for (const PointRow& p : s.points) ++count[std::min<int>(static_cast<int>(p.status), 6)];
  out << "jobs: " << s.points.size() << " in all: " << count[2] << " done, " << count[1] << " running, " << count[0]
      << " pending, " << count[3] << " failed, " << count[4] << " skipped, " << count[5] << " diverged, " << count[6]
      << " timed out\n";

  // Progress and ETA: every job counts (the store has no session boundary).
  const Costs costs = costs_of(s);
  const std::map<std::int64_t, Curve> curves = latest_curves(s);
  ProgressInput in;
  in.workers = std::max(1, s.workers);
  std::map<std::pair<std::string, std::int64_t>, int> run_of;  // (model, D) -> train row: an eval's run
  for (std::size_t i = 0; i < s.points.size(); ++i)
    if (is_train(s.points[i])) run_of[{s.points[i].model + "\n" + s.points[i].axes, s.points[i].data_tokens}] = static_cast<int>(i);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const PointRow& p = s.points[i];
    JobProgress j;
    j.flops = costs.flops[i];
    j.predicted_s = costs.seconds[i];
    j.phase = p.status == Status::Pending ? JobPhase::Pending
              : p.status == Status::Running ? JobPhase::Running
                                            : JobPhase::Finished;
    if (j.phase == JobPhase::Running) {
      j.seconds = s.live && p.start_time > 0 ? std::max(0.0, s.now - p.start_time) : 0.0;
      const auto c = is_train(p) ? curves.find(p.point_id) : curves.end();
      if (c != curves.end() && p.data_tokens > 0) {
        const double d = static_cast<double>(p.data_tokens);
        j.done = std::min(1.0, static_cast<double>(c->second.last->tokens) / d);
        j.done_at_start = std::min(j.done, static_cast<double>(c->second.first->tokens) / d);
        j.done_s = c->second.last->wall_seconds;
        if (!s.live) j.seconds = j.done_s;  // no writer: nothing has run since
      }
    }
    if (!is_train(p)) {
      const auto r = run_of.find({p.model + "\n" + p.axes, p.data_tokens});
      if (r != run_of.end()) j.waits_for = r->second;
    }
    in.jobs.push_back(j);
  }
  const ProgressEstimate e = estimate(in);
  char line[256];
  std::snprintf(line, sizeof line, "progress: %s %.0f%% of the work (%.3g of %.3g FLOP)", progress_bar(e.fraction).c_str(),
                std::floor(100.0 * e.fraction), e.flops_done, e.flops_total);
  out << line;
  if (!left) {
    out << "\n";
  } else {
    out << " | " << (s.live ? "ETA " : "work left: ") << human_seconds(e.eta_s) << " on " << in.workers
        << (in.workers == 1 ? " worker" : " workers");
    if (e.measured_s > 0) {
      std::snprintf(line, sizeof line, " (running jobs at %.2fx the learnt speed)", e.speed);
      out << line;
    }
    out << "\n";
  }

  // Throughput: the latest finished runs (row order is finish order), per model.
  if (!s.runs.empty()) {
    std::map<std::string, std::pair<double, int>> per_model;
    const std::size_t from = s.runs.size() > 10 ? s.runs.size() - 10 : 0;
    double tokens = 0.0, seconds = 0.0;
    for (std::size_t i = from; i < s.runs.size(); ++i) {
      const store::RunRow& r = s.runs[i];
      per_model[r.model].first += r.tokens_per_s;
      per_model[r.model].second += 1;
      if (r.tokens_per_s > 0) {
        tokens += static_cast<double>(r.data_tokens);
        seconds += static_cast<double>(r.data_tokens) / r.tokens_per_s;
      }
    }
    out << "throughput: the last " << s.runs.size() - from << " finished runs trained "
        << thousands(seconds > 0 ? tokens / seconds : 0.0) << " tokens/s (";
    bool first = true;
    for (const auto& [model, v] : per_model) {
      out << (first ? "" : ", ") << model << " " << thousands(v.first / v.second);
      first = false;
    }
    out << ")\n";
  }

  // Running jobs: a train run's latest step, loss and pace from its curve.
  if (count[1] > 0) {
    out << "running:\n";
    for (const PointRow& p : s.points) {
      if (p.status != Status::Running) continue;
      out << "  " << label(p) << " (rank " << p.rank << (p.host.empty() ? "" : ", " + p.host) << ", attempt "
          << p.attempts << ")";
      if (s.live && p.start_time > 0) out << ", for " << human_seconds(std::max(0.0, s.now - p.start_time));
      const auto c = is_train(p) ? curves.find(p.point_id) : curves.end();
      if (c != curves.end()) {
        const store::CurveRow& last = *c->second.last;
        const store::CurveRow& first = *c->second.first;
        const double pace = last.wall_seconds > first.wall_seconds
                                ? static_cast<double>(last.tokens - first.tokens) / (last.wall_seconds - first.wall_seconds)
                                : 0.0;
        std::snprintf(line, sizeof line, ": step %lld, %lld of %lld tokens (%.0f%%), loss %.4f, %s tokens/s",
                      static_cast<long long>(last.step), static_cast<long long>(last.tokens),
                      static_cast<long long>(p.data_tokens),
                      p.data_tokens > 0 ? 100.0 * static_cast<double>(last.tokens) / static_cast<double>(p.data_tokens) : 0.0,
                      last.loss, thousands(pace).c_str());
        out << line;
      } else if (is_train(p)) {
        out << ": no curve rows yet";
      }
      out << "\n";
    }
  }

  // Failures: every job that ended without a result, with its message; then
  // how many attempts /errors logged (a retried job logs each failure).
  const int failures = count[3] + count[4] + count[5] + count[6];
  if (failures > 0) {
    out << "failures (" << failures << "):\n";
    for (const PointRow& p : s.points) {
      if (p.status != Status::Failed && p.status != Status::Skipped && p.status != Status::Diverged &&
          p.status != Status::Timeout)
        continue;
      out << "  " << label(p) << ": " << store::to_string(p.status) << ": " << p.error << "\n";
    }
  }
  if (!s.errors.empty()) {
    out << "/errors: " << s.errors.size() << " failed attempts logged";
    const std::size_t from = s.errors.size() > 5 ? s.errors.size() - 5 : 0;
    out << (from > 0 ? ", the last 5:\n" : ":\n");
    for (std::size_t i = from; i < s.errors.size(); ++i) {
      const store::ErrorRow& e = s.errors[i];
      out << "  " << e.job << " " << e.model << " d=" << e.data_tokens << (e.prompt.empty() ? "" : " " + e.prompt)
          << (e.task.empty() ? "" : " " + e.task) << " (rank " << e.rank << "): " << e.message << "\n";
    }
  }
  return out.str();
}

namespace {

// A root attribute of the store, or `fallback` when it has none.
std::int32_t root_int(hid_t file, const std::string& name, std::int32_t fallback, const std::string& path) {
  if (store::check(H5Aexists(file, name.c_str()), "H5Aexists", path + " attribute " + name) <= 0) return fallback;
  store::Handle attr = store::own(H5Aopen(file, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", path + " attribute " + name);
  std::int32_t v = fallback;
  store::check(H5Aread(attr.get(), H5T_NATIVE_INT32, &v), "H5Aread", path + " attribute " + name);
  return v;
}

std::string root_text(hid_t file, const std::string& name, const std::string& path) {
  if (store::check(H5Aexists(file, name.c_str()), "H5Aexists", path + " attribute " + name) <= 0) return "";
  store::Handle attr = store::own(H5Aopen(file, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", path + " attribute " + name);
  store::Handle type = store::own(H5Aget_type(attr.get()), H5Tclose, "H5Aget_type", path + " attribute " + name);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0) return "";
  std::string v(H5Tget_size(type.get()), '\0');
  store::check(H5Aread(attr.get(), type.get(), v.data()), "H5Aread", path + " attribute " + name);
  return v.substr(0, v.find('\0'));
}

StoreSnapshot read_snapshot(const std::string& path) {
  StoreSnapshot s;
  s.path = path;
  {
    // A plain read-only open fails while a SWMR writer holds the file.
    store::quiet_hdf5(path);
    const hid_t plain = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (plain >= 0) H5Fclose(plain);
    H5Eclear2(H5E_DEFAULT);
    s.live = plain < 0;
    store::Handle file = store::open_for_reading(path);
    s.sweep_name = root_text(file.get(), "sweep_name", path);
    const std::int32_t sessions = root_int(file.get(), "sessions", 1, path);
    std::int32_t ranks = root_int(file.get(), "ranks", 2, path);
    if (sessions > 1) ranks = root_int(file.get(), "resume_" + std::to_string(sessions - 1) + "_ranks", ranks, path);
    s.workers = std::max(1, ranks - 1);
  }
  s.now = unix_now();
  s.points = store::Store::read_points(path);
  s.runs = store::Store::read_runs(path);
  s.curves = store::Store::read_curves(path);
  s.errors = store::Store::read_errors(path);
  return s;
}

}  // namespace

int status_command(int argc, char** argv) {
  cli::OptionTable table("sweep status STORE.h5", {"store"});
  table.add()
      ("watch", cli::po::value<double>()->implicit_value(5.0)->value_name("SECONDS"),
       "print the status again every SECONDS (default 5) until no job is left or no writer holds the store; "
       "Ctrl-C stops")
      ("help,h", "print this help and exit");
  const std::string synopsis =
      "usage: sweep status STORE.h5 [--watch [SECONDS]]\n"
      "Where a sweep stands, from its store (live or finished): jobs by status, failures with their\n"
      "messages, throughput, progress and ETA, the latest step and loss of each running train run.\n";
  // "--watch STORE.h5": the option's value is optional, so a next word that is
  // no number is not its value.
  std::vector<std::string> words(argv + std::min(argc, 2), argv + argc);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] != "--watch") continue;
    char* end = nullptr;
    if (i + 1 == words.size() || (std::strtod(words[i + 1].c_str(), &end), *end != '\0' || end == words[i + 1].c_str()))
      words[i] = "--watch=5";
  }
  std::vector<const char*> args{"status"};  // parse() skips the first
  for (const std::string& w : words) args.push_back(w.c_str());
  cli::po::variables_map vm;
  try {
    vm = table.parse(static_cast<int>(args.size()), args.data());
    if (vm.count("help")) {
      table.usage(std::cout, synopsis);
      return 0;
    }
    if (!vm.count("store")) throw cli::po::error("missing STORE.h5");
    if (vm.count("watch") && !(vm["watch"].as<double>() > 0))
      throw cli::po::error("--watch must be a number of seconds > 0");
  } catch (const cli::po::error& e) {
    table.usage(std::cerr, "sweep status: " + std::string(e.what()) + "\n" + synopsis);
    return 2;
  }
  const std::string path = vm["store"].as<std::string>();
  const bool watch = vm.count("watch") > 0;
  const bool terminal = isatty(STDOUT_FILENO) != 0;
  try {
    for (;;) {
      const StoreSnapshot s = read_snapshot(path);
      if (watch && terminal) std::cout << "\033[H\033[2J";  // redraw in place
      std::cout << status_report(s) << std::flush;
      if (!watch || !s.live || !jobs_left(s)) return 0;
      std::this_thread::sleep_for(std::chrono::duration<double>(vm["watch"].as<double>()));
      if (!terminal) std::cout << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "sweep status: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace sweep
