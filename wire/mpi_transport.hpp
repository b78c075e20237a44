// The transport over MPI_COMM_WORLD, plus what only an MPI world has: the
// node-local rank count used to size threads, host names, the grid broadcast
// at start-up and the sub-communicators of group jobs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wire/mpi.hpp"
#include "wire/transport.hpp"

namespace sweep {

class MpiTransport final : public Transport {
 public:
  MpiTransport();
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  // Ranks sharing this rank's node (MPI_COMM_TYPE_SHARED), this one included,
  // and this rank's index among them.
  int local_ranks() const { return local_ranks_; }
  int local_rank() const { return local_rank_; }

  void send(int dest, Tag tag, const std::string& bytes = {}) const override;
  // Polls with MPI_Iprobe and sleeps between polls (backing off to 1 ms), so a
  // waiting rank does not spin a core.
  std::optional<Message> receive(std::chrono::milliseconds timeout) const override;
  using Transport::receive;
  bool pending(int source, Tag tag) const override;

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

// Collective: rank 0 reads the grid file at `path` and every rank gets its
// text (wire/protocol.hpp's GridText); `error` is set on every rank when rank 0
// could not read it.
std::string share_grid_text(const MpiTransport& tx, const std::string& path, std::string& error);

}  // namespace sweep
