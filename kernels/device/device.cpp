// Device choice and autocast; see device.hpp.
#include "kernels/device/device.hpp"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace sweep {

torch::Device rank_device(int local_rank) {
  if (!torch::cuda::is_available()) return torch::kCPU;
  const auto n = static_cast<int>(torch::cuda::device_count());
  return {torch::kCUDA, static_cast<c10::DeviceIndex>(local_rank % n)};
}

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
Bf16Autocast::Bf16Autocast(const torch::Device& device) : on_(device.is_cuda()) {
  if (!on_) return;
  at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
  at::autocast::set_autocast_enabled(at::kCUDA, true);
}
Bf16Autocast::~Bf16Autocast() {
  if (!on_) return;
  at::autocast::set_autocast_enabled(at::kCUDA, false);
  at::autocast::clear_cache();
}
#else
Bf16Autocast::Bf16Autocast(const torch::Device& device) : on_(device.is_cuda()) {
  if (!on_) return;
  at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
  at::autocast::set_enabled(true);
}
Bf16Autocast::~Bf16Autocast() {
  if (!on_) return;
  at::autocast::set_enabled(false);
  at::autocast::clear_cache();
}
#endif

}  // namespace sweep
