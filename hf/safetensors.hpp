// safetensors files (Hugging Face's weight format): an 8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and byte range,
// then the raw data. Files are memory-mapped; a tensor is a view into the map
// that the model copies once into its own storage. A sharded checkpoint is
// several files and model.safetensors.index.json saying which holds which tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sweep::hf {

enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool };
const char* to_string(DType d);  // "F32", ... as in the header
std::size_t dtype_size(DType d);

struct TensorView {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  const std::byte* data = nullptr;  // into the file's map; valid while its SafetensorsFile lives
  std::size_t bytes = 0;            // product(shape) * dtype_size
  std::int64_t numel() const;
};

// One mapped file (move-only; unmaps on destruction, never throws there).
class SafetensorsFile {
 public:
  // Throws std::runtime_error naming the path: unreadable, shorter than its
  // header says (truncated), malformed header JSON, an unknown dtype, a tensor
  // whose byte range disagrees with its shape or runs past the end of the file.
  static SafetensorsFile open(const std::string& path);

  SafetensorsFile(SafetensorsFile&&) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
  ~SafetensorsFile();

  const std::string& path() const;
  const std::map<std::string, TensorView>& tensors() const;
  std::uint64_t file_bytes() const;
  // The whole file as mapped (for checksums).
  const std::byte* mapped() const;

 private:
  SafetensorsFile();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Every weight of a model folder: DIR/model.safetensors, or the shards that
// DIR/model.safetensors.index.json names (each opened once).
class Weights {
 public:
  // Throws std::runtime_error naming the file: no model.safetensors and no
  // index; an index naming a missing shard or a tensor its shard lacks; any
  // SafetensorsFile::open error.
  static Weights open(const std::string& dir);

  bool has(const std::string& name) const;
  // Throws "DIR: no tensor 'NAME' in the checkpoint" when absent.
  const TensorView& get(const std::string& name) const;
  std::vector<std::string> names() const;  // sorted
  const std::vector<std::string>& files() const;  // paths (DIR/NAME), in name order
  std::uint64_t bytes_on_disk() const;
  // "sha256:<hex>" over the weight files' bytes, in name order (each file's
  // name, then its bytes); computed on first call.
  const std::string& checksum() const;

 private:
  std::string dir_;
  std::vector<SafetensorsFile> files_;  // in name order
  std::vector<std::string> paths_;      // files_' paths
  std::map<std::string, const TensorView*> index_;
  mutable std::string checksum_;
};

}  // namespace sweep::hf
