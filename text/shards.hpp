// Pre-tokenized shards: llm.c's format (a 256 x int32 header: magic 20240520,
// version 1 = uint16 tokens / 2 = uint32 tokens, token count; then the
// tokens) and nanoGPT's headerless uint16 .bin. Read by memory-mapping;
// written to a temporary name and renamed, so a shard on disk is whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "text/documents.hpp"

namespace sweep::text {

constexpr std::int32_t kLlmcMagic = 20240520;

// A read-only memory-mapped shard. Move-only; unmaps on destruction.
class Shard {
 public:
  // Throws CorpusError naming the file: wrong magic, unknown version, a token
  // count the file's length does not hold (truncated tail), odd length of a
  // nanoGPT file.
  static Shard open(const std::string& path, FileFormat format);
  ~Shard();
  Shard(Shard&&) noexcept;
  Shard& operator=(Shard&&) noexcept;
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  std::size_t size() const { return count_; }
  std::uint32_t operator[](std::size_t i) const {
    return wide_ ? static_cast<const std::uint32_t*>(tokens_)[i] : static_cast<const std::uint16_t*>(tokens_)[i];
  }
  // Tokens [begin, begin + n) widened into `out`.
  void copy(std::size_t begin, std::size_t n, std::int64_t* out) const;
  const std::string& path() const { return path_; }

 private:
  Shard() = default;
  std::string path_;
  void* map_ = nullptr;
  std::size_t map_bytes_ = 0;
  const void* tokens_ = nullptr;
  std::size_t count_ = 0;
  bool wide_ = false;
};

// Writes an llm.c shard atomically (PATH.tmp, fsync, rename): uint16 tokens
// when every id fits (vocab_size <= 65536), else uint32.
void write_llmc_shard(const std::string& path, const std::vector<std::uint32_t>& tokens, std::size_t vocab_size);

}  // namespace sweep::text
