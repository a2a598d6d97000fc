// The CPU backend's operations on one g-BCSR block kind each, one file per kind:
// dense_kind.cpp, diagonal_kind.cpp, kernel_kind.cpp, csr_kind.cpp, row_scaled_kind.cpp. Each kind
// answers the same questions (its values as a matrix, a row, its non-zeros, scaling, row scaling
// and selection, the products coef @ B and B @ x, a sum into a dense matrix, a zero-keeping map,
// and its rows' non-zero terms); cpu_backend.cpp dispatches on the block's kind.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "runtime/backend/backend.h"
#include "runtime/backend/cpu/block_storage.h"
#include "runtime/coef_block.h"

namespace cert::runtime::cpu {

using MatrixRef = Eigen::Ref<const Eigen::MatrixXd>;

/// No inf or NaN in m: one pass with four partial sums of x * 0 (NaN once any x is not finite),
/// several times faster than Eigen's allFinite, which the products call on every coefficient.
bool valuesFinite(const MatrixRef& m);
/// The same over a vector's values (a Kernel's weights).
inline bool valuesFinite(const std::vector<double>& v) {
  return valuesFinite(Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size())));
}

/// Per row, the columns and values of its non-zero coefficients (a sparse term frame).
struct RowLists {
  std::vector<std::vector<int64_t>> columns;
  std::vector<std::vector<double>> values;
};

/// Products below this many multiply-adds run on the calling thread only: on small products the
/// OpenMP team's fork/join and barrier spinning cost more than the split saves (measured on the
/// 256-wide DeepPoly back-substitution: 2 threads 0.8-0.9 s, 1 thread 0.40 s with a busy core).
constexpr double kParallelProductWork = 64.0 * 1024 * 1024;

/// While RowViews are on and `a` is a finite Dense block wide enough (or already a view): row
/// scalings and selections of `a` are kept as RowScaled views instead of copies.
bool viewable(const CoefBlock& a);

/// A RowScaled block over a Kernel base as CSR rows: the base's Toeplitz rows (kernelRows' shared
/// ones where it has them) times the scales, rows with scale 0 left out. Scale and base finite.
SparseRM rowScaledKernelRows(const CoefBlock& b, const KernelRowsLookup& kernelRows);

/// The row lists of a CSR matrix's non-zero values.
void appendCsrRows(const SparseRM& m, RowLists& out);

/// Rows `rows` of m, in that order, as a CSR matrix of rows.size() rows (selectRows of Csr, and
/// of Kernel over its Toeplitz rows).
SparseRM selectCsrRows(const SparseRM& m, std::span<const int64_t> rows);

/// f applied to the stored values of a Dense, Diagonal or Kernel block (f(0) == 0: a Kernel's
/// Toeplitz entries are each one tap or 0, so its map is the map of its weights), f inlined;
/// nullopt for the other kinds. The kinds' `map` and CpuBackend's named maps both use it.
template <class F>
std::optional<CoefBlock> mapStoredValues(const CoefBlock& b, F&& f) {
  switch (b.kind()) {
    case CoefBlock::Kind::Dense: return makeDense(denseOf(b).unaryExpr(f).eval());
    case CoefBlock::Kind::Diagonal: return makeDiagonal(diagonalOf(b).unaryExpr(f).eval());
    case CoefBlock::Kind::Kernel: {
      auto k = std::make_shared<gbcsr::KernelBlock>(b.kernelBlock());
      for (double& w : k->weight) w = f(w);
      return CoefBlock::kernel(std::move(k), cpuBackend());
    }
    default: return std::nullopt;
  }
}

#define CERT_BLOCK_KIND_OPS                                                                  \
  Eigen::MatrixXd toDense(const CoefBlock& b);                                               \
  Eigen::VectorXd row(const CoefBlock& b, int64_t i);                                        \
  int64_t nonZeros(const CoefBlock& b);                                                      \
  bool allFinite(const CoefBlock& b);                                                        \
  CoefBlock scale(const CoefBlock& b, double s);                                             \
  CoefBlock scaleRows(const CoefBlock& b, const Eigen::VectorXd& s);                         \
  CoefBlock keepRows(const CoefBlock& b, const std::vector<bool>& keep);                     \
  CoefBlock selectRows(const CoefBlock& b, std::span<const int64_t> rows);                  \
  Eigen::MatrixXd leftMultiply(const MatrixRef& coef, const CoefBlock& b);                   \
  Eigen::MatrixXd times(const CoefBlock& b, const MatrixRef& x);                       \
  void addTo(Eigen::MatrixXd& m, const CoefBlock& b, double sign);                           \
  CoefBlock map(const CoefBlock& b, const std::function<double(double)>& f);                 \
  /* false when the block holds more than `budget` non-zeros (its rows are left untouched) */ \
  bool rowTerms(const CoefBlock& b, double budget, const KernelRowsLookup& kernelRows, RowLists& out);

/// Dense: an Eigen matrix (owned, or the network's own weight referenced).
namespace dense {
CERT_BLOCK_KIND_OPS
}
/// Diagonal: a vector (ReLU relaxations, identities, the input box's noise).
namespace diagonal {
CERT_BLOCK_KIND_OPS
}
/// Kernel: a convolution's weights and geometry standing for its Toeplitz matrix.
namespace kernel {
CERT_BLOCK_KIND_OPS
}
/// Csr: a row-major sparse matrix.
namespace csr {
CERT_BLOCK_KIND_OPS
}
/// RowScaled: diag(s) x a Dense block, kept lazily.
namespace row_scaled {
CERT_BLOCK_KIND_OPS
}

#undef CERT_BLOCK_KIND_OPS

}  // namespace cert::runtime::cpu
