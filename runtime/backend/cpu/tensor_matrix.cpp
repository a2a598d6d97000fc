// Tensors to and from Eigen matrices (tensor_matrix.h).
#include "runtime/backend/cpu/tensor_matrix.h"

#include <algorithm>
#include <stdexcept>

namespace cert::runtime::cpu {

Tensor columnTensor(const Eigen::Ref<const Eigen::VectorXd>& x) {
  Tensor t = Tensor::uninitialized(x.size(), 1, 1);
  std::copy(x.data(), x.data() + x.size(), t.v.data());
  return t;
}

Tensor matrixTensor(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  Tensor t = Tensor::uninitialized(m.rows(), m.cols(), 1);
  Eigen::Map<Eigen::MatrixXd>(t.v.data(), m.rows(), m.cols()) = m;
  return t;
}

Eigen::MatrixXd hostMatrix(const Tensor& t, int64_t rows, int64_t cols) {
  if (t.d != 1) throw std::runtime_error("a tensor with an 'other' frame cannot be a matrix");
  if (t.r == rows && t.c == cols) return Eigen::Map<const Eigen::MatrixXd>(t.v.data(), rows, cols);
  if (t.r == 1 && t.c == cols) return Eigen::Map<const Eigen::RowVectorXd>(t.v.data(), cols).replicate(rows, 1);
  if (t.r == rows && t.c == 1) return Eigen::Map<const Eigen::VectorXd>(t.v.data(), rows).replicate(1, cols);
  if (t.r == 1 && t.c == 1) return Eigen::MatrixXd::Constant(rows, cols, t.v[0]);
  const Tensor e = t.expand(rows, cols, 1);
  return Eigen::Map<const Eigen::MatrixXd>(e.v.data(), rows, cols);
}

}  // namespace cert::runtime::cpu
