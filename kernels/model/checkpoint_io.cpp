// Checked checkpoint file I/O; see checkpoint_io.hpp.
#include "kernels/model/checkpoint_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace sweep {

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int err) {
  throw std::runtime_error(path + ": " + what + ": " + std::strerror(err));
}

// RAII over a POSIX file descriptor; closing is checked by the writer itself.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

void save_archive(torch::serialize::OutputArchive& archive, const std::string& path) {
  std::ostringstream buffer;
  archive.save_to(buffer);  // to memory: cannot fail on a full disk
  const std::string bytes = buffer.str();
  const std::string tmp = path + ".partial";
  {
    Fd out;
    out.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out.fd < 0) fail(tmp, "cannot create checkpoint", errno);
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::write(out.fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : EIO;
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        fail(tmp, "cannot write checkpoint", err);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(out.fd) != 0 || ::close(std::exchange(out.fd, -1)) != 0) {
      const int err = errno;
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      fail(tmp, "cannot write checkpoint", err);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);  // readers never see a half-written file
  if (ec) throw std::runtime_error(path + ": cannot rename the written checkpoint into place: " + ec.message());
}

void load_archive(torch::serialize::InputArchive& archive, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw std::runtime_error(path + ": checkpoint is missing or not a regular file");
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": not a readable checkpoint (truncated, or not written by sweep): " +
                             first_line(e.what()));
  }
}

void load_weights(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& path,
                  const std::string& model) {
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected;
  for (const auto& p : module.named_parameters()) expected.emplace_back(p.key(), p.value().sizes().vec());
  try {
    module.load(archive);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": checkpoint does not fit model " + model + " (another shape?): " +
                             first_line(e.what()));
  }
  auto shape = [](const std::vector<std::int64_t>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
  };
  std::size_t i = 0;
  for (const auto& p : module.named_parameters()) {
    const auto& [name, want] = expected[i++];
    if (p.value().sizes().vec() != want)
      throw std::runtime_error(path + ": checkpoint does not fit model " + model + " (another shape?): " + name +
                               " is " + shape(p.value().sizes().vec()) + " in the checkpoint, the model has " +
                               shape(want));
  }
}

}  // namespace sweep
