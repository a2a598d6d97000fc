// A g-BCSR block: where it lies (a Box) and how its values are stored (one of the kinds).
#pragma once

#include <Eigen/Dense>

#include <variant>

#include "runtime/gbcsr/block_info.h"
#include "runtime/gbcsr/box.h"
#include "tests/support/gbcsr_reference/broadcast_block.h"
#include "tests/support/gbcsr_reference/constant_block.h"
#include "tests/support/gbcsr_reference/csr_block.h"
#include "tests/support/gbcsr_reference/dense_block.h"
#include "tests/support/gbcsr_reference/diagonal_block.h"
#include "runtime/gbcsr/kernel_block.h"

namespace cert::gbcsr {

// The kinds (runtime/gbcsr/block_info.h), in the order of BlockData's alternatives.

using BlockData = std::variant<DenseBlock, ConstantBlock, DiagonalBlock, BroadcastBlock, KernelBlock, CsrBlock>;

struct Block {
  Box box;  ///< global coordinates
  BlockData data;

  Kind kind() const { return static_cast<Kind>(data.index()); }
  /// True when every batch item of the block holds the same values.
  bool shared() const;
  int64_t bytes() const;
  double density() const;
  /// The values of batch item b (0 <= b < box.ext[0]) as a box.ext[1] x box.ext[2] matrix.
  Eigen::MatrixXd item(int64_t b) const;
  /// True when no stored value is NaN or infinite (annihilator shortcuts need it).
  bool allFinite() const;
};

/// The part of `b` inside `region` (global coordinates, inside b.box). Kinds kept: Dense, Constant,
/// Broadcast, Csr; Diagonal when the region is square on the diagonal; Kernel when the region is
/// the whole block. Otherwise Dense.
Block restrictTo(const Block& b, const Box& region);

/// Dense data from per-item matrices; one matrix when every item is equal (shared).
BlockData denseData(std::vector<Eigen::MatrixXd> items);

}  // namespace cert::gbcsr
