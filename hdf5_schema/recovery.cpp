// The writer lock, h5clear and Store::recover (recovery.hpp).
#include "hdf5_schema/recovery.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "hdf5_schema/h5.hpp"
#include "hdf5_schema/store.hpp"

namespace sweep::store {

WriterLock WriterLock::take(const std::string& path, const char* refusing) {
  WriterLock lock;
  const char* env = std::getenv("HDF5_USE_FILE_LOCKING");
  if (env != nullptr && (std::strcmp(env, "FALSE") == 0 || std::strcmp(env, "0") == 0)) {
    return lock;
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error(path + ": cannot open to lock it: " + std::strerror(errno));
  }
  lock.fd_ = fd;
  struct flock fl{};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = kLockByte;
  fl.l_len = 1;
  if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
    const int err = errno;
    if (err == EAGAIN || err == EACCES) {
      throw std::runtime_error(path + ": another process is writing this store (a sweep is "
                               "still running on it); " + refusing);
    }
    // No lock support here (ENOLCK, EINVAL): go on without one.
    lock.release();
  }
  return lock;
}

void WriterLock::release() noexcept {
  if (fd_ >= 0) ::close(fd_);  // drops the lock
  fd_ = -1;
}

// Runs `h5clear -s --increment path` (never `-s` alone: see SCHEMA.md).
void run_h5clear(const std::string& path) {
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child < 0) {
    throw std::runtime_error(path + ": cannot clear the status flags a killed writer left: fork "
                             "failed: " + std::strerror(errno));
  }
  if (child == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
    execlp("h5clear", "h5clear", "-s", "--increment", path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      throw std::runtime_error(path + ": waiting for h5clear failed: " + std::strerror(errno));
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::string why = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                      : "was killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) why += " (not installed? it is in hdf5-tools)";
  throw std::runtime_error(path + ": the store's writer died without closing it, and "
                           "`h5clear -s --increment " + path + "` (clearing its status flags) " +
                           why);
}

void Store::recover(const std::string& path) {
  quiet_hdf5(path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return;
  // A live writer must not have its flags cleared under it.
  const WriterLock lock = WriterLock::take(path, "refusing to resume it");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id >= 0) {
    if (H5Fclose(id) < 0) H5Eclear2(H5E_DEFAULT);
    return;
  }
  const bool killed = status_flags_set(hdf5_error_stack());
  if (killed) run_h5clear(path);
}

}  // namespace sweep::store
