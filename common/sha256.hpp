// SHA-256 (FIPS 180-4), so files can be identified by content (tokenizer.json
// hashes in shard manifests and grids) without a crypto library dependency.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sweep {

// Incremental digest, for data fed in pieces (several mapped files, each after
// its name) without joining them: any split of the same bytes gives the same hex().
class Sha256 {
 public:
  void update(const void* data, std::size_t n);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // Lower-case hex digest (64 characters); call once, after the last update.
  std::string hex();

 private:
  void compress(const unsigned char* block);

  std::array<std::uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<unsigned char, 64> block_{};
  std::size_t used_ = 0;
  std::uint64_t length_ = 0;
};

// Lower-case hex digest (64 characters) of `bytes`.
std::string sha256_hex(std::string_view bytes);

// Lower-case hex digest of the file's bytes, read in chunks; throws
// std::runtime_error naming the path if it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace sweep
