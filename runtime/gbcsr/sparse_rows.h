// The storage of a Csr block: one row-major Eigen sparse matrix (unstored elements are 0).
#pragma once

#include <Eigen/Sparse>

namespace cert::gbcsr {

using SparseRM = Eigen::SparseMatrix<double, Eigen::RowMajor>;

}  // namespace cert::gbcsr
