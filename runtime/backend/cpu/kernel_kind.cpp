// Kernel blocks on the CPU: products are convolutions (convolution.h), scaling scales the weights,
// row selections build the selected rows' taps as Csr.
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/convolution.h"

namespace cert::runtime::cpu::kernel {

Eigen::MatrixXd toDense(const CoefBlock& b) { return toeplitzOf(b.kernelBlock()); }

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
  for (double& w : k->weight) w *= s;
  return CoefBlock::kernel(std::move(k), cpuBackend());
}

CoefBlock scaleRows(const CoefBlock& b, const Eigen::VectorXd& s) {
  // A conv layer's rows scaled (by a ReLU's slopes, e.g. a relaxation written over the layer
  // before the conv) stay a convolution: a RowScaled view while row views are on and the values
  // are finite; else the Toeplitz rows, which hold their taps only, stay sparse unless most of
  // the matrix is taps. A scale that is not finite takes the dense form, where inf * 0 is NaN as
  // in the product written out.
  if (RowViews::enabled() && valuesFinite(s) && allFinite(b)) return makeRowScaled(b, s);
  if (valuesFinite(s)) {
    SparseRM rows = kernelRowsCsr(b.kernelBlock());
    if (static_cast<double>(rows.nonZeros()) <=
        CoefBlock::kCsrDensity * static_cast<double>(b.rows()) * static_cast<double>(b.cols())) {
      for (Eigen::Index i = 0; i < rows.outerSize(); ++i)
        for (SparseRM::InnerIterator it(rows, i); it; ++it) it.valueRef() *= s[i];
      return makeCsr(std::move(rows));
    }
  }
  return makeDense(Eigen::MatrixXd(s.asDiagonal() * toDense(b)));
}

CoefBlock selectRows(const CoefBlock& b, std::span<const int64_t> rows) {
  return makeCsr(kernelRowsSelected(b.kernelBlock(), rows));  // those rows' taps only
}

CoefBlock keepRows(const CoefBlock& b, const std::vector<bool>& keep) {
  // A row view with scales 1 and 0 while row views are on and the weights finite (it stays a
  // convolution, and a scaling of the same rows meets it in one product); else the kept rows' taps
  // as Csr.
  if (RowViews::enabled() && allFinite(b)) {
    Eigen::VectorXd s(b.rows());
    for (Eigen::Index i = 0; i < s.size(); ++i) s[i] = keep[static_cast<size_t>(i)] ? 1.0 : 0.0;
    return makeRowScaled(b, std::move(s));
  }
  std::vector<int64_t> rows;
  for (size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) rows.push_back(static_cast<int64_t>(i));
  return makeCsr(kernelRowsSelected(b.kernelBlock(), rows, b.rows()));
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
  const SparseRM* shared = kernelRows ? csrOf(kernelRows(b.kernelBlock())) : nullptr;
  SparseRM own;
  if (!shared) own = kernelRowsCsr(b.kernelBlock());
  const SparseRM& m = shared ? *shared : own;
  if (static_cast<double>(m.nonZeros()) > budget) return false;
  appendCsrRows(m, out);
  return true;
}

}  // namespace cert::runtime::cpu::kernel
