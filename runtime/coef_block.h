// One coefficient block of a linear form (PolyExp/SymExp): the executor's g-BCSR block over
// [the form's neurons] x [one layer's neurons, or one noise block's symbols]. Kinds: Dense,
// Diagonal (ReLU relaxations, identities, the input box's noise), Kernel (a convolution's
// Toeplitz matrix, never materialized: products are direct convolutions) and Csr (a block that is
// itself sparse: a convolution's receptive fields over the input noise, zero rows of stable
// neurons, zero columns of unused noise symbols). RowScaled is diag(s) x a Dense block, kept lazily
// (a ReLU's SymExp is its input's rows scaled: the rows are not copied); it is made only while
// row views are enabled (RowViews), which the g-BCSR executor does and the dense executor does not. Storage is immutable
// and shared: copying a form (an Affine layer's L and U are one expression) copies pointers, and
// products over the same storage are done once.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <functional>
#include <memory>

#include "runtime/gbcsr/block_info.h"
#include "runtime/gbcsr/sparse_rows.h"
#include "runtime/gbcsr/kernel_block.h"

namespace cert::runtime {

class CoefBlock {
 public:
  enum class Kind { Dense, Diagonal, Kernel, Csr, RowScaled };

  CoefBlock() : dense_(std::make_shared<const Eigen::MatrixXd>(0, 0)) {}  ///< an empty Dense block
  static CoefBlock dense(Eigen::MatrixXd m);
  static CoefBlock diagonal(Eigen::VectorXd d);
  static CoefBlock kernel(std::shared_ptr<const gbcsr::KernelBlock> k);
  static CoefBlock csr(gbcsr::SparseRM&& m);
  /// A Dense block that is the network's own weight matrix, referenced, not copied (an Affine
  /// layer's `W * prev`); `w` must outlive the block.
  static CoefBlock networkWeight(const Eigen::MatrixXd& w);
  /// A Dense block stored as Csr when at most `density` of it is non-zero (else returned as is).
  static CoefBlock compressed(const CoefBlock& b, double density = kCsrDensity);
  /// diag(s) x base, base Dense or Kernel with finite values (s.size() == base.rows()): a
  /// Kernel's rows scaled (a conv layer's rows times a ReLU's slopes) keep its convolutions.
  static CoefBlock rowScaled(const CoefBlock& base, Eigen::VectorXd s);
  static constexpr double kCsrDensity = 0.25;
  /// The Dense matrix for writing, when this block is Dense and owns its storage alone (its
  /// checkedFinite mark is dropped).
  Eigen::MatrixXd* uniqueDense();
  /// The n x n identity: Diagonal, or Dense when `denseOnly` (the dense executor).
  static CoefBlock identity(int64_t n, bool denseOnly);
  /// This block, marked as holding only finite values by the code that made it and checked them
  /// in the same pass (allFinite then answers without a scan).
  CoefBlock checkedFinite() && {
    finite_ = true;
    return std::move(*this);
  }
  /// True when checkedFinite marked it.
  bool knownFinite() const { return finite_; }

  Kind kind() const { return kind_; }
  /// True for networkWeight blocks (storage owned by the network).
  bool borrowed() const { return borrowed_; }
  gbcsr::Kind gbcsrKind() const;
  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  const Eigen::MatrixXd& denseMatrix() const { return *dense_; }  ///< Dense only
  const Eigen::VectorXd& diag() const { return *diag_; }           ///< Diagonal only
  const gbcsr::KernelBlock& kernelBlock() const { return *kernel_; }  ///< Kernel only
  const std::shared_ptr<const gbcsr::KernelBlock>& kernelShared() const { return kernel_; }  ///< Kernel only
  const gbcsr::SparseRM& sparse() const { return *csr_; }             ///< Csr only
  const CoefBlock& scaledBase() const { return *base_; }             ///< RowScaled only
  const Eigen::VectorXd& rowScale() const { return *diag_; }         ///< RowScaled only

  /// The values as a matrix (a Diagonal or Kernel block is materialized).
  Eigen::MatrixXd toDense() const;
  /// Row i as a dense vector.
  Eigen::VectorXd row(int64_t i) const;
  /// The storage's identity: equal for copies of one block.
  const void* storage() const;
  /// Stored bytes (a Kernel's weights; a Diagonal's n values).
  int64_t bytes() const;
  int64_t nonZeros() const;
  bool allFinite() const;
  /// Same values (by storage first, then by value; kinds may differ).
  bool sameValues(const CoefBlock& o) const;

 private:
  Kind kind_ = Kind::Dense;
  bool borrowed_ = false;
  bool finite_ = false;  ///< checkedFinite: the values are known to be finite
  int64_t rows_ = 0, cols_ = 0;
  std::shared_ptr<const Eigen::MatrixXd> dense_;
  std::shared_ptr<const Eigen::VectorXd> diag_;
  std::shared_ptr<const gbcsr::KernelBlock> kernel_;
  std::shared_ptr<const gbcsr::SparseRM> csr_;
  std::shared_ptr<const CoefBlock> base_;  ///< RowScaled: the Dense or Kernel block (its scale in diag_)
};

/// While alive on this thread, scaleRows/keepRows/scaleBlock of a finite Dense block give
/// RowScaled views instead of copies (the g-BCSR executor; the dense executor keeps copies).
class RowViews {
 public:
  explicit RowViews(bool on);
  ~RowViews();
  RowViews(const RowViews&) = delete;
  RowViews& operator=(const RowViews&) = delete;
  static bool enabled();

 private:
  bool saved_;
};

/// A Kernel block's Toeplitz rows as CSR when built once for the run (nullptr: build them where
/// needed).
using KernelRowsLookup = std::function<const gbcsr::SparseRM*(const gbcsr::KernelBlock&)>;

/// "Dense", "Diagonal", "Kernel", "Csr" or "RowScaled".
const char* kindName(CoefBlock::Kind k);

}  // namespace cert::runtime
