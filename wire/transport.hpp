// The master's and workers' view of the wire: point-to-point messages carrying
// the protocol's byte strings (wire/protocol.hpp). Abstract so rank 0's loop
// runs over MPI (wire/mpi_transport.hpp) in a sweep and over an in-memory
// queue in a unit test.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "wire/protocol.hpp"

namespace sweep {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;

  virtual void send(int dest, Tag tag, const std::string& bytes = {}) const = 0;

  struct Message {
    int source = -1;
    Tag tag = Tag::Ready;
    std::string bytes;
  };
  // The next message from anyone, or none after `timeout`.
  virtual std::optional<Message> receive(std::chrono::milliseconds timeout) const = 0;
  // The same, waiting as long as it takes.
  Message receive() const {
    for (;;)
      if (auto m = receive(std::chrono::milliseconds(60000))) return *m;
  }

  // Whether a message with `tag` from `source` is waiting (not received).
  virtual bool pending(int source, Tag tag) const = 0;
};

}  // namespace sweep
