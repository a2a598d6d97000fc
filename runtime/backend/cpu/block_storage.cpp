// The CPU backend's storage of coefficient blocks (block_storage.h), and the CoefBlock members that
// read values: bytes, nonZeros, allFinite, sameValues.
#include "runtime/backend/cpu/block_storage.h"

#include "runtime/backend/cpu/cpu_backend.h"

namespace cert::runtime {

namespace cpu {

const Eigen::MatrixXd& emptyDense() {
  static const Eigen::MatrixXd empty(0, 0);
  return empty;
}

CoefBlock makeDense(Eigen::MatrixXd m) {
  const int64_t rows = m.rows(), cols = m.cols();
  return CoefBlock::overValues(CoefBlock::Kind::Dense, rows, cols, std::make_shared<const Eigen::MatrixXd>(std::move(m)));
}

CoefBlock makeDiagonal(Eigen::VectorXd d) {
  const int64_t n = d.size();
  return CoefBlock::overValues(CoefBlock::Kind::Diagonal, n, n, std::make_shared<const Eigen::VectorXd>(std::move(d)));
}

CoefBlock makeCsr(SparseRM&& m) {
  m.makeCompressed();
  const int64_t rows = m.rows(), cols = m.cols();
  // Swapped in, not moved: Eigen 3.4's SparseMatrix has no move constructor, and std::move copied
  // every index and value (a tenth of a convSmall CROWN run in memcpy).
  auto stored = std::make_shared<SparseRM>();
  stored->swap(m);
  return CoefBlock::overValues(CoefBlock::Kind::Csr, rows, cols, std::move(stored));
}

CoefBlock makeRowScaled(const CoefBlock& base, Eigen::VectorXd s) {
  if (base.kind() == CoefBlock::Kind::RowScaled) return makeRowScaled(base.scaledBase(), rowScaleOf(base).cwiseProduct(s));
  if (s.size() != base.rows()) throw std::runtime_error("a row view with a scale per row of another block");
  return CoefBlock::rowScaledOver(std::make_shared<const CoefBlock>(base), std::make_shared<const Eigen::VectorXd>(std::move(s)));
}

CoefBlock referencedDense(const Eigen::MatrixXd& w) {
  return CoefBlock::overValues(CoefBlock::Kind::Dense, w.rows(), w.cols(),
                               std::shared_ptr<const void>(std::shared_ptr<const void>(), &w),  // no owner
                               /*borrowed=*/true);
}

}  // namespace cpu

int64_t CoefBlock::bytes() const {
  switch (kind_) {
    case Kind::Dense: return rows_ * cols_ * 8;
    case Kind::Diagonal: return rows_ * 8;
    case Kind::Kernel: return kernel_->bytes();
    case Kind::Csr: {
      const cpu::SparseRM& m = cpu::csrOf(*this);
      return m.nonZeros() * 12 + (m.rows() + 1) * 4;  // as gbcsr::CsrBlock
    }
    case Kind::RowScaled: return rows_ * 8;  // the scales (the base is counted where stored)
  }
  return 0;
}

int64_t CoefBlock::nonZeros() const { return cpu::nonZeros(*this); }

bool CoefBlock::allFinite() const { return cpu::allFinite(*this); }

bool CoefBlock::sameValues(const CoefBlock& o) const {
  if (rows_ != o.rows_ || cols_ != o.cols_) return false;
  if (kind_ == o.kind_ && storage() == o.storage()) return true;
  if (kind_ == Kind::Dense && o.kind_ == Kind::Dense) return cpu::denseOf(*this) == cpu::denseOf(o);
  if (kind_ == Kind::Diagonal && o.kind_ == Kind::Diagonal) return cpu::diagonalOf(*this) == cpu::diagonalOf(o);
  return cpu::toDense(*this) == cpu::toDense(o);
}

}  // namespace cert::runtime
