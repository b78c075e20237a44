// MPI transport and handle owners; see mpi.hpp and mpi_transport.hpp.
#include "wire/mpi_transport.hpp"

#include <fstream>
#include <sstream>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <thread>

#include <unistd.h>

namespace sweep {
namespace {

// Longest sleep between two polls of a waiting rank: a message waits at most
// this long to be seen, and an idle rank polls at most 1000 times a second
// (under 1% of a core), as mpi4py.futures' default backoff does.
constexpr std::chrono::microseconds kMaxPause(1000);

int world_rank() {
  int initialized = 0, rank = -1;
  MPI_Initialized(&initialized);
  if (initialized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

}  // namespace

void mpi_check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw std::runtime_error(std::string(call) + " failed on rank " + std::to_string(world_rank()) + ": " +
                           std::string(text, static_cast<std::size_t>(len)));
}

MpiSession::MpiSession(int& argc, char**& argv) {
  mpi_check(MPI_Init(&argc, &argv), "MPI_Init");
  mpi_check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
}

MpiSession::~MpiSession() { MPI_Finalize(); }

Communicator::~Communicator() {
  if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

MpiTransport::MpiTransport() {
  mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  MPI_Comm node = MPI_COMM_NULL;
  mpi_check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
            "MPI_Comm_split_type");
  Communicator owned(node);
  mpi_check(MPI_Comm_size(owned.get(), &local_ranks_), "MPI_Comm_size(node)");
  mpi_check(MPI_Comm_rank(owned.get(), &local_rank_), "MPI_Comm_rank(node)");
  MPI_Comm formation = MPI_COMM_NULL;
  mpi_check(MPI_Comm_dup(MPI_COMM_WORLD, &formation), "MPI_Comm_dup");
  formation_ = std::make_shared<Communicator>(formation);
}

Communicator MpiTransport::group(const std::vector<std::int32_t>& world_ranks, int tag) const {
  MPI_Group world = MPI_GROUP_NULL, members = MPI_GROUP_NULL;
  mpi_check(MPI_Comm_group(formation_->get(), &world), "MPI_Comm_group");
  const std::vector<int> ranks(world_ranks.begin(), world_ranks.end());
  const int rc = MPI_Group_incl(world, static_cast<int>(ranks.size()), ranks.data(), &members);
  MPI_Group_free(&world);
  mpi_check(rc, "MPI_Group_incl");
  MPI_Comm comm = MPI_COMM_NULL;
  const int rc2 = MPI_Comm_create_group(formation_->get(), members, tag, &comm);
  MPI_Group_free(&members);
  mpi_check(rc2, "MPI_Comm_create_group");
  Communicator owned(comm);
  mpi_check(MPI_Comm_set_errhandler(owned.get(), MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler(group)");
  return owned;
}

void MpiTransport::send(int dest, Tag tag, const std::string& bytes) const {
  mpi_check(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, dest, static_cast<int>(tag),
                     MPI_COMM_WORLD),
            "MPI_Send");
}

std::optional<Transport::Message> MpiTransport::receive(std::chrono::milliseconds timeout) const {
  MPI_Status status;
  int flag = 0;
  auto pause = std::chrono::microseconds(20);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    mpi_check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (flag) break;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, kMaxPause);
  }
  int count = 0;
  mpi_check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  Message m;
  m.source = status.MPI_SOURCE;
  m.tag = static_cast<Tag>(status.MPI_TAG);
  m.bytes.resize(static_cast<std::size_t>(count));
  mpi_check(MPI_Recv(m.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE),
            "MPI_Recv");
  return m;
}

bool MpiTransport::pending(int source, Tag tag) const {
  int flag = 0;
  mpi_check(MPI_Iprobe(source, static_cast<int>(tag), MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE), "MPI_Iprobe");
  return flag != 0;
}

std::vector<std::string> MpiTransport::hostnames() const {
  constexpr int kLen = 256;
  char mine[kLen] = {};
  gethostname(mine, kLen - 1);
  std::vector<char> all(static_cast<std::size_t>(kLen) * static_cast<std::size_t>(size_));
  mpi_check(MPI_Allgather(mine, kLen, MPI_CHAR, all.data(), kLen, MPI_CHAR, MPI_COMM_WORLD), "MPI_Allgather");
  std::vector<std::string> out;
  for (int r = 0; r < size_; ++r) out.emplace_back(all.data() + static_cast<std::size_t>(r) * kLen);
  return out;
}

std::string mpi_library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int len = 0;
  MPI_Get_library_version(text, &len);
  std::string s(text, static_cast<std::size_t>(len));
  return s.substr(0, s.find_first_of("\r\n,"));
}

void MpiTransport::broadcast(std::string& s) const {
  std::uint64_t n = s.size();
  mpi_check(MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast(size)");
  s.resize(n);
  mpi_check(MPI_Bcast(s.data(), static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast(text)");
}

std::string share_grid_text(const MpiTransport& tx, const std::string& path, std::string& error) {
  std::string payload;
  if (tx.rank() == 0) {
    GridText g;
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      g.text = ss.str();
    } else {
      g.error = path + ": cannot read grid file";
    }
    payload = encode(g);
  }
  tx.broadcast(payload);
  GridText g = decode_grid_text(payload);
  error = g.error;
  return g.text;
}

}  // namespace sweep
