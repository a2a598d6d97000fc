// The CPU backend's storage of a coefficient block (runtime/coef_block.h holds it as an opaque
// pointer): a Dense block's values as an Eigen matrix (its own, or the network's weight matrix
// referenced), a Diagonal block's and a RowScaled block's scales as an Eigen vector, a Csr block's
// as a row-major Eigen sparse matrix; the blocks made over such storage and their values read.
#pragma once

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include "runtime/coef_block.h"

namespace cert::runtime::cpu {

/// The storage of a Csr block (unstored elements are 0).
using SparseRM = Eigen::SparseMatrix<double, Eigen::RowMajor>;

CoefBlock makeDense(Eigen::MatrixXd m);
CoefBlock makeDiagonal(Eigen::VectorXd d);
/// m compressed, its storage taken (swapped, not copied).
CoefBlock makeCsr(SparseRM&& m);
/// diag(s) x base, base Dense or Kernel (s.size() == base.rows()); of a RowScaled base, its base
/// with the scales multiplied.
CoefBlock makeRowScaled(const CoefBlock& base, Eigen::VectorXd s);
/// A Dense block that is the network's own weight matrix, referenced, not copied (an Affine
/// layer's `W * prev`); `w` must outlive the block.
CoefBlock referencedDense(const Eigen::MatrixXd& w);
/// The Dense matrix for writing, when b is Dense and owns its storage alone (CoefBlock::uniqueValues).
inline Eigen::MatrixXd* uniqueDense(CoefBlock& b) { return static_cast<Eigen::MatrixXd*>(b.uniqueValues()); }

/// An empty matrix: the values of a default block.
const Eigen::MatrixXd& emptyDense();
/// The values of a Dense block.
inline const Eigen::MatrixXd& denseOf(const CoefBlock& b) {
  const void* v = b.values();
  return v ? *static_cast<const Eigen::MatrixXd*>(v) : emptyDense();
}
/// A Diagonal block's diagonal.
inline const Eigen::VectorXd& diagonalOf(const CoefBlock& b) { return *static_cast<const Eigen::VectorXd*>(b.values()); }
/// A RowScaled block's scales.
inline const Eigen::VectorXd& rowScaleOf(const CoefBlock& b) { return *static_cast<const Eigen::VectorXd*>(b.values()); }
/// A Csr block's rows.
inline const SparseRM& csrOf(const CoefBlock& b) { return *static_cast<const SparseRM*>(b.values()); }
/// A Csr block's rows, or nullptr for none (a KernelRowsLookup's answer).
inline const SparseRM* csrOf(const CoefBlock* b) { return b ? &csrOf(*b) : nullptr; }

}  // namespace cert::runtime::cpu
