// Kernel kind: Toeplitz materialization, density, and products with dense matrices.
#include "runtime/gbcsr/kernel_block.h"

#include <vector>

namespace cert::gbcsr {

Eigen::MatrixXd KernelBlock::item() const {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(rows(), cols());
  forEachTap([&](int64_t o, int64_t i, double w) { m(o, i) += w; });
  return m;
}

double KernelBlock::density() const {
  int64_t taps = 0;
  forEachTap([&](int64_t, int64_t, double) { ++taps; });
  const double n = double(rows()) * double(cols());
  return n > 0 ? double(taps) / n : 0.0;
}

SparseRM kernelRowsCsr(const KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  std::vector<int> outer(static_cast<size_t>(k.rows()) + 1, 0), inner;
  std::vector<double> values;
  int64_t row = 0;
  // Row (oc, oh, ow) reads inputs (ic, h, x): ic, then kh (h ascending), then kw (x ascending)
  // visits its columns in ascending order.
  for (int oc = 0; oc < g.outChannels; ++oc)
    for (int oh = 0; oh < g.outHeight; ++oh)
      for (int ow = 0; ow < g.outWidth; ++ow, ++row) {
        for (int ic = 0; ic < g.inChannels; ++ic)
          for (int kh = 0; kh < g.kernelH; ++kh) {
            const int h = oh * g.strideH - g.padTop + kh * g.dilationH;
            if (h < 0 || h >= g.inHeight) continue;
            for (int kw = 0; kw < g.kernelW; ++kw) {
              const int x = ow * g.strideW - g.padLeft + kw * g.dilationW;
              if (x < 0 || x >= g.inWidth) continue;
              const double w = k.weight[((int64_t(oc) * g.inChannels + ic) * g.kernelH + kh) * g.kernelW + kw];
              if (w == 0) continue;
              inner.push_back(static_cast<int>((int64_t(ic) * g.inHeight + h) * g.inWidth + x));
              values.push_back(w);
            }
          }
        outer[static_cast<size_t>(row) + 1] = static_cast<int>(inner.size());
      }
  const Eigen::Map<const SparseRM> view(k.rows(), k.cols(), static_cast<int64_t>(inner.size()), outer.data(),
                                        inner.data(), values.data());
  return SparseRM(view);
}

/// out.row(o) += w * X.row(i), done on transposes so that every axpy is over contiguous memory.
Eigen::MatrixXd kernelTimes(const KernelBlock& k, const Eigen::MatrixXd& x) {
  const Eigen::MatrixXd xt = x.transpose();
  Eigen::MatrixXd ot = Eigen::MatrixXd::Zero(x.cols(), k.rows());
  k.forEachTap([&](int64_t o, int64_t i, double w) { ot.col(o).noalias() += w * xt.col(i); });
  return ot.transpose();
}

/// out.col(i) += w * X.col(o): contiguous columns.
Eigen::MatrixXd timesKernel(const Eigen::MatrixXd& x, const KernelBlock& k) {
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(x.rows(), k.cols());
  k.forEachTap([&](int64_t o, int64_t i, double w) { out.col(i).noalias() += w * x.col(o); });
  return out;
}

}  // namespace cert::gbcsr
