// Kernel kind: a 2-D convolution's Toeplitz matrix [outC*outH*outW x inC*inH*inW], stored as the
// weight [outC][inC][kH][kW] and geometry; shared by every batch item, never materialized in
// products (direct loops).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/network/network.h"

namespace cert::gbcsr {

struct KernelBlock {
  std::vector<double> weight;  ///< ONNX order [outC][inC][kH][kW]
  ConvGeometry geometry;

  bool shared() const { return true; }
  int64_t rows() const { return int64_t(geometry.outChannels) * geometry.outHeight * geometry.outWidth; }
  int64_t cols() const { return int64_t(geometry.inChannels) * geometry.inHeight * geometry.inWidth; }
  int64_t bytes() const { return static_cast<int64_t>(weight.size()) * 8 + int64_t(sizeof(ConvGeometry)); }
  /// Fraction of the Toeplitz matrix that holds a (non-zero) weight.
  double density() const;
  /// Calls f(outRow, inCol, weight) for every non-zero tap of the Toeplitz matrix, row by row
  /// (core/network/network.h's forEachConvTap).
  template <class F>
  void forEachTap(F&& f) const {
    forEachConvTap(geometry, weight.data(), std::forward<F>(f));
  }
};

}  // namespace cert::gbcsr
