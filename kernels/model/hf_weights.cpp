// Tensor copies out of safetensors maps; see hf_weights.hpp.
#include "kernels/model/hf_weights.hpp"

#include <filesystem>
#include <stdexcept>
#include <utility>

namespace sweep {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

bool to_scalar_type(hf::DType d, torch::ScalarType& out) {
  switch (d) {
    case hf::DType::F32: out = torch::kFloat32; return true;
    case hf::DType::F16: out = torch::kFloat16; return true;
    case hf::DType::BF16: out = torch::kBFloat16; return true;
    case hf::DType::F64: out = torch::kFloat64; return true;
    default: return false;
  }
}

}  // namespace

HfWeightLoader::HfWeightLoader(const hf::Weights& weights, std::string dir, torch::ScalarType dtype,
                               torch::Device device)
    : weights_(weights), dir_(std::move(dir)), dtype_(dtype), device_(device) {}

std::string HfWeightLoader::file_of(const std::string& name) const {
  const auto& files = weights_.files();
  if (files.size() == 1) return files[0];
  // Sharded: the shard whose own tensors include NAME.
  for (const auto& f : files) {
    try {
      const auto file = hf::SafetensorsFile::open(f);
      if (file.tensors().count(name)) return f;
    } catch (const std::exception&) {
    }
  }
  return (std::filesystem::path(dir_) / "model.safetensors.index.json").string();
}

torch::Tensor HfWeightLoader::take(const std::string& name, const std::vector<std::int64_t>& shape) const {
  if (!weights_.has(name))
    throw std::runtime_error(dir_ + ": no tensor '" + name + "' in the checkpoint (" +
                             (weights_.files().size() == 1 ? weights_.files()[0] : std::string("its shards")) + ")");
  const hf::TensorView& view = weights_.get(name);
  if (view.shape != shape)
    throw std::runtime_error(file_of(name) + ": tensor '" + name + "' has shape " + shape_text(view.shape) +
                             ", config.json implies " + shape_text(shape));
  torch::ScalarType on_disk;
  if (!to_scalar_type(view.dtype, on_disk))
    throw std::runtime_error(file_of(name) + ": tensor '" + name + "' is " + hf::to_string(view.dtype) +
                             ", not a float type (F32, F16, BF16, F64)");
  // A view of the map, never written: the copy below owns the model's storage.
  auto mapped = torch::from_blob(const_cast<std::byte*>(view.data), view.shape,
                                 torch::TensorOptions().dtype(on_disk).device(torch::kCPU));
  return mapped.to(device_, dtype_, /*non_blocking=*/false, /*copy=*/true);
}

torch::Tensor HfWeightLoader::take_if(bool present, const std::string& name,
                                      const std::vector<std::int64_t>& shape) const {
  return present ? take(name, shape) : torch::Tensor();
}

}  // namespace sweep
