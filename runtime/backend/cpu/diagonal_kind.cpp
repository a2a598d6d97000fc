// Diagonal blocks on the CPU: products are column or row scalings, scalings stay Diagonal.
#include "runtime/backend/cpu/block_kinds.h"

namespace cert::runtime::cpu::diagonal {

Eigen::MatrixXd toDense(const CoefBlock& b) { return Eigen::MatrixXd(diagonalOf(b).asDiagonal()); }

Eigen::VectorXd row(const CoefBlock& b, int64_t i) {
  Eigen::VectorXd r = Eigen::VectorXd::Zero(b.cols());
  r[i] = diagonalOf(b)[i];
  return r;
}

int64_t nonZeros(const CoefBlock& b) { return (diagonalOf(b).array() != 0).count(); }

bool allFinite(const CoefBlock& b) { return valuesFinite(diagonalOf(b)); }

CoefBlock scale(const CoefBlock& b, double s) { return makeDiagonal(s * diagonalOf(b)); }

CoefBlock scaleRows(const CoefBlock& b, const Eigen::VectorXd& s) { return makeDiagonal(diagonalOf(b).cwiseProduct(s)); }

CoefBlock selectRows(const CoefBlock& b, std::span<const int64_t> rows) {
  SparseRM out(static_cast<Eigen::Index>(rows.size()), b.cols());
  // Eigen's makeCompressed after a per-row reserve reads past a zero-row matrix's index array.
  if (!rows.empty()) out.reserve(Eigen::VectorXi::Ones(static_cast<Eigen::Index>(rows.size())));
  for (size_t k = 0; k < rows.size(); ++k)
    if (const double d = diagonalOf(b)[rows[k]]; d != 0) out.insert(static_cast<Eigen::Index>(k), rows[k]) = d;
  out.makeCompressed();
  return makeCsr(std::move(out));
}

CoefBlock keepRows(const CoefBlock& b, const std::vector<bool>& keep) {
  Eigen::VectorXd d = diagonalOf(b);
  for (Eigen::Index i = 0; i < d.size(); ++i)
    if (!keep[static_cast<size_t>(i)]) d[i] = 0;
  return makeDiagonal(std::move(d));
}

Eigen::MatrixXd leftMultiply(const MatrixRef& coef, const CoefBlock& b) {
  // A column scaling. Non-finite coefficients show in the result (inf * d or NaN at the same
  // place); then the dense product is taken instead, so that its 0 * inf = NaN is kept.
  if (!valuesFinite(diagonalOf(b))) return coef * toDense(b);
  Eigen::MatrixXd out(coef.rows(), coef.cols());
  const Eigen::VectorXd& d = diagonalOf(b);
  bool finite = true;
  for (Eigen::Index j = 0; j < coef.cols(); ++j) {  // scaled and checked while in cache
    out.col(j) = coef.col(j) * d[j];
    finite = finite && valuesFinite(out.col(j));
  }
  if (!finite) return coef * toDense(b);
  return out;
}

Eigen::MatrixXd times(const CoefBlock& b, const MatrixRef& x) { return diagonalOf(b).asDiagonal() * x; }

void addTo(Eigen::MatrixXd& m, const CoefBlock& b, double sign) { m.diagonal() += sign * diagonalOf(b); }

CoefBlock map(const CoefBlock& b, const std::function<double(double)>& f) { return *mapStoredValues(b, f); }

bool rowTerms(const CoefBlock& b, double, const KernelRowsLookup&, RowLists& out) {
  for (int64_t r = 0; r < b.rows(); ++r)
    if (diagonalOf(b)[r] != 0) {
      out.columns[static_cast<size_t>(r)].push_back(r);
      out.values[static_cast<size_t>(r)].push_back(diagonalOf(b)[r]);
    }
  return true;
}

}  // namespace cert::runtime::cpu::diagonal
