// Atomic whole-file writes; see atomic_file.hpp.
#include "text/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "text/documents.hpp"

namespace sweep::text {
namespace {

[[noreturn]] void fail(const std::string& path, const char* call) {
  throw CorpusError(path + ": " + call + ": " + std::strerror(errno));
}

class OwnedFd {
 public:
  explicit OwnedFd(int fd) : fd_(fd) {}
  ~OwnedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error that a destructor would have to swallow.
  int close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  {
    // O_TRUNC: a .tmp left by a killed run is this program's own, never a result.
    OwnedFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) fail(tmp, "open");
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
      const ssize_t n = ::write(fd.get(), p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(tmp, "write");
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) fail(tmp, "fsync");
    if (fd.close() != 0) fail(tmp, "close");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail(path, "rename");
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  OwnedFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() >= 0) ::fsync(d.get());  // best effort: some file systems refuse fsync on folders
}

}  // namespace sweep::text
