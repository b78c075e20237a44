// Writes the seed stores of fuzz_store into a folder: an empty store, one with
// rows in every table, and one resumed once (so resume_<k>_* attributes and a
// second SWMR session exist). Built from the real writer, so seeds follow the
// current schema without binary files in the repository.
#include <iostream>
#include <string>
#include <vector>

#include "hdf5_schema/store.hpp"

using namespace sweep::store;

namespace {

Provenance provenance() {
  Provenance p;
  p.grid_text = "[sweep]\nname = \"seed\"\n";
  p.grid_path = "seed.toml";
  p.sweep_name = "seed";
  p.sweep_version = "fuzz";
  p.seed = 1;
  p.ranks = 3;
  p.created = "2026-11-30T00:00:00Z";
  p.hostnames = "a\nb\nc";
  return p;
}

std::vector<PointRow> points(int n) {
  std::vector<PointRow> rows;
  for (int i = 0; i < n; ++i) {
    PointRow p;
    p.point_id = 100 + i;
    p.job = i == 0 ? "train" : "eval";
    p.model = "xs";
    p.data_tokens = 4096;
    if (i > 0) {
      p.prompt = "zero_shot";
      p.task = "add2";
    }
    p.config = "seed=1;model=xs;";
    rows.push_back(p);
  }
  return rows;
}

void filled(const std::string& path) {
  Store s = Store::create(path, provenance(), points(3));
  MetricRow m;
  m.point_id = 101;
  m.model = "xs";
  m.n_params = 1234;
  m.data_tokens = 4096;
  m.prompt = "zero_shot";
  m.task = "add2";
  m.metric = "exact_match";
  m.value = 0.25;
  m.std_err = 0.1;
  m.n_examples = 16;
  s.append({m, m});
  ErrorRow e;
  e.point_id = 102;
  e.job = "eval";
  e.message = "worker 2 died";
  s.append_error(e);
  RunRow r;
  r.run_id = 100;
  r.model = "xs";
  r.n_layer = 1;
  r.d_model = 16;
  r.n_head = 2;
  s.append_run(r);
  CurveRow c;
  c.run_id = 100;
  c.step = 1;
  c.loss = 3.0;
  s.append_curves({c, c});
  PointRow done = points(3)[0];
  done.status = Status::Done;
  s.set_point(0, done);
  s.flush();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: store_seeds DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  { Store::create(dir + "/empty.h5", provenance(), {}); }
  filled(dir + "/filled.h5");
  filled(dir + "/resumed.h5");
  {
    Session session;
    session.started = "2026-11-30T01:00:00Z";
    session.ranks = 2;
    Store s = Store::resume(dir + "/resumed.h5", session);
    s.add_points(points(1));
  }
  return 0;
}
