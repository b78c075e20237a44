// Corpus files for the tests of text/: plain, gzip- and zstd-compressed
// files written with zlib's and libzstd's own APIs, and raw shard bytes.
#pragma once

#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sweep::testing {

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile gz = gzopen(path.c_str(), "wb");
  if (gz == nullptr) throw std::runtime_error("gzopen " + path);
  if (!bytes.empty() && gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) <= 0) {
    gzclose(gz);
    throw std::runtime_error("gzwrite " + path);
  }
  gzclose(gz);
}

inline std::string zstd_bytes(const std::string& bytes) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 3);
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

inline void write_zstd(const std::string& path, const std::string& bytes) { write_file(path, zstd_bytes(bytes)); }

// An llm.c shard's bytes with the given header fields and token bytes.
inline std::string llmc_bytes(std::int32_t magic, std::int32_t version, std::int32_t count,
                              const std::string& token_bytes) {
  std::vector<std::int32_t> header(256, 0);
  header[0] = magic;
  header[1] = version;
  header[2] = count;
  std::string out(reinterpret_cast<const char*>(header.data()), header.size() * 4);
  return out + token_bytes;
}

template <class T>
std::string token_bytes(const std::vector<T>& tokens) {
  return std::string(reinterpret_cast<const char*>(tokens.data()), tokens.size() * sizeof(T));
}

}  // namespace sweep::testing
