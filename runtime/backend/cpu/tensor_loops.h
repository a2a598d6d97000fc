// The CPU backend's element-wise loops over tensors with broadcasting (Backend::binary,
// binaryInto, unary, select and the CPU kernels' own constant sums): templates, so that the
// arithmetic inlines and runs without per-element calls. The executor reaches them only through
// the backend's calls.
#pragma once

#include <cstdint>
#include <utility>

#include "runtime/dense_values.h"

namespace cert::runtime::cpu {

/// t = f(a, b) element-wise with broadcasting, t already of the joined extents; t may be a or b
/// itself (each value is read before its own position is written).
template <class F>
void zipTo(const Tensor& a, const Tensor& b, Tensor& t, F&& f) {
  const int64_t r = t.r, c = t.c, d = t.d;
  const size_t n = t.v.size();
  const bool aFull = a.v.size() == n, bFull = b.v.size() == n;
  if (aFull && bFull) {
    for (size_t k = 0; k < n; ++k) t.v[k] = f(a.v[k], b.v[k]);
  } else if (aFull && b.v.size() == 1) {
    const double y = b.v[0];
    for (size_t k = 0; k < n; ++k) t.v[k] = f(a.v[k], y);
  } else if (bFull && a.v.size() == 1) {
    const double x = a.v[0];
    for (size_t k = 0; k < n; ++k) t.v[k] = f(x, b.v[k]);
  } else {
    // Rows, columns or slices broadcast (a row of coefficients times a per-neuron column, a bias
    // added to every item of a batch): column by column, each operand a contiguous column or one value.
    for (int64_t jk = 0; jk < c * d; ++jk) {
      const int64_t j = jk % c, k = jk / c;
      const double* pa = a.v.data() + ((a.d == 1 ? 0 : k) * a.c + (a.c == 1 ? 0 : j)) * a.r;
      const double* pb = b.v.data() + ((b.d == 1 ? 0 : k) * b.c + (b.c == 1 ? 0 : j)) * b.r;
      double* pt = t.v.data() + jk * r;
      if (a.r == r && b.r == r) {
        for (int64_t i = 0; i < r; ++i) pt[i] = f(pa[i], pb[i]);
      } else if (a.r == r) {
        const double y = pb[0];
        for (int64_t i = 0; i < r; ++i) pt[i] = f(pa[i], y);
      } else if (b.r == r) {
        const double x = pa[0];
        for (int64_t i = 0; i < r; ++i) pt[i] = f(x, pb[i]);
      } else {
        const double x = f(pa[0], pb[0]);
        for (int64_t i = 0; i < r; ++i) pt[i] = x;
      }
    }
  }
}

/// Element-wise f over the broadcast of a and b; throws std::runtime_error on mismatched extents.
/// A template so that f inlines: the executor's element-wise work runs without per-element calls.
template <class F>
Tensor zip(const Tensor& a, const Tensor& b, F&& f) {
  Tensor t = Tensor::uninitialized(joinExtent(a.r, b.r), joinExtent(a.c, b.c), joinExtent(a.d, b.d));
  zipTo(a, b, t, f);
  return t;
}

/// The same into the storage of an operand that is no longer needed (`into` is 0 for a, 1 for b)
/// when it has the joined extents, else into new storage.
template <class F>
Tensor zipReusing(Tensor&& operand, int into, const Tensor& other, F&& f) {
  const Tensor& a = into == 0 ? operand : other;
  const Tensor& b = into == 0 ? other : operand;
  const int64_t r = joinExtent(a.r, b.r), c = joinExtent(a.c, b.c), d = joinExtent(a.d, b.d);
  if (operand.r != r || operand.c != c || operand.d != d || operand.v.size() != static_cast<size_t>(r * c * d))
    return zip(a, b, f);
  zipTo(a, b, operand, f);
  return std::move(operand);
}

template <class F>
Tensor mapTensor(const Tensor& a, F&& f) {
  Tensor t = a;
  for (double& x : t.v) x = f(x);
  return t;
}
/// cond ? a : b per element (no arithmetic on the unselected side: inf/NaN do not leak).
Tensor selectTensor(const Tensor& cond, const Tensor& a, const Tensor& b);

}  // namespace cert::runtime::cpu
