// Streaming llm.c shard writes; see shard_writer.hpp.
#include "text/shard_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "text/documents.hpp"
#include "text/shards.hpp"

namespace sweep::text {
namespace {

constexpr std::size_t kHeaderInts = 256;
constexpr std::size_t kHeaderBytes = kHeaderInts * sizeof(std::int32_t);
constexpr std::size_t kFlushBytes = 4u << 20;

[[noreturn]] void fail(const std::string& path, const char* call) {
  throw CorpusError(path + ": " + call + ": " + std::strerror(errno));
}

void write_all(int fd, const char* p, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) fail(path, "write");
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

std::string header_bytes(bool wide, std::uint64_t count) {
  std::int32_t header[kHeaderInts] = {};
  header[0] = kLlmcMagic;
  header[1] = wide ? 2 : 1;
  header[2] = static_cast<std::int32_t>(count);
  return std::string(reinterpret_cast<const char*>(header), kHeaderBytes);
}

}  // namespace

LlmcShardWriter::LlmcShardWriter(const std::string& path, std::size_t vocab_size)
    : path_(path), tmp_(path + ".tmp"), wide_(vocab_size > 65536) {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail(tmp_, "open");
  buf_.reserve(kFlushBytes);
  const std::string header = header_bytes(wide_, 0);  // the count comes with finish()
  buf_.insert(buf_.end(), header.begin(), header.end());
}

LlmcShardWriter::~LlmcShardWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

LlmcShardWriter::LlmcShardWriter(LlmcShardWriter&& o) noexcept
    : path_(std::move(o.path_)),
      tmp_(std::move(o.tmp_)),
      fd_(std::exchange(o.fd_, -1)),
      wide_(o.wide_),
      committed_(o.committed_),
      count_(o.count_),
      buf_(std::move(o.buf_)) {
  o.tmp_.clear();  // the moved-from owner removes nothing
}

void LlmcShardWriter::append(const std::uint32_t* tokens, std::size_t n) {
  if (count_ + n > static_cast<std::uint64_t>(INT32_MAX))
    throw CorpusError(path_ + ": more than 2^31-1 tokens, which an llm.c shard header cannot count");
  const std::size_t width = wide_ ? 4 : 2;
  while (n > 0) {  // in pieces, so the buffer stays near kFlushBytes
    const std::size_t take = std::min(n, kFlushBytes / width);
    const std::size_t at = buf_.size();
    buf_.resize(at + take * width);
    char* p = buf_.data() + at;
    if (wide_) {
      std::memcpy(p, tokens, take * 4);
    } else {
      for (std::size_t i = 0; i < take; ++i) {
        const auto t = static_cast<std::uint16_t>(tokens[i]);
        std::memcpy(p + 2 * i, &t, 2);
      }
    }
    count_ += take;
    tokens += take;
    n -= take;
    if (buf_.size() >= kFlushBytes) flush();
  }
}

void LlmcShardWriter::flush() {
  write_all(fd_, buf_.data(), buf_.size(), tmp_);
  buf_.clear();
}

void LlmcShardWriter::finish() {
  flush();
  const std::string header = header_bytes(wide_, count_);
  const char* p = header.data();
  std::size_t left = header.size();
  off_t at = 0;
  while (left > 0) {
    const ssize_t w = ::pwrite(fd_, p, left, at);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) fail(tmp_, "pwrite");
    p += w;
    at += w;
    left -= static_cast<std::size_t>(w);
  }
  std::vector<char>().swap(buf_);
}

void LlmcShardWriter::commit() {
  if (::fsync(fd_) != 0) fail(tmp_, "fsync");
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) fail(tmp_, "close");
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail(path_, "rename");
  committed_ = true;
  std::string dir = std::filesystem::path(path_).parent_path().string();
  if (dir.empty()) dir = ".";
  const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d >= 0) {
    (void)::fsync(d);  // best effort: some file systems refuse fsync on folders
    ::close(d);
  }
}

std::uint64_t LlmcShardWriter::bytes() const { return kHeaderBytes + count_ * (wide_ ? 4 : 2); }

}  // namespace sweep::text
