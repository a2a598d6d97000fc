// The g-BCSR tensor [batch, rows, cols]: extents, a default value, non-overlapping blocks; its
// conversions to and from dense, and the layout descriptor the IDE's sparsity view draws.
#pragma once

#include <Eigen/Dense>

#include <string>
#include <vector>

#include "tests/support/gbcsr_reference/block.h"

namespace cert::gbcsr {

/// The dense reference form: one rows x cols matrix per batch item.
using DenseTensor = std::vector<Eigen::MatrixXd>;

/// Elements no block covers hold `defaultValue` (0, or -inf/+inf for uncomputed bounds).
/// Invariant: blocks lie inside the extents and do not overlap.
struct Tensor {
  int64_t batch = 1, rows = 0, cols = 0;
  double defaultValue = 0.0;
  std::vector<Block> blocks;

  /// All elements `value`, no blocks.
  static Tensor filled(int64_t batch, int64_t rows, int64_t cols, double value) {
    return Tensor{batch, rows, cols, value, {}};
  }
  Box whole() const { return Box::of(0, batch, 0, rows, 0, cols); }
  bool sameExtents(const Tensor& o) const { return batch == o.batch && rows == o.rows && cols == o.cols; }
  /// Adds a block after checking that it lies inside and overlaps no other (throws otherwise).
  void add(Block b);
  /// Stored bytes of all blocks (+ 8 for the default).
  int64_t bytes() const;
  /// Bytes of the dense form (batch * rows * cols * 8).
  int64_t denseBytes() const { return batch * rows * cols * 8; }
};

std::vector<BlockInfo> describe(const Tensor& t);
/// One line per block, e.g. "Dense [0,2) x [0,3) x [4,8) 192 B density 0.5" (for prints/goldens).
std::string describeText(const Tensor& t);

DenseTensor toDense(const Tensor& t);

/// Block detection: cuts the tensor along the given row and column edges (each sorted, starting
/// at 0 and ending at the extent; empty = one cell) and stores each cell as the cheapest exact
/// kind: dropped (all default), Constant, Diagonal (square, zero off-diagonal), Csr (density below
/// csrDensity), else Dense; shared when equal across the batch.
Tensor fromDense(const DenseTensor& d, double defaultValue, std::vector<int64_t> rowEdges = {},
                 std::vector<int64_t> colEdges = {}, double csrDensity = 0.1);

/// Exact equality of values (NaN equals NaN), for tests.
bool sameValues(const DenseTensor& a, const DenseTensor& b);

}  // namespace cert::gbcsr
