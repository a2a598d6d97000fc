// The CPU backend's storage of coefficient blocks (block_storage.h), and its answers about the
// values (BlockStorageReader: CoefBlock's bytes, nonZeros, allFinite, sameValues).
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
  return CoefBlock::overValues(CoefBlock::Kind::Dense, rows, cols, std::make_shared<const Eigen::MatrixXd>(std::move(m)),
                               cpuBackend());
}

CoefBlock makeDiagonal(Eigen::VectorXd d) {
  const int64_t n = d.size();
  return CoefBlock::overValues(CoefBlock::Kind::Diagonal, n, n, std::make_shared<const Eigen::VectorXd>(std::move(d)),
                               cpuBackend());
}

CoefBlock makeCsr(SparseRM&& m) {
  m.makeCompressed();
  const int64_t rows = m.rows(), cols = m.cols();
  // Swapped in, not moved: Eigen 3.4's SparseMatrix has no move constructor, and std::move copied
  // every index and value (a tenth of a convSmall CROWN run in memcpy).
  auto stored = std::make_shared<SparseRM>();
  stored->swap(m);
  return CoefBlock::overValues(CoefBlock::Kind::Csr, rows, cols, std::move(stored), cpuBackend());
}

CoefBlock makeRowScaled(const CoefBlock& base, Eigen::VectorXd s) {
  if (base.kind() == CoefBlock::Kind::RowScaled) return makeRowScaled(base.scaledBase(), rowScaleOf(base).cwiseProduct(s));
  if (s.size() != base.rows()) throw std::runtime_error("a row view with a scale per row of another block");
  return CoefBlock::rowScaledOver(std::make_shared<const CoefBlock>(base), std::make_shared<const Eigen::VectorXd>(std::move(s)),
                                  cpuBackend());
}

CoefBlock referencedDense(const Eigen::MatrixXd& w) {
  return CoefBlock::overValues(CoefBlock::Kind::Dense, w.rows(), w.cols(),
                               std::shared_ptr<const void>(std::shared_ptr<const void>(), &w),  // no owner
                               cpuBackend(), /*borrowed=*/true);
}

}  // namespace cpu

int64_t cpu::CpuBackend::storedBytes(const CoefBlock& b) const {
  switch (b.kind()) {
    case CoefBlock::Kind::Dense: return b.rows() * b.cols() * 8;
    case CoefBlock::Kind::Diagonal: return b.rows() * 8;
    case CoefBlock::Kind::Kernel: return b.kernelBlock().bytes();
    case CoefBlock::Kind::Csr: {
      const cpu::SparseRM& m = cpu::csrOf(b);
      return m.nonZeros() * 12 + (m.rows() + 1) * 4;  // as gbcsr::CsrBlock
    }
    case CoefBlock::Kind::RowScaled: return b.rows() * 8;  // the scales (the base is counted where stored)
  }
  return 0;
}

int64_t cpu::CpuBackend::storedNonZeros(const CoefBlock& b) const { return cpu::nonZeros(b); }

bool cpu::CpuBackend::storedAllFinite(const CoefBlock& b) const { return cpu::allFinite(b); }

bool cpu::CpuBackend::storedSameValues(const CoefBlock& a, const CoefBlock& b) const {
  if (a.kind() == CoefBlock::Kind::Dense && b.kind() == CoefBlock::Kind::Dense) return cpu::denseOf(a) == cpu::denseOf(b);
  if (a.kind() == CoefBlock::Kind::Diagonal && b.kind() == CoefBlock::Kind::Diagonal)
    return cpu::diagonalOf(a) == cpu::diagonalOf(b);
  return cpu::toDense(a) == cpu::toDense(b);
}

}  // namespace cert::runtime
