// The only MPI code of sweep: start-up, point-to-point messages carrying the
// protocol's byte strings, and the node-local rank count used to size threads.
// MPI errors return codes (MPI_ERRORS_RETURN) and every call is checked with
// the call's name and the rank in the message.
#pragma once

#include <mpi.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/protocol.hpp"

namespace sweep {

// MPI_Get_library_version, first line.
std::string mpi_library_version();

// Throws std::runtime_error("MPI_Send failed on rank 3: <MPI error string>").
void mpi_check(int rc, const char* call);

// MPI_Init / MPI_Finalize owner.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

// Owner of a communicator from MPI_Comm_split*; freed on destruction.
class Communicator {
 public:
  explicit Communicator(MPI_Comm comm) : comm_(comm) {}
  Communicator(Communicator&& o) noexcept : comm_(o.comm_) { o.comm_ = MPI_COMM_NULL; }
  Communicator& operator=(Communicator&&) = delete;
  Communicator(const Communicator&) = delete;
  ~Communicator();
  MPI_Comm get() const { return comm_; }

 private:
  MPI_Comm comm_;
};

class Transport {
 public:
  Transport();
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Ranks sharing this rank's node (MPI_COMM_TYPE_SHARED), this one included,
  // and this rank's index among them.
  int local_ranks() const { return local_ranks_; }
  int local_rank() const { return local_rank_; }

  void send(int dest, Tag tag, const std::string& bytes = {}) const;

  struct Message {
    int source = -1;
    Tag tag = Tag::Ready;
    std::string bytes;
  };
  // Waits for the next message from anyone without spinning a core: polls with
  // MPI_Iprobe and sleeps between polls (backing off to 1 ms).
  Message receive() const;
  // The same, giving up after `timeout`.
  std::optional<Message> receive(std::chrono::milliseconds timeout) const;

  // Whether a message with `tag` from `source` is waiting (not received).
  bool pending(int source, Tag tag) const;

  // Collective: every rank's host name, in rank order (on every rank).
  std::vector<std::string> hostnames() const;

  // Broadcasts a string from rank 0 to all ranks.
  void broadcast(std::string& s) const;

  // A communicator of the given world ranks (their order gives the group
  // ranks). Collective over those ranks only (MPI_Comm_create_group): each
  // calls it with the same ranks and tag; tags keep formations apart.
  Communicator group(const std::vector<std::int32_t>& world_ranks, int tag) const;

 private:
  int rank_ = 0, size_ = 1, local_ranks_ = 1, local_rank_ = 0;
  // A duplicate of MPI_COMM_WORLD for forming groups: MPI_Comm_create_group
  // exchanges point-to-point messages with the caller's tag on its parent
  // communicator, which the protocol's any-tag probes on the world would catch.
  std::shared_ptr<Communicator> formation_;
};

}  // namespace sweep
