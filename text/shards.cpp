// llm.c and nanoGPT shards; see shards.hpp. The llm.c header is 256 int32s
// (magic, version, token count, the rest zero), little-endian like the tokens.
#include "text/shards.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "text/shard_writer.hpp"

namespace sweep::text {
namespace {

constexpr std::size_t kHeaderInts = 256;
constexpr std::size_t kHeaderBytes = kHeaderInts * sizeof(std::int32_t);

[[noreturn]] void fail(const std::string& path, const char* call) {
  throw CorpusError(path + ": " + call + ": " + std::strerror(errno));
}

}  // namespace

Shard Shard::open(const std::string& path, FileFormat format) {
  format = format_of(path, format);
  if (format != FileFormat::LlmcBin && format != FileFormat::NanogptBin)
    throw CorpusError(path + ": not a shard (format " + to_string(format) + ")");
  Shard s;
  s.path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    fail(path, "fstat");
  }
  const auto bytes = static_cast<std::size_t>(st.st_size);
  if (bytes > 0) {
    void* m = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    const int e = errno;
    ::close(fd);  // the mapping keeps the file
    errno = e;
    if (m == MAP_FAILED) fail(path, "mmap");
    s.map_ = m;
    s.map_bytes_ = bytes;
  } else {
    ::close(fd);
  }
  const auto* base = static_cast<const unsigned char*>(s.map_);
  if (format == FileFormat::NanogptBin) {
    if (bytes % 2 != 0)
      throw CorpusError(path + ": odd length " + std::to_string(bytes) + " bytes for a nanoGPT shard of uint16 tokens");
    s.tokens_ = base;
    s.count_ = bytes / 2;
    return s;
  }
  std::int32_t header[3] = {0, 0, 0};
  if (bytes >= sizeof header) std::memcpy(header, base, sizeof header);
  if (bytes < sizeof header || header[0] != kLlmcMagic)
    throw CorpusError(path + ": not an llm.c shard: magic " + std::to_string(header[0]) + ", expected " +
                      std::to_string(kLlmcMagic));
  if (header[1] != 1 && header[1] != 2)
    throw CorpusError(path + ": unknown llm.c shard version " + std::to_string(header[1]) +
                      " (1: uint16 tokens, 2: uint32 tokens)");
  if (bytes < kHeaderBytes)
    throw CorpusError(path + ": truncated: " + std::to_string(bytes) + " bytes, shorter than the llm.c header (" +
                      std::to_string(kHeaderBytes) + ")");
  s.wide_ = header[1] == 2;
  const std::size_t width = s.wide_ ? 4 : 2;
  const std::size_t holds = (bytes - kHeaderBytes) / width;
  if (header[2] < 0 || static_cast<std::size_t>(header[2]) > holds)
    throw CorpusError(path + ": truncated: header says " + std::to_string(header[2]) + " tokens, file holds " +
                      std::to_string(holds));
  if (kHeaderBytes + static_cast<std::size_t>(header[2]) * width != bytes)
    throw CorpusError(path + ": " + std::to_string(bytes - kHeaderBytes - static_cast<std::size_t>(header[2]) * width) +
                      " bytes after the " + std::to_string(header[2]) + " tokens its header says it holds");
  s.tokens_ = base + kHeaderBytes;
  s.count_ = static_cast<std::size_t>(header[2]);
  return s;
}

Shard::~Shard() {
  if (map_ != nullptr) ::munmap(map_, map_bytes_);
}

Shard::Shard(Shard&& o) noexcept
    : path_(std::move(o.path_)),
      map_(std::exchange(o.map_, nullptr)),
      map_bytes_(std::exchange(o.map_bytes_, 0)),
      tokens_(std::exchange(o.tokens_, nullptr)),
      count_(std::exchange(o.count_, 0)),
      wide_(o.wide_) {}

Shard& Shard::operator=(Shard&& o) noexcept {
  if (this != &o) {
    if (map_ != nullptr) ::munmap(map_, map_bytes_);
    path_ = std::move(o.path_);
    map_ = std::exchange(o.map_, nullptr);
    map_bytes_ = std::exchange(o.map_bytes_, 0);
    tokens_ = std::exchange(o.tokens_, nullptr);
    count_ = std::exchange(o.count_, 0);
    wide_ = o.wide_;
  }
  return *this;
}

void Shard::copy(std::size_t begin, std::size_t n, std::int64_t* out) const {
  if (wide_) {
    const auto* t = static_cast<const std::uint32_t*>(tokens_) + begin;
    for (std::size_t i = 0; i < n; ++i) out[i] = t[i];
  } else {
    const auto* t = static_cast<const std::uint16_t*>(tokens_) + begin;
    for (std::size_t i = 0; i < n; ++i) out[i] = t[i];
  }
}

void write_llmc_shard(const std::string& path, const std::vector<std::uint32_t>& tokens, std::size_t vocab_size) {
  LlmcShardWriter out(path, vocab_size);
  out.append(tokens.data(), tokens.size());
  out.finish();
  out.commit();
}

}  // namespace sweep::text
