// Writes safetensors files for the hf/ tests: well-formed ones from (name,
// dtype, shape, bytes), and raw ones from a header text, so each malformation
// the reader refuses can be made on purpose.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sweep::hf::testing {

struct TensorBytes {
  std::string name;
  std::string dtype;  // "F32", "BF16", ... as the header spells it
  std::vector<std::int64_t> shape;
  std::string bytes;  // raw little-endian data
};

// The 8-byte little-endian length, the header text, the data.
inline std::string framed(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  const std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

// A file as Hugging Face's writer lays it out: tensors back to back in the
// order given, the header padded with spaces to a multiple of 8 bytes.
inline std::string safetensors_bytes(const std::vector<TensorBytes>& tensors,
                                     const nlohmann::json& metadata = nullptr) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.is_null()) header["__metadata__"] = metadata;
  std::string data;
  for (const auto& t : tensors) {
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
    data += t.bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  return framed(text, data);
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

template <typename T>
std::string bytes_of(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

}  // namespace sweep::hf::testing
