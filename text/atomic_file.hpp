// Whole-file writes that a crash cannot leave half-done: the bytes go to
// PATH.tmp, are fsync'ed, and the file is renamed over PATH (then the folder
// is fsync'ed so the rename itself is durable). A reader sees the old file or
// the new one, never a prefix.
#pragma once

#include <string>
#include <string_view>

namespace sweep::text {

// Throws CorpusError naming the path and the failing call.
void write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace sweep::text
