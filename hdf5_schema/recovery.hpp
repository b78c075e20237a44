// The writer lock and the recovery of a store whose writer was killed.
//
// HDF5 1.10 drops its own file lock once SWMR writing starts, so a live SWMR
// writer and one that was killed look the same (status flags set). The writer
// therefore holds an open-file-description lock on one byte far past the end
// of the store for as long as it is open; resume() and create(force) refuse a
// store whose lock is held, so h5clear never runs under a live writer. Skipped
// when HDF5_USE_FILE_LOCKING=FALSE (file systems without working locks).
// Internal to hdf5_schema/.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>

namespace sweep::store {

class WriterLock {
 public:
  WriterLock() = default;
  WriterLock(WriterLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  WriterLock& operator=(WriterLock&& o) noexcept {
    if (this != &o) {
      release();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  ~WriterLock() { release(); }

  // Takes the lock on the store at path; throws if another writer holds it
  // (the message ends with `refusing`).
  static WriterLock take(const std::string& path, const char* refusing);

 private:
  static constexpr off_t kLockByte = static_cast<off_t>(1) << 62;
  void release() noexcept;
  int fd_ = -1;
};

// Runs `h5clear -s --increment path` (never `-s` alone: see SCHEMA.md).
void run_h5clear(const std::string& path);

}  // namespace sweep::store
