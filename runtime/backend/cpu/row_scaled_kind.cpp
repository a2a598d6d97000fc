// RowScaled blocks on the CPU: diag(s) x a Dense or Kernel base, kept lazily; products scale the
// coefficients' columns and multiply by the base through the base's own routes (a GEMM, or a
// Kernel's transposed convolution), so a conv layer's rows scaled by a ReLU's slopes stay a
// convolution.
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/backend/cpu/gemm.h"

namespace cert::runtime::cpu {

SparseRM rowScaledKernelRows(const CoefBlock& b, const KernelRowsLookup& kernelRows) {
  const SparseRM* shared = kernelRows ? csrOf(kernelRows(b.scaledBase().kernelBlock())) : nullptr;
  SparseRM m = shared ? *shared : kernelRowsCsr(b.scaledBase().kernelBlock());
  const Eigen::VectorXd& s = rowScaleOf(b);
  for (Eigen::Index i = 0; i < m.outerSize(); ++i)
    for (SparseRM::InnerIterator it(m, i); it; ++it) it.valueRef() *= s[i];
  m.prune(0.0, 0.0);  // the rows a 0 scale drops (scale and base are finite: nothing else is 0 * x)
  m.makeCompressed();
  return m;
}

namespace row_scaled {

namespace {
bool kernelBase(const CoefBlock& b) { return b.scaledBase().kind() == CoefBlock::Kind::Kernel; }
}  // namespace

Eigen::MatrixXd toDense(const CoefBlock& b) { return rowScaleOf(b).asDiagonal() * cpu::toDense(b.scaledBase()); }

Eigen::VectorXd row(const CoefBlock& b, int64_t i) { return rowScaleOf(b)[i] * cpu::row(b.scaledBase(), i); }

int64_t nonZeros(const CoefBlock& b) {
  if (kernelBase(b) && valuesFinite(rowScaleOf(b))) return rowScaledKernelRows(b, nullptr).nonZeros();
  return (toDense(b).array() != 0).count();
}

bool allFinite(const CoefBlock& b) { return valuesFinite(rowScaleOf(b)) && cpu::allFinite(b.scaledBase()); }

CoefBlock scale(const CoefBlock& b, double s) { return makeRowScaled(b.scaledBase(), s * rowScaleOf(b)); }

CoefBlock scaleRows(const CoefBlock& b, const Eigen::VectorXd& s) {
  if (viewable(b)) return makeRowScaled(b, s);
  return makeDense(Eigen::MatrixXd(s.asDiagonal() * toDense(b)));
}

CoefBlock selectRows(const CoefBlock& b, std::span<const int64_t> rows) {
  const Eigen::VectorXd& s = rowScaleOf(b);
  if (kernelBase(b)) {  // those rows' taps, scaled, as Csr (as a Kernel's selection)
    SparseRM m = kernelRowsSelected(b.scaledBase().kernelBlock(), rows);
    for (Eigen::Index k = 0; k < m.outerSize(); ++k)
      for (SparseRM::InnerIterator it(m, k); it; ++it) it.valueRef() *= s[rows[static_cast<size_t>(k)]];
    return makeCsr(std::move(m));
  }
  const Eigen::MatrixXd& m = denseOf(b.scaledBase());
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), m.cols());
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (size_t k = 0; k < rows.size(); ++k) out(static_cast<Eigen::Index>(k), j) = s[rows[k]] * m(rows[k], j);
  return makeDense(std::move(out));
}

CoefBlock keepRows(const CoefBlock& b, const std::vector<bool>& keep) {
  // The dropped rows' scales are set to 0, not multiplied (an infinite scale times 0 is NaN).
  Eigen::VectorXd s = rowScaleOf(b);
  for (Eigen::Index i = 0; i < s.size(); ++i)
    if (!keep[static_cast<size_t>(i)]) s[i] = 0.0;
  return makeRowScaled(b.scaledBase(), std::move(s));
}

Eigen::MatrixXd leftMultiply(const MatrixRef& coef, const CoefBlock& b) {
  // coef diag(s) base: the columns scaled, then the base's product (a GEMM or a Kernel's
  // transposed convolution).
  if (valuesFinite(coef) && valuesFinite(rowScaleOf(b)))
    return leftMultiplyMatrix(Eigen::MatrixXd(coef * rowScaleOf(b).asDiagonal()), b.scaledBase());
  return coef * toDense(b);  // 0 * inf = NaN as in the dense product
}

Eigen::MatrixXd times(const CoefBlock& b, const MatrixRef& x) {
  if (!valuesFinite(rowScaleOf(b))) return toDense(b) * x;  // inf * 0 = NaN per element, as the dense form
  if (kernelBase(b)) return rowScaleOf(b).asDiagonal() * kernel::times(b.scaledBase(), x);
  return rowScaleOf(b).asDiagonal() * gemm(denseOf(b.scaledBase()), x);
}

void addTo(Eigen::MatrixXd& m, const CoefBlock& b, double sign) {
  if (kernelBase(b) && valuesFinite(rowScaleOf(b))) {
    const Eigen::VectorXd& s = rowScaleOf(b);
    b.scaledBase().kernelBlock().forEachTap([&](int64_t o, int64_t i, double w) { m(o, i) += sign * s[o] * w; });
    return;
  }
  m += sign * toDense(b);
}

CoefBlock map(const CoefBlock& b, const std::function<double(double)>& f) {
  if (kernelBase(b) && valuesFinite(rowScaleOf(b))) {  // f(0) == 0: only the stored (scaled) taps change
    SparseRM m = rowScaledKernelRows(b, nullptr);
    for (Eigen::Index k = 0; k < m.nonZeros(); ++k) m.valuePtr()[k] = f(m.valuePtr()[k]);
    return makeCsr(std::move(m));
  }
  return makeDense(toDense(b).unaryExpr(f).eval());
}

bool rowTerms(const CoefBlock& b, double budget, const KernelRowsLookup& kernelRows, RowLists& out) {
  if (!kernelBase(b) || !valuesFinite(rowScaleOf(b))) return false;  // rows of a Dense block (or not finite)
  const SparseRM m = rowScaledKernelRows(b, kernelRows);
  if (static_cast<double>(m.nonZeros()) > budget) return false;
  appendCsrRows(m, out);
  return true;
}

}  // namespace row_scaled
}  // namespace cert::runtime::cpu
