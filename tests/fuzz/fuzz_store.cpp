// libFuzzer target: bytes on disk -> the store readers every user-facing
// command goes through (validate, export, the reads of a --resume, read-only
// plotting views). A std::exception with a message is the expected answer to a
// file that is not a sweep store; a crash, hang or sanitizer report is a
// finding. Seeds are real stores (tests/fuzz/store_seeds.cpp) so mutations
// reach HDF5's object headers and sweep's own checks, not only the signature.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>

#include "hdf5_schema/store.hpp"

namespace {

std::string scratch_path() {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/sweep-fuzz-store-" + std::to_string(getpid()) + ".h5";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = scratch_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  using sweep::store::Store;
  try {
    const auto problems = Store::validate(path);
    (void)problems;
  } catch (const std::exception&) {
  }
  try {
    std::ostringstream out;
    Store::export_metrics(path, "jsonl", out);
  } catch (const std::exception&) {
  }
  try {
    (void)Store::read_points(path);
    (void)Store::read_runs(path);
    (void)Store::read_errors(path);
    (void)Store::read_curves(path);
  } catch (const std::exception&) {
  }
  try {  // last: a resume writes (clears status flags, records the session)
    sweep::store::Session session;
    session.started = "fuzz";
    Store store = Store::resume(path, session);
    (void)store.points();
  } catch (const std::exception&) {
  }
  std::remove(path.c_str());
  return 0;
}
