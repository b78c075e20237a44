// RAII owners of MPI's C handles and the one checked-call helper. MPI errors
// return codes (MPI_ERRORS_RETURN); every call is checked with the call's name
// and the rank in the message. Used by the transport and the collectives
// backend (kernels/device/collectives.cpp), the only code that calls MPI.
#pragma once

#include <mpi.h>

#include <string>

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

}  // namespace sweep
