// The CPU backend's pairwise sums of blocks (Backend::add, addInto): kinds that stay what they
// are (Diagonal + Diagonal, row scalings of one block), sparse rows summed as CSR, else dense.
#include "runtime/backend/cpu/cpu_backend.h"

#include <stdexcept>
#include <tuple>

namespace cert::runtime::cpu {

CoefBlock CpuBackend::add(const CoefBlock& a, const CoefBlock& b, double sign) const {
  if (a.rows() != b.rows() || a.cols() != b.cols()) throw std::runtime_error("linear forms over different row counts");
  using K = CoefBlock::Kind;
  if (a.kind() == K::Diagonal && b.kind() == K::Diagonal) return makeDiagonal(diagonalOf(a) + sign * diagonalOf(b));
  auto sparseOf = [](const CoefBlock& x) -> SparseRM {
    if (x.kind() == K::Csr) return csrOf(x);
    SparseRM d(x.rows(), x.cols());
    d.reserve(Eigen::VectorXi::Constant(x.rows(), 1));
    for (Eigen::Index i = 0; i < diagonalOf(x).size(); ++i) d.insert(i, i) = diagonalOf(x)[i];
    return d;
  };
  if (a.kind() == K::RowScaled && b.kind() == K::RowScaled && a.scaledBase().storage() == b.scaledBase().storage())
    return makeRowScaled(a.scaledBase(), rowScaleOf(a) + sign * rowScaleOf(b));
  // A row scaling of a block plus (or minus) that block: one view, finite scales.
  for (const auto& [x, y, sx, sy] : {std::tuple{&a, &b, 1.0, sign}, std::tuple{&b, &a, sign, 1.0}})
    if (x->kind() == K::RowScaled && y->kind() == x->scaledBase().kind() && y->storage() == x->scaledBase().storage() &&
        valuesFinite(rowScaleOf(*x)))
      return makeRowScaled(*y, sx * rowScaleOf(*x) + Eigen::VectorXd::Constant(x->rows(), sy));
  // A conv layer's rows scaled (finite scales) meeting sparse rows: summed as CSR rows, as a
  // Kernel's selected rows were before they became views (never its dense Toeplitz matrix).
  auto kernelView = [](const CoefBlock& x) {
    return x.kind() == K::RowScaled && x.scaledBase().kind() == K::Kernel && valuesFinite(rowScaleOf(x));
  };
  auto sparseKind = [&](const CoefBlock& x) { return x.kind() == K::Csr || x.kind() == K::Diagonal || kernelView(x); };
  if ((kernelView(a) || kernelView(b)) && sparseKind(a) && sparseKind(b)) {
    auto rows = [&](const CoefBlock& x) { return kernelView(x) ? rowScaledKernelRows(x, nullptr) : sparseOf(x); };
    return makeCsr(SparseRM(rows(a) + sign * rows(b)));
  }
  const bool sa = a.kind() == K::Csr || a.kind() == K::Diagonal, sb = b.kind() == K::Csr || b.kind() == K::Diagonal;
  if (sa && sb) return makeCsr(SparseRM(sparseOf(a) + sign * sparseOf(b)));
  Eigen::MatrixXd m = toDense(a);
  addToDense(m, b, sign);
  return makeDense(std::move(m));
}

void CpuBackend::addInto(CoefBlock& a, const CoefBlock& b, double sign) const {
  Eigen::MatrixXd* m = uniqueDense(a);
  if (!m || a.rows() != b.rows() || a.cols() != b.cols()) {
    a = add(a, b, sign);
    return;
  }
  addToDense(*m, b, sign);  // the same arithmetic as add's Dense result
}

void CpuBackend::addInto(CoefBlock& a, CoefBlock&& b, double sign) const {
  // A back-substitution step's rows that keep a sparse block (Csr, Diagonal) meet the fresh Dense
  // product of the rows that step: the sum is written into the product's storage (b + a is a + b
  // value for value) instead of a's values made dense, then b added.
  using K = CoefBlock::Kind;
  if (sign == 1.0 && (a.kind() == K::Csr || a.kind() == K::Diagonal) && a.rows() == b.rows() && a.cols() == b.cols() &&
      b.kind() == K::Dense)
    if (Eigen::MatrixXd* m = uniqueDense(b)) {
      addToDense(*m, a, 1.0);
      a = std::move(b);
      return;
    }
  addInto(a, static_cast<const CoefBlock&>(b), sign);
}

}  // namespace cert::runtime::cpu
