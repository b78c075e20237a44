// Grid expansion; see grid.hpp.
#include "orchestrator/grid.hpp"

#include "kernels/model_size.hpp"
#include "kernels/rng.hpp"
#include "kernels/tokenizer.hpp"

namespace sweep {
namespace {

// Non-negative int64 from a 64-bit hash, so ids read the same in every language.
std::int64_t id_of(const std::string& key) { return static_cast<std::int64_t>(mix64(fnv1a(key)) >> 1); }

}  // namespace

std::int64_t run_id(const std::string& model, std::int64_t data_tokens) {
  return id_of("run|" + model + "|" + std::to_string(data_tokens));
}

std::int64_t point_id(const std::string& model, std::int64_t data_tokens, PromptStyle prompt,
                      const std::string& task) {
  return id_of("point|" + model + "|" + std::to_string(data_tokens) + "|" + to_string(prompt) + "|" + task);
}

Plan expand(const SweepSpec& spec) {
  Plan plan;
  for (int m : spec.grid.model) {
    const ModelSpec& model = spec.models[m];
    for (std::int64_t d : spec.grid.data_tokens) {
      TrainRun run;
      run.run_id = run_id(model.name, d);
      run.model = m;
      run.data_tokens = d;
      run.n_params = gpt_param_count(model.n_layer, model.d_model, kVocabSize, spec.train.seq_len);
      run.train_flops = 6.0 * static_cast<double>(run.n_params) * static_cast<double>(d);
      const int r = static_cast<int>(plan.runs.size());
      plan.runs.push_back(run);
      for (PromptStyle p : spec.grid.prompt)
        for (int t : spec.grid.task)
          plan.points.push_back(EvalPoint{point_id(model.name, d, p, spec.tasks[t].name), r, p, t});
    }
  }
  return plan;
}

}  // namespace sweep
