// Store rows of jobs; see store_rows.hpp.
#include "orchestrator/store_rows.hpp"

#include <limits>

#include "common/clock.hpp"

namespace sweep {

int run_index(const Plan& plan, JobRef job) {
  return job.kind == JobKind::Train ? job.index : plan.points[job.index].run;
}

const char* job_word(JobRef job) { return job.kind == JobKind::Train ? "train" : "eval"; }

store::PointRow point_row(const Plan& plan, const SweepSpec& spec, JobRef job) {
  store::PointRow row;
  const bool train = job.kind == JobKind::Train;
  const EvalPoint* point = train ? nullptr : &plan.points[job.index];
  const TrainRun& run = plan.runs[run_index(plan, job)];
  row.point_id = train ? run.run_id : point->point_id;
  row.job = job_word(job);
  row.model = spec.models[run.model].name;
  row.data_tokens = run.data_tokens;
  if (point) {
    row.prompt = to_string(point->prompt);
    row.task = spec.tasks[point->task].name;
  }
  row.config = train ? run.config : point->config;
  row.axes = train ? run.axes : point->axes;
  return row;
}

std::vector<store::PointRow> point_rows(const Plan& plan, const SweepSpec& spec) {
  std::vector<store::PointRow> rows;
  rows.reserve(plan.runs.size() + plan.points.size());
  for (std::size_t r = 0; r < plan.runs.size(); ++r)
    rows.push_back(point_row(plan, spec, {JobKind::Train, static_cast<int>(r)}));
  for (std::size_t p = 0; p < plan.points.size(); ++p)
    rows.push_back(point_row(plan, spec, {JobKind::Eval, static_cast<int>(p)}));
  return rows;
}

std::string checkpoint_of(const Plan& plan, const SweepSpec& spec, const std::string& out, int run) {
  const TrainRun& r = plan.runs[run];
  const ModelSpec& m = spec.models[r.model];
  if (m.pretrained()) return m.folder(r.data_tokens);
  if (m.external()) return m.torchscript;
  return checkpoint_path(out, m.name, r.data_tokens, r.run_id);
}

namespace {

// Axis columns shared by every metrics row of a job.
store::MetricRow metric_base(const Plan& plan, const SweepSpec& spec, JobRef job) {
  const store::PointRow p = point_row(plan, spec, job);
  const TrainRun& run = plan.runs[run_index(plan, job)];
  store::MetricRow row;
  row.point_id = p.point_id;
  row.model = p.model;
  row.n_params = run.n_params;
  row.n_params_non_embedding = run.n_params_non_embedding;
  row.data_tokens = run.data_tokens;
  row.prompt = p.prompt;
  row.task = p.task;
  row.train_flops = run.train_flops;
  row.seed = static_cast<std::int64_t>(plan.spec_of(run).seed);
  row.compute_budget = run.compute_budget;
  row.axes = p.axes;
  return row;
}

}  // namespace

std::vector<store::MetricRow> metric_rows(const Plan& plan, const SweepSpec& spec, JobRef job,
                                          const std::vector<MetricValue>& values) {
  const store::MetricRow base = metric_base(plan, spec, job);
  std::vector<store::MetricRow> rows;
  for (const MetricValue& v : values) {
    store::MetricRow row = base;
    static_cast<MetricValue&>(row) = v;
    rows.push_back(std::move(row));
  }
  return rows;
}

store::ExampleRow example_row(const Plan& plan, const SweepSpec& spec, JobRef job, const ExampleText& example) {
  const store::PointRow p = point_row(plan, spec, job);
  return {p.point_id, p.model, p.data_tokens, p.prompt, p.task, example.context, example.target, example.output};
}

store::ErrorRow error_row(const Plan& plan, const SweepSpec& spec, JobRef job, int rank, const std::string& message) {
  const store::PointRow p = point_row(plan, spec, job);
  return {p.point_id, p.job, p.model, p.data_tokens, p.prompt, p.task, rank, message};
}

store::RunRow run_row(const Plan& plan, const SweepSpec& spec, const ResultMsg& r, const std::string& checkpoint) {
  const TrainRun& run = plan.runs[r.job.index];
  const ModelSpec& m = plan.spec_of(run).models[run.model];  // its shape on a model.NAME.* axis
  store::RunRow row;
  row.run_id = run.run_id;
  row.model = m.name;
  row.n_layer = m.n_layer;
  row.d_model = m.d_model;
  row.n_head = m.n_head;
  row.n_params = r.n_params;
  row.n_params_non_embedding = r.n_params_non_embedding;
  row.data_tokens = run.data_tokens;
  row.train_flops = run.train_flops;
  row.steps = r.steps;
  // A TorchScript model trains nothing here: no train_loss (NaN).
  if (m.external()) row.train_loss = std::numeric_limits<double>::quiet_NaN();
  for (const MetricValue& v : r.metrics) {
    if (v.metric == "train_loss") row.train_loss = v.value;
    if (v.metric == "eval_loss") row.eval_loss = v.value;
  }
  row.tokens_per_s = r.tokens_per_s;
  row.peak_rss_bytes = r.peak_rss_bytes;
  row.wall_seconds = r.seconds;
  row.checkpoint = checkpoint;
  if (m.pretrained()) {
    row.source = checkpoint;
    row.weights_sha256 = r.weights_sha256;
  }
  row.seed = static_cast<std::int64_t>(plan.spec_of(run).seed);
  row.compute_budget = run.compute_budget;
  row.axes = run.axes;
  return row;
}

store::Provenance provenance(const Plan& plan, const SweepSpec& spec, const MasterOptions& options, int ranks) {
  store::Provenance p;
  p.grid_text = spec.text;
  // The overrides the grid ran with, as a comment block: the stored text
  // still parses as the file, and says what the command line changed.
  if (!spec.overrides.empty()) {
    p.grid_text += std::string(p.grid_text.empty() || p.grid_text.back() == '\n' ? "" : "\n") +
                   "# command-line overrides:\n";
    for (const std::string& o : spec.overrides) {
      p.grid_text += "# ";
      for (char c : o) p.grid_text += c == '\n' ? std::string("\n# ") : std::string(1, c);  // a multi-line TOML string
      p.grid_text += "\n";
    }
  }
  p.grid_path = spec.path;
  p.sweep_name = spec.name;
  p.sweep_version = options.version;
  p.seed = spec.seed;
  p.ranks = ranks;
  p.created = utc_now();
  for (const TrainRun& run : plan.runs) p.resolved_config += run.config + "\n";
  p.torch_version = options.torch_version;
  p.mpi_version = options.mpi_version;
  p.nccl_version = options.nccl_version;
  for (const std::string& h : options.hostnames) p.hostnames += h + "\n";
  p.slurm = options.slurm;
  return p;
}

}  // namespace sweep
