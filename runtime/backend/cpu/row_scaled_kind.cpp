// RowScaled blocks on the CPU: diag(s) x a Dense base, kept lazily; products scale the
// coefficients' columns and multiply by the base.
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/gemm.h"

namespace cert::runtime::cpu::row_scaled {

Eigen::MatrixXd toDense(const CoefBlock& b) { return b.rowScale().asDiagonal() * b.scaledBase().denseMatrix(); }

Eigen::VectorXd row(const CoefBlock& b, int64_t i) {
  return b.rowScale()[i] * b.scaledBase().denseMatrix().row(i).transpose();
}

int64_t nonZeros(const CoefBlock& b) { return (toDense(b).array() != 0).count(); }

bool allFinite(const CoefBlock& b) { return valuesFinite(b.rowScale()) && valuesFinite(b.scaledBase().denseMatrix()); }

CoefBlock scale(const CoefBlock& b, double s) { return CoefBlock::rowScaled(b.scaledBase(), s * b.rowScale()); }

CoefBlock scaleRows(const CoefBlock& b, const Eigen::VectorXd& s) {
  if (viewable(b)) return CoefBlock::rowScaled(b, s);
  return CoefBlock::dense(Eigen::MatrixXd(s.asDiagonal() * toDense(b)));
}

CoefBlock selectRows(const CoefBlock& b, std::span<const int64_t> rows) {
  const Eigen::MatrixXd& m = b.scaledBase().denseMatrix();
  const Eigen::VectorXd& s = b.rowScale();
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), m.cols());
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (size_t k = 0; k < rows.size(); ++k) out(static_cast<Eigen::Index>(k), j) = s[rows[k]] * m(rows[k], j);
  return CoefBlock::dense(std::move(out));
}

CoefBlock keepRows(const CoefBlock& b, const std::vector<bool>& keep) {
  // The dropped rows' scales are set to 0, not multiplied (an infinite scale times 0 is NaN).
  Eigen::VectorXd s = b.rowScale();
  for (Eigen::Index i = 0; i < s.size(); ++i)
    if (!keep[static_cast<size_t>(i)]) s[i] = 0.0;
  return CoefBlock::rowScaled(b.scaledBase(), std::move(s));
}

Eigen::MatrixXd leftMultiply(const MatrixRef& coef, const CoefBlock& b) {
  if (valuesFinite(coef)) return dense::leftMultiply(coef * b.rowScale().asDiagonal(), b.scaledBase());
  return coef * toDense(b);
}

Eigen::MatrixXd times(const CoefBlock& b, const MatrixRef& x) {
  if (!valuesFinite(b.rowScale())) return toDense(b) * x;  // inf * 0 = NaN per element, as the dense form
  return b.rowScale().asDiagonal() * gemm(b.scaledBase().denseMatrix(), x);
}

void addTo(Eigen::MatrixXd& m, const CoefBlock& b, double sign) { m += sign * toDense(b); }

CoefBlock map(const CoefBlock& b, const std::function<double(double)>& f) {
  return CoefBlock::dense(toDense(b).unaryExpr(f).eval());
}

bool rowTerms(const CoefBlock&, double, const KernelRowsLookup&, RowLists&) { return false; }  // rows of a Dense block

}  // namespace cert::runtime::cpu::row_scaled
