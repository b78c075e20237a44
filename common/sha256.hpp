// SHA-256 (FIPS 180-4), so files can be identified by content (tokenizer.json
// hashes in shard manifests and grids) without a crypto library dependency.
#pragma once

#include <string>
#include <string_view>

namespace sweep {

// Lower-case hex digest (64 characters) of `bytes`.
std::string sha256_hex(std::string_view bytes);

// Lower-case hex digest of the file's bytes, read in chunks; throws
// std::runtime_error naming the path if it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace sweep
