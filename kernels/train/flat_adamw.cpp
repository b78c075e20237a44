// Flat-buffer AdamW; see flat_adamw.hpp.
#include "kernels/train/flat_adamw.hpp"

#include "kernels/device/fused_cpu.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace sweep {

FlatAdamW::FlatAdamW(torch::nn::Module& module, const AdamWSettings& settings) : s_(settings) {
  std::vector<torch::Tensor> decay, no_decay;
  for (auto& p : module.parameters()) (p.dim() >= 2 ? decay : no_decay).push_back(p);
  if (decay.empty() && no_decay.empty()) throw std::invalid_argument("FlatAdamW: the module has no parameters");
  for (const auto& p : decay) n_decay_ += p.numel();
  n_ = n_decay_;
  for (const auto& p : no_decay) n_ += p.numel();
  const auto opts = decay.empty() ? no_decay.front().options() : decay.front().options();
  params_ = torch::empty({n_}, opts);
  grads_ = torch::zeros({n_ + 1}, opts);
  m_ = torch::zeros({n_}, opts);
  v_ = torch::zeros({n_}, opts);

  torch::NoGradGuard no_grad;
  std::int64_t at = 0;
  for (auto* group : {&decay, &no_decay})
    for (auto& p : *group) {
      const auto k = p.numel();
      auto home = params_.narrow(0, at, k).view(p.sizes());
      home.copy_(p);
      p.set_data(home);
      p.mutable_grad() = grads_.narrow(0, at, k).view(p.sizes());
      at += k;
    }
}

bool FlatAdamW::fused() const { return params_.device().is_cpu() && params_.scalar_type() == torch::kFloat; }

torch::Tensor FlatAdamW::clip_grad_norm(double max_norm) {
  auto g = grads();
  auto norm = g.norm();  // (,)
  grad_scale_ = 1.0f;
  if (max_norm <= 0) return norm;
  auto scale = torch::clamp_max(max_norm / (norm + 1e-6), 1.0);  // (,) in the gradients' dtype
  // The fused step multiplies each gradient by the same float32 scale as it
  // reads it (the same rounding as this mul_), saving a pass over P numbers.
  if (fused()) grad_scale_ = scale.item<float>();
  else g.mul_(scale);
  return norm;
}

void FlatAdamW::step(double lr, bool zero_grads) {
  torch::NoGradGuard no_grad;
  ++step_;
  const double bc1 = 1.0 - std::pow(s_.beta1, static_cast<double>(step_));
  const double bc2 = 1.0 - std::pow(s_.beta2, static_cast<double>(step_));
  if (fused()) {
    // One pass over p, g, m, v (the buffers are contiguous by construction);
    // the decayed (matrix) parameters come first.
    AdamWCoefficients c{};
    c.beta1 = static_cast<float>(s_.beta1), c.one_minus_beta1 = static_cast<float>(1.0 - s_.beta1);
    c.beta2 = static_cast<float>(s_.beta2), c.one_minus_beta2 = static_cast<float>(1.0 - s_.beta2);
    c.sqrt_bc2 = static_cast<float>(std::sqrt(bc2));
    c.eps = static_cast<float>(s_.eps);
    c.neg_step_size = static_cast<float>(-lr / bc1);
    c.grad_scale = std::exchange(grad_scale_, 1.0f);
    float* p = params_.data_ptr<float>();
    float* g = grads_.data_ptr<float>();
    float* m = m_.data_ptr<float>();
    float* v = v_.data_ptr<float>();
    c.decay = s_.weight_decay > 0 ? static_cast<float>(1.0 - lr * s_.weight_decay) : 1.0f;
    adamw_step(p, g, m, v, n_decay_, c, zero_grads);
    c.decay = 1.0f;
    adamw_step(p + n_decay_, g + n_decay_, m + n_decay_, v + n_decay_, n_ - n_decay_, c, zero_grads);
    if (zero_grads) g[n_] = 0.0f;  // the loss slot
    return;
  }
  step_with_torch_ops(lr, bc1, bc2);
  if (zero_grads) zero_grad();
}

void FlatAdamW::step_with_torch_ops(double lr, double bc1, double bc2) {
  auto g = grads();
  if (!denom_.defined()) denom_ = torch::empty_like(m_);
  if (s_.weight_decay > 0 && n_decay_ > 0) params_.narrow(0, 0, n_decay_).mul_(1.0 - lr * s_.weight_decay);
  m_.mul_(s_.beta1).add_(g, 1.0 - s_.beta1);
  v_.mul_(s_.beta2).addcmul_(g, g, 1.0 - s_.beta2);
  torch::sqrt_out(denom_, v_).div_(std::sqrt(bc2)).add_(s_.eps);
  params_.addcdiv_(m_, denom_, -lr / bc1);
}

void FlatAdamW::save(torch::serialize::OutputArchive& archive) const {
  archive.write("adamw_m", m_.cpu());
  archive.write("adamw_v", v_.cpu());
  archive.write("adamw_step", torch::tensor(step_));
}

void FlatAdamW::load(torch::serialize::InputArchive& archive) {
  torch::Tensor m, v, step;
  archive.read("adamw_m", m);
  archive.read("adamw_v", v);
  archive.read("adamw_step", step);
  if (m.numel() != n_ || v.numel() != n_)
    throw std::runtime_error("optimiser state of " + std::to_string(m.numel()) + " values, the model has " +
                             std::to_string(n_));
  torch::NoGradGuard no_grad;
  m_.copy_(m.view({n_}));
  v_.copy_(v.view({n_}));
  step_ = step.item<std::int64_t>();
}

}  // namespace sweep
