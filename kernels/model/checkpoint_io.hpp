// Checkpoint files (a run's weights, its restart point) written and read with
// every failure turned into one clear line. LibTorch writes an archive from a
// destructor, so a full disk while torch::save streams to a file throws from
// that destructor and terminates the process (seen on a 200 KB tmpfs); here the
// archive is serialised to memory first and written with checked calls.
#pragma once

#include <torch/torch.h>

#include <string>

namespace sweep {

// Writes `archive` to `path` through "<path>.partial", fsync and rename, so a
// reader or a kill never sees a half-written file. Throws std::runtime_error
// naming the path and the system error (e.g. "No space left on device").
void save_archive(torch::serialize::OutputArchive& archive, const std::string& path);

// Reads the archive at `path`. Throws std::runtime_error naming the path when
// it is missing, truncated or not a LibTorch archive (one line, no backtrace).
void load_archive(torch::serialize::InputArchive& archive, const std::string& path);

// Loads `archive` into `module`, refusing (std::runtime_error naming `path`
// and `model`) an archive whose parameters have other names or
// shapes: LibTorch 1.13's Module::load silently re-shapes a parameter to
// whatever the archive holds.
void load_weights(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& path,
                  const std::string& model);

// The first line of a c10::Error's text (its what() carries a backtrace).
std::string first_line(const std::string& text);

}  // namespace sweep
