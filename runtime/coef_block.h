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
//
// The values are the backend's: this handle holds them as an opaque pointer that the backend
// which made the block reads (the CPU backend's storage: runtime/backend/cpu/block_storage.h);
// blocks are made and read through runtime/backend/backend.h, and the handle's members that read
// values ask the backend that made it (BlockStorageReader), so that two backends can coexist.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "runtime/gbcsr/block_info.h"
#include "runtime/gbcsr/kernel_block.h"

namespace cert::runtime {

class CoefBlock;

/// What the backend that made a block answers about its values (CoefBlock's bytes, nonZeros,
/// allFinite, sameValues ask it); runtime/backend/backend.h's Backend is one.
class BlockStorageReader {
 public:
  virtual ~BlockStorageReader() = default;
  /// Stored bytes (a Kernel's weights; a Diagonal's n values; a RowScaled view's scales).
  virtual int64_t storedBytes(const CoefBlock& b) const = 0;
  virtual int64_t storedNonZeros(const CoefBlock& b) const = 0;
  virtual bool storedAllFinite(const CoefBlock& b) const = 0;
  /// a and b (equal extents; at least one made by this backend, the other by it or a Kernel) hold
  /// the same values.
  virtual bool storedSameValues(const CoefBlock& a, const CoefBlock& b) const = 0;
};

class CoefBlock {
 public:
  enum class Kind { Dense, Diagonal, Kernel, Csr, RowScaled };

  CoefBlock() = default;  ///< an empty (0 x 0) Dense block, no storage
  /// A block of kind Dense, Diagonal or Csr over `values`, the storage of that kind of the
  /// backend `reader` (made and read only by it); `borrowed`: the values belong to the network
  /// (its weight matrix, referenced, not copied) and are never written.
  static CoefBlock overValues(Kind kind, int64_t rows, int64_t cols, std::shared_ptr<const void> values,
                              const BlockStorageReader& reader, bool borrowed = false);
  /// A Kernel block over its g-BCSR description (weights and geometry), for the backend `reader`.
  static CoefBlock kernel(std::shared_ptr<const gbcsr::KernelBlock> k, const BlockStorageReader& reader);
  /// diag(s) x base, base Dense or Kernel with finite values, `scales` the backend's storage of s
  /// (base.rows() values): a Kernel's rows scaled (a conv layer's rows times a ReLU's slopes) keep
  /// its convolutions.
  static CoefBlock rowScaledOver(std::shared_ptr<const CoefBlock> base, std::shared_ptr<const void> scales,
                                 const BlockStorageReader& reader);
  /// A Dense block at most this fraction non-zero is stored as Csr where the caller asks for it
  /// (Backend::compressed).
  static constexpr double kCsrDensity = 0.25;
  /// The backend's storage of the values (Dense, Diagonal, Csr; RowScaled: the scales); nullptr
  /// for an empty default block and for Kernel.
  const void* values() const { return values_.get(); }
  /// The storage for writing, when this block is Dense and owns it alone (its checkedFinite mark
  /// is dropped); nullptr otherwise.
  void* uniqueValues();
  /// This block, marked as holding only finite values by the code that made it and checked them
  /// in the same pass (allFinite then answers without a scan).
  CoefBlock checkedFinite() && {
    finite_ = true;
    return std::move(*this);
  }
  /// True when checkedFinite marked it.
  bool knownFinite() const { return finite_; }

  Kind kind() const { return kind_; }
  /// True for blocks over the network's own weights (Backend::layerWeight: storage owned by the network).
  bool borrowed() const { return borrowed_; }
  gbcsr::Kind gbcsrKind() const;
  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  const gbcsr::KernelBlock& kernelBlock() const { return *kernel_; }  ///< Kernel only
  const std::shared_ptr<const gbcsr::KernelBlock>& kernelShared() const { return kernel_; }  ///< Kernel only
  const CoefBlock& scaledBase() const { return *base_; }             ///< RowScaled only

  /// The storage's identity: equal for copies of one block.
  const void* storage() const;
  /// The backend that made this block (nullptr for an empty default block).
  const BlockStorageReader* reader() const { return reader_; }
  /// Stored bytes (a Kernel's weights; a Diagonal's n values). Answered by the block's backend,
  /// as the three below; an empty default block has none.
  int64_t bytes() const;
  int64_t nonZeros() const;
  bool allFinite() const;
  /// Same values (by storage first, then by value; kinds may differ). Blocks of two different
  /// backends are never the same.
  bool sameValues(const CoefBlock& o) const;

 private:
  Kind kind_ = Kind::Dense;
  bool borrowed_ = false;
  bool finite_ = false;  ///< checkedFinite: the values are known to be finite
  int64_t rows_ = 0, cols_ = 0;
  const BlockStorageReader* reader_ = nullptr;
  std::shared_ptr<const void> values_;  ///< Dense, Diagonal, Csr: the values; RowScaled: the scales
  std::shared_ptr<const gbcsr::KernelBlock> kernel_;
  std::shared_ptr<const CoefBlock> base_;  ///< RowScaled: the Dense or Kernel block
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

/// A Kernel block's Toeplitz rows as a Csr block when built once for the run (nullptr: build them
/// where needed).
using KernelRowsLookup = std::function<const CoefBlock*(const gbcsr::KernelBlock&)>;

/// "Dense", "Diagonal", "Kernel", "Csr" or "RowScaled".
const char* kindName(CoefBlock::Kind k);

}  // namespace cert::runtime
