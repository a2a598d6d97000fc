// Kernel kind: a 2-D convolution's Toeplitz matrix [outC*outH*outW x inC*inH*inW], stored as the
// weight [outC][inC][kH][kW] and geometry; shared by every batch item, never materialized in
// products (direct loops).
#pragma once

#include <Eigen/Dense>

#include <cstdint>

#include "core/network/network.h"
#include "runtime/gbcsr/sparse_rows.h"

namespace cert::gbcsr {

struct KernelBlock {
  Eigen::VectorXd weight;  ///< ONNX order [outC][inC][kH][kW]
  ConvGeometry geometry;

  bool shared() const { return true; }
  int64_t rows() const { return int64_t(geometry.outChannels) * geometry.outHeight * geometry.outWidth; }
  int64_t cols() const { return int64_t(geometry.inChannels) * geometry.inHeight * geometry.inWidth; }
  int64_t bytes() const { return weight.size() * 8 + int64_t(sizeof(ConvGeometry)); }
  /// Fraction of the Toeplitz matrix that holds a (non-zero) weight.
  double density() const;
  /// The Toeplitz matrix (for fallbacks and tests).
  Eigen::MatrixXd item() const;
  /// Calls f(outRow, inCol, weight) for every tap of the Toeplitz matrix.
  template <class F>
  void forEachTap(F&& f) const {
    const ConvGeometry& g = geometry;
    for (int oc = 0; oc < g.outChannels; ++oc)
      for (int ic = 0; ic < g.inChannels; ++ic)
        for (int kh = 0; kh < g.kernelH; ++kh)
          for (int kw = 0; kw < g.kernelW; ++kw) {
            const double w = weight[((int64_t(oc) * g.inChannels + ic) * g.kernelH + kh) * g.kernelW + kw];
            if (w == 0) continue;
            for (int oh = 0; oh < g.outHeight; ++oh) {
              const int h = oh * g.strideH - g.padTop + kh * g.dilationH;
              if (h < 0 || h >= g.inHeight) continue;
              for (int ow = 0; ow < g.outWidth; ++ow) {
                const int x = ow * g.strideW - g.padLeft + kw * g.dilationW;
                if (x < 0 || x >= g.inWidth) continue;
                f((int64_t(oc) * g.outHeight + oh) * g.outWidth + ow,
                  (int64_t(ic) * g.inHeight + h) * g.inWidth + x, w);
              }
            }
          }
  }
};

}  // namespace cert::gbcsr
