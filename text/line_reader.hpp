// Lines of a ByteReader's stream, each seen once as a view into a buffer that
// grows only to the longest line (a JSONL document can be megabytes).
#pragma once

#include <string>
#include <string_view>

#include "text/byte_reader.hpp"

namespace sweep::text {

class LineReader {
 public:
  explicit LineReader(ByteReader& in) : in_(in) {}
  // The next line without its '\n' (a last line may lack one); false at the
  // end. The view lives until the next call.
  bool next(std::string_view& line);

 private:
  ByteReader& in_;
  std::string buf_;
  std::size_t begin_ = 0, end_ = 0;  // unread bytes are buf_[begin_, end_)
  bool eof_ = false;
};

}  // namespace sweep::text
