// Scalar math written so that the loops calling it vectorise (no libm calls),
// shared by the fused CPU kernels (fused_cpu.cpp, attention_cpu.cpp). Files
// using it are compiled with -fno-math-errno -fno-trapping-math
// (kernels/CMakeLists.txt), without which sqrt and the clamps stay scalar.
#pragma once

#include <cstdint>
#include <cstring>

// A loop function built for AVX-512, AVX2 and baseline x86-64; the loader
// picks the best the CPU has (GCC; elsewhere one plain build).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SWEEP_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SWEEP_VECTOR_CLONES
#endif

namespace sweep {

inline float bits_to_float(std::int32_t i) {
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
}

inline std::int32_t float_to_bits(float f) {
  std::int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i;
}

// exp(x), Cephes' exp_ps: x = n ln2 + r with |r| <= ln2 / 2 (n by the 1.5 * 2^23
// rounding trick, exact for |x log2 e| < 2^22), exp(r) by a degree-6
// polynomial, 2^n built in the exponent bits. x is clamped to +-87 so that
// n stays in [-126, 126]: never inf, NaN or a subnormal (for a NaN x, some
// number or NaN). Relative error ~1e-7.
inline float fast_exp(float x) {
  x = x > 87.0f ? 87.0f : x;
  x = x < -87.0f ? -87.0f : x;
  constexpr float kShift = 12582912.0f;  // 1.5 * 2^23
  const float z = x * 1.44269504088896341f + kShift;
  // Unsigned: a NaN input (a diverging run) gives a garbage n, and shifting a
  // negative int is undefined; the result is then garbage too, never UB.
  const std::uint32_t n = static_cast<std::uint32_t>(float_to_bits(z)) - static_cast<std::uint32_t>(float_to_bits(kShift));
  const float fn = z - kShift;
  // ln 2 in two parts so that fn * kLn2Hi is exact.
  float r = x - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  float y = 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * r * r + r + 1.0f;
  return y * bits_to_float(static_cast<std::int32_t>((n + 127u) << 23));
}

}  // namespace sweep
