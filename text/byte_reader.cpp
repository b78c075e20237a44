// Plain, gzip and zstd readers; see byte_reader.hpp. Each owns its C handle
// (fd, gzFile, FILE* + ZSTD_DCtx) and releases it in a destructor that never throws.
#include "text/byte_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "text/documents.hpp"

namespace sweep::text {
namespace {

bool ends_with(const std::string& s, const char* tail) {
  const std::size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

[[noreturn]] void fail_errno(const std::string& path, const char* call) {
  throw CorpusError(path + ": " + call + ": " + std::strerror(errno));
}

// An open file descriptor.
class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) fail_errno(path, "cannot open");
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Gives the descriptor away (to gzdopen, which closes it).
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

class PlainReader final : public ByteReader {
 public:
  PlainReader(const std::string& path, std::uint64_t begin, std::uint64_t end)
      : path_(path), fd_(path), at_(begin), end_(end) {
    struct stat st {};
    if (fstat(fd_.get(), &st) != 0) fail_errno(path, "fstat");
    if (S_ISDIR(st.st_mode)) throw CorpusError(path + ": is a directory");
    end_ = std::min<std::uint64_t>(end_, static_cast<std::uint64_t>(st.st_size));
    start_ = at_;
    // Advice only: reading works the same if the kernel declines it.
    (void)posix_fadvise(fd_.get(), static_cast<off_t>(begin), 0, POSIX_FADV_SEQUENTIAL);
  }
  std::size_t read(char* buf, std::size_t n) override {
    if (at_ >= end_) return 0;
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, end_ - at_));
    for (;;) {
      const ssize_t got = ::pread(fd_.get(), buf, n, static_cast<off_t>(at_));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail_errno(path_, "read");
      at_ += static_cast<std::uint64_t>(got);
      if (got == 0) end_ = at_;  // the file shrank under us: stop at its end
      return static_cast<std::size_t>(got);
    }
  }
  std::uint64_t consumed() const override { return at_ - start_; }

 private:
  std::string path_;
  Fd fd_;
  std::uint64_t at_, end_, start_ = 0;
};

class GzipReader final : public ByteReader {
 public:
  explicit GzipReader(const std::string& path) : path_(path) {
    Fd fd(path);
    gz_ = gzdopen(fd.get(), "rb");
    if (gz_ == nullptr) throw CorpusError(path + ": gzdopen failed (out of memory)");
    fd.release();
    // Larger than zlib's 8 kB default; fails only after reading has begun.
    (void)gzbuffer(gz_, 1 << 18);
  }
  ~GzipReader() override {
    if (gz_ != nullptr) gzclose(gz_);
  }
  std::size_t read(char* buf, std::size_t n) override {
    const int want = static_cast<int>(std::min<std::size_t>(n, 1u << 30));
    const int got = gzread(gz_, buf, static_cast<unsigned>(want));
    if (!checked_format_) {
      checked_format_ = true;
      // zlib passes non-gzip bytes through unchanged; a .gz must be gzip.
      if (got > 0 && gzdirect(gz_)) throw CorpusError(path_ + ": corrupt gzip data: not in gzip format");
    }
    int code = Z_OK;
    const char* why = gzerror(gz_, &code);
    if (got < 0 || (code != Z_OK && code != Z_STREAM_END))
      throw CorpusError(path_ + ": corrupt gzip data: " + (why ? why : "unknown error"));
    return static_cast<std::size_t>(got);
  }
  std::uint64_t consumed() const override { return static_cast<std::uint64_t>(std::max<z_off_t>(0, gzoffset(gz_))); }

 private:
  std::string path_;
  gzFile gz_ = nullptr;
  bool checked_format_ = false;
};

class ZstdReader final : public ByteReader {
 public:
  explicit ZstdReader(const std::string& path) : path_(path), in_buf_(ZSTD_DStreamInSize()) {
    file_ = std::fopen(path.c_str(), "rbe");
    if (file_ == nullptr) fail_errno(path, "cannot open");
    dctx_ = ZSTD_createDCtx();
    if (dctx_ == nullptr) throw CorpusError(path + ": ZSTD_createDCtx failed (out of memory)");
  }
  ~ZstdReader() override {
    if (dctx_ != nullptr) ZSTD_freeDCtx(dctx_);
    if (file_ != nullptr) std::fclose(file_);
  }
  std::size_t read(char* buf, std::size_t n) override {
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      if (in_.pos == in_.size) {
        if (eof_) {
          // A frame not finished when the input ends: the file was cut short.
          if (last_ != 0) throw CorpusError(path_ + ": corrupt zstd data: truncated frame");
          return 0;
        }
        const std::size_t got = std::fread(in_buf_.data(), 1, in_buf_.size(), file_);
        if (got < in_buf_.size()) {
          if (std::ferror(file_)) fail_errno(path_, "read");
          eof_ = true;
        }
        consumed_ += got;
        in_ = ZSTD_inBuffer{in_buf_.data(), got, 0};
        if (got == 0) continue;
      }
      last_ = ZSTD_decompressStream(dctx_, &out, &in_);
      if (ZSTD_isError(last_)) throw CorpusError(path_ + ": corrupt zstd data: " + ZSTD_getErrorName(last_));
    }
    return out.pos;
  }
  std::uint64_t consumed() const override { return consumed_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  ZSTD_DCtx* dctx_ = nullptr;
  std::vector<char> in_buf_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool eof_ = false;
  std::size_t last_ = 0;  // ZSTD_decompressStream's hint: 0 when a frame is complete
  std::uint64_t consumed_ = 0;
};

}  // namespace

Compression compression_of(const std::string& path) {
  if (ends_with(path, ".gz")) return Compression::Gzip;
  if (ends_with(path, ".zst")) return Compression::Zstd;
  return Compression::None;
}

std::unique_ptr<ByteReader> open_reader(const std::string& path, std::uint64_t begin, std::uint64_t end) {
  switch (compression_of(path)) {
    case Compression::Gzip:
      return std::make_unique<GzipReader>(path);
    case Compression::Zstd:
      return std::make_unique<ZstdReader>(path);
    case Compression::None:
      break;
  }
  return std::make_unique<PlainReader>(path, begin, end);
}

}  // namespace sweep::text
