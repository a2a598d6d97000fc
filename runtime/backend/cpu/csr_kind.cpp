// Csr blocks on the CPU: dense x sparse products, scalings and row selections that stay sparse.
#include "runtime/backend/cpu/block_kinds.h"

namespace cert::runtime::cpu {

void appendCsrRows(const SparseRM& m, RowLists& out) {
  for (int64_t r = 0; r < m.rows(); ++r)
    for (SparseRM::InnerIterator it(m, r); it; ++it)
      if (it.value() != 0) {
        out.columns[static_cast<size_t>(r)].push_back(it.col());
        out.values[static_cast<size_t>(r)].push_back(it.value());
      }
}

SparseRM selectCsrRows(const SparseRM& m, std::span<const int64_t> rows) {
  SparseRM out(static_cast<Eigen::Index>(rows.size()), m.cols());
  const int* outer = m.outerIndexPtr();
  int64_t nnz = 0;
  for (int64_t r : rows) nnz += outer[r + 1] - outer[r];
  out.resizeNonZeros(static_cast<Eigen::Index>(nnz));
  int* outOuter = out.outerIndexPtr();
  int pos = 0;
  for (size_t k = 0; k < rows.size(); ++k) {
    outOuter[k] = pos;
    for (int q = outer[rows[k]]; q < outer[rows[k] + 1]; ++q, ++pos) {
      out.innerIndexPtr()[pos] = m.innerIndexPtr()[q];
      out.valuePtr()[pos] = m.valuePtr()[q];
    }
  }
  outOuter[rows.size()] = pos;
  return out;
}

namespace csr {

Eigen::MatrixXd toDense(const CoefBlock& b) { return Eigen::MatrixXd(csrOf(b)); }

Eigen::VectorXd row(const CoefBlock& b, int64_t i) { return Eigen::VectorXd(csrOf(b).row(i).transpose()); }

int64_t nonZeros(const CoefBlock& b) {
  int64_t n = 0;
  for (Eigen::Index k = 0; k < csrOf(b).nonZeros(); ++k) n += csrOf(b).valuePtr()[k] != 0 ? 1 : 0;
  return n;
}

bool allFinite(const CoefBlock& b) {
  return valuesFinite(Eigen::Map<const Eigen::VectorXd>(csrOf(b).valuePtr(), csrOf(b).nonZeros()));
}

CoefBlock scale(const CoefBlock& b, double s) { return makeCsr(SparseRM(s * csrOf(b))); }

CoefBlock scaleRows(const CoefBlock& b, const Eigen::VectorXd& s) {
  return makeCsr(SparseRM(s.asDiagonal() * csrOf(b)));
}

CoefBlock selectRows(const CoefBlock& b, std::span<const int64_t> rows) {
  return makeCsr(selectCsrRows(csrOf(b), rows));
}

CoefBlock keepRows(const CoefBlock& b, const std::vector<bool>& keep) {
  SparseRM m = csrOf(b);
  m.prune([&](Eigen::Index i, Eigen::Index, double) { return keep[static_cast<size_t>(i)]; });
  return makeCsr(std::move(m));
}

Eigen::MatrixXd leftMultiply(const MatrixRef& coef, const CoefBlock& b) {
  if (allFinite(b) && valuesFinite(coef)) return coef * csrOf(b);
  return coef * toDense(b);  // 0 * inf = NaN as in the dense product
}

Eigen::MatrixXd times(const CoefBlock& b, const MatrixRef& x) { return csrOf(b) * x; }

void addTo(Eigen::MatrixXd& m, const CoefBlock& b, double sign) { m += sign * csrOf(b); }

CoefBlock map(const CoefBlock& b, const std::function<double(double)>& f) {
  // f(0) == 0: only the stored values change (a stored value mapped to 0 stays stored).
  SparseRM m = csrOf(b);
  for (Eigen::Index k = 0; k < m.nonZeros(); ++k) m.valuePtr()[k] = f(m.valuePtr()[k]);
  return makeCsr(std::move(m));
}

bool rowTerms(const CoefBlock& b, double budget, const KernelRowsLookup&, RowLists& out) {
  if (static_cast<double>(csrOf(b).nonZeros()) > budget) return false;
  appendCsrRows(csrOf(b), out);
  return true;
}

}  // namespace csr
}  // namespace cert::runtime::cpu
