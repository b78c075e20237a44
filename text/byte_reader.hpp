// Sequential readers of a corpus file's bytes: plain, gzip (.gz, zlib) or
// zstd (.zst, libzstd), chosen by extension and decompressed as they stream,
// so a compressed file is never held whole in memory. Errors are CorpusError
// naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace sweep::text {

enum class Compression { None, Gzip, Zstd };

// By the file name's last extension: .gz, .zst, anything else none.
Compression compression_of(const std::string& path);

class ByteReader {
 public:
  virtual ~ByteReader() = default;
  // Up to `n` decompressed bytes into `buf`; 0 only at the end of the data.
  // Throws CorpusError on a read error or corrupt compressed data.
  virtual std::size_t read(char* buf, std::size_t n) = 0;
  // Bytes of the file on disk consumed so far (compressed bytes for .gz and
  // .zst): what progress is measured in.
  virtual std::uint64_t consumed() const = 0;
};

// A reader of `path` from byte `begin` (of the file on disk; only 0 for a
// compressed file) to `end` (the file's end when UINT64_MAX).
std::unique_ptr<ByteReader> open_reader(const std::string& path, std::uint64_t begin = 0,
                                        std::uint64_t end = UINT64_MAX);

}  // namespace sweep::text
