// AdamW over one flat buffer: every parameter of a model becomes a view of one
// (P,) tensor and every gradient a view of one (P+1,) tensor, so a step costs
// one fused pass over P numbers on CPU (kernels/device/fused_cpu.hpp; a few ATen
// passes on other devices) instead of a dozen small kernels per parameter, a data-parallel group reduces all gradients with one collective,
// and gradient clipping is one norm. The gradient buffer's last element carries
// the step's loss through the same all-reduce.
//
// The update is torch.optim.AdamW's (decoupled weight decay, bias-corrected
// moments, eps added after the square root); decay applies to the parameters
// of two or more dimensions only (matrices and embeddings, as in GPT-2).
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace sweep {

struct AdamWSettings {
  double beta1 = 0.9, beta2 = 0.95, eps = 1e-8, weight_decay = 0.1;
};

class FlatAdamW {
 public:
  // Re-homes `module`'s parameters (values kept) and gradients into the flat
  // buffers on the parameters' device. Call after loading weights: loading
  // into a module re-points its parameters away from the buffer.
  FlatAdamW(torch::nn::Module& module, const AdamWSettings& settings);

  // (P,) gradients, views of grads_with_loss()[0, P).
  torch::Tensor grads() const { return grads_.narrow(0, 0, n_); }
  // (P+1,) the buffer a data-parallel group all-reduces.
  const torch::Tensor& grads_with_loss() const { return grads_; }
  // (1,) the loss slot (last element).
  torch::Tensor loss_slot() const { return grads_.narrow(0, n_, 1); }

  void zero_grad() { grads_.zero_(); }

  // Scales gradients to L2 norm <= max_norm (max_norm <= 0: no clipping) and
  // returns the norm before clipping as a (,) tensor, without a host sync on
  // a GPU. On float32 CPU buffers the scale is applied by the next step()'s
  // pass (grads() stays unscaled until then); elsewhere grads() is scaled here.
  torch::Tensor clip_grad_norm(double max_norm);

  // float32 CPU buffers: one fused pass; otherwise (CUDA, other dtypes) ATen ops.
  // zero_grads: leave the gradients (and loss slot) zero for the next backward,
  // as zero_grad() would, within the same pass on CPU (a pass fewer per step).
  void step(double lr, bool zero_grads = false);

  std::int64_t numel() const { return n_; }
  std::int64_t steps_taken() const { return step_; }

  // Optimiser state for restart points: (m, v, step).
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  // The same update as a sequence of ATen ops (bc1, bc2: the bias corrections).
  void step_with_torch_ops(double lr, double bc1, double bc2);
  bool fused() const;  // float32 CPU buffers: step() is one fused pass

  float grad_scale_ = 1.0f;  // clip scale the next fused step applies

  AdamWSettings s_;
  std::int64_t n_ = 0, n_decay_ = 0, step_ = 0;
  torch::Tensor params_, grads_, m_, v_;  // (P,), (P+1,), (P,), (P,)
  torch::Tensor denom_;                    // (P,), allocated by the ATen path only
};

}  // namespace sweep
