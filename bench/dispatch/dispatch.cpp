// No-op job dispatch through sweep's transport and wire protocol: rank 0 hands
// JobMsg to idle workers and decodes their ResultMsg, with the master's own
// receive (MPI_Iprobe + backoff sleep, so an idle master does not spin a core);
// workers answer at once. Prints jobs/s. Usage: mpirun -np P bench_dispatch N
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>

#include "wire/protocol.hpp"
#include "wire/mpi_transport.hpp"

int main(int argc, char** argv) {
  sweep::MpiSession mpi(argc, argv);
  sweep::MpiTransport tx;
  const long jobs = argc > 1 ? std::atol(argv[1]) : 20000;
  if (tx.rank() != 0) {
    tx.send(0, sweep::Tag::Ready);
    for (;;) {
      auto msg = tx.receive();
      if (msg.tag == sweep::Tag::Stop) return 0;
      const sweep::JobMsg job = sweep::decode_job(msg.bytes);
      sweep::ResultMsg r;
      r.job = job.job;
      r.outcome = sweep::Outcome::Ok;
      r.metrics = {{"exact_match", 0.5, 0.1, 100}, {"logprob", -1.0, 0.1, 100}};
      tx.send(0, sweep::Tag::Result, sweep::encode(r));
    }
  }
  std::deque<int> idle;
  long sent = 0, done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (done < jobs) {
    while (!idle.empty() && sent < jobs) {
      sweep::JobMsg m{{sweep::JobKind::Eval, static_cast<int>(sent)}, sent, "results/x.ckpt/m-1000-1.pt", 1, {}, 0};
      tx.send(idle.front(), sweep::Tag::Job, sweep::encode(m));
      idle.pop_front();
      ++sent;
    }
    auto msg = tx.receive();
    if (msg.tag == sweep::Tag::Result) {
      sweep::decode_result(msg.bytes);
      ++done;
    }
    idle.push_back(msg.source);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (int w = 1; w < tx.size(); ++w) tx.send(w, sweep::Tag::Stop);
  std::printf("sweep dispatch: %d ranks, %ld no-op jobs in %.3f s: %.0f jobs/s\n", tx.size(), jobs, secs,
              static_cast<double>(jobs) / secs);
  return 0;
}
