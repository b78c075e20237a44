// Line splitting over a reader; see line_reader.hpp.
#include "text/line_reader.hpp"

#include <algorithm>
#include <cstring>

namespace sweep::text {

namespace {
constexpr std::size_t kChunk = 1 << 20;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scanned = begin_;
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(buf_.data() + scanned, '\n', end_ - scanned));
    if (nl != nullptr) {
      const std::size_t at = static_cast<std::size_t>(nl - buf_.data());
      line = std::string_view(buf_.data() + begin_, at - begin_);
      begin_ = at + 1;
      return true;
    }
    if (eof_) {
      if (begin_ == end_) return false;
      line = std::string_view(buf_.data() + begin_, end_ - begin_);
      begin_ = end_;
      return true;
    }
    // Move the partial line to the front, then read more after it.
    const std::size_t partial = end_ - begin_;
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, partial);
      begin_ = 0;
      end_ = partial;
    }
    // Doubling: a line of many megabytes costs a few copies, not one per chunk.
    if (buf_.size() < end_ + kChunk) buf_.resize(std::max(end_ + kChunk, 2 * buf_.size()));
    const std::size_t got = in_.read(buf_.data() + end_, kChunk);
    if (got == 0) eof_ = true;
    scanned = end_;
    end_ += got;
  }
}

}  // namespace sweep::text
