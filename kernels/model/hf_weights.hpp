// Copies a Hugging Face checkpoint's tensors out of the memory-mapped
// safetensors files into model storage: each tensor is viewed in place with
// its on-disk dtype and copied once, converted to the compute dtype on the
// target device, after its shape is checked against what config.json implies.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hf/safetensors.hpp"

namespace sweep {

class HfWeightLoader {
 public:
  HfWeightLoader(const hf::Weights& weights, std::string dir, torch::ScalarType dtype, torch::Device device);

  bool has(const std::string& name) const { return weights_.has(name); }

  // The tensor NAME, which must have `shape`, as a fresh (dtype, device)
  // tensor. Throws one line naming the tensor and its file: absent, a shape
  // other than `shape`, or a dtype that is not a float.
  torch::Tensor take(const std::string& name, const std::vector<std::int64_t>& shape) const;
  // The same, or an undefined tensor when `present` is false (optional biases).
  torch::Tensor take_if(bool present, const std::string& name, const std::vector<std::int64_t>& shape) const;

  torch::ScalarType dtype() const { return dtype_; }
  torch::Device device() const { return device_; }
  torch::TensorOptions options() const { return torch::TensorOptions().dtype(dtype_).device(device_); }

 private:
  // The file (or, sharded, the index entry's shard) that holds NAME, for errors.
  std::string file_of(const std::string& name) const;

  const hf::Weights& weights_;
  std::string dir_;
  torch::ScalarType dtype_;
  torch::Device device_;
};

}  // namespace sweep
