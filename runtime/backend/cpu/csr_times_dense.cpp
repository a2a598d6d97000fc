// S @ D for CSR S and dense D (csr_times_dense.h).
#include "runtime/backend/cpu/csr_times_dense.h"

#include <stdexcept>
#include <vector>

#include "runtime/backend/cpu/gemm.h"

namespace cert::runtime::cpu {

Eigen::MatrixXd csrTimesDense(const SparseRM& s, const Eigen::MatrixXd& d, bool finiteD) {
  if (s.cols() != d.rows()) throw std::logic_error("csrTimesDense: S's columns are not D's rows");
  if (!s.isCompressed()) return Eigen::MatrixXd(s * d);
  const int* outer = s.outerIndexPtr();
  const int* inner = s.innerIndexPtr();
  const double* values = s.valuePtr();
  std::vector<Eigen::Index> rows;  // S's non-empty rows
  for (Eigen::Index i = 0; i < s.rows(); ++i)
    if (outer[i + 1] > outer[i]) rows.push_back(i);
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(s.rows(), d.cols());
  if (rows.empty() || d.cols() == 0) return out;
  const auto k = static_cast<Eigen::Index>(rows.size());
  const double extent = static_cast<double>(k) * static_cast<double>(s.cols());
  if (finiteD && kDenseRowsFraction * static_cast<double>(s.nonZeros()) >= extent) {
    Eigen::MatrixXd compact = Eigen::MatrixXd::Zero(k, s.cols());
    for (Eigen::Index t = 0; t < k; ++t) {
      const Eigen::Index i = rows[static_cast<size_t>(t)];
      for (int p = outer[i]; p < outer[i + 1]; ++p) compact(t, inner[p]) = values[p];
    }
    const Eigen::MatrixXd product = gemm(compact, d);
    for (Eigen::Index c = 0; c < d.cols(); ++c)
      for (Eigen::Index t = 0; t < k; ++t) out(rows[static_cast<size_t>(t)], c) = product(t, c);
    return out;
  }
  for (Eigen::Index c = 0; c < d.cols(); ++c) {
    const double* column = d.col(c).data();
    double* to = out.col(c).data();
    for (const Eigen::Index i : rows) {
      double sum = 0;
      for (int p = outer[i]; p < outer[i + 1]; ++p) sum += values[p] * column[inner[p]];
      to[i] = sum;
    }
  }
  return out;
}

}  // namespace cert::runtime::cpu
