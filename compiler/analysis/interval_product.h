// Interval products: the four products by which a box rule bounds a weighted sum. IBP's Affine
// rule (and any rule written the same way) computes, for W+ = max(W, 0) and W- = min(W, 0),
//     lower = W+ @ l + W- @ u,    upper = W+ @ u + W- @ l.
// With the box's center c = (l + u) / 2 and radius r = (u - l) / 2 these are
//     lower = W @ c - |W| @ r,    upper = W @ c + |W| @ r,
// two products instead of four (half the multiply-adds; for a convolution, half the im2col work).
// The analysis finds the pattern; the runtime computes it that way when W is a stored block.
#pragma once

#include <vector>

#include "compiler/ir/ir.h"

namespace cert::analysis {

struct IntervalProduct {
  int weight = -1;          ///< W (the value max/min clamp)
  int positive = -1;        ///< W+ = max(W, 0)
  int negative = -1;        ///< W- = min(W, 0)
  int lowerEnd = -1;        ///< l
  int upperEnd = -1;        ///< u
  int lower = -1;           ///< the sum W+ @ l + W- @ u
  int upper = -1;           ///< the sum W+ @ u + W- @ l
  std::vector<int> parts;   ///< the four matmuls and the two sums (their ids)
  /// An offset added to both sums (an Affine rule's `+ curr[bias]`): `binary add` of each sum
  /// (read only there) and one value b, either operand order; -1 when there is none. The runtime
  /// may add b while it writes the bounds (lowerOut = lower + b, upperOut = upper + b: the same
  /// additions, one pass fewer) instead of evaluating the two adds.
  int offset = -1;          ///< b
  int lowerOut = -1;        ///< lower + b
  int upperOut = -1;        ///< upper + b
};

/// The interval products among the instructions of `r` (a region of `p`): two `binary add`s of
/// `matmul over prev` pairs as above, each matmul read only by its add (not a result either), W+ / W- `binary max` /
/// `binary min` of one value with a constant 0 (either operand order, in `p`).
std::vector<IntervalProduct> intervalProductsIn(const ir::Program& p, const ir::Region& r);

/// Marks the two sums of every interval product of `p` (Instr::intervalProduct = "lower" /
/// "upper") and the adds of its offset ("lower + offset" / "upper + offset"), for `certc compile
/// --emit=ir --annotate`.
void computeIntervalProducts(ir::Program& p);

}  // namespace cert::analysis
