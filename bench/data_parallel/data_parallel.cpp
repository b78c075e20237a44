// Training tokens/s of one job on 1 rank versus a 2-rank data-parallel group
// (kernels/device/collectives.hpp, MPI backend), same model and same global batch, in
// one run under `mpirun -np 2`, configurations alternating, medians reported.
//
//   1 rank x 1 thread   rank 0 trains alone, rank 1 sleeps
//   1 rank x 2 threads  rank 0 trains alone with both cores' threads
//   2 ranks x 1 thread  ranks 0 and 1 train one job, each on half the rows
//
// Usage: mpirun -np 2 bench_data_parallel GRID.toml [MODEL] [steps] [reps]
// (MODEL: a [model.NAME] of the grid, default its largest).
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "kernels/device/collectives.hpp"
#include "spec/model_size.hpp"
#include "kernels/data/tokenizer.hpp"
#include "kernels/train/trainer.hpp"
#include "spec/config.hpp"
#include "wire/mpi_transport.hpp"
#include "workers/resources.hpp"

namespace {

// An idle rank waits here without spinning a core (MPI_Barrier would poll).
void quiet_barrier() {
  MPI_Request req;
  MPI_Ibarrier(MPI_COMM_WORLD, &req);
  for (int done = 0; !done;) {
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  sweep::reexec_with_fitting_openblas_core(argv);
  sweep::MpiSession mpi(argc, argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc < 2 || size != 2) {
    if (rank == 0) std::fprintf(stderr, "usage: mpirun -np 2 %s GRID.toml [MODEL] [steps] [reps]\n", argv[0]);
    return 2;
  }
  const sweep::SweepSpec spec = sweep::load_spec_file(argv[1]);
  const sweep::ModelSpec* model = nullptr;
  std::int64_t n_params = 0;
  for (const auto& m : spec.models) {
    const auto n = sweep::gpt_param_count(m.n_layer, m.d_model, sweep::kVocabSize, spec.train.seq_len);
    if (argc > 2 ? m.name == argv[2] : n > n_params) n_params = n, model = &m;
  }
  if (model == nullptr) {
    if (rank == 0) std::fprintf(stderr, "no model %s in %s\n", argv[2], argv[1]);
    return 2;
  }
  const int steps = argc > 3 ? std::atoi(argv[3]) : 40;
  const int reps = argc > 4 ? std::atoi(argv[4]) : 5;
  sweep::keep_freed_memory_in_heap();
  sweep::TrainSpec train = spec.train;
  train.checkpoint_every = 0;
  train.eval_loss_tokens = train.seq_len;  // the held-out pass is not timed, keep it short
  const std::int64_t tokens = static_cast<std::int64_t>(steps) * train.batch_size * train.seq_len;
  const std::vector<sweep::Task> tasks{sweep::Task(spec.tasks[spec.grid.task.front()], spec.seed)};

  struct Config {
    const char* name;
    int ranks, threads;
    std::vector<double> rates;
  };
  std::vector<Config> configs{{"1 rank x 1 thread", 1, 1, {}}, {"1 rank x 2 threads", 1, 2, {}},
                              {"2 ranks x 1 thread", 2, 1, {}}};
  MPI_Comm pair = MPI_COMM_WORLD;
  auto group = sweep::mpi_collectives(pair);
  for (int rep = 0; rep < reps; ++rep)
    for (auto& c : configs) {
      sweep::set_compute_threads(c.threads);
      double rate = 0.0;
      if (c.ranks == 2) {
        rate = sweep::train_model(*model, train, tasks, tokens, spec.seed, "", {}, 10, {},
                                  {torch::kCPU, group.get()})
                   .tokens_per_s;
        MPI_Barrier(MPI_COMM_WORLD);
      } else if (rank == 0) {
        rate = sweep::train_model(*model, train, tasks, tokens, spec.seed, "").tokens_per_s;
        quiet_barrier();
      } else {
        quiet_barrier();
      }
      if (rank == 0 && rep > 0) c.rates.push_back(rate);  // rep 0 warms caches and allocators
    }
  if (rank == 0) {
    std::printf("model %s (%d x %d, %lld params), global batch %d x %d, %d steps, %d timed reps (medians; min-max)\n",
                model->name.c_str(), model->n_layer, model->d_model, static_cast<long long>(n_params),
                train.batch_size, train.seq_len, steps, reps - 1);
    const double base = median(configs[0].rates);
    for (const auto& c : configs) {
      const auto [lo, hi] = std::minmax_element(c.rates.begin(), c.rates.end());
      std::printf("  %-20s %9.0f tokens/s (%.0f-%.0f)  x%.2f of 1 rank x 1 thread\n", c.name, median(c.rates), *lo,
                  *hi, median(c.rates) / base);
    }
  }
  return 0;
}
