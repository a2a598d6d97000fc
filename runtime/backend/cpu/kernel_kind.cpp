// Kernel blocks on the CPU: products are convolutions (convolution.h), scaling scales the weights,
// row operations fall back to the Toeplitz matrix (never needed on the hot path).
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/convolution.h"

namespace cert::runtime::cpu::kernel {

Eigen::MatrixXd toDense(const CoefBlock& b) { return b.kernelBlock().item(); }

Eigen::VectorXd row(const CoefBlock& b, int64_t i) {
  Eigen::VectorXd r = Eigen::VectorXd::Zero(b.cols());
  b.kernelBlock().forEachTap([&](int64_t o, int64_t in, double w) {
    if (o == i) r[in] += w;
  });
  return r;
}

int64_t nonZeros(const CoefBlock& b) {
  int64_t n = 0;
  b.kernelBlock().forEachTap([&](int64_t, int64_t, double) { ++n; });
  return n;
}

bool allFinite(const CoefBlock& b) { return valuesFinite(b.kernelBlock().weight); }

CoefBlock scale(const CoefBlock& b, double s) {
  auto k = std::make_shared<gbcsr::KernelBlock>(b.kernelBlock());
  k->weight *= s;
  return CoefBlock::kernel(std::move(k));
}

CoefBlock scaleRows(const CoefBlock& b, const Eigen::VectorXd& s) {
  return CoefBlock::dense(Eigen::MatrixXd(s.asDiagonal() * toDense(b)));
}

CoefBlock keepRows(const CoefBlock& b, const std::vector<bool>& keep) {
  Eigen::MatrixXd m = toDense(b);
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    if (!keep[static_cast<size_t>(i)]) m.row(i).setZero();
  return CoefBlock::dense(std::move(m));
}

Eigen::MatrixXd leftMultiply(const MatrixRef& coef, const CoefBlock& b) {
  if (!valuesFinite(coef) || !allFinite(b)) return coef * toDense(b);  // 0 * inf = NaN as in the dense product
  return timesKernel(coef, b.kernelBlock());  // a transposed convolution by GEMMs (col2im)
}

Eigen::MatrixXd times(const CoefBlock& b, const MatrixRef& x) { return kernelTimes(b.kernelBlock(), x); }

void addTo(Eigen::MatrixXd& m, const CoefBlock& b, double sign) {
  b.kernelBlock().forEachTap([&](int64_t o, int64_t i, double w) { m(o, i) += sign * w; });
}

CoefBlock map(const CoefBlock& b, const std::function<double(double)>& f) { return *mapStoredValues(b, f); }

bool rowTerms(const CoefBlock& b, double budget, const KernelRowsLookup& kernelRows, RowLists& out) {
  const gbcsr::SparseRM* shared = kernelRows ? kernelRows(b.kernelBlock()) : nullptr;
  gbcsr::SparseRM own;
  if (!shared) own = kernelRowsCsr(b.kernelBlock());
  const gbcsr::SparseRM& m = shared ? *shared : own;
  if (static_cast<double>(m.nonZeros()) > budget) return false;
  appendCsrRows(m, out);
  return true;
}

}  // namespace cert::runtime::cpu::kernel
