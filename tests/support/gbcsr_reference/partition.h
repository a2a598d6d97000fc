// Partition of the union of several same-extent tensors' blocks into pieces: each piece is a box
// where every tensor is either one block or its default; element-wise ops work piece by piece.
#pragma once

#include <vector>

#include "tests/support/gbcsr_reference/tensor.h"

namespace cert::gbcsr {

struct Piece {
  Box box;
  std::vector<int> source;  ///< per tensor: index of the block covering the piece, or -1 (default)
};

/// Pieces covering exactly the union of all blocks (regions where every tensor is its default are
/// left out). Computed on the grid of all block edges, then cells with the same sources are merged
/// along cols, rows and batch, so identical or disjoint layouts give one piece per block.
std::vector<Piece> partition(const std::vector<const Tensor*>& tensors);

/// Blocks of the default value covering every element no block of `t` covers.
std::vector<Block> uncovered(const Tensor& t);

}  // namespace cert::gbcsr
