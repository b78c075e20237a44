// Device choice and autocast; see device.hpp.
#include "kernels/device/device.hpp"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#if SWEEP_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace sweep {
namespace {

// SWEEP_DEVICE_MEMORY's value: digits, then optionally KiB, MiB or GiB.
std::uint64_t parse_memory_size(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string suffix = text.substr(digits);
  std::uint64_t unit = 0;
  if (suffix.empty()) unit = 1;
  if (suffix == "KiB") unit = 1ull << 10;
  if (suffix == "MiB") unit = 1ull << 20;
  if (suffix == "GiB") unit = 1ull << 30;
  errno = 0;
  const unsigned long long n = digits ? std::strtoull(text.substr(0, digits).c_str(), nullptr, 10) : 0;
  if (digits == 0 || unit == 0 || errno == ERANGE || n > UINT64_MAX / unit)
    throw std::runtime_error("SWEEP_DEVICE_MEMORY: '" + text +
                             "' is not a byte count (digits, optionally KiB, MiB or GiB)");
  return n * unit;
}

std::uint64_t cpu_memory_available() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    std::uint64_t kib = 0;
    if (fields >> kib) return kib * 1024;
  }
  throw std::runtime_error("/proc/meminfo: no MemAvailable line (set SWEEP_DEVICE_MEMORY)");
}

}  // namespace

std::uint64_t device_memory_available(const torch::Device& device) {
  if (const char* env = std::getenv("SWEEP_DEVICE_MEMORY"); env != nullptr && *env != '\0')
    return parse_memory_size(env);
  if (device.is_cpu()) return cpu_memory_available();
#if SWEEP_WITH_CUDA
  if (device.is_cuda()) {
    c10::cuda::CUDAGuard guard(device);
    std::size_t free = 0, total = 0;
    if (cudaMemGetInfo(&free, &total) != cudaSuccess)
      throw std::runtime_error("cudaMemGetInfo failed on " + device.str() + " (set SWEEP_DEVICE_MEMORY)");
    return free;
  }
#endif
  throw std::runtime_error("free memory of " + device.str() + " unknown to this build (set SWEEP_DEVICE_MEMORY)");
}

std::string format_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int u = 0;
  while (value >= 1024.0 && u < 4) {
    value /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", value, units[u]);
  return buf;
}

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
