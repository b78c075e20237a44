// An llm.c shard written as its tokens come, so a work unit of any size needs
// only a small buffer: the tokens go to PATH.tmp behind a header whose count
// is filled in by finish(); commit() fsyncs the file and renames it to PATH,
// so a shard under its final name is always whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sweep::text {

class LlmcShardWriter {
 public:
  // Opens PATH.tmp (a leftover of a killed run is truncated: it is this
  // program's own). uint16 tokens when vocab_size <= 65536, else uint32.
  // Throws CorpusError naming the file.
  LlmcShardWriter(const std::string& path, std::size_t vocab_size);
  // Closes, and removes PATH.tmp unless committed. Never throws.
  ~LlmcShardWriter();
  LlmcShardWriter(LlmcShardWriter&&) noexcept;
  LlmcShardWriter& operator=(LlmcShardWriter&&) = delete;
  LlmcShardWriter(const LlmcShardWriter&) = delete;
  LlmcShardWriter& operator=(const LlmcShardWriter&) = delete;

  // Throws CorpusError past 2^31-1 tokens (the header's int32 count).
  void append(const std::uint32_t* tokens, std::size_t n);
  // The last tokens out and the count into the header: PATH.tmp is whole.
  void finish();
  // After finish(): fsync, close, rename PATH.tmp to PATH, fsync the folder.
  void commit();

  std::uint64_t tokens() const { return count_; }
  std::uint64_t bytes() const;
  const std::string& tmp_path() const { return tmp_; }
  const std::string& path() const { return path_; }

 private:
  void flush();
  std::string path_, tmp_;
  int fd_ = -1;
  bool wide_ = false, committed_ = false;
  std::uint64_t count_ = 0;
  std::vector<char> buf_;  // converted tokens not yet written
};

}  // namespace sweep::text
