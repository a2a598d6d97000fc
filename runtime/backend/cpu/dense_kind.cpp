// Dense blocks on the CPU: GEMMs (over the coefficients' non-zero columns when many are zero),
// row views instead of copies, and the dense form of everything else.
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/backend/cpu/gemm.h"
#include "runtime/backend/cpu/vector_lanes.h"
#include "runtime/product_threads.h"

#include <optional>

namespace cert::runtime::cpu::dense {

namespace {

/// Square with only zeros off the diagonal (exits at the first off-diagonal non-zero).
bool isDiagonal(const Eigen::MatrixXd& m) {
  if (m.rows() != m.cols() || m.rows() < 2) return false;
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (i != j && m(i, j) != 0) return false;
  return true;
}

/// coef * m over the columns of coef that hold a non-zero (rows of m that matter), when at least a
/// fifth of coef's columns are zero: back-substitution through a ReLU layer leaves a zero column
/// for every neuron whose relaxation has slope 0 (inactive), and the GEMM then skips those rows
/// of the next weight. Empty (the full product is taken) when the columns are mostly non-zero or
/// when a skipped row of m holds a non-finite value (the full product's 0 * inf = NaN is kept).
/// m is b's matrix (b's finite mark spares the scan of m).
std::optional<Eigen::MatrixXd> productOverNonZeroColumns(const MatrixRef& coef, const CoefBlock& b) {
  const Eigen::MatrixXd& m = denseOf(b);
  if (coef.cols() < 16 || coef.rows() * m.cols() < 4096) return std::nullopt;
  std::vector<Eigen::Index> used;
  used.reserve(static_cast<size_t>(coef.cols()));
  for (Eigen::Index j = 0; j < coef.cols(); ++j)
    if (anyNonZero(coef.col(j).data(), coef.rows())) used.push_back(j);
  if (static_cast<Eigen::Index>(used.size()) * 5 > coef.cols() * 4) return std::nullopt;
  if (!cpu::allFinite(b)) return std::nullopt;  // one contiguous scan, not one strided row per skipped column
  const auto k = static_cast<Eigen::Index>(used.size());
  Eigen::MatrixXd c(coef.rows(), k), rows(k, m.cols());
  for (Eigen::Index t = 0; t < k; ++t) c.col(t) = coef.col(used[static_cast<size_t>(t)]);
  for (Eigen::Index col = 0; col < m.cols(); ++col) {  // m's used rows, read down its columns
    const double* from = m.col(col).data();
    double* to = rows.col(col).data();
    for (Eigen::Index t = 0; t < k; ++t) to[t] = from[used[static_cast<size_t>(t)]];
  }
  const double work = static_cast<double>(coef.rows()) * static_cast<double>(k) * static_cast<double>(m.cols());
  ScopedProductThreads serial(work < kParallelProductWork ? 1 : 0);
  return gemm(c, rows);
}

}  // namespace

Eigen::MatrixXd toDense(const CoefBlock& b) { return denseOf(b); }

Eigen::VectorXd row(const CoefBlock& b, int64_t i) { return denseOf(b).row(i).transpose(); }

int64_t nonZeros(const CoefBlock& b) { return (denseOf(b).array() != 0).count(); }

bool allFinite(const CoefBlock& b) { return valuesFinite(denseOf(b)); }

CoefBlock scale(const CoefBlock& b, double s) { return makeDense(s * denseOf(b)); }

CoefBlock scaleRows(const CoefBlock& b, const Eigen::VectorXd& s) {
  if (viewable(b)) return makeRowScaled(b, s);
  Eigen::MatrixXd m = s.asDiagonal() * denseOf(b);  // column by column (rows are strided)
  return makeDense(std::move(m));
}

CoefBlock selectRows(const CoefBlock& b, std::span<const int64_t> rows) {
  const Eigen::MatrixXd& m = denseOf(b);
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), m.cols());
  for (Eigen::Index j = 0; j < m.cols(); ++j)  // down each column (the storage order)
    for (size_t k = 0; k < rows.size(); ++k) out(static_cast<Eigen::Index>(k), j) = m(rows[k], j);
  return makeDense(std::move(out));
}

CoefBlock keepRows(const CoefBlock& b, const std::vector<bool>& keep) {
  std::vector<Eigen::Index> zeroed;
  for (Eigen::Index i = 0; i < b.rows(); ++i)
    if (!keep[static_cast<size_t>(i)]) zeroed.push_back(i);
  if (zeroed.empty()) return b;
  if (viewable(b)) {  // finite values: a 0 scale gives exact zeros
    Eigen::VectorXd s = Eigen::VectorXd::Ones(b.rows());
    for (Eigen::Index i : zeroed) s[i] = 0.0;
    return makeRowScaled(b, std::move(s));
  }
  Eigen::MatrixXd m = denseOf(b);
  for (Eigen::Index j = 0; j < m.cols(); ++j) {  // column by column: contiguous
    double* col = m.col(j).data();
    for (Eigen::Index i : zeroed) col[i] = 0.0;
  }
  return makeDense(std::move(m));
}

Eigen::MatrixXd leftMultiply(const MatrixRef& coef, const CoefBlock& b) {
  const Eigen::MatrixXd& m = denseOf(b);
  // The dense executor's blocks may be diagonal in value (identities, ReLU relaxations): a
  // column scaling gives the same result (the GEMM only adds exact zeros).
  if (isDiagonal(m) && cpu::allFinite(b) && valuesFinite(coef)) return coef * m.diagonal().asDiagonal();
  if (std::optional<Eigen::MatrixXd> packed = productOverNonZeroColumns(coef, b)) return std::move(*packed);
  const double work = static_cast<double>(coef.rows()) * static_cast<double>(coef.cols()) * static_cast<double>(m.cols());
  ScopedProductThreads serial(work < kParallelProductWork ? 1 : 0);
  return gemm(coef, m);
}

Eigen::MatrixXd times(const CoefBlock& b, const MatrixRef& x) { return gemm(denseOf(b), x); }

void addTo(Eigen::MatrixXd& m, const CoefBlock& b, double sign) { m += sign * denseOf(b); }

CoefBlock map(const CoefBlock& b, const std::function<double(double)>& f) { return *mapStoredValues(b, f); }

bool rowTerms(const CoefBlock& b, double budget, const KernelRowsLookup&, RowLists& out) {
  const Eigen::MatrixXd& m = denseOf(b);
  if (static_cast<double>((m.array() != 0).count()) > budget) return false;
  for (int64_t j = 0; j < m.cols(); ++j)
    for (int64_t r = 0; r < m.rows(); ++r)
      if (m(r, j) != 0) {
        out.columns[static_cast<size_t>(r)].push_back(j);
        out.values[static_cast<size_t>(r)].push_back(m(r, j));
      }
  return true;
}

}  // namespace cert::runtime::cpu::dense
