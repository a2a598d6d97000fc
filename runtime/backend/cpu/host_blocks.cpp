// The CPU backend's blocks from and to host values: Dense, Diagonal and selection blocks built from
// tensors, a block's coefficients and rows read back, a term frame summed along its list frame.
#include "runtime/backend/cpu/cpu_backend.h"

#include <algorithm>
#include <stdexcept>

namespace cert::runtime::cpu {

namespace {

/// m expanded to rows x cols as a host matrix (Tensor::toMatrix), refused as an argument error
/// when m has an 'other' frame.
Eigen::MatrixXd matrixOf(const Tensor& m, int64_t rows, int64_t cols) {
  if (m.d != 1) throw std::invalid_argument("a tensor with an 'other' frame cannot be a block");
  return hostMatrix(m, rows, cols);
}

}  // namespace

CoefBlock CpuBackend::denseBlock(const Tensor& m, int64_t rows, int64_t cols) const {
  return makeDense(matrixOf(m, rows, cols));
}

CoefBlock CpuBackend::identityBlock(int64_t n, bool dense) const {
  if (dense) return makeDense(Eigen::MatrixXd::Identity(n, n));
  return makeDiagonal(Eigen::VectorXd::Ones(n));
}

CoefBlock CpuBackend::layerWeight(const Layer& layer) const {
  if (layer.op != LayerOp::Affine) throw std::invalid_argument("layerWeight: layer '" + layer.name + "' is not Affine");
  return referencedDense(layer.weight);
}

CoefBlock CpuBackend::compressed(const CoefBlock& b, double density) const {
  if (b.kind() != CoefBlock::Kind::Dense || b.rows() * b.cols() == 0) return b;
  const Eigen::MatrixXd& m = denseOf(b);
  const int64_t nnz = (m.array() != 0).count();
  if (static_cast<double>(nnz) > density * static_cast<double>(m.size())) return b;
  return makeCsr(m.sparseView(0.0, 0.0));  // exact: only zeros are dropped
}

CoefBlock CpuBackend::diagonalBlock(const Tensor& d, bool dense) const {
  if (d.c != 1 || d.d != 1) throw std::invalid_argument("a diagonal block from a tensor that is not a column");
  const Eigen::Map<const Eigen::VectorXd> values(d.v.data(), d.r);
  if (dense) return makeDense(Eigen::MatrixXd(values.asDiagonal()));
  return makeDiagonal(values);
}

CoefBlock CpuBackend::selectionBlock(std::span<const std::pair<int64_t, int64_t>> pairs, int64_t n, int64_t cols,
                                     bool dense) const {
  for (size_t k = 0; k < pairs.size(); ++k) {
    const auto [row, col] = pairs[k];
    if (row < 0 || row >= n || col < 0 || col >= cols || (k > 0 && pairs[k - 1].first >= row))
      throw std::invalid_argument("a selection's pairs out of range or not one per row ascending");
  }
  if (dense) {
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(n, cols);
    for (const auto& [row, col] : pairs) m(row, col) = 1;
    return makeDense(std::move(m));
  }
  SparseRM m(n, cols);
  m.resizeNonZeros(static_cast<Eigen::Index>(pairs.size()));
  int* outer = m.outerIndexPtr();
  size_t k = 0;
  for (int64_t r = 0; r < n; ++r) {
    outer[r] = static_cast<int>(k);
    if (k < pairs.size() && pairs[k].first == r) {
      m.innerIndexPtr()[k] = static_cast<int>(pairs[k].second);
      m.valuePtr()[k] = 1;
      ++k;
    }
  }
  outer[n] = static_cast<int>(k);
  return std::move(makeCsr(std::move(m))).checkedFinite();
}

Tensor CpuBackend::denseValues(const CoefBlock& b) const {
  Tensor t = Tensor::uninitialized(b.rows(), b.cols(), 1);
  if (b.kind() == CoefBlock::Kind::Dense) {
    const Eigen::MatrixXd& m = denseOf(b);
    std::copy(m.data(), m.data() + m.size(), t.v.data());
  } else {
    Eigen::Map<Eigen::MatrixXd>(t.v.data(), b.rows(), b.cols()) = toDense(b);
  }
  return t;
}

std::span<const double> CpuBackend::hostCoefs(const CoefBlock& b, Tensor& scratch) const {
  if (b.kind() == CoefBlock::Kind::Dense) {
    const Eigen::MatrixXd& m = denseOf(b);
    return {m.data(), static_cast<size_t>(m.size())};
  }
  scratch = denseValues(b);
  return scratch.v;
}

std::vector<double> CpuBackend::rowValues(const CoefBlock& b, int64_t i) const {
  if (i < 0 || i >= b.rows()) throw std::invalid_argument("a block's row out of range");
  const Eigen::VectorXd r = row(b, i);
  return std::vector<double>(r.data(), r.data() + r.size());
}

Tensor CpuBackend::diagonalValues(const CoefBlock& b) const {
  if (b.kind() != CoefBlock::Kind::Diagonal) throw std::invalid_argument("the diagonal of a block that is not Diagonal");
  const Eigen::VectorXd& d = diagonalOf(b);
  Tensor t = Tensor::uninitialized(d.size(), 1, 1);
  std::copy(d.data(), d.data() + d.size(), t.v.data());
  return t;
}

Tensor CpuBackend::sumAlongList(const Tensor& t, int64_t rows, int64_t width) const {
  Tensor s = Tensor::uninitialized(rows, 1, 1);
  Eigen::Map<Eigen::VectorXd> out(s.v.data(), rows);
  if (t.r == rows && t.c == width && t.d == 1) out = Eigen::Map<const Eigen::MatrixXd>(t.v.data(), rows, width).rowwise().sum();
  else out = matrixOf(t, rows, width).rowwise().sum();
  return s;
}

}  // namespace cert::runtime::cpu
