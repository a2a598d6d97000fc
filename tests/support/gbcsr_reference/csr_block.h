// Csr kind: a block that is itself sparse (second compression), one row-major Eigen sparse matrix
// per batch item or one shared. Unstored elements are 0.
#pragma once

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include <cstdint>
#include <vector>

namespace cert::gbcsr {

using SparseRM = Eigen::SparseMatrix<double, Eigen::RowMajor>;

struct CsrBlock {
  std::vector<SparseRM> items;

  bool shared() const { return items.size() == 1; }
  const SparseRM& sparse(int64_t b) const { return items[shared() ? 0 : static_cast<size_t>(b)]; }
  Eigen::MatrixXd item(int64_t b) const { return Eigen::MatrixXd(sparse(b)); }
  /// Values (8 bytes) + column indices (4) + row pointers (4 per row + 1).
  int64_t bytes() const {
    int64_t n = 0;
    for (const auto& m : items) n += m.nonZeros() * 12 + (m.rows() + 1) * 4;
    return n;
  }
  double density() const {
    int64_t nz = 0, n = 0;
    for (const auto& m : items) {
      nz += m.nonZeros();
      n += m.rows() * m.cols();
    }
    return n ? double(nz) / double(n) : 0.0;
  }
};

}  // namespace cert::gbcsr
