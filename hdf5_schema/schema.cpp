// The store's tables, columns and root attributes (schema_version 5); see
// schema.hpp. Column docs are the "meaning" cells of SCHEMA.md's tables
// (StoreSchema.DocumentMatchesTheDescription checks that they agree).
#include "hdf5_schema/schema.hpp"

#include <regex>

namespace sweep::store::schema {

const Table<MetricRow>& metrics_table() {
  const ColumnsOf<MetricRow> column;
  static const Table<MetricRow> t{
      "metrics", 1024,
      "point_id: int64 grid-point id (train rows: run id); "
      "model: model name; n_params: parameter count; n_params_non_embedding: less the embeddings (0: unknown); "
      "data_tokens: training tokens; "
      "prompt: prompt style (empty for train rows); task: task name (empty for train rows); "
      "metric: exact_match | edit_distance | logprob | seq_logprob | mc_accuracy | mc_accuracy_norm | brier | "
      "ece | train_loss | eval_loss (task files add BIG-bench's exact_str_match | multiple_choice_grade | "
      "bleu | rouge1 | rouge2 | rougeLsum); "
      "value: metric value (exact_match fraction in [0,1]; logprob nats/token <= 0; losses nats/token); "
      "stderr: sample std / sqrt(n) (ece: bootstrap); n_examples: examples (eval metrics) or tokens (loss metrics); "
      "train_flops: 6 * n_params * data_tokens; random_baseline: the metric's value for a guessing model. "
      "See hdf5_schema/SCHEMA.md.",
      {
          column("point_id", &MetricRow::point_id,
                 "Stable id of the grid point: a non-negative int64 hash of the point's **resolved config** (`/points.config`: seed, model shape and lr, training settings, corpus tasks, data_tokens, prompt, task, eval settings). Train-run rows carry the **run id** (hash of the run's config). Identical in every run of the same settings; any changed setting gives a new id (`spec/grid.cpp`)."),
          column("model", &MetricRow::model, 32,
                 "Model name: the key of its `[model.NAME]` table."),
          column("n_params", &MetricRow::n_params,
                 "Parameter count N (a TorchScript model: its declared `n_params`; a pretrained model: counted from its `config.json`)."),
          added_in(4, column("n_params_non_embedding", &MetricRow::n_params_non_embedding,
                 "N less the token and position embeddings and an untied output head (Kaplan et al.'s N); 0 when unknown (a TorchScript model; a version 3 store).")),
          column("data_tokens", &MetricRow::data_tokens,
                 "Training tokens D of the run that produced the model: a pretrained checkpoint's pretraining tokens (its suite key or declared `data_tokens`, else 0); 0 for a TorchScript model."),
          column("prompt", &MetricRow::prompt, 16,
                 "`zero_shot`, `few_shot`, `cot` or `instruction`. **Empty for train-run rows.**"),
          column("task", &MetricRow::task, 32,
                 "Task name. **Empty for train-run rows.**"),
          column("metric", &MetricRow::metric, 32,
                 "Metric name, table below."),
          column("value", &MetricRow::value,
                 "The metric's value; unit per metric, below."),
          column("stderr", &MetricRow::std_err,
                 "Standard error of `value`: sample standard deviation / sqrt(n) (`ece`: standard deviation of 200 bootstrap resamples, fixed seed)."),
          column("n_examples", &MetricRow::n_examples,
                 "n behind `value`: **examples** for eval metrics, **tokens** for loss metrics."),
          column("train_flops", &MetricRow::train_flops,
                 "Training compute C = 6 * n_params * data_tokens (FLOP)."),
          column("random_baseline", &MetricRow::random_baseline,
                 "The metric's value for a model that guesses (per metric, below), in the same unit as `value`."),
          added_in(5, column("seed", &MetricRow::seed,
                 "The run's seed (`[sweep] seed`, or its value on a `seed` axis); 0 in a version 3 or 4 store.")),
          added_in(5, column("compute_budget", &MetricRow::compute_budget,
                 "A budget grid's compute C (FLOP) that the run's D was derived from (D = C / (6 N), whole batches); 0 when the grid lists `data_tokens`, and in a version 3 or 4 store.")),
          added_in(5, column("axes", &MetricRow::axes, 256,
                 "Swept settings of the run beyond model, data_tokens, prompt and task: canonical `key=value` pairs joined by `;`, sorted by key (`seed=1;train.lr=0.003`; a budget grid adds `compute=1e+15`); empty when the grid sweeps none, and in a version 3 or 4 store.")),
      }};
  return t;
}

const Table<ErrorRow>& errors_table() {
  const ColumnsOf<ErrorRow> column;
  static const Table<ErrorRow> t{
      "errors", 128,
      "point_id: int64 grid-point id (train jobs: run id); job: train | eval; model; data_tokens; "
      "prompt; task; rank: MPI rank that ran it (-1 if never run); message: error text "
      "(truncated to 511 bytes). One row per failed attempt or skip. See hdf5_schema/SCHEMA.md.",
      {
          column("point_id", &ErrorRow::point_id,
                 "Point id (eval job) or run id (train job)."),
          column("job", &ErrorRow::job, 8,
                 "`train` or `eval`."),
          column("model", &ErrorRow::model, 32,
                 "Model name."),
          column("data_tokens", &ErrorRow::data_tokens,
                 "Training tokens of the run."),
          column("prompt", &ErrorRow::prompt, 16,
                 "Prompt style (empty for train jobs)."),
          column("task", &ErrorRow::task, 32,
                 "Task name (empty for train jobs)."),
          column("rank", &ErrorRow::rank,
                 "MPI rank that ran the attempt; `-1` if it never ran (skipped)."),
          column("message", &ErrorRow::message, 512,
                 "The error text, or `skipped: its train run failed`."),
      }};
  return t;
}

const Table<PointRow>& points_table() {
  const ColumnsOf<PointRow> column;
  static const Table<PointRow> t{
      "points", 64,
      "One row per job of the sweep (train run or eval point), rewritten in place as it runs. "
      "point_id: int64 (train jobs: run id); job: train | eval; model; data_tokens; prompt; task "
      "(prompt and task empty for train jobs); status: enum uint8 pending=0 running=1 done=2 "
      "failed=3 skipped=4 diverged=5 timeout=6; attempts; error: last error text; start_time, end_time: unix seconds "
      "of the last attempt (0 if none); wall_seconds: the job's own seconds; rank, host: where "
      "the last attempt ran (-1, empty if never); config: resolved config (key=value lines). "
      "See hdf5_schema/SCHEMA.md.",
      {
          column("point_id", &PointRow::point_id,
                 "Point id (eval job) or run id (train job), as in `/metrics`."),
          column("job", &PointRow::job, 8,
                 "`train` or `eval`."),
          column("model", &PointRow::model, 32,
                 "Model name."),
          column("data_tokens", &PointRow::data_tokens,
                 "Training tokens D of the run (tokens)."),
          column("prompt", &PointRow::prompt, 16,
                 "Prompt style; empty for train jobs."),
          column("task", &PointRow::task, 32,
                 "Task name; empty for train jobs."),
          column("status", &PointRow::status,
                 "See [Status enum](#status-enum)."),
          column("attempts", &PointRow::attempts,
                 "Attempts started so far (0 while never run)."),
          column("error", &PointRow::error, 256,
                 "Last attempt's error text; empty if none."),
          column("start_time", &PointRow::start_time,
                 "Start of the last attempt, unix seconds (UTC); 0 if never started."),
          column("end_time", &PointRow::end_time,
                 "End of the last attempt, unix seconds; 0 if not ended."),
          column("wall_seconds", &PointRow::wall_seconds,
                 "The job's own measured duration, seconds."),
          column("rank", &PointRow::rank,
                 "MPI rank of the last attempt (of a group job, `ranks_per_job` > 1: its group rank 0); -1 if never run."),
          column("host", &PointRow::host, 64,
                 "Host of the last attempt; empty if never run."),
          column("config", &PointRow::config, 1024,
                 "The job's resolved config, canonical `key=value` lines."),
          added_in(5, column("axes", &PointRow::axes, 256,
                 "The run's swept settings, as `/metrics.axes` (with model, data_tokens, prompt and task they name the job).")),
      }};
  return t;
}

const Table<RunRow>& runs_table() {
  const ColumnsOf<RunRow> column;
  static const Table<RunRow> t{
      "runs", 128,
      "One row per finished train run. run_id; model; n_layer, d_model, n_head; n_params; "
      "n_params_non_embedding; data_tokens; train_flops (6 N D); steps; train_loss (nats/token, last 10% of steps); "
      "eval_loss (nats/token, held-out corpus); tokens_per_s; peak_rss_bytes (worker peak RSS); "
      "wall_seconds; checkpoint: weights file; source, weights_sha256: a pretrained model's folder and "
      "weights checksum. See hdf5_schema/SCHEMA.md.",
      {
          column("run_id", &RunRow::run_id,
                 "Run id: the `point_id` of the train job in `/points` and `/metrics`."),
          column("model", &RunRow::model, 32,
                 "Model name."),
          column("n_layer", &RunRow::n_layer,
                 "Transformer layers (0 for a TorchScript or pretrained model, also `d_model`, `n_head`)."),
          column("d_model", &RunRow::d_model,
                 "Model (residual) width."),
          column("n_head", &RunRow::n_head,
                 "Attention heads."),
          column("n_params", &RunRow::n_params,
                 "Parameter count N."),
          added_in(4, column("n_params_non_embedding", &RunRow::n_params_non_embedding,
                 "N less the embeddings, as in `/metrics`; 0 when unknown.")),
          column("data_tokens", &RunRow::data_tokens,
                 "Training tokens D."),
          column("train_flops", &RunRow::train_flops,
                 "6 * N * D, FLOP."),
          column("steps", &RunRow::steps,
                 "Optimizer steps taken."),
          column("train_loss", &RunRow::train_loss,
                 "Mean training loss over the last 10% of steps, nats/token; NaN for a TorchScript or pretrained model (not trained here: its run only scores the held-out corpus)."),
          column("eval_loss", &RunRow::eval_loss,
                 "Held-out corpus loss, nats/token."),
          column("tokens_per_s", &RunRow::tokens_per_s,
                 "Training throughput, tokens/second: `data_tokens` over the training seconds of every session (a run stopped and resumed from its restart point counts the time before the stop too)."),
          column("peak_rss_bytes", &RunRow::peak_rss_bytes,
                 "Peak resident memory of the worker process, bytes."),
          column("wall_seconds", &RunRow::wall_seconds,
                 "The train job's wall time, seconds, summed over its sessions: a run resumed from a restart point adds the training seconds before it (time after the last restart point of a killed session is not counted)."),
          column("checkpoint", &RunRow::checkpoint, 256,
                 "Path of the weights file (a pretrained model: its folder)."),
          added_in(4, column("source", &RunRow::source, 256,
                 "A pretrained model's folder as loaded (its suite checkpoint); empty for a model trained here.")),
          added_in(4, column("weights_sha256", &RunRow::weights_sha256, 72,
                 "`sha256:<hex>` over a pretrained model's safetensors files (each file's name, then its bytes, in name order), computed by the worker that loaded it; empty for a model trained here.")),
          added_in(5, column("seed", &RunRow::seed,
                 "The run's seed, as `/metrics.seed`.")),
          added_in(5, column("compute_budget", &RunRow::compute_budget,
                 "The run's compute budget, as `/metrics.compute_budget`.")),
          added_in(5, column("axes", &RunRow::axes, 256,
                 "The run's swept settings, as `/metrics.axes`.")),
      }};
  return t;
}

const Table<CurveRow>& curves_table() {
  const ColumnsOf<CurveRow> column;
  static const Table<CurveRow> t{
      "curves", 4096,
      "One row per logged training step, streamed while runs train. run_id; attempt (a restarted "
      "run logs again with the next attempt number); step; tokens (trained after this step); "
      "loss (nats/token, this step's batch); lr; grad_norm (global L2 norm before clipping); "
      "wall_seconds (since the run's start). See hdf5_schema/SCHEMA.md.",
      {
          column("run_id", &CurveRow::run_id,
                 "Run id (as in `/runs`)."),
          column("attempt", &CurveRow::attempt,
                 "Attempt number. A run resumed from a restart point logs with the next number from that step on (not from step 0); the attempt before it may have logged past the restart point (a kill after it), and its steps between its last log and the stop were never logged. A run's curve: attempt k's rows up to (not including) the first step of any higher attempt, then that attempt's (the pandas recipe below; `analysis/envelope.*` does the same)."),
          column("step", &CurveRow::step,
                 "Optimizer step."),
          column("tokens", &CurveRow::tokens,
                 "Tokens trained after this step."),
          column("loss", &CurveRow::loss,
                 "Cross-entropy of this step's batch, nats/token."),
          column("lr", &CurveRow::lr,
                 "Learning rate used at this step."),
          column("grad_norm", &CurveRow::grad_norm,
                 "Global L2 gradient norm before clipping."),
          column("wall_seconds", &CurveRow::wall_seconds,
                 "Training seconds since the run's start; a resumed attempt goes on from the seconds kept in its restart point."),
      }};
  return t;
}

const Table<ExampleRow>& examples_table() {
  const ColumnsOf<ExampleRow> column;
  static const Table<ExampleRow> t{
      "examples", 16,
      "One row per finished eval point: its first eval example as the model saw it. point_id; model; "
      "data_tokens; prompt; task; prompt_text: the rendered prompt; target: the gold continuation; "
      "output: the model's greedy generation, or the option it ranked first. See hdf5_schema/SCHEMA.md.",
      {
          column("point_id", &ExampleRow::point_id,
                 "The eval point, as in `/metrics`."),
          column("model", &ExampleRow::model, 32,
                 "Model name."),
          column("data_tokens", &ExampleRow::data_tokens,
                 "Training tokens of the model's run (0: TorchScript)."),
          column("prompt", &ExampleRow::prompt, 16,
                 "Prompt style."),
          column("task", &ExampleRow::task, 32,
                 "Task name."),
          column("prompt_text", &ExampleRow::context, 4096,
                 "The rendered prompt (description, exemplars, query), exactly the bytes the model was given."),
          column("target", &ExampleRow::target, 1024,
                 "The gold continuation (scored by `logprob`)."),
          column("output", &ExampleRow::output, 1024,
                 "The model's greedy generation (stopped before a newline), or, for a choice-scored point, the option it ranked first."),
      }};
  return t;
}

const std::array<Attr<Provenance>, 13> kProvenanceAttrs = {{
    {"grid_text", &Provenance::grid_text},
    {"grid_path", &Provenance::grid_path},
    {"sweep_name", &Provenance::sweep_name},
    {"sweep_version", &Provenance::sweep_version},
    {"seed", &Provenance::seed},
    {"ranks", &Provenance::ranks},
    {"created", &Provenance::created},
    {"resolved_config", &Provenance::resolved_config},
    {"torch_version", &Provenance::torch_version},
    {"mpi_version", &Provenance::mpi_version},
    {"nccl_version", &Provenance::nccl_version},
    {"hostnames", &Provenance::hostnames},
    {"slurm", &Provenance::slurm},
}};

const std::array<Attr<Session>, 5> kSessionAttrs = {{
    {"grid_text", &Session::grid_text},
    {"sweep_version", &Session::sweep_version},
    {"started", &Session::started},
    {"ranks", &Session::ranks},
    {"slurm", &Session::slurm},
}};

std::vector<RootAttr> root_attrs() {
  std::vector<RootAttr> out = {
      {"schema_version", AttrKind::I32}, {"sessions", AttrKind::I32}, {"hdf5_version", AttrKind::Str}};
  for (const auto& a : kProvenanceAttrs) out.push_back({a.name, a.kind()});
  return out;
}

bool is_resume_attr(const std::string& name) {
  static const std::regex pattern = [] {
    std::string names;
    for (const auto& a : kSessionAttrs) names += (names.empty() ? "" : "|") + std::string(a.name);
    return std::regex("resume_[1-9][0-9]*_(" + names + ")");
  }();
  return std::regex_match(name, pattern);
}

std::string type_name(Kind kind, std::size_t size) {
  switch (kind) {
    case Kind::I32: return "int32";
    case Kind::I64: return "int64";
    case Kind::F64: return "float64";
    case Kind::Str: return "string[" + std::to_string(size) + "]";
    case Kind::Status: return "enum uint8";
  }
  return "?";
}

}  // namespace sweep::store::schema
