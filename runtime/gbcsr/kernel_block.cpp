// Kernel kind: Toeplitz materialization, density, and products with dense matrices.
#include "runtime/gbcsr/kernel_block.h"

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
