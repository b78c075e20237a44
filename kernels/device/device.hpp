// Which device a worker rank computes on, and bf16 autocast on GPUs.
//
// A worker on a node with CUDA devices takes device (node-local rank mod
// device count), counting the devices CUDA_VISIBLE_DEVICES leaves visible; so
// with one rank per GPU plus the master on the first node, launch
// GPUs + 1 ranks there (the master computes nothing). Without CUDA (this CPU
// LibTorch) every rank computes on the CPU with its share of the node's cores
// (workers/resources.hpp).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace sweep {

torch::Device rank_device(int local_rank);

// Bytes a model may still occupy on `device`: on the CPU, /proc/meminfo's
// MemAvailable; on a CUDA device, its free memory. The environment variable
// SWEEP_DEVICE_MEMORY (bytes, or with a KiB, MiB or GiB suffix: "12GiB")
// overrides both, for ranks that share a node's memory or a GPU, and for tests.
// Throws std::runtime_error when the variable is not such a size or the
// figure cannot be read.
std::uint64_t device_memory_available(const torch::Device& device);

// "12.0 GiB", "3.4 MiB", "512.0 KiB": a byte count for messages.
std::string format_bytes(std::uint64_t bytes);

// While alive, CUDA ops under it run in bf16 where autocast allows (matmuls,
// attention), fp32 elsewhere (softmax, losses, reductions). Does nothing for a
// CPU device. LibTorch 1.13 and 2.x spell the switches differently.
class Bf16Autocast {
 public:
  explicit Bf16Autocast(const torch::Device& device);
  ~Bf16Autocast();
  Bf16Autocast(const Bf16Autocast&) = delete;
  Bf16Autocast& operator=(const Bf16Autocast&) = delete;

 private:
  bool on_ = false;
};

}  // namespace sweep
